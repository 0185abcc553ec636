"""The hazard log is executable: every control names tests that exist and cite it.

The named tests run in the same suite, so a failing control fails CI.
"""

import ast
import re
from pathlib import Path

import pytest

from config.hazard_log import LIKELIHOOD, LOG, PAGE, SEVERITY, STATUSES, load, render, risk

ROOT = Path(__file__).resolve().parents[2]
HAZARDS = load()
CITATION = re.compile(r"Controls ((?:H-\d\d(?:, )?)+)")


def _tests_named() -> list[tuple[str, str, str]]:
    return [
        (h["id"], *test.split("::"))
        for h in HAZARDS for control in h["controls"] for test in control["tests"]
    ]


def _docstring(path: str, name: str) -> str | None:
    tree = ast.parse((ROOT / path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_docstring(node) or ""
    return None


def test_hazard_log_entries_are_complete_and_numbered_in_order():
    assert [h["id"] for h in HAZARDS] == [f"H-{n:02d}" for n in range(1, len(HAZARDS) + 1)]
    for h in HAZARDS:
        assert {"hazard", "causes", "effect", "initial", "controls", "residual",
                "status"} <= set(h), h["id"]
        for rating in (h["initial"], h["residual"]):
            assert rating["severity"] in SEVERITY and rating["likelihood"] in LIKELIHOOD
        assert risk(h["residual"]) <= risk(h["initial"]), h["id"]
        assert h["status"] in STATUSES, h["id"]
        if h["status"] == "control planned":
            assert h.get("planned_by"), f"{h['id']} is planned: say which change brings it"


def test_hazard_log_covers_at_least_the_hazards_the_service_was_asked_to_consider():
    assert len(HAZARDS) >= 26


def test_every_controlled_hazard_names_tests():
    for h in HAZARDS:
        tests = [t for c in h["controls"] for t in c["tests"]]
        if h["status"] == "controlled":
            assert tests, f"{h['id']} is controlled but names no test"


@pytest.mark.parametrize(("hazard", "path", "name"), _tests_named(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_named_test_exists_and_cites_its_hazard(hazard, path, name):
    doc = _docstring(path, name)
    assert doc is not None, f"{path}::{name}, named for {hazard}, does not exist"
    cited = {i for match in CITATION.findall(doc) for i in match.split(", ")}
    assert hazard in cited, f"{path}::{name} does not say 'Controls {hazard}'"


def test_every_citation_in_the_suite_is_of_a_hazard_in_the_log():
    known = {h["id"] for h in HAZARDS}
    named = {(path, name) for _, path, name in _tests_named()}
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            doc = ast.get_docstring(node) or ""
            for match in CITATION.findall(doc):
                for hazard in match.split(", "):
                    where = f"{path.relative_to(ROOT)}::{node.name}"
                    assert hazard in known, f"{where} cites {hazard}, not in the log"
                    assert (str(path.relative_to(ROOT)), node.name) in named, (
                        f"{where} cites {hazard} but the log does not name it"
                    )


def test_the_rendered_page_is_current():
    assert PAGE.read_text() == render(load(LOG)), "run: python -m config.hazard_log"
