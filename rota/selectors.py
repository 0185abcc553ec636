"""Loading what the on-call rules need: the only rota module that reads the database.

:func:`load_schedule` reads a set of networks (or a chosen subset of their
rotas) for a window, in a constant number of queries, as plain rows turned
into :class:`rota.oncall.Schedule` data; the rules in :mod:`rota.oncall` are
pure functions over it.

The window is bounded on both sides: a row overlaps ``[start, end)`` when it
ends after the start and starts before the end. The ``(rota, end)`` indexes
let the database begin past a rota's history (everything that ended before the
window), so an answer's cost does not grow with the years of shifts kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import F, IntegerField, Q, Value

from rota.bounds import LONGEST_COVER, LONGEST_LEAVE, LONGEST_NOTE, LONGEST_SHIFT, longest_stored
from rota.calendars import NetworkCalendar
from rota.models import (
    Clinician,
    ClosureDate,
    Cover,
    Divert,
    Leave,
    Network,
    Note,
    Rota,
    Shift,
    weekday_numbers,
)
from rota.oncall import (
    ANSWER_WINDOW,
    ClinicianInfo,
    ContactInfo,
    CoverItem,
    DivertItem,
    LeaveItem,
    NoteItem,
    OnCallAnswer,
    RotaInfo,
    Schedule,
    ShiftItem,
    SiteInfo,
    answer_at,
    is_settled,
)

SITE_FIELDS = ("id", "name", "short_name", "switchboard", "trust_id")
ROTA_FIELDS = ("id", "slug", "name", "role", "network_id", "based_at_id", "required_coverage",
               "fallback_id", "ask_for", *(f"based_at__{f}" for f in SITE_FIELDS))
CALENDAR_FIELDS = ("network__nation", "network__working_day_start", "network__working_day_end",
                   "network__working_weekdays")


def _overlapping(start: datetime, end: datetime, longest: timedelta | None = None) -> Q:
    """Rows overlapping ``[start, end)``, as an index range bounded on both sides.

    A row overlaps when it ends after ``start`` and starts before ``end``. With
    ``longest`` (a named limit of :mod:`rota.bounds`, which the database
    enforces), it also ends before ``end`` plus the longest stored length, so
    a ``(rota, end)`` index is read from the window to just past it: neither
    the years before nor the years after cost anything.
    """
    condition = Q(end__gt=start, start__lt=end)
    if longest is not None:
        condition &= Q(end__lt=end + longest_stored(longest))
    return condition


@dataclass
class RotaGraph:
    """The rotas of some networks: what each is, whom it serves, where it falls back.

    ``rows`` are ``ROTA_FIELDS`` tuples by rota id; ``calendars`` hold each
    network's working week (closure dates are read with the window).
    """

    rows: dict[int, tuple] = field(default_factory=dict)
    serves: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    working_weeks: dict[int, tuple] = field(default_factory=dict)

    def rota_by_slug(self, slug: str) -> int | None:
        return next((row[0] for row in self.rows.values() if row[1] == slug), None)


def read_graph(rotas: Q) -> RotaGraph:
    """The rotas matching ``rotas``, with their bases, the sites they serve and their
    networks' working weeks: one query. ``Q(network__rotas__slug=...)`` reads the
    whole network of one rota."""
    graph = RotaGraph()
    for row in Rota.objects.filter(rotas).values_list(
        *ROTA_FIELDS, *CALENDAR_FIELDS, "serves__id"
    ).order_by():
        rota_id, network_id = row[0], row[4]
        graph.rows[rota_id] = row[:len(ROTA_FIELDS)]
        graph.working_weeks[network_id] = row[len(ROTA_FIELDS):-1]
        if row[-1] is not None:
            graph.serves[rota_id].add(row[-1])
    return graph


def rotas_needed(
    rota_ids: Iterable[int], *, start: datetime, end: datetime,
    graph: RotaGraph | None = None, role_partners: bool = True,
) -> set[int]:
    """The rotas an answer for ``rota_ids`` may reach: themselves, their fallback
    chains, the rotas their diverts in the window lead to, and (with
    ``role_partners``, for who answers a role) the rotas of the same network
    answering the same role (the in-hours/out-of-hours pair).
    """
    wanted = set(rota_ids)
    if graph is None:
        graph = read_graph(Q(network__rotas__id__in=wanted))
    divert_targets = defaultdict(set)
    for rota_id, target in Divert.objects.filter(
        _overlapping(start, end), rota_id__in=graph.rows, to_rota__isnull=False
    ).values_list("rota_id", "to_rota_id"):
        divert_targets[rota_id].add(target)
    return _reachable(wanted, graph, divert_targets, role_partners)


def _reachable(wanted, graph: RotaGraph, divert_targets, role_partners: bool) -> set[int]:
    by_role = defaultdict(set)
    for rota_id, row in graph.rows.items():
        by_role[(row[4], row[3])].add(rota_id)
    pending, needed = list(wanted), set()
    while pending:
        rota_id = pending.pop()
        if rota_id in needed or rota_id not in graph.rows:
            continue
        needed.add(rota_id)
        row = graph.rows[rota_id]
        if role_partners:
            pending.extend(by_role[(row[4], row[3])])
        pending.extend(divert_targets.get(rota_id, ()))
        if row[7]:
            pending.append(row[7])
    return needed


def _interval_rows(rota_ids, start: datetime, end: datetime, notes: bool):
    """Shifts, covers, diverts and (with ``notes``) notes of ``rota_ids`` overlapping
    the window, in one query: ``(kind, id, rota, person, other, start, end, text,
    label, number)`` rows, where person is the clinician on call or covering,
    and other is whom a cover replaces or where a divert leads."""
    nothing = Value(None, output_field=IntegerField())
    blank = Value("")

    def branch(model, kind, longest, person, other, text, label=blank, number=blank):
        return model.objects.filter(_overlapping(start, end, longest), rota_id__in=rota_ids) \
            .order_by().annotate(row_kind=Value(kind), row_person=person, row_other=other,
                                 row_text=text, row_label=label, row_number=number) \
            .values_list("row_kind", "id", "rota_id", "row_person", "row_other", "start",
                         "end", "row_text", "row_label", "row_number")

    branches = [
        branch(Cover, "cover", LONGEST_COVER, F("covering_id"), F("replaces_id"), F("reason")),
        branch(Divert, "divert", None, nothing, F("to_rota_id"), F("reason"),
               F("contact_label"), F("contact_number")),
    ]
    if notes:
        branches.append(branch(Note, "note", LONGEST_NOTE, nothing, nothing, F("text")))
    shifts = branch(Shift, "shift", LONGEST_SHIFT, F("clinician_id"), nothing, F("kind"))
    return shifts.union(*branches, all=True)


def load_schedule(
    *, network_ids: Iterable[int] = (), start: datetime, end: datetime,
    rota_ids: Iterable[int] | None = None, graph: RotaGraph | None = None, notes: bool = True,
) -> Schedule:
    """Read what the rotas need for ``[start, end)``: every rota of ``network_ids``,
    or only ``rota_ids`` (see :func:`rotas_needed`). Plain rows, in at most six
    queries however many rotas, shifts and clinicians, and however long the
    history; five when given the ``graph`` the caller has read.

    ``notes=False`` leaves out rota notes, which only the network's staff may read.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if graph is None:
        graph = read_graph(
            Q(id__in=set(rota_ids)) if rota_ids is not None
            else Q(network_id__in=set(network_ids))
        )
    wanted = set(rota_ids) if rota_ids is not None else {
        rota_id for rota_id, row in graph.rows.items() if row[4] in set(network_ids)
    }
    rota_rows = [row for rota_id, row in graph.rows.items() if rota_id in wanted]

    shifts, covers, diverts, rota_notes = [], [], [], []
    for kind, item_id, rota_id, person, other, lo, hi, text, label, number in sorted(
        _interval_rows(wanted, start, end, notes), key=lambda row: (row[5], row[1])
    ):
        if kind == "shift":
            shifts.append(ShiftItem(item_id, rota_id, person, lo, hi, text))
        elif kind == "cover":
            covers.append(CoverItem(item_id, rota_id, person, other, lo, hi, text))
        elif kind == "divert":
            diverts.append(DivertItem(item_id, rota_id, lo, hi, text, other, label, number))
        else:
            rota_notes.append(NoteItem(item_id, rota_id, lo, hi, text))
    clinician_ids = {s.clinician_id for s in shifts} | {c.covering_id for c in covers} | {
        c.replaces_id for c in covers if c.replaces_id
    }
    leave = [
        LeaveItem(*row) for row in Leave.objects.filter(
            _overlapping(start, end, LONGEST_LEAVE), clinician_id__in=clinician_ids
        ).values_list("id", "clinician_id", "start", "end")
    ] if clinician_ids else []
    sites: dict[int, SiteInfo] = {row[9]: SiteInfo(*row[9:]) for row in rota_rows}
    network_ids = {row[4] for row in rota_rows} | set(network_ids)
    return Schedule(
        start=start, end=end, rotas=_rota_infos(rota_rows, graph.serves, sites),
        calendars=_calendars(graph, network_ids, start, end),
        clinicians=_clinicians(clinician_ids, sites) if clinician_ids else {},
        shifts=shifts, covers=covers, leave=leave, diverts=diverts, notes=rota_notes,
    )


def _calendars(graph: RotaGraph, network_ids, start: datetime, end: datetime):
    """Each network's calendar, with its closure dates near the window: one query."""
    closures: dict[int, dict] = defaultdict(dict)
    weeks = {n: week for n, week in graph.working_weeks.items() if n in network_ids}
    missing = set(network_ids) - set(weeks)
    if missing:  # a network without rotas in the graph
        weeks.update({
            n: (nation, opens, closes, weekdays)
            for n, nation, opens, closes, weekdays in Network.objects.filter(
                id__in=missing
            ).values_list("id", "nation", "working_day_start", "working_day_end",
                          "working_weekdays")
        })
    # Slack either side: the rules read the London dates around the window's edges.
    first, last = start.date() - timedelta(days=2), end.date() + timedelta(days=2)
    for network_id, day, reason in ClosureDate.objects.filter(
        network_id__in=weeks, date__gte=first, date__lte=last
    ).values_list("network_id", "date", "reason"):
        closures[network_id][day] = reason
    return {
        network_id: NetworkCalendar(
            nation=nation, working_day_start=opens, working_day_end=closes,
            working_weekdays=weekday_numbers(weekdays), closures=closures[network_id],
        )
        for network_id, (nation, opens, closes, weekdays) in weeks.items()
    }


def _clinicians(clinician_ids: set[int], sites: dict[int, SiteInfo]) -> dict[int, ClinicianInfo]:
    """The clinicians with their contact methods in order: one query."""
    people: dict[int, tuple] = {}
    contacts: dict[int, list[ContactInfo]] = defaultdict(list)
    for row in Clinician.objects.filter(id__in=clinician_ids).order_by(
        "id", "contact_methods__order", "contact_methods__id"
    ).values_list(
        "id", "name", "role", "home_trust_id", "contact_methods__id", "contact_methods__kind",
        "contact_methods__value", "contact_methods__visibility", "contact_methods__site_id",
        *(f"contact_methods__site__{f}" for f in SITE_FIELDS),
    ):
        clinician_id, *person = row[:4]
        people[clinician_id] = person
        contact_id, kind, value, visibility, site_id = row[4:9]
        if contact_id is None:
            continue
        if site_id is not None and site_id not in sites:
            sites[site_id] = SiteInfo(*row[9:])
        contacts[clinician_id].append(
            ContactInfo(kind, value, visibility, sites[site_id] if site_id else None)
        )
    return {
        clinician_id: ClinicianInfo(id=clinician_id, name=name, role=role, home_trust_id=trust,
                                    contacts=tuple(contacts[clinician_id]))
        for clinician_id, (name, role, trust) in people.items()
    }


def _rota_infos(rota_rows, served, sites) -> dict[int, RotaInfo]:
    return {
        rota_id: RotaInfo(
            id=rota_id, slug=slug, name=name, role=role, network_id=network_id,
            based_at=sites[based_at_id], serves=frozenset(served[rota_id]),
            required_coverage=coverage, fallback_id=fallback_id, ask_for=ask_for,
        )
        for rota_id, slug, name, role, network_id, based_at_id, coverage, fallback_id, ask_for,
        *_ in rota_rows
    }


def schedule_around(*, network_ids: Iterable[int], at: datetime) -> Schedule:
    """The schedule an answer at ``at`` needs: four weeks either side, every rota."""
    return load_schedule(network_ids=network_ids, start=at - ANSWER_WINDOW, end=at + ANSWER_WINDOW)


def schedule_for_rotas(rota_ids: Iterable[int], *, at: datetime) -> Schedule:
    """The schedule answers for ``rota_ids`` at ``at`` need: only the rotas they may reach."""
    start, end = at - ANSWER_WINDOW, at + ANSWER_WINDOW
    graph = read_graph(Q(network__rotas__id__in=set(rota_ids)))
    return load_schedule(rota_ids=rotas_needed(rota_ids, start=start, end=end, graph=graph),
                         start=start, end=end, graph=graph)


# Narrowest first. An answer reports instants (since, until, who is next); one
# that lies at the edge of the loaded window is worked out again on the next,
# up to the four weeks either side that define "no change scheduled". Two days
# settle a daily rota's answer, eight a weekly rota's whole turn and the next
# one's start; measured on the national dataset, a board of 40 rotas costs half
# what eight days first cost, and one rota no more.
ANSWER_REACHES = (timedelta(days=2), timedelta(days=8), ANSWER_WINDOW)


def answers_at(
    at: datetime, graph: RotaGraph, *, rota_ids: Iterable[int] | None = None,
    network_id: int | None = None, notes: bool = True,
) -> dict[int, tuple[OnCallAnswer, Schedule]]:
    """Each rota's answer at ``at`` (``rota_ids``, or every rota of ``network_id``),
    with the schedule it was read from, for naming its clinicians. ``graph``
    holds the rotas' networks (:func:`read_graph`).

    The same answers as :func:`rota.oncall.answer_at` over four weeks either
    side (:func:`rota.oncall.is_settled` says when a narrower window gives
    them), reading only the rotas each answer may reach: itself, its fallback
    chain and the rotas its diverts lead to.
    """
    at = at.astimezone(UTC)
    found: dict[int, tuple[OnCallAnswer, Schedule]] = {}
    pending = list(rota_ids) if rota_ids is not None else [
        rota_id for rota_id, row in graph.rows.items() if row[4] == network_id
    ]
    for reach in ANSWER_REACHES:
        start, end = at - reach, at + reach
        schedule = _reachable_schedule(pending, graph, start, end, notes)
        final = reach == ANSWER_REACHES[-1]
        for rota_id in pending:
            answer = answer_at(schedule, rota_id, at)
            if final or is_settled(answer):
                found[rota_id] = (answer, schedule)
        pending = [rota_id for rota_id in pending if rota_id not in found]
        if not pending:
            break
    return found


def _reachable_schedule(rota_ids, graph: RotaGraph, start, end, notes: bool) -> Schedule:
    """The schedule of ``rota_ids``, their fallback chains and the rotas their diverts
    lead to. Diverts are read with the rest; a divert to a rota not yet read
    (rare) reads once more with it."""
    loaded: set[int] = set()
    wanted = _reachable(set(rota_ids), graph, {}, role_partners=False)
    while True:
        schedule = load_schedule(rota_ids=wanted, start=start, end=end, graph=graph,
                                 notes=notes)
        loaded |= wanted
        targets = defaultdict(set)
        for divert in schedule.diverts:
            if divert.to_rota_id:
                targets[divert.rota_id].add(divert.to_rota_id)
        wanted = _reachable(set(rota_ids), graph, targets, role_partners=False)
        if wanted <= loaded:
            return schedule


def who_is_on_call(rota, at: datetime) -> tuple[OnCallAnswer, Schedule]:
    """Who is on call for a ``Rota`` at ``at``: loads what it needs, then answers.

    Returns the schedule too, so that callers can name the clinicians.
    """
    graph = read_graph(Q(network_id=rota.network_id))
    return answers_at(at, graph, rota_ids=[rota.id])[rota.id]
