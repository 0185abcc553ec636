"""What makes a pathway version publishable.

:func:`validate_tree` is pure: a :class:`~pathways.tree.PlainTree` and a
:class:`~rota.oncall.Schedule` (only its rotas and calendars are read) in, every
problem out, each naming the node it concerns. Nothing here reads the
database: :func:`pathways.selectors.validate_version` loads both and calls it.

A version is publishable when it is single-rooted (its root key names a node
and no other node lacks an incoming edge), acyclic, every option and branch
leads to an existing node, every node is reachable from the root, every path
ends in an outcome (questions have two or more options, time windows both
branches, referring-site nodes a default), every outcome has a contact step,
every rota step names a rota of the network, and every role step resolves to
exactly one rota for each referring site and hours (in hours / out of hours)
that can reach its outcome. That last check is branch-aware: a role step
reached only through an out-of-hours branch is checked out of hours only, one
reached only through a site branch for X is checked for X only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from pathways.tree import PlainNode, PlainTree, reach, reachable_from, successors
from rota.calendars import NetworkCalendar, instant_at, is_working_day
from rota.oncall import Schedule, rotas_for_role

HOURS_LABELS = {True: "in hours", False: "out of hours"}
BRANCH_CONDITIONS = {
    "time_window": {"in_hours", "out_of_hours"},
    "referring_site": {"site", "trust", "default"},
}


# How a lead sees each kind of node in the admin.
KIND_WORDS = {
    "question": "Question",
    "time_window": "In hours / out of hours step",
    "referring_site": "Referring-site step",
    "outcome": "Outcome",
}


@dataclass(frozen=True)
class Problem:
    node_key: str
    code: str
    message: str
    node_label: str = ""  # e.g. 'Question “Is the patient unstable?” (unstable-ooh)'

    def __str__(self) -> str:
        # Starts with a word, not a key: the admin capitalises a message's first letter.
        return f"{self.node_label or 'This version'}: {self.message}"


def labelled(tree: PlainTree, problems: list[Problem]) -> list[Problem]:
    """``problems`` naming each node as the lead wrote it: its kind, its text, then its key."""
    result = []
    for problem in problems:
        node = tree.nodes.get(problem.node_key)
        if node is not None:
            kind = KIND_WORDS.get(node.kind, "Node")
            label = f"{kind} “{node.text}” ({node.key})"
        elif problem.node_key:
            label = f"Node ({problem.node_key})"
        else:
            label = ""
        result.append(replace(problem, node_label=label))
    return result


def representative_instants(calendar: NetworkCalendar) -> dict[bool, datetime]:
    """One in-hours and one out-of-hours instant of the calendar, keyed by ``in_hours``.

    ``rotas_for_role`` depends on the instant only through whether it is in
    hours, so these two stand for every instant, bank holidays and clock
    changes included.
    """
    first = date(2001, 1, 1)
    for offset in range(366):
        day = first + timedelta(days=offset)
        if is_working_day(calendar, day):
            # The working day is half-open: its closing instant is out of hours.
            return {
                True: instant_at(day, calendar.working_day_start),
                False: instant_at(day, calendar.working_day_end),
            }
    return {False: instant_at(first, time(12, 0))}


def validate_tree(tree: PlainTree, schedule: Schedule) -> list[Problem]:
    """Every problem of ``tree``, in node order, each naming its node."""
    problems: list[Problem] = []
    nodes = tree.nodes
    if not nodes:
        return [Problem(tree.root_key, "empty", "The version has no nodes yet.")]
    root_ok = bool(tree.root_key) and tree.root_key in nodes
    if not root_ok:
        problems.append(
            Problem(
                tree.root_key,
                "missing_root",
                f"The root key '{tree.root_key}' does not name a node of this version."
                if tree.root_key
                else "The version has no root: say which node the pathway starts at.",
            )
        )
    for node in nodes.values():
        problems.extend(_shape_problems(tree, schedule, node))
    problems.extend(_cycle_problems(nodes))
    if root_ok:
        problems.extend(_reachability_problems(tree))
        problems.extend(_role_problems(tree, schedule))
    order = {key: index for index, key in enumerate(nodes)}
    return labelled(tree, sorted(problems, key=lambda p: order.get(p.node_key, -1)))


def _shape_problems(tree: PlainTree, schedule: Schedule, node: PlainNode) -> list[Problem]:
    found = []

    def problem(code: str, message: str) -> None:
        found.append(Problem(node.key, code, message))

    for option in node.options:
        if option.next_key not in tree.nodes:
            problem(
                "dangling",
                f"Option '{option.key}' leads to '{option.next_key}', "
                "which is not a node of this version.",
            )
    for branch in node.branches:
        if branch.next_key not in tree.nodes:
            problem(
                "dangling",
                f"The {_branch_label(tree, branch)} branch leads to '{branch.next_key}', "
                "which is not a node of this version.",
            )

    if node.kind == "question":
        if len(node.options) < 2:
            problem("too_few_options", "A question needs at least two options.")
        if node.branches or node.steps:
            problem("misplaced", "A question leads on through its options only.")
    elif node.kind in BRANCH_CONDITIONS:
        if node.options or node.steps:
            problem("misplaced", "An automatic node leads on through its branches only.")
        conditions = [b.condition for b in node.branches]
        for condition in sorted(set(conditions) - BRANCH_CONDITIONS[node.kind]):
            problem("wrong_branch", f"A {_kind_label(node.kind)} node has no '{condition}' branch.")
        if node.kind == "time_window":
            for condition in ("in_hours", "out_of_hours"):
                if condition not in conditions:
                    problem(
                        "missing_branch",
                        f"The {HOURS_LABELS[condition == 'in_hours']} branch is missing.",
                    )
        else:
            if "default" not in conditions:
                problem("missing_default", "A referring-site node needs a default branch.")
            for branch in node.branches:
                if branch.condition == "site" and branch.site_id not in tree.network_site_ids:
                    problem("site_outside_network",
                            "A site branch names a site outside this network.")
                if branch.condition == "trust" and branch.trust_id not in tree.trusts:
                    problem("trust_outside_network",
                            "A trust branch names a trust outside this network.")
    elif node.kind == "outcome":
        if node.options or node.branches:
            problem("misplaced", "An outcome ends the pathway: it has no options or branches.")
        if not node.urgency:
            problem("missing_urgency", "An outcome needs an urgency.")
        if not node.steps:
            problem("no_contact", "An outcome needs at least one contact step.")
        for step in node.steps:
            rota = schedule.rotas.get(step.rota_id) if step.kind == "rota" else None
            if step.kind == "rota" and (rota is None or rota.network_id != tree.network_id):
                problem(
                    "rota_outside_network",
                    f"Contact step {step.order} names a rota that is not part of this network.",
                )
    else:
        problem("unknown_kind", f"'{node.kind}' is not a kind of node.")
    return found


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ")


def _branch_label(tree: PlainTree, branch) -> str:
    if branch.condition == "site":
        site = tree.sites.get(branch.site_id)
        return f"site ({site.short_name if site else 'unknown site'})"
    if branch.condition == "trust":
        return f"trust ({tree.trusts.get(branch.trust_id, 'unknown trust')})"
    return branch.condition.replace("_", " ")


def unreachable_if_removed(tree: PlainTree, key: str) -> list[str]:
    """Nodes reached from the root now that no longer would be without node ``key``.

    In the version's node order; ``key`` itself is not listed. Removing the root
    strands every node it reached.
    """
    nodes = tree.nodes
    if tree.root_key not in nodes:
        return []
    graph = successors(nodes)
    before = reachable_from(tree, tree.root_key)
    if key == tree.root_key:
        after: set[str] = set()
    else:
        without = {k: [t for t in targets if t != key]
                   for k, targets in graph.items() if k != key}
        after = reach(without, tree.root_key) | {tree.root_key}
    return [k for k in nodes if k in before and k not in after and k != key]


def _cycle_problems(nodes) -> list[Problem]:
    graph = successors(nodes)
    reached = {key: reach(graph, key) for key in nodes}
    problems = []
    for key in nodes:
        if key in reached[key]:
            members = sorted(other for other in reached[key] if key in reached[other])
            problems.append(
                Problem(key, "cycle", f"This node is on a cycle: {', '.join(members)}.")
            )
    return problems


def _reachability_problems(tree: PlainTree) -> list[Problem]:
    graph = successors(tree.nodes)
    reachable = reachable_from(tree, tree.root_key)
    has_incoming = {k for targets in graph.values() for k in targets}
    problems = []
    for key in tree.nodes:
        if key in reachable:
            continue
        if key not in has_incoming:
            problems.append(
                Problem(key, "extra_root",
                        "Nothing leads to this node and it is not the root: it is unreachable.")
            )
        else:
            problems.append(
                Problem(key, "unreachable",
                        "This node cannot be reached from the root.")
            )
    return problems


def _branch_sites(tree: PlainTree, node: PlainNode, branch) -> set[int]:
    """The referring sites a referring-site node sends down ``branch``."""
    named_sites = {b.site_id for b in node.branches if b.condition == "site"}
    named_trusts = {b.trust_id for b in node.branches if b.condition == "trust"}
    if branch.condition == "site":
        return {branch.site_id}
    if branch.condition == "trust":
        return {
            s for s in tree.network_site_ids
            if tree.sites[s].trust_id == branch.trust_id and s not in named_sites
        }
    return {
        s for s in tree.network_site_ids
        if s not in named_sites and tree.sites[s].trust_id not in named_trusts
    }


def reachable_contexts(tree: PlainTree, hours: list[bool]) -> dict[str, set[tuple[bool, int]]]:
    """For each node, the (in hours, referring site id) pairs that can arrive at it."""
    contexts: dict[str, set[tuple[bool, int]]] = defaultdict(set)
    contexts[tree.root_key] = {(h, s) for h in hours for s in tree.network_site_ids}
    pending = [tree.root_key]
    while pending:
        key = pending.pop()
        node = tree.nodes[key]
        arriving = contexts[key]
        flows: list[tuple[str, set[tuple[bool, int]]]] = []
        for option in node.options:
            flows.append((option.next_key, arriving))
        for branch in node.branches:
            if branch.condition in {"in_hours", "out_of_hours"}:
                wanted = branch.condition == "in_hours"
                flows.append((branch.next_key, {c for c in arriving if c[0] == wanted}))
            elif node.kind == "referring_site":
                sites = _branch_sites(tree, node, branch)
                flows.append((branch.next_key, {c for c in arriving if c[1] in sites}))
        for target, flow in flows:
            if target in tree.nodes and not flow <= contexts[target]:
                contexts[target] |= flow
                pending.append(target)
    return contexts


def _role_problems(tree: PlainTree, schedule: Schedule) -> list[Problem]:
    calendar = schedule.calendars.get(tree.network_id)
    if calendar is None:
        return [Problem(tree.root_key, "no_calendar", "The network's calendar is not loaded.")]
    instants = representative_instants(calendar)
    contexts = reachable_contexts(tree, sorted(instants, reverse=True))
    problems = []
    for node in tree.nodes.values():
        if node.kind != "outcome":
            continue
        for step in node.steps:
            if step.kind != "role":
                continue
            failures: dict[tuple[bool, tuple[str, ...]], list[str]] = defaultdict(list)
            for in_hours, site_id in sorted(contexts.get(node.key, ()), key=_context_order):
                rotas = rotas_for_role(
                    schedule, network_id=tree.network_id, role=step.role, site_id=site_id,
                    at=instants[in_hours],
                )
                if len(rotas) != 1:
                    slugs = tuple(sorted(r.slug for r in rotas))
                    failures[(in_hours, slugs)].append(tree.sites[site_id].short_name)
            if failures:
                parts = [
                    f"{_rotas_phrase(slugs)} for {', '.join(sites)} {HOURS_LABELS[in_hours]}"
                    for (in_hours, slugs), sites in failures.items()
                ]
                problems.append(
                    Problem(
                        node.key,
                        "role_unresolved",
                        f"Contact step {step.order} (role '{step.role}') must resolve to "
                        f"exactly one rota; it resolves to {'; '.join(parts)}.",
                    )
                )
    return problems


def _context_order(context: tuple[bool, int]) -> tuple[bool, int]:
    return (not context[0], context[1])


def _rotas_phrase(slugs: tuple[str, ...]) -> str:
    if not slugs:
        return "no rota"
    return f"{len(slugs)} rotas ({', '.join(slugs)})"
