"""The pathway rules are pure: engine, validation and tree import no database code.

Loading is :mod:`pathways.selectors`' job; the rules may use :mod:`rota.oncall`,
:mod:`rota.calendars` and other modules that are pure themselves.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from pathways.engine import URGENCY_LABELS
from pathways.models import Urgency

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[2]
PURE = ("pathways.engine", "pathways.validation", "pathways.tree")


def _imported_names(module: str) -> set[str]:
    """Every module named by an import statement in ``module``'s source, nested ones too."""
    source = (ROOT / (module.replace(".", "/") + ".py")).read_text()
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _forbidden(name: str) -> bool:
    return name.startswith("django.db") or name.split(".")[-1] in {"models", "selectors"}


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_no_database_code_not_even_inside_a_function(module):
    assert sorted(name for name in _imported_names(module) if _forbidden(name)) == []


def test_importing_the_rules_loads_no_database_code_transitively():
    probe = (
        "import sys\n"
        f"import {', '.join(PURE)}\n"
        "project = ('pathways', 'rota')\n"
        "print('\\n'.join(sorted(name for name in sys.modules if name.startswith('django.db')"
        " or (name.startswith(project) and name.split('.')[-1] in ('models', 'selectors')))))\n"
    )
    result = subprocess.run(  # noqa: S603 - a fixed probe, run with this interpreter
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.split() == []


def test_the_engines_urgency_labels_are_the_models():
    assert dict(Urgency.choices) == URGENCY_LABELS
