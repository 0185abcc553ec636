"""demo/ builds on the domain apps; the domain apps never reach into it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", ["rota", "pathways", "config"])
def test_domain_apps_never_import_demo(app):
    offenders = sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / app).rglob("*.py")
        if any(name == "demo" or name.startswith("demo.") for name in _imported_modules(path))
    )
    assert offenders == []
