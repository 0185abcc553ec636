"""The editor's indented outline: each node once, ways in order, nothing hidden."""

import pytest

from pathways.outline import indented_outline
from pathways.printing import outline
from tests.pathways.plain import hours, outcome, question, role_step, tree

pytestmark = pytest.mark.pure


def _lines(plain):
    rows = indented_outline(plain, outline(plain, {}))
    return [
        (row.depth, row.step.key if row.step else row.label,
         "unreachable" if row.unreachable else "missing" if row.missing
         else f"continues {row.target_number}" if row.continues
         else row.target_number or "")
        for row in rows
    ]


def test_outline_nests_each_way_under_its_node_and_shows_a_shared_node_once():
    # Numbers are the printed pathway's: breadth first from the root.
    plain = tree(
        hours("when", "q", "o-b"),
        question("q", ("yes", "o-a"), ("no", "o-b")),
        outcome("o-a", role_step()),
        outcome("o-b", role_step()),
    )
    assert _lines(plain) == [
        (0, "when", ""),
        (1, "In hours", 2), (2, "q", ""),
        (3, "“Answer yes”", 4), (4, "o-a", ""),
        (3, "“Answer no”", 3), (4, "o-b", ""),
        (1, "Out of hours", "continues 3"),
    ]


def test_outline_shows_missing_targets_and_unreachable_nodes():
    plain = tree(
        question("q", ("yes", "o-a"), ("no", "gone")),
        outcome("o-a", role_step()),
        outcome("stray", role_step()),
    )
    assert _lines(plain) == [
        (0, "q", ""),
        (1, "“Answer yes”", 2), (2, "o-a", ""),
        (1, "“Answer no”", "missing"),
        (0, "stray", "unreachable"),
    ]
