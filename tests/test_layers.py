"""The import contract between layers, checked on the source.

Every project module is parsed with ``ast``; its imports (at module level and
inside functions) are resolved to project modules, and the graph is walked
transitively. The layers, lowest first::

    common -> rota models and access -> selectors -> pure cores -> api, views, admin
    rota -> pathways -> demo

so: ``rota`` never reaches ``pathways`` or ``demo``; ``api`` and ``common``
never reach ``pathways``; ``common`` reaches no app; no app but ``demo`` reaches
``demo``; and the pure cores never reach the database (``django.db`` or any
``models`` module).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "bench", "common", "config", "demo", "pathways", "rota")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _is_package(name: str) -> bool:
    return _sources().get(name, Path()).name == "__init__.py"


def _project_module(name: str) -> str | None:
    """The project module ``name`` denotes, or its nearest project parent; None if external."""
    while name:
        if name in _sources():
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def direct_imports(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """(project modules, external module names) that ``module`` imports anywhere in its body."""
    tree = ast.parse(_sources()[module].read_text(), filename=str(_sources()[module]))
    package = module if _is_package(module) else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            names.add(stem)
            # "from rota import access" imports the module rota.access.
            names.update(f"{stem}.{alias.name}" for alias in node.names)
    project, external = set(), set()
    for name in names:
        if name.split(".")[0] in PACKAGES:
            found = _project_module(name)
            if found is not None:
                project.add(found)
                # Importing a.b.c runs a/__init__.py and a/b/__init__.py too.
                parts = found.split(".")
                project.update(".".join(parts[:i]) for i in range(1, len(parts))
                               if ".".join(parts[:i]) in _sources())
        else:
            external.add(name)
    project.discard(module)
    return frozenset(project), frozenset(external)


@cache
def reach(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """Every project module ``module`` reaches transitively, and every external name imported."""
    seen, external, stack = {module}, set(), [module]
    while stack:
        project, outside = direct_imports(stack.pop())
        external |= outside
        for name in project - seen:
            seen.add(name)
            stack.append(name)
    seen.discard(module)
    return frozenset(seen), frozenset(external)


def modules_of(package: str) -> list[str]:
    return sorted(name for name in _sources() if name.split(".")[0] == package)


def _app(name: str) -> str:
    return name.split(".")[0]


def offending_paths(package: str, forbidden) -> dict[str, list[str]]:
    """For each module of ``package``, the forbidden modules it reaches (empty when none)."""
    found = {}
    for module in modules_of(package):
        bad = sorted(name for name in reach(module)[0] if forbidden(name))
        if bad:
            found[module] = bad
    return found


# --- The graph itself ------------------------------------------------------


def test_the_walk_sees_function_level_imports():
    # rota.oncall imports rota.calendars inside a function as well as at the top;
    assert "rota.calendars" in direct_imports("rota.oncall")[0]
    assert "rota.models" in reach("rota.admin")[0]
    assert "django.db" in " ".join(reach("rota.selectors")[1])


# --- Which app may reach which ---------------------------------------------


@pytest.mark.parametrize(("package", "forbidden_apps"), [
    ("rota", {"pathways", "demo"}),
    ("api", {"pathways", "demo"}),
    ("common", {"api", "bench", "config", "demo", "pathways", "rota"}),
    ("pathways", {"demo"}),
    ("config", {"demo"}),
])
def test_layers_never_reach_upwards(package, forbidden_apps):
    assert offending_paths(package, lambda name: _app(name) in forbidden_apps) == {}


# The API's plumbing lives in api/. rota's own API module, its token admin and its input
# serializers are adapters like pathways'; only the on-call answer's documented shape
# (rota.serializers.OnCallAnswerSerializer) is still read from rota.serializers.
ROTA_API_INTERNALS = {"rota.api", "rota.token_admin", "rota.tokens"}


def test_pathways_imports_no_rota_api_internals():
    direct = {
        module: sorted(direct_imports(module)[0] & ROTA_API_INTERNALS)
        for module in modules_of("pathways")
    }
    assert {module: names for module, names in direct.items() if names} == {}


# --- Pure cores -------------------------------------------------------------


def _database(project: frozenset[str], external: frozenset[str]) -> list[str]:
    reached = [name for name in project if name.endswith(".models") or name == "models"]
    reached += [name for name in external
                if name == "django.db" or name.startswith("django.db.")
                or name.endswith(".models")]
    return sorted(reached)


@pytest.mark.parametrize("module", [
    "rota.oncall",
    "rota.calendars",
    "common.london",
    "common.ods",
    "common.phones",
    "rota.visibility",
    "rota.presentation",
    "pathways.engine",
    "pathways.validation",
    "pathways.tree",
])
def test_pure_cores_never_reach_the_database(module):
    assert _database(*reach(module)) == []
