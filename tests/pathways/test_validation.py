"""What makes a version publishable: every problem, named by node, all at once."""

import pytest

from pathways.tree import PlainBranch, PlainNode, PlainOption, PlainStep, PlainTree
from pathways.validation import representative_instants, validate_tree
from rota.calendars import NetworkCalendar, hours_status
from tests.pathways.plain import (
    by_site,
    fixed_step,
    hours,
    outcome,
    question,
    role_step,
    rota_info,
    rota_step,
    schedule,
    tree,
)

pytestmark = pytest.mark.pure


def problems_of(version_tree, rotas_schedule=None):
    return [(p.node_key, p.code) for p in validate_tree(version_tree, rotas_schedule or schedule())]


VALID = tree(
    hours("when", "q", "site"),
    question("q", ("yes", "o-day"), ("no", "o-vascular")),
    by_site("site", ("site", "o-north", 11), ("default", "o-night")),
    outcome("o-day", role_step()),
    outcome("o-vascular", rota_step(3)),
    outcome("o-north", role_step(), role_step("ir-second", order=2)),
    outcome("o-night", fixed_step(), role_step("ir-second", order=2)),
)


def test_validate_valid_tree_has_no_problems():
    assert validate_tree(VALID, schedule()) == []


def test_validate_reports_every_problem_at_once_with_its_node():
    broken = tree(
        question("q", ("a", "w"), ("b", "nowhere")),
        PlainNode("w", "time_window", "Time", branches=(
            PlainBranch("in_hours", "o"), PlainBranch("default", "o"))),
        by_site("s", ("site", "o", 11)),
        question("lonely", ("a", "o")),
        outcome("o"),
        PlainNode("loop-a", "question", "A?", options=(
            PlainOption("x", "X", "loop-b"), PlainOption("y", "Y", "o"))),
        PlainNode("loop-b", "question", "B?", options=(
            PlainOption("x", "X", "loop-a"), PlainOption("y", "Y", "o"))),
        PlainNode("o-bad", "outcome", "Bad", steps=(PlainStep("rota", 1, rota_id=77),)),
    )
    assert [(p.node_key, p.code, p.message) for p in validate_tree(broken, schedule())] == [
        ("q", "dangling", "Option 'b' leads to 'nowhere', which is not a node of this version."),
        ("w", "wrong_branch", "A time window node has no 'default' branch."),
        ("w", "missing_branch", "The out of hours branch is missing."),
        ("s", "missing_default", "A referring-site node needs a default branch."),
        ("s", "extra_root",
         "Nothing leads to this node and it is not the root: it is unreachable."),
        ("lonely", "too_few_options", "A question needs at least two options."),
        ("lonely", "extra_root",
         "Nothing leads to this node and it is not the root: it is unreachable."),
        ("o", "no_contact", "An outcome needs at least one contact step."),
        ("loop-a", "cycle", "This node is on a cycle: loop-a, loop-b."),
        ("loop-a", "unreachable", "This node cannot be reached from the root."),
        ("loop-b", "cycle", "This node is on a cycle: loop-a, loop-b."),
        ("loop-b", "unreachable", "This node cannot be reached from the root."),
        ("o-bad", "missing_urgency", "An outcome needs an urgency."),
        ("o-bad", "rota_outside_network",
         "Contact step 1 names a rota that is not part of this network."),
        ("o-bad", "extra_root",
         "Nothing leads to this node and it is not the root: it is unreachable."),
    ]


def test_validate_missing_root_names_the_root_key():
    assert problems_of(tree(outcome("o", fixed_step()), root="start")) == [
        ("start", "missing_root"),
    ]


def test_validate_empty_version():
    empty = PlainTree(network_id=1, root_key="", nodes={}, sites={})
    assert [(p.node_key, p.code) for p in validate_tree(empty, schedule())] == [("", "empty")]


def test_validate_misplaced_parts():
    version_tree = tree(
        PlainNode("q", "question", "Q?", options=(
            PlainOption("a", "A", "o"), PlainOption("b", "B", "o")), steps=(fixed_step(),)),
        PlainNode("o", "outcome", "O", urgency="urgent", steps=(fixed_step(),),
                  options=(PlainOption("a", "A", "q"),)),
    )
    assert problems_of(version_tree) == [
        ("q", "misplaced"), ("q", "cycle"), ("o", "misplaced"), ("o", "cycle"),
    ]


def test_validate_branch_to_a_site_outside_the_network():
    version_tree = tree(
        by_site("s", ("site", "o", 99), ("trust", "o", 90), ("default", "o")),
        outcome("o", fixed_step()),
    )
    assert problems_of(version_tree) == [
        ("s", "site_outside_network"), ("s", "trust_outside_network"),
    ]


def test_validate_role_reachable_in_hours_without_a_rota_names_sites_and_hours():
    version_tree = tree(
        question("q", ("a", "o"), ("b", "o")),
        outcome("o", role_step(), role_step("ir-second", order=2)),
    )
    assert [(p.node_key, p.message) for p in validate_tree(version_tree, schedule())] == [
        ("o", "Contact step 2 (role 'ir-second') must resolve to exactly one rota; it "
              "resolves to no rota for North, South, East in hours."),
    ]


def test_validate_role_only_out_of_hours_is_checked_out_of_hours_only():
    version_tree = tree(
        hours("h", "o-day", "o-night"),
        outcome("o-day", role_step()),
        outcome("o-night", role_step("ir-second")),
    )
    assert problems_of(version_tree) == []


def test_validate_role_checked_only_for_the_sites_of_its_branch():
    rotas = (
        rota_info(1, "ir-any"),
        rota_info(5, "north-only", role="paeds", serves=(11,)),
    )
    on_north_branch = tree(
        by_site("s", ("site", "o-north", 11), ("default", "o-other")),
        outcome("o-north", role_step("paeds")),
        outcome("o-other", role_step()),
    )
    assert problems_of(on_north_branch, schedule(rotas)) == []
    on_default = tree(
        by_site("s", ("site", "o-north", 11), ("default", "o-other")),
        outcome("o-north", role_step()),
        outcome("o-other", role_step("paeds")),
    )
    assert [p.message for p in validate_tree(on_default, schedule(rotas))] == [
        "Contact step 1 (role 'paeds') must resolve to exactly one rota; it resolves to "
        "no rota for South, East in hours; no rota for South, East out of hours.",
    ]


def test_validate_trust_branch_excludes_sites_named_by_site_branches():
    rotas = (rota_info(1, "ir-any"), rota_info(5, "south", role="paeds", serves=(12,)))
    version_tree = tree(
        by_site("s", ("site", "o-any", 11), ("trust", "o-paeds", 10), ("default", "o-any")),
        outcome("o-any", role_step()),
        outcome("o-paeds", role_step("paeds")),
    )
    assert problems_of(version_tree, schedule(rotas)) == []


def test_validate_role_resolving_to_two_rotas_names_them():
    rotas = (rota_info(1, "ir-a"), rota_info(2, "ir-b", serves=(21,)))
    version_tree = tree(outcome("o", role_step()))
    assert [p.message for p in validate_tree(version_tree, schedule(rotas))] == [
        "Contact step 1 (role 'ir-consultant') must resolve to exactly one rota; it resolves "
        "to 2 rotas (ir-a, ir-b) for East in hours; 2 rotas (ir-a, ir-b) for East out of "
        "hours.",
    ]


def test_validate_rota_of_another_network():
    rotas = (*schedule().rotas.values(), rota_info(8, "theirs", network_id=2))
    version_tree = tree(outcome("o", rota_step(8)))
    assert problems_of(version_tree, schedule(rotas)) == [("o", "rota_outside_network")]


def test_representative_instants_are_in_and_out_of_hours():
    calendar = NetworkCalendar()
    instants = representative_instants(calendar)
    assert hours_status(calendar, instants[True]).in_hours is True
    assert hours_status(calendar, instants[False]).reason == "Out of hours: after 17:00"


def test_problem_names_the_node_as_written_and_never_starts_with_its_key():
    """Controls H-14."""
    from pathways.validation import Problem, labelled

    version_tree = tree(
        question("unstable-ooh", ("yes", "o-a"), ("no", "nowhere"),
                 text="Is the patient haemodynamically unstable?"),
        outcome("o-a", role_step()),
    )
    problems = labelled(version_tree, [Problem("unstable-ooh", "dangling", "Option 'no' leads "
                                               "to 'nowhere', which is not a node of this "
                                               "version."),
                                       Problem("", "missing_root", "No root.")])
    assert [str(p) for p in problems] == [
        "Question “Is the patient haemodynamically unstable?” (unstable-ooh): Option 'no' leads "
        "to 'nowhere', which is not a node of this version.",
        "This version: No root.",
    ]
