"""Editing a draft in place: the services behind the leads' editor.

Each service is keyword-only and runs in one transaction that first locks the
version row and checks two things: the version is still a draft, and it is
still at the ``revision`` the lead's page showed. Each save then bumps the
revision with a change reason saying what changed, so the version's history
says who changed what, and a save posted from a stale page is refused with
that list (:class:`StaleEditError`), never silently applied over it.

Nodes are addressed by key and their options and contact steps by position:
both are exact because the revision was checked. No service asks for a node
key: a new node's key is made from its text (:func:`generated_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from common.history import CHANGE_REASON_LENGTH, with_history
from pathways.errors import FrozenError, PathwayError
from pathways.models import (
    Branch,
    BranchCondition,
    ContactStep,
    Node,
    NodeKind,
    Option,
    PathwayVersion,
    StepKind,
    VersionStatus,
)
from pathways.publishing import _save, version_publish
from pathways.selectors import load_tree
from pathways.validation import BRANCH_CONDITIONS, KIND_WORDS, unreachable_if_removed
from rota.models import Rota, Site, Trust

# The fields a lead edits on each kind of node; nothing else is offered.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    NodeKind.QUESTION: ("text", "help_text"),
    NodeKind.TIME_WINDOW: ("text",),
    NodeKind.REFERRING_SITE: ("text",),
    NodeKind.OUTCOME: ("text", "urgency", "instructions", "transfer_site", "transfer_text"),
}
KEY_LENGTH = 50


class StaleEditError(PathwayError):
    """The page was based on an older revision; ``changes`` says who changed what since."""

    code = "stale"

    def __init__(self, message: str, *, changes=()):
        super().__init__(message)
        self.changes = list(changes)


def generated_key(text: str, taken: Iterable[str]) -> str:
    """A node key from ``text``: its slug, shortened, made unique with -2, -3...

    ``taken`` are the version's keys.
    """
    used = set(taken)
    base = slugify(text)[:KEY_LENGTH].strip("-") or "node"
    key, n = base, 2
    while key in used:
        key = f"{base[:KEY_LENGTH - len(str(n)) - 1]}-{n}"
        n += 1
    return key


def changes_since(version: PathwayVersion, revision: int) -> list[str]:
    """Each save to ``version`` after ``revision``: when, who and what, oldest first."""
    rows = version.history.filter(revision__gt=revision).order_by("revision", "history_id")
    seen, lines = set(), []
    for row in rows.select_related("history_user"):
        if row.revision in seen:
            continue
        seen.add(row.revision)
        who = row.history_user.get_username() if row.history_user else "someone"
        at = row.history_date.strftime("%H:%M")
        lines.append(f"{who} at {at} UTC: {row.history_change_reason or 'a change'}")
    return lines


def _draft_at(version_id: int, revision: int) -> PathwayVersion:
    """The draft, locked, if still at ``revision``; else a refusal saying why."""
    row = PathwayVersion.objects.select_for_update(of=("self",)).select_related(
        "pathway").get(pk=version_id)
    if row.status != VersionStatus.DRAFT:
        raise FrozenError(
            f"{row} is {row.get_status_display().lower()} and can never change. "
            "Create a new draft to edit the pathway."
        )
    if row.revision != revision:
        changes = changes_since(row, revision)
        raise StaleEditError(
            f"{row} was changed since this page was loaded, so this save was not applied. "
            "Here is what changed; look again and redo your change if it still applies.",
            changes=changes,
        )
    return row


def _bump(version: PathwayVersion, *, user, what: str) -> PathwayVersion:
    version.revision += 1
    return _save(version, user=user, reason=what)


def _node(version: PathwayVersion, key: str) -> Node:
    try:
        return Node.objects.get(version=version, key=key)
    except Node.DoesNotExist:
        raise PathwayError(f"{version} has no node '{key}'.", code="no_node") from None


def _quoted(text: str) -> str:
    return f"“{text[:60]}”"


def _edited(version: PathwayVersion, node: Node, row, fields: tuple[str, ...], change, *,
            noun: str, user):
    """Apply ``change()`` to ``row`` (a contact step or branch of ``node``); when any of
    ``fields`` changed, save it with history and bump the draft's revision."""
    before, was = str(row), [getattr(row, name) for name in fields]
    change()
    if [getattr(row, name) for name in fields] == was:
        return row
    what = f"edited {noun} “{before}” of {_quoted(node.text)}"
    _save(row, user=user, reason=what)
    _bump(version, user=user, what=what)
    return row


def _removed(version: PathwayVersion, node: Node, row, *, noun: str, user) -> None:
    """Delete ``row`` (a contact step or branch of ``node``) with history; bump the draft."""
    what = f"removed {noun} “{row}” of {_quoted(node.text)}"
    with_history(row, user=user, reason=what).delete()
    _bump(version, user=user, what=what)


def _grown(version: PathwayVersion, *, kind: str, text: str, user, what: str) -> Node:
    """A new question or outcome at the end of ``version``, keyed from its text."""
    if kind not in (NodeKind.QUESTION, NodeKind.OUTCOME):
        raise PathwayError("Add a question or an outcome here.", code="wrong_kind")
    if not text.strip():
        raise PathwayError("Write the new step's text.", code="no_text")
    nodes = Node.objects.filter(version=version)
    position = max(nodes.values_list("position", flat=True), default=0) + 1
    return _save(
        Node(version=version, key=generated_key(text, nodes.values_list("key", flat=True)),
             kind=kind, text=text.strip(), position=position),
        user=user, reason=what,
    )


@transaction.atomic
def node_update(*, version: PathwayVersion, revision: int, node_key: str,
                values: Mapping[str, object], user) -> Node:
    """Change the fields of node ``node_key`` its kind uses; any other field is refused."""
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    allowed = KIND_FIELDS[node.kind]
    extra = set(values) - set(allowed)
    if extra:
        raise PathwayError(
            f"A {node.get_kind_display().lower()} has no {', '.join(sorted(extra))}.",
            code="wrong_fields",
        )
    changed = [name for name, value in values.items() if getattr(node, name) != value]
    if not changed:
        return node
    for name in changed:
        setattr(node, name, values[name])
    what = f"edited {', '.join(n.replace('_', ' ') for n in changed)} of {_quoted(node.text)}"
    _save(node, user=user, reason=what)
    _bump(version, user=user, what=what)
    return node


@transaction.atomic
def option_grow(*, version: PathwayVersion, revision: int, node_key: str, option_key: str,
                kind: str, text: str, user) -> Node:
    """A new question or outcome, linked from the option in the same step.

    Only for an option that leads to no node of this version: pointing an option
    that already leads somewhere elsewhere is :func:`option_point`.
    """
    version = _draft_at(version.pk, revision)
    if kind not in (NodeKind.QUESTION, NodeKind.OUTCOME):
        raise PathwayError("Add a question or an outcome here.", code="wrong_kind")
    if not text.strip():
        raise PathwayError("Write the new step's text.", code="no_text")
    node = _node(version, node_key)
    option = _option(node, option_key)
    if Node.objects.filter(version=version, key=option.next_key).exists():
        raise PathwayError(
            f"{_quoted(option.text)} already leads to '{option.next_key}'.", code="has_target"
        )
    what = (f"added {NodeKind(kind).label.lower()} {_quoted(text)} under "
            f"{_quoted(option.text)} of {_quoted(node.text)}")
    added = _grown(version, kind=kind, text=text, user=user, what=what)
    option.next_key = added.key
    _save(option, user=user, reason=what)
    _bump(version, user=user, what=what)
    return added


@transaction.atomic
def option_point(*, version: PathwayVersion, revision: int, node_key: str, option_key: str,
                 target_key: str, user) -> Option:
    """Point the option at ``target_key``, one of this version's other nodes."""
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    target = _node(version, target_key)
    if target.pk == node.pk:
        raise PathwayError("An option cannot lead back to its own question.", code="self")
    option = _option(node, option_key)
    if option.next_key == target.key:
        return option
    option.next_key = target.key
    what = f"pointed {_quoted(option.text)} of {_quoted(node.text)} at {_quoted(target.text)}"
    _save(option, user=user, reason=what)
    _bump(version, user=user, what=what)
    return option


PARTS = {"options": (Option, "option"), "steps": (ContactStep, "contact step")}


@transaction.atomic
def part_move(*, version: PathwayVersion, revision: int, node_key: str, part: str,
              index: int, offset: int, user) -> None:
    """Move the ``index``-th option or contact step of a node up (-1) or down (+1).

    Branches are not ordered: the engine takes a site's branch before its trust's
    before the default, whatever order they are listed in.
    """
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    model, words = PARTS[part]
    rows = list(model.objects.filter(node=node))  # in the model's order: order, then key/id
    other = index + offset
    if offset not in (-1, 1) or not (0 <= index < len(rows) and 0 <= other < len(rows)):
        raise PathwayError(f"That {words} cannot move that way.", code="cannot_move")
    rows[index], rows[other] = rows[other], rows[index]
    moved = rows[other]
    label = moved.text if part == "options" else str(moved)
    what = (f"moved {words} {_quoted(label)} of {_quoted(node.text)} "
            f"{'up' if offset < 0 else 'down'}")
    for order, row in enumerate(rows, start=1):
        if row.order != order:
            row.order = order
            _save(row, user=user, reason=what)
    _bump(version, user=user, what=what)


def removal_preview(version: PathwayVersion, node_key: str) -> list[Node]:
    """The nodes that removing ``node_key`` would leave unreachable, in version order."""
    keys = unreachable_if_removed(load_tree(version), node_key)
    nodes = {n.key: n for n in Node.objects.filter(version=version, key__in=keys)}
    return [nodes[key] for key in keys]


@transaction.atomic
def node_remove(*, version: PathwayVersion, revision: int, node_key: str,
                also: Iterable[str] = (), user) -> list[str]:
    """Remove a node and, of the nodes that would be left unreachable, those in ``also``.

    Returns the removed keys. Ways into a removed node are left pointing at its
    key: validation lists them, and the editor offers to add or point them again.
    """
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    stranded = set(unreachable_if_removed(load_tree(version), node_key))
    extra = [key for key in also if key in stranded]
    removed = [node_key, *extra]
    what = f"removed {_quoted(node.text)}" + (
        f" and {len(extra)} step{'s' if len(extra) != 1 else ''} only it led to" if extra else ""
    )
    for row in Node.objects.filter(version=version, key__in=removed):
        with_history(row, user=user, reason=what).delete()
    if version.root_key == node_key:
        version.root_key = ""
    _bump(version, user=user, what=what)
    return removed


@transaction.atomic
def draft_publish(*, version: PathwayVersion, revision: int, change_summary: str, user,
                  now) -> PathwayVersion:
    """Publish the draft as the lead reviewed it: at ``revision``, with a change summary.

    The summary is stored and the draft published in one transaction (see
    :func:`pathways.publishing.version_publish`, which validates and retires the
    previous version); a refusal leaves the draft as it was.
    """
    version = _draft_at(version.pk, revision)
    summary = checked_summary(change_summary)
    if version.change_summary != summary:
        version.change_summary = summary
        _save(version, user=user, reason="Change summary written for publishing")
    return version_publish(version=version, user=user, now=now, reason=summary)


def checked_summary(text: str) -> str:
    """A change summary fit to publish with: written, and short enough to be the
    publish's history change reason."""
    summary = " ".join(text.split())
    if not summary:
        raise PathwayError("Say what changed in this version before publishing it.",
                           code="no_summary")
    if len(summary) > CHANGE_REASON_LENGTH:
        raise PathwayError(
            f"Say what changed in at most {CHANGE_REASON_LENGTH} characters "
            f"(this summary has {len(summary)}).",
            code="long_summary",
        )
    return summary


@transaction.atomic
def draft_touched(*, version: PathwayVersion, user, what: str) -> None:
    """Record a change made outside the editor (the admin's row-by-row pages).

    Bumps the revision, so a page of the editor drawn before it is refused as stale.
    """
    row = PathwayVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if row.status == VersionStatus.DRAFT:
        _bump(row, user=user, what=what)


def _option(node: Node, option_key: str) -> Option:
    try:
        return Option.objects.get(node=node, key=option_key)
    except Option.DoesNotExist:
        raise PathwayError(f"“{node.text}” has no option '{option_key}'.",
                           code="no_option") from None


@transaction.atomic
def option_add(*, version: PathwayVersion, revision: int, node_key: str, text: str,
               user) -> Option:
    """A new last option of question ``node_key``, leading nowhere until grown or pointed."""
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    if node.kind != NodeKind.QUESTION:
        raise PathwayError("Only a question has options.", code="wrong_kind")
    if not text.strip():
        raise PathwayError("Write the option as the referrer will read it.", code="no_text")
    options = list(Option.objects.filter(node=node))
    what = f"added option {_quoted(text.strip())} to {_quoted(node.text)}"
    option = _save(
        Option(node=node, key=generated_key(text, [o.key for o in options]),
               text=text.strip(), order=max((o.order for o in options), default=0) + 1,
               next_key=""),
        user=user, reason=what,
    )
    _bump(version, user=user, what=what)
    return option


@transaction.atomic
def option_reword(*, version: PathwayVersion, revision: int, node_key: str,
                  option_key: str, text: str, user) -> Option:
    """Change an option's wording; its key (in logged answers) stays."""
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    option = _option(node, option_key)
    if not text.strip():
        raise PathwayError("Write the option as the referrer will read it.", code="no_text")
    if option.text == text.strip():
        return option
    what = f"reworded option {_quoted(option.text)} of {_quoted(node.text)} as {_quoted(text)}"
    option.text = text.strip()
    _save(option, user=user, reason=what)
    _bump(version, user=user, what=what)
    return option


@transaction.atomic
def option_remove(*, version: PathwayVersion, revision: int, node_key: str,
                  option_key: str, user) -> None:
    """Remove an option; the node it led to stays (validation says if nothing else leads there)."""
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    option = _option(node, option_key)
    what = f"removed option {_quoted(option.text)} of {_quoted(node.text)}"
    with_history(option, user=user, reason=what).delete()
    _bump(version, user=user, what=what)


def _fill_step(step: ContactStep, version: PathwayVersion, *, kind: str, rota_id, role: str,
               label: str, number: str, instruction: str) -> ContactStep:
    """Set ``step`` to reach a rota of the pathway's network, a role, or a fixed contact
    (its number checked as a UK number), with only the fields of that kind."""
    if kind not in StepKind.values:
        raise PathwayError("Choose who the step reaches: a rota, a role or a fixed contact.",
                           code="wrong_kind")
    rota = None
    if kind == StepKind.ROTA:
        rota = Rota.objects.filter(pk=rota_id, network_id=version.pathway.network_id).first()
        if rota is None:
            raise PathwayError("Choose one of the network's rotas.", code="no_rota")
    step.kind, step.rota = kind, rota
    step.role = role.strip() if kind == StepKind.ROLE else ""
    step.label = label.strip() if kind == StepKind.FIXED else ""
    step.number = number.strip() if kind == StepKind.FIXED else ""
    step.instruction = instruction.strip()
    try:
        step.full_clean()
    except ValidationError as error:
        raise PathwayError(" ".join(error.messages), code="invalid_step") from None
    return step


def _outcome(version: PathwayVersion, node_key: str) -> Node:
    node = _node(version, node_key)
    if node.kind != NodeKind.OUTCOME:
        raise PathwayError("Only an outcome has contact steps.", code="wrong_kind")
    return node


def _step(node: Node, index: int) -> ContactStep:
    steps = list(ContactStep.objects.filter(node=node))  # in escalation order
    if not 0 <= index < len(steps):
        raise PathwayError("No such contact step.", code="no_step")
    return steps[index]


@transaction.atomic
def step_add(*, version: PathwayVersion, revision: int, node_key: str, kind: str,
             rota_id: int | None = None, role: str = "", label: str = "", number: str = "",
             instruction: str = "", user) -> ContactStep:
    """A new last contact step of outcome ``node_key`` (see :func:`_fill_step`)."""
    version = _draft_at(version.pk, revision)
    node = _outcome(version, node_key)
    last = max(ContactStep.objects.filter(node=node).values_list("order", flat=True), default=0)
    step = _fill_step(ContactStep(node=node, order=last + 1), version, kind=kind,
                      rota_id=rota_id, role=role, label=label, number=number,
                      instruction=instruction)
    what = f"added contact step “{step}” to {_quoted(node.text)}"
    _save(step, user=user, reason=what)
    _bump(version, user=user, what=what)
    return step


@transaction.atomic
def step_update(*, version: PathwayVersion, revision: int, node_key: str, index: int,
                kind: str, rota_id: int | None = None, role: str = "", label: str = "",
                number: str = "", instruction: str = "", user) -> ContactStep:
    """Change the ``index``-th contact step of outcome ``node_key`` in place: who it
    reaches and its instruction; its place in the escalation order stays."""
    version = _draft_at(version.pk, revision)
    node = _outcome(version, node_key)
    step = _step(node, index)
    return _edited(
        version, node, step, ("kind", "rota_id", "role", "label", "number", "instruction"),
        lambda: _fill_step(step, version, kind=kind, rota_id=rota_id, role=role, label=label,
                           number=number, instruction=instruction),
        noun="contact step", user=user,
    )


@transaction.atomic
def step_remove(*, version: PathwayVersion, revision: int, node_key: str, index: int,
                user) -> None:
    """Remove the ``index``-th contact step of outcome ``node_key`` (in escalation order)."""
    version = _draft_at(version.pk, revision)
    step = _step(_outcome(version, node_key), index)
    _removed(version, step.node, step, noun="contact step", user=user)


def _branch(node: Node, index: int) -> Branch:
    branches = list(Branch.objects.filter(node=node))
    if not 0 <= index < len(branches):
        raise PathwayError(f"“{node.text}” has no such branch.", code="no_branch")
    return branches[index]


def _automatic(version: PathwayVersion, node_key: str) -> Node:
    node = _node(version, node_key)
    if node.kind not in BRANCH_CONDITIONS:
        raise PathwayError("Only an automatic step has branches.", code="wrong_kind")
    return node


def _fill_branch(branch: Branch, version: PathwayVersion, *, condition: str, site_id,
                 trust_id) -> Branch:
    """Set ``branch``'s condition with only the fields that kind of node uses: a site or a
    trust of the pathway's network for a site or trust branch, nothing else otherwise."""
    kind = branch.node.kind
    if condition not in BRANCH_CONDITIONS[kind]:
        choices = " or ".join(
            BranchCondition(c).label.lower() for c in BranchCondition.values
            if c in BRANCH_CONDITIONS[kind]
        )
        raise PathwayError(f"A branch of this {KIND_WORDS[kind].lower()} is one of: "
                           f"{choices}.", code="wrong_condition")
    network_id = version.pathway.network_id
    branch.condition, branch.site, branch.trust = condition, None, None
    if condition == BranchCondition.SITE:
        branch.site = Site.objects.filter(pk=site_id, trust__network_id=network_id).first()
        if branch.site is None:
            raise PathwayError("Choose one of the network's hospitals.", code="no_site")
    if condition == BranchCondition.TRUST:
        branch.trust = Trust.objects.filter(pk=trust_id, network_id=network_id).first()
        if branch.trust is None:
            raise PathwayError("Choose one of the network's trusts.", code="no_trust")
    try:
        branch.full_clean(exclude=["next_key"])
    except ValidationError as error:
        raise PathwayError(" ".join(error.messages), code="invalid_branch") from None
    return branch


def _target(version: PathwayVersion, node: Node, target_key: str) -> Node:
    target = _node(version, target_key)
    if target.pk == node.pk:
        raise PathwayError("A branch cannot lead back to its own step.", code="self")
    return target


@transaction.atomic
def branch_add(*, version: PathwayVersion, revision: int, node_key: str, condition: str,
               site_id: int | None = None, trust_id: int | None = None,
               target_key: str = "", kind: str = "", text: str = "", user) -> Branch:
    """A new branch of automatic node ``node_key``, leading to ``target_key`` or to a new
    question or outcome (``kind`` and ``text``) made in the same step."""
    version = _draft_at(version.pk, revision)
    node = _automatic(version, node_key)
    branch = _fill_branch(Branch(node=node), version, condition=condition, site_id=site_id,
                          trust_id=trust_id)
    what = f"added branch “{branch.site or branch.trust or branch.get_condition_display()}”" \
        f" to {_quoted(node.text)}"
    if target_key:
        target = _target(version, node, target_key)
    else:
        target = _grown(version, kind=kind, text=text, user=user, what=what)
    branch.next_key = target.key
    _save(branch, user=user, reason=what)
    _bump(version, user=user, what=what)
    return branch


@transaction.atomic
def branch_update(*, version: PathwayVersion, revision: int, node_key: str, index: int,
                  condition: str, site_id: int | None = None, trust_id: int | None = None,
                  target_key: str = "", user) -> Branch:
    """Change the ``index``-th branch of an automatic node in place: its condition (and
    site or trust) and, if ``target_key`` is given, the node it leads to."""
    version = _draft_at(version.pk, revision)
    node = _automatic(version, node_key)
    branch = _branch(node, index)

    def change():
        _fill_branch(branch, version, condition=condition, site_id=site_id, trust_id=trust_id)
        if target_key:
            branch.next_key = _target(version, node, target_key).key

    return _edited(version, node, branch, ("condition", "site_id", "trust_id", "next_key"),
                   change, noun="branch", user=user)


@transaction.atomic
def branch_remove(*, version: PathwayVersion, revision: int, node_key: str, index: int,
                  user) -> None:
    """Remove the ``index``-th branch; the node it led to stays (validation says if nothing
    else leads there, or if the node now misses a branch it needs)."""
    version = _draft_at(version.pk, revision)
    node = _automatic(version, node_key)
    _removed(version, node, _branch(node, index), noun="branch", user=user)


@transaction.atomic
def branch_lead(*, version: PathwayVersion, revision: int, node_key: str, index: int,
                target_key: str = "", kind: str = "", text: str = "", user) -> Branch:
    """Lead the ``index``-th branch of an automatic node to ``target_key``, or to a new
    question or outcome (``kind`` and ``text``) made in the same step."""
    version = _draft_at(version.pk, revision)
    node = _node(version, node_key)
    branch = _branch(node, index)
    if target_key:
        target = _target(version, node, target_key)
        what = f"pointed branch “{branch}” of {_quoted(node.text)} at {_quoted(target.text)}"
    else:
        if Node.objects.filter(version=version, key=branch.next_key).exists():
            raise PathwayError(f"“{branch}” already leads to a step.", code="has_target")
        what = (f"added {NodeKind(kind).label.lower() if kind in NodeKind.values else 'step'} "
                f"{_quoted(text)} under branch “{branch}” of {_quoted(node.text)}")
        target = _grown(version, kind=kind, text=text, user=user, what=what)
    branch.next_key = target.key
    _save(branch, user=user, reason=what)
    _bump(version, user=user, what=what)
    return branch
