"""Reachability, asked once for the engine and for validation (pure: no database)."""

import pytest

from pathways.tree import reach, reachable_from, successors
from tests.pathways.plain import hours, outcome, question, role_step, tree

pytestmark = pytest.mark.pure

DIAMOND = tree(
    question("a", ("left", "b"), ("right", "c")),
    hours("b", "d", "missing"),
    question("c", ("on", "d"), ("back", "c")),
    outcome("d", role_step()),
    outcome("stray", role_step()),
)


def test_successors_keep_only_keys_that_are_nodes():
    assert successors(DIAMOND.nodes) == {
        "a": ["b", "c"], "b": ["d"], "c": ["d", "c"], "d": [], "stray": [],
    }


def test_reach_is_one_step_or_more_so_a_node_reaches_itself_only_on_a_cycle():
    graph = successors(DIAMOND.nodes)
    assert reach(graph, "a") == {"b", "c", "d"}
    assert reach(graph, "c") == {"c", "d"}
    assert reach(graph, "d") == set()
    assert reach(graph, "nowhere") == set()


def test_reachable_from_includes_the_start_and_nothing_for_a_missing_one():
    assert reachable_from(DIAMOND, "a") == {"a", "b", "c", "d"}
    assert reachable_from(DIAMOND, "stray") == {"stray"}
    assert reachable_from(DIAMOND, "missing") == set()
