"""Validation and evaluation agree, on random trees (pure: no database).

* A tree that validates evaluates to an outcome, with every contact resolved,
  on every path, for every referring site, in hours and out of hours.
* Wherever evaluation goes wrong on some path, validation names that node.
* Every problem names a node of the tree (or the missing root).
"""

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pathways.engine import evaluate
from pathways.errors import EvaluationError
from pathways.tree import PlainBranch, PlainNode, PlainOption, PlainStep
from pathways.validation import validate_tree
from tests.pathways.plain import (
    CHRISTMAS,
    DEFAULT_ROTAS,
    WEEKDAY_NIGHT,
    WEEKDAY_NOON,
    rota_info,
    schedule,
    tree,
)

pytestmark = pytest.mark.pure

ROTAS = (*DEFAULT_ROTAS, rota_info(5, "paeds", role="paeds", serves=(11,)),
         rota_info(8, "theirs", network_id=2))
INSTANTS = (WEEKDAY_NOON, WEEKDAY_NIGHT, CHRISTMAS)
SCHEDULES = {at: schedule(ROTAS, around=at) for at in INSTANTS}
NETWORK_SITES = (11, 12, 21)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

ANY_STEP = st.sampled_from([
    PlainStep("role", 1, role="ir-consultant"),
    PlainStep("role", 1, role="ir-second"),
    PlainStep("role", 1, role="paeds"),
    PlainStep("role", 1, role="vascular-surgeon"),
    PlainStep("rota", 1, rota_id=3),
    PlainStep("rota", 1, rota_id=8),
    PlainStep("rota", 1, rota_id=77),
    PlainStep("fixed", 1, label="Switchboard", number="0113 496 0011"),
])
ALWAYS_RESOLVES = st.sampled_from([
    PlainStep("role", 1, role="ir-consultant"),
    PlainStep("role", 1, role="vascular-surgeon"),
    PlainStep("rota", 1, rota_id=1),
    PlainStep("fixed", 1, label="Switchboard", number="0113 496 0011"),
])


@st.composite
def random_trees(draw):
    """Trees of every shape: forward edges mostly, some back edges, dangling keys, gaps."""
    size = draw(st.integers(2, 8))
    keys = [f"n{i}" for i in range(size)]

    def target(index: int) -> str:
        choice = draw(st.integers(0, 9))
        if choice == 0:
            return "missing"
        if choice == 1 or index + 1 >= size:
            return draw(st.sampled_from(keys))
        return keys[draw(st.integers(index + 1, size - 1))]

    nodes = []
    for index, key in enumerate(keys):
        kind = draw(st.sampled_from(["question", "time_window", "referring_site", "outcome"]))
        if kind == "question":
            count = draw(st.integers(0, 3))
            node = PlainNode(key, kind, f"{key}?", options=tuple(
                PlainOption(f"o{i}", f"Option {i}", target(index)) for i in range(count)))
        elif kind == "time_window":
            conditions = draw(st.sets(st.sampled_from(["in_hours", "out_of_hours"])))
            node = PlainNode(key, kind, "Time", branches=tuple(
                PlainBranch(c, target(index)) for c in sorted(conditions)))
        elif kind == "referring_site":
            sites = draw(st.sets(st.sampled_from([11, 12, 21, 99]), max_size=2))
            trusts = draw(st.sets(st.sampled_from([10, 20]), max_size=1))
            branches = [PlainBranch("site", target(index), site_id=s) for s in sorted(sites)]
            branches += [PlainBranch("trust", target(index), trust_id=t) for t in sorted(trusts)]
            if draw(st.integers(0, 5)):
                branches.append(PlainBranch("default", target(index)))
            node = PlainNode(key, kind, "Site", branches=tuple(branches))
        else:
            steps = draw(st.lists(ANY_STEP, max_size=2))
            node = PlainNode(key, kind, f"Outcome {key}", urgency="urgent", steps=tuple(steps))
        nodes.append(node)
    root = "n0" if draw(st.integers(0, 9)) else "nowhere"
    return tree(*nodes, root=root)


@st.composite
def valid_trees(draw):
    """Trees valid by construction: forward edges only, every kind complete, outcomes last."""
    inner = draw(st.integers(1, 5))
    outcomes = draw(st.integers(1, 3))
    keys = [f"n{i}" for i in range(inner)] + [f"out{i}" for i in range(outcomes)]

    def forward(index: int) -> str:
        return keys[draw(st.integers(index + 1, len(keys) - 1))]

    nodes = []
    for index in range(inner):
        key = keys[index]
        kind = draw(st.sampled_from(["question", "time_window", "referring_site"]))
        if kind == "question":
            count = draw(st.integers(2, 3))
            options = tuple(PlainOption(f"o{i}", f"Option {i}", forward(index))
                            for i in range(count))
            nodes.append(PlainNode(key, kind, f"{key}?", options=options))
        elif kind == "time_window":
            nodes.append(PlainNode(key, kind, "Time", branches=(
                PlainBranch("in_hours", forward(index)),
                PlainBranch("out_of_hours", forward(index)))))
        else:
            site = draw(st.sampled_from(NETWORK_SITES))
            nodes.append(PlainNode(key, kind, "Site", branches=(
                PlainBranch("site", forward(index), site_id=site),
                PlainBranch("default", forward(index)))))
    for key in keys[inner:]:
        steps = draw(st.lists(ALWAYS_RESOLVES, min_size=1, max_size=3))
        nodes.append(PlainNode(key, "outcome", f"Outcome {key}", urgency="urgent",
                               steps=tuple(steps)))
    # Nodes nothing leads to would be extra roots: point the root's options at them is not
    # always possible, so drop them (and repeat until none is left).
    while True:
        targets = {k for n in nodes for k in n.next_keys()} | {"n0"}
        kept = [n for n in nodes if n.key in targets]
        if len(kept) == len(nodes):
            break
        nodes = kept
    return tree(*nodes, root="n0")


@st.composite
def mutated_trees(draw):
    """A valid tree with up to three mutations: near misses of every kind, and no mutation."""
    version_tree = draw(valid_trees())
    nodes = dict(version_tree.nodes)
    root = version_tree.root_key
    keys = sorted(nodes)
    for _ in range(draw(st.integers(0, 3))):
        mutation = draw(st.sampled_from(["redirect", "drop_edge", "steps", "root"]))
        key = draw(st.sampled_from(keys))
        node = nodes[key]
        if mutation == "root":
            root = draw(st.sampled_from([*keys, "nowhere"]))
        elif mutation == "steps" and node.kind == "outcome":
            nodes[key] = replace(node, steps=tuple(draw(st.lists(ANY_STEP, max_size=2))))
        elif mutation in {"redirect", "drop_edge"} and (node.options or node.branches):
            field = "options" if node.options else "branches"
            edges = list(getattr(node, field))
            index = draw(st.integers(0, len(edges) - 1))
            if mutation == "drop_edge":
                del edges[index]
            else:
                edges[index] = replace(
                    edges[index], next_key=draw(st.sampled_from([*keys, "missing"]))
                )
            nodes[key] = replace(node, **{field: tuple(edges)})
    return replace(version_tree, nodes=nodes, root_key=root)


def walk_every_path(version_tree, site, at):
    """(node key, what went wrong) for every path that fails; [] when all reach outcomes."""
    failures, pending = [], [{}]
    while pending:
        answers = pending.pop()
        try:
            result = evaluate(version_tree=version_tree, answers=answers, referring_site=site,
                              at=at, schedule=SCHEDULES[at])
        except EvaluationError as error:
            failures.append((error.node_key, error.code))
            continue
        if result.question is not None:
            if not result.question.options:
                failures.append((result.question.key, "dead_end"))
            for option_key, _ in result.question.options:
                pending.append({**answers, result.question.key: option_key})
            continue
        outcome = result.outcome
        if not outcome.contacts:
            failures.append((outcome.key, "no_contact"))
        for contact in outcome.contacts:
            if contact.unresolved or (contact.kind != "fixed" and contact.answer is None):
                failures.append((outcome.key, "unresolved"))
    return failures


@PROPERTY_SETTINGS
@given(valid_trees())
def test_property_valid_trees_reach_a_resolved_outcome_on_every_path(version_tree):
    assert validate_tree(version_tree, SCHEDULES[WEEKDAY_NOON]) == []
    for at in INSTANTS:
        for site in NETWORK_SITES:
            assert walk_every_path(version_tree, site, at) == []


@PROPERTY_SETTINGS
@given(st.one_of(random_trees(), mutated_trees()))
def test_property_validation_and_evaluation_agree_on_random_trees(version_tree):
    problems = validate_tree(version_tree, SCHEDULES[WEEKDAY_NOON])
    event("validates" if not problems else "has problems")
    named = {p.node_key for p in problems}
    assert named <= set(version_tree.nodes) | {version_tree.root_key}
    failures = [
        failure
        for at in INSTANTS
        for site in NETWORK_SITES
        for failure in walk_every_path(version_tree, site, at)
    ]
    if not problems:
        assert failures == []
    for node_key, code in failures:
        if node_key is None or node_key not in version_tree.nodes:
            assert "missing_root" in {p.code for p in problems}
        else:
            assert node_key in named, (node_key, code, problems)
