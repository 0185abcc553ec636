"""The diff between two versions: nodes matched by identity, wording word by word."""

from dataclasses import replace

import pytest

from pathways.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    FieldChange,
    NodeChange,
    Word,
    version_diff,
    words_diff,
)
from tests.pathways.plain import (
    by_site,
    fixed_step,
    hours,
    outcome,
    question,
    role_step,
    rota_step,
    tree,
)

pytestmark = pytest.mark.pure


def _named(node, identity):
    return replace(node, identity=identity)


def _base():
    return tree(
        _named(question("bleed", ("yes", "o-ir"), ("no", "o-vasc"), text="Is it bleeding now?"),
               "id-bleed"),
        _named(outcome("o-ir", role_step()), "id-ir"),
        _named(outcome("o-vasc", rota_step(5, order=1), fixed_step(order=2)), "id-vasc"),
    )


def test_words_diff_marks_removed_and_added_words_in_order():
    assert words_diff("Is it bleeding now?", "Is it actively bleeding?") == (
        Word("same", "Is it"), Word("removed", "bleeding now?"),
        Word("added", "actively bleeding?"),
    )


def test_words_diff_of_equal_text_is_all_same():
    assert words_diff("Call now", "Call now") == (Word("same", "Call now"),)


def test_diff_of_a_version_with_itself_is_empty():
    diff = version_diff(_base(), _base())
    assert diff.nodes == ()
    assert diff.is_empty


def test_diff_a_renamed_key_is_a_change_not_a_removal_and_addition():
    old = _base()
    renamed = _named(outcome("o-ir-now", role_step()), "id-ir")
    new = tree(
        _named(question("bleed", ("yes", "o-ir-now"), ("no", "o-vasc"),
                        text="Is it bleeding now?"), "id-bleed"),
        renamed, old.nodes["o-vasc"],
    )
    diff = version_diff(old, new)
    # The arrow into the renamed node still leads to the same node: not a change.
    assert diff.nodes == (
        NodeChange(CHANGED, "o-ir-now", "Outcome o-ir-now", (
            FieldChange("key", "Key", ("o-ir",), ("o-ir-now",)),
            FieldChange("text", "Wording", ("Outcome o-ir",), ("Outcome o-ir-now",),
                        (Word("same", "Outcome"), Word("removed", "o-ir"),
                         Word("added", "o-ir-now"))),
            FieldChange("instructions", "Instructions", ("Do **o-ir**.",),
                        ("Do **o-ir-now**.",),
                        (Word("same", "Do"), Word("removed", "**o-ir**."),
                         Word("added", "**o-ir-now**."))),
        )),
    )


def test_diff_lists_added_and_removed_nodes_and_the_changed_target():
    old = _base()
    new = tree(
        _named(question("bleed", ("yes", "o-new"), ("no", "o-vasc"), text="Is it bleeding now?"),
               "id-bleed"),
        _named(outcome("o-new", role_step()), "id-new"),
        old.nodes["o-vasc"],
    )
    diff = version_diff(old, new)
    assert diff.having(ADDED) == (NodeChange(ADDED, "o-new", "Outcome o-new"),)
    assert diff.having(REMOVED) == (NodeChange(REMOVED, "o-ir", "Outcome o-ir"),)
    assert diff.having(CHANGED) == (NodeChange(CHANGED, "bleed", "Is it bleeding now?", (
        FieldChange("options", "Options",
                    ("“Answer yes” → o-ir", "“Answer no” → o-vasc"),
                    ("“Answer yes” → o-new", "“Answer no” → o-vasc")),
    )),)
    assert diff.marked_keys == ("bleed", "o-new")


def test_diff_reordered_contact_steps_are_a_change_named_by_rota():
    old = _base()
    swapped = replace(old.nodes["o-vasc"], steps=tuple(reversed(old.nodes["o-vasc"].steps)))
    new = tree(old.nodes["bleed"], old.nodes["o-ir"], swapped)
    diff = version_diff(old, new, {5: "Vascular"})
    assert diff.nodes == (NodeChange(CHANGED, "o-vasc", "Outcome o-vasc", (
        FieldChange("steps", "Contact steps",
                    ("rota Vascular: Call the rota",
                     "North switchboard 0113 496 0011: Ask for the team"),
                    ("North switchboard 0113 496 0011: Ask for the team",
                     "rota Vascular: Call the rota")),
    )),)


def test_diff_changed_branch_and_urgency_are_listed():
    old = tree(_named(hours("when", "o-a", "o-b"), "id-when"),
               _named(outcome("o-a", role_step()), "id-a"),
               _named(outcome("o-b", role_step(), urgency="urgent"), "id-b"))
    new = tree(_named(by_site("when", ("site", "o-a", 11), ("default", "o-b")), "id-when"),
               old.nodes["o-a"],
               _named(outcome("o-b", role_step(), urgency="immediate"), "id-b"))
    diff = version_diff(old, new)
    assert [c.key for c in diff.nodes] == ["when", "o-b"]
    when, o_b = diff.nodes
    assert [f.field for f in when.fields] == ["kind", "text", "branches"]
    assert when.fields[2].after == ("From North → o-a", "From any other site → o-b")
    assert o_b.fields == (FieldChange("urgency", "Urgency", ("urgent",), ("immediate",)),)


def test_diff_without_identities_matches_by_key():
    old = tree(question("q", ("a", "o1"), ("b", "o1")), outcome("o1", role_step()))
    new = tree(question("q", ("a", "o1"), ("b", "o1"), text="Reworded?"),
               outcome("o1", role_step()))
    diff = version_diff(old, new)
    assert [(c.status, c.key) for c in diff.nodes] == [(CHANGED, "q")]


def test_diff_reports_a_new_first_node():
    old = _base()
    new = replace(_base(), root_key="o-ir")
    assert version_diff(old, new).root == ("bleed", "o-ir")
