"""Given a version, answers, a referring site and an instant: what next.

THE one walk of a pathway: pages, API, PDFs' previews and the decision log all
call :func:`evaluate`, over what :mod:`pathways.selectors` loaded once for the
request. It is pure over plain data: a :class:`~pathways.tree.PlainTree` and a
:class:`~rota.oncall.Schedule`, the instant a parameter; it never reads the
database.

From the root: a question with an answer follows the chosen option; one
without is returned as the next question. A time window is answered by the
network's calendar at ``at``, a referring-site node by the referrer's site,
then trust, then default; both are recorded on the path as facts. An outcome
has its contact steps resolved through :mod:`rota.oncall` at ``at``.
Answers that do not fit raise :class:`~pathways.errors.EvaluationError`
naming the wrong answer; a missing answer is not an error, it is the next
question.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from phonenumbers import NumberParseException

from common.phones import dialling_uri
from pathways.errors import EvaluationError
from pathways.markdown import render_markdown
from pathways.tree import PlainNode, PlainTree, SiteRef, reachable_from
from rota.calendars import HoursStatus, NetworkCalendar, hours_status
from rota.contacts import reached
from rota.oncall import RoleAnswer, Schedule, SiteInfo, is_role_settled, network_hub
from rota.presentation import iso, switchboard_route

# As pathways.models.Urgency labels them (a test keeps the two the same).
URGENCY_LABELS = {
    "immediate": "Immediate: call now",
    "urgent": "Urgent: within the hour",
    "routine": "Not an emergency: next working day",
}


@dataclass(frozen=True)
class PathStep:
    """One step taken: a question answered, or an automatic node's fact."""

    node_key: str
    kind: str  # question, time_window, referring_site
    text: str  # the question as asked, or the automatic node's text
    answer_key: str  # option key; in_hours / out_of_hours; site / trust / default
    answer_text: str  # the option as shown, or the fact, e.g. "Out of hours: weekend"
    automatic: bool

    def as_dict(self) -> dict:
        return {
            "node": self.node_key,
            "kind": self.kind,
            "text": self.text,
            "answer": self.answer_key,
            "answer_text": self.answer_text,
            "automatic": self.automatic,
        }


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help_text: str
    options: tuple[tuple[str, str], ...]  # (key, text), in order

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "text": self.text,
            "help_text": self.help_text,
            "options": [{"key": key, "text": text} for key, text in self.options],
        }


@dataclass(frozen=True)
class Contact:
    """A contact step as resolved at the instant.

    ``answer`` is :func:`rota.presentation.describe_answer` output, in full:
    redact it for the viewer before showing it. ``unresolved`` says why a
    rota or role step has no answer (never for a valid version).

    ``until`` is when whoever this step reaches now stops answering it for the
    referring site, and ``then`` who answers it from then
    (:func:`rota.oncall.who_answers_role`): not the rota's own ``next``.
    ``same_as_step`` marks a step that reaches the person already shown at
    that step; ``go_to_step`` a step in a gap (or diverted) whose answer is a
    later step's rota; ``reasons`` are the instructions of every step shown
    here, its own first.
    """

    order: int
    kind: str  # rota, role, fixed
    instruction: str
    role: str = ""
    answer: dict | None = None
    fixed: dict | None = None  # {"label", "number", "tel"}
    unresolved: str = ""
    until: str | None = None
    then: dict | None = None  # {"from", "until", "answer", "unresolved"}
    same_as_step: int | None = None
    go_to_step: int | None = None
    reasons: tuple[str, ...] = ()
    # What the step reaches, for escalation (see rota.contacts), and who answers it as
    # worked out live: whether a wider window could change it.
    reached: dict | None = field(default=None, compare=False, repr=False)
    answered: RoleAnswer | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        return {
            "order": self.order,
            "kind": self.kind,
            "instruction": self.instruction,
            "role": self.role,
            "answer": self.answer,
            "fixed": self.fixed,
            "unresolved": self.unresolved,
            "until": self.until,
            "then": self.then,
            "same_as_step": self.same_as_step,
            "go_to_step": self.go_to_step,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Outcome:
    key: str
    title: str
    urgency: str  # immediate, urgent, routine
    urgency_label: str
    instructions: str  # Markdown as written
    instructions_html: str  # sanitised HTML
    transfer: dict | None  # {"site": {...} or None, "text": str}
    contacts: tuple[Contact, ...]
    # The last resort when nobody shown answers: the network hub's switchboard.
    if_no_answer: dict | None = None  # {"label", "number", "tel", "text"}

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "urgency": self.urgency,
            "urgency_label": self.urgency_label,
            "instructions": self.instructions,
            "instructions_html": str(self.instructions_html),
            "transfer": self.transfer,
            "contacts": [c.as_dict() for c in self.contacts],
            "if_no_answer": self.if_no_answer,
        }


@dataclass(frozen=True)
class Evaluation:
    """Where the answers lead: the next ``question`` or the ``outcome`` (exactly one is set)."""

    tree: PlainTree
    at: datetime
    referring_site: SiteRef
    hours: HoursStatus
    path: tuple[PathStep, ...]
    question: Question | None = None
    outcome: Outcome | None = None

    @property
    def is_complete(self) -> bool:
        return self.outcome is not None

    def as_dict(self) -> dict:
        """JSON-ready; contacts in full, so redact with ``pathways.presentation``."""
        tree, site = self.tree, self.referring_site
        return {
            "pathway": {"slug": tree.pathway_slug, "title": tree.pathway_title},
            "version": {
                "id": tree.version_id, "number": tree.version_number, "status": tree.status,
            },
            "at": iso(self.at),
            "referring_site": site_as_dict(site),
            "hours": {"in_hours": self.hours.in_hours, "reason": self.hours.reason},
            "path": [step.as_dict() for step in self.path],
            "status": "outcome" if self.outcome else "question",
            "question": self.question.as_dict() if self.question else None,
            "outcome": self.outcome.as_dict() if self.outcome else None,
        }


def is_settled(evaluation: Evaluation) -> bool:
    """Whether a wider schedule window would give the same evaluation: every contact
    it resolved is settled (:func:`rota.oncall.is_role_settled`). A question, or an
    outcome without rota or role contacts, reads nothing from the rotas' window."""
    if evaluation.outcome is None:
        return True
    return all(
        is_role_settled(contact.answered) for contact in evaluation.outcome.contacts
        if contact.answered is not None
    )


def site_as_dict(site: SiteRef) -> dict:
    return {
        "id": site.id,
        "ods_code": site.ods_code,
        "name": site.name,
        "short_name": site.short_name,
        "switchboard": site.switchboard,
        "tel": _tel(site.switchboard),
    }


def _tel(number: str) -> str | None:
    try:
        return dialling_uri(number)
    except NumberParseException:  # a malformed stored number must not hide the outcome
        return None


# --- Where the rotas are read from ------------------------------------------------


class Sources(Protocol):
    """What an evaluation reads of the rotas: the network's calendar and hub, and what
    each rota or role step of an outcome reaches (:func:`rota.contacts.reached`)."""

    def calendar(self, network_id: int) -> NetworkCalendar: ...

    def hub(self, network_id: int) -> SiteInfo | None: ...

    def reached(self, tree: PlainTree, steps, site: SiteRef,
                at: datetime) -> list[tuple[dict | None, RoleAnswer | None]]:
        """One ``(facts, answered)`` per step: ``(None, None)`` for a fixed step and
        for a rota outside the network."""
        ...


@dataclass(frozen=True)
class LiveSources:
    """Worked out now over a loaded schedule. ``hub`` is the network's hub, by default
    the hub of the network's rotas in the schedule (right when it holds all of them)."""

    schedule: Schedule
    hub_site: SiteInfo | None = None

    def calendar(self, network_id: int) -> NetworkCalendar:
        return self.schedule.calendars[network_id]

    def hub(self, network_id: int) -> SiteInfo | None:
        return self.hub_site or network_hub(self.schedule, network_id)

    def reached(self, tree, steps, site, at):
        found = []
        for step in steps:
            rota = self.schedule.rotas.get(step.rota_id) if step.kind == "rota" else None
            if step.kind == "rota" and rota is not None and rota.network_id == tree.network_id:
                found.append(reached(self.schedule, at=at, rota_id=rota.id))
            elif step.kind == "role":
                found.append(reached(self.schedule, at=at, network_id=tree.network_id,
                                     role=step.role, site_id=site.id))
            else:
                found.append((None, None))
        return found


# --- The walk ----------------------------------------------------------------


def evaluate(
    *,
    version_tree: PlainTree,
    answers: dict[str, str],
    referring_site,
    at: datetime,
    schedule: Schedule | None = None,
    hub: SiteInfo | None = None,
    sources: Sources | None = None,
) -> Evaluation:
    """Walk ``version_tree`` with ``answers`` ({question key: option key}).

    ``referring_site`` is a ``Site`` or a site id of the tree's network;
    ``schedule`` must cover ``at`` (see
    :func:`pathways.selectors.load_evaluation_context`). ``hub`` is the
    network's hub, the last resort of every escalation; by default the hub of
    the network's rotas in ``schedule``, which is right when the schedule holds
    all of them (a schedule of only the rotas the tree needs does not).
    ``sources`` replaces both: rotas read some other way, e.g. stored ahead
    (:mod:`pathways.ready`); by default :class:`LiveSources` over ``schedule``.
    Raises :class:`EvaluationError` with codes ``naive_instant``,
    ``site_outside_network``, ``unknown_node``, ``not_a_question``,
    ``unknown_option``, ``skipped_question``, ``not_on_path`` and, for a
    tree that would not validate, ``invalid_tree``.
    """
    tree = version_tree
    if at.tzinfo is None:
        raise EvaluationError(
            "naive_instant", "Give the time with its offset, or as Europe/London time."
        )
    site_id = getattr(referring_site, "pk", referring_site)
    if site_id not in tree.network_site_ids:
        raise EvaluationError(
            "site_outside_network", "The referring site is not a site of this pathway's network."
        )
    site = tree.sites[site_id]
    answers = dict(answers or {})
    for key in answers:
        node = tree.nodes.get(key)
        if node is None:
            raise EvaluationError(
                "unknown_node", f"This pathway has no question '{key}'.", key
            )
        if node.kind != "question":
            raise EvaluationError(
                "not_a_question",
                f"“{node.text}” is answered by the service and takes no answer.",
                key,
            )

    sources = sources or LiveSources(schedule, hub)
    hours = hours_status(sources.calendar(tree.network_id), at)
    if tree.root_key not in tree.nodes:
        raise EvaluationError(
            "invalid_tree", "This version has no valid root node.", tree.root_key or None
        )
    path: list[PathStep] = []
    visited: set[str] = set()
    key = tree.root_key
    while True:
        node = tree.nodes[key]
        visited.add(key)
        if node.kind == "question":
            if key not in answers:
                _refuse_unused(tree, answers, visited, pending=node)
                return Evaluation(
                    tree, at, site, hours, tuple(path),
                    question=Question(
                        node.key, node.text, node.help_text,
                        tuple((o.key, o.text) for o in node.options),
                    ),
                )
            option = next((o for o in node.options if o.key == answers[key]), None)
            if option is None:
                raise EvaluationError(
                    "unknown_option",
                    f"“{answers[key]}” is not an answer to “{node.text}”: choose "
                    f"{_either(node.options)}.",
                    key,
                )
            path.append(PathStep(key, node.kind, node.text, option.key, option.text, False))
            target = option.next_key
        elif node.kind == "time_window":
            condition = "in_hours" if hours.in_hours else "out_of_hours"
            branch = next((b for b in node.branches if b.condition == condition), None)
            if branch is None:
                raise EvaluationError(
                    "invalid_tree", f"Node '{key}' has no {condition} branch.", key
                )
            path.append(PathStep(key, node.kind, node.text, condition, hours.reason, True))
            target = branch.next_key
        elif node.kind == "referring_site":
            branch = _site_branch(node, site)
            if branch is None:
                raise EvaluationError(
                    "invalid_tree", f"Node '{key}' has no branch for this site and no default.",
                    key,
                )
            path.append(
                PathStep(key, node.kind, node.text, branch.condition,
                         f"Referring site: {site.name}", True)
            )
            target = branch.next_key
        elif node.kind == "outcome":
            _refuse_unused(tree, answers, visited, pending=None)
            return Evaluation(
                tree, at, site, hours, tuple(path),
                outcome=_outcome(tree, sources, node, site, at, hours),
            )
        else:
            raise EvaluationError("invalid_tree", f"Node '{key}' is of unknown kind.", key)
        if target not in tree.nodes:
            raise EvaluationError(
                "invalid_tree", f"Node '{key}' leads to '{target}', which does not exist.", key
            )
        if target in visited:
            raise EvaluationError(
                "invalid_tree", f"Node '{key}' leads back to '{target}': the pathway loops.", key
            )
        key = target


def _either(options) -> str:
    """The options as the clinician sees them: “Yes”, “No” or “Not sure”."""
    texts = [f"“{option.text}”" for option in options]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} or {texts[-1]}"


def _site_branch(node: PlainNode, site: SiteRef):
    for condition, matches in (
        ("site", lambda b: b.site_id == site.id),
        ("trust", lambda b: b.trust_id == site.trust_id),
        ("default", lambda b: True),
    ):
        branch = next(
            (b for b in node.branches if b.condition == condition and matches(b)), None
        )
        if branch is not None:
            return branch
    return None


def _refuse_unused(tree: PlainTree, answers: dict, visited: set[str], pending) -> None:
    """Every answer must belong to a question on the path taken."""
    unused = [key for key in tree.nodes if key in answers and key not in visited]
    if not unused:
        return
    key = unused[0]
    text = tree.nodes[key].text
    if pending is not None and key in reachable_from(tree, pending.key):
        raise EvaluationError(
            "skipped_question",
            f"The answer to “{text}” skips “{pending.text}”, which has not been answered yet.",
            key,
        )
    raise EvaluationError(
        "not_on_path",
        f"“{text}” is not asked on the path these answers take.",
        key,
    )


# --- Outcomes ----------------------------------------------------------------


def _outcome(
    tree: PlainTree, sources: Sources, node: PlainNode, site: SiteRef, at: datetime,
    hours: HoursStatus,
) -> Outcome:
    transfer = None
    if node.transfer_site_id or node.transfer_text:
        destination = tree.sites.get(node.transfer_site_id)
        transfer = {
            "site": site_as_dict(destination) if destination else None,
            "text": node.transfer_text,
        }
    found = sources.reached(tree, node.steps, site, at)
    contacts = _escalation([_contact(tree, step, site, hours, facts)
                            for step, facts in zip(node.steps, found, strict=True)])
    return Outcome(
        key=node.key,
        title=node.text,
        urgency=node.urgency,
        urgency_label=URGENCY_LABELS.get(node.urgency, node.urgency),
        instructions=node.instructions,
        instructions_html=render_markdown(node.instructions),
        transfer=transfer,
        contacts=contacts,
        if_no_answer=_if_no_answer(contacts, sources.hub(tree.network_id)),
    )


def _contact(
    tree: PlainTree, step, site: SiteRef, hours: HoursStatus, found: tuple[dict, RoleAnswer | None]
) -> Contact:
    """The step resolved from what it reaches (:func:`rota.contacts.reached`)."""
    base = {"order": step.order, "kind": step.kind, "instruction": step.instruction,
            "reasons": (step.instruction,) if step.instruction else ()}
    if step.kind == "fixed":
        fixed = {"label": step.label, "number": step.number, "tel": _tel(step.number)}
        return Contact(**base, fixed=fixed)
    facts, answered = found
    if step.kind == "rota":
        if facts is None:
            return Contact(**base, unresolved="This step names a rota outside the network.")
        return _answered(base, facts, answered, site)
    if step.kind == "role":
        base["role"] = step.role
        if facts["rotas"] != 1:
            found_text = "no rota" if not facts["rotas"] else f"{facts['rotas']} rotas"
            when = "in hours" if hours.in_hours else "out of hours"
            return Contact(
                **base,
                unresolved=(
                    f"The role '{step.role}' has {found_text} serving {site.short_name} {when}: "
                    + switchboard_route(site, f"the on-call {step.role.replace('-', ' ')}",
                                        opening=False) + "."
                ),
            )
        return _answered(base, facts, answered, site)
    return Contact(**base, unresolved=f"'{step.kind}' is not a kind of contact step.")


def _answered(base: dict, facts: dict, answered: RoleAnswer | None, site: SiteRef) -> Contact:
    then = facts["then"]
    if then is not None:
        then = {
            "from": then["from"],
            "until": then["until"],
            "answer": then["answer"],
            "unresolved": "" if then["rota"] else (
                f"No rota of this role serves {site.short_name} then: "
                f"{switchboard_route(site, opening=False)}."
            ),
        }
    return Contact(**base, answer=facts["answer"], until=facts["until"], then=then,
                   reached=facts["reached"], answered=answered)


def _escalation(contacts: list[Contact]) -> tuple[Contact, ...]:
    """Never the same person twice: mark repeats, fold their reasons into the step shown.

    A step in a gap (or diverted) whose answer is a later step's rota says "go
    straight to" that step, which then carries both reasons; a step that
    reaches the same people as a step already shown is marked ``same_as_step``
    and its reason joins that step's.
    """
    reached = [contact.reached for contact in contacts]
    primary = [r["rota"] if r else None for r in reached]
    reasons = [list(contact.reasons) for contact in contacts]
    same: list[int | None] = [None] * len(contacts)
    go_to: list[int | None] = [None] * len(contacts)

    for i, facts in enumerate(reached):
        if facts is None or facts["effective"] is None or not facts["redirected"]:
            continue
        later = next((j for j in range(i + 1, len(contacts))
                      if primary[j] == facts["effective"]), None)
        if later is not None:
            go_to[i] = same[i] = contacts[later].order
            reasons[later] = reasons[i] + reasons[later]

    shown_people: dict[frozenset[int], int] = {}
    for i, facts in enumerate(reached):
        if same[i] is not None or facts is None or facts["effective"] is None:
            continue
        people = frozenset(facts["people"])
        if not people:
            continue
        if people in shown_people:
            first = shown_people[people]
            same[i] = contacts[first].order
            reasons[first] += reasons[i]
        else:
            shown_people[people] = i

    return tuple(
        replace(contact, same_as_step=same[i], go_to_step=go_to[i], reasons=tuple(reasons[i]))
        for i, contact in enumerate(contacts)
    )


def _if_no_answer(contacts: tuple[Contact, ...], hub: SiteInfo | None) -> dict | None:
    """The hub's switchboard, unless the last contact shown is already a fixed number."""
    shown = [c for c in contacts if c.same_as_step is None]
    if hub is None or (shown and shown[-1].fixed is not None):
        return None
    return {
        "label": f"{hub.short_name} switchboard",
        "number": hub.switchboard,
        "tel": _tel(hub.switchboard),
        "text": (
            f"If nobody above answers, {switchboard_route(hub, opening=False)}: "
            "say who you could not reach, and they will find who is covering."
        ),
    }
