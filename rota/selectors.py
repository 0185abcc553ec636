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
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from rota.bounds import LONGEST_COVER, LONGEST_LEAVE, LONGEST_NOTE, LONGEST_SHIFT, longest_stored
from rota.calendars import NetworkCalendar
from rota.models import (
    Clinician,
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


def _rota_graph(network_ids: Iterable[int]) -> dict[int, tuple]:
    """Every rota of ``network_ids`` as a ``ROTA_FIELDS`` row, by id: one query."""
    return {
        row[0]: row
        for row in Rota.objects.filter(network_id__in=set(network_ids)).values_list(*ROTA_FIELDS)
    }


def rotas_needed(
    rota_ids: Iterable[int], *, start: datetime, end: datetime,
    graph: dict[int, tuple] | None = None, diverts: Iterable[DivertItem] | None = None,
) -> set[int]:
    """The rotas an answer for ``rota_ids`` may reach: themselves, their fallback
    chains, the rotas their diverts in the window lead to, and the rotas of the
    same network answering the same role (the in-hours/out-of-hours pair).

    Reads the rota graph of the networks involved and their diverts in the
    window, unless given them.
    """
    wanted = set(rota_ids)
    if graph is None:
        networks = set(Rota.objects.filter(id__in=wanted).values_list("network_id", flat=True))
        graph = _rota_graph(networks)
    if diverts is None:
        diverts = _diverts(Q(rota_id__in=graph), start, end)
    divert_targets = defaultdict(set)
    for divert in diverts:
        if divert.to_rota_id:
            divert_targets[divert.rota_id].add(divert.to_rota_id)
    by_role = defaultdict(set)
    for rota_id, row in graph.items():
        by_role[(row[4], row[3])].add(rota_id)
    pending, needed = list(wanted), set()
    while pending:
        rota_id = pending.pop()
        if rota_id in needed or rota_id not in graph:
            continue
        needed.add(rota_id)
        row = graph[rota_id]
        pending.extend(by_role[(row[4], row[3])])
        pending.extend(divert_targets[rota_id])
        if row[7]:
            pending.append(row[7])
    return needed


def _diverts(rotas: Q, start: datetime, end: datetime) -> list[DivertItem]:
    # Diverts have no length limit (a site may be closed for months); they are few.
    return [
        DivertItem(*row) for row in Divert.objects.filter(rotas, _overlapping(start, end))
        .order_by("start", "id").values_list("id", "rota_id", "start", "end", "reason",
                                             "to_rota_id", "contact_label", "contact_number")
    ]


def load_schedule(
    *, network_ids: Iterable[int] = (), start: datetime, end: datetime,
    rota_ids: Iterable[int] | None = None, graph: dict[int, tuple] | None = None,
    diverts: Iterable[DivertItem] | None = None, notes: bool = True,
) -> Schedule:
    """Read what the rotas need for ``[start, end)``: every rota of ``network_ids``,
    or only ``rota_ids`` (see :func:`rotas_needed`). Plain rows, in a constant
    number of queries (at most nine) however many rotas, shifts and
    clinicians, and however long the history.

    ``graph`` and ``diverts``, when the caller has read them (for the same
    window), are not read again; ``notes=False`` leaves out rota notes, which
    only the network's staff may read.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if graph is None:
        rota_filter = Q(id__in=set(rota_ids)) if rota_ids is not None else Q(
            network_id__in=set(network_ids)
        )
        rota_rows = list(Rota.objects.filter(rota_filter).values_list(*ROTA_FIELDS))
    elif rota_ids is not None:
        rota_rows = [graph[rota_id] for rota_id in rota_ids if rota_id in graph]
    else:
        rota_rows = [row for row in graph.values() if row[4] in set(network_ids)]
    rota_ids = [row[0] for row in rota_rows]
    network_ids = sorted({row[4] for row in rota_rows} | set(network_ids))

    calendars = _calendars(network_ids)

    served: dict[int, set[int]] = defaultdict(set)
    for rota_id, site_id in Rota.serves.through.objects.filter(
        rota_id__in=rota_ids
    ).values_list("rota_id", "site_id"):
        served[rota_id].add(site_id)

    shifts = [
        ShiftItem(*row) for row in Shift.objects.filter(
            _overlapping(start, end, LONGEST_SHIFT), rota_id__in=rota_ids
        ).order_by("start", "id").values_list("id", "rota_id", "clinician_id", "start", "end",
                                              "kind")
    ]
    covers = [
        CoverItem(*row) for row in Cover.objects.filter(
            _overlapping(start, end, LONGEST_COVER), rota_id__in=rota_ids
        ).order_by("start", "id").values_list("id", "rota_id", "covering_id", "replaces_id",
                                              "start", "end", "reason")
    ]
    wanted = set(rota_ids)
    if diverts is None:
        diverts = _diverts(Q(rota_id__in=rota_ids), start, end)
    else:
        diverts = [d for d in diverts if d.rota_id in wanted]
    rota_notes = [
        NoteItem(*row) for row in Note.objects.filter(
            _overlapping(start, end, LONGEST_NOTE), rota_id__in=rota_ids
        ).order_by("start", "id").values_list("id", "rota_id", "start", "end", "text")
    ] if notes else []
    clinician_ids = {s.clinician_id for s in shifts} | {c.covering_id for c in covers} | {
        c.replaces_id for c in covers if c.replaces_id
    }
    leave = [
        LeaveItem(*row) for row in Leave.objects.filter(
            _overlapping(start, end, LONGEST_LEAVE), clinician_id__in=clinician_ids
        ).values_list("id", "clinician_id", "start", "end")
    ]
    sites: dict[int, SiteInfo] = {row[9]: SiteInfo(*row[9:]) for row in rota_rows}
    return Schedule(
        start=start, end=end, rotas=_rota_infos(rota_rows, served, sites), calendars=calendars,
        clinicians=_clinicians(clinician_ids, sites), shifts=shifts, covers=covers,
        leave=leave, diverts=diverts, notes=rota_notes,
    )


def _calendars(network_ids: Iterable[int]) -> dict[int, NetworkCalendar]:
    """Each network's calendar with its closure dates: one query."""
    networks, closures = {}, defaultdict(dict)
    for network_id, nation, opens, closes, weekdays, day, reason in Network.objects.filter(
        id__in=network_ids
    ).values_list("id", "nation", "working_day_start", "working_day_end", "working_weekdays",
                  "closure_dates__date", "closure_dates__reason"):
        networks[network_id] = (nation, opens, closes, weekdays)
        if day is not None:
            closures[network_id][day] = reason
    return {
        network_id: NetworkCalendar(
            nation=nation, working_day_start=opens, working_day_end=closes,
            working_weekdays=weekday_numbers(weekdays), closures=closures[network_id],
        )
        for network_id, (nation, opens, closes, weekdays) in networks.items()
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
    return load_schedule(rota_ids=rotas_needed(rota_ids, start=start, end=end),
                         start=start, end=end)


# Narrowest first. An answer reports instants (since, until, who is next); one
# that lies at the edge of the loaded window is worked out again on the next,
# up to the four weeks either side that define "no change scheduled". Eight
# days hold a weekly rota's whole turn and the next one's start.
ANSWER_REACHES = (timedelta(days=8), ANSWER_WINDOW)


def answers_at(
    at: datetime, *, rota_ids: Iterable[int] | None = None, network_id: int | None = None,
    notes: bool = True,
) -> dict[int, tuple[OnCallAnswer, Schedule]]:
    """Each rota's answer at ``at`` (``rota_ids``, or every rota of ``network_id``),
    with the schedule it was read from, for naming its clinicians.

    The same answers as :func:`rota.oncall.answer_at` over four weeks either
    side (:func:`rota.oncall.is_settled` says when a narrower window gives
    them), reading only the rotas each answer may reach.
    """
    at = at.astimezone(UTC)
    found: dict[int, tuple[OnCallAnswer, Schedule]] = {}
    pending = list(rota_ids) if rota_ids is not None else None
    for reach in ANSWER_REACHES:
        start, end = at - reach, at + reach
        if pending is None:
            schedule = load_schedule(network_ids=[network_id], start=start, end=end, notes=notes)
            pending = list(schedule.rotas)
        else:
            graph = _rota_graph(
                [network_id] if network_id is not None
                else Rota.objects.filter(id__in=pending).values_list("network_id", flat=True)
            )
            diverts = _diverts(Q(rota_id__in=graph), start, end)
            needed = rotas_needed(pending, start=start, end=end, graph=graph, diverts=diverts)
            schedule = load_schedule(rota_ids=needed, start=start, end=end, graph=graph,
                                     diverts=diverts, notes=notes)
        final = reach == ANSWER_REACHES[-1]
        for rota_id in pending:
            if rota_id in schedule.rotas:
                answer = answer_at(schedule, rota_id, at)
                if final or is_settled(answer):
                    found[rota_id] = (answer, schedule)
        pending = [rota_id for rota_id in pending if rota_id not in found]
        if not pending:
            break
    return found


def who_is_on_call(rota, at: datetime) -> tuple[OnCallAnswer, Schedule]:
    """Who is on call for a ``Rota`` at ``at``: loads what it needs, then answers.

    Returns the schedule too, so that callers can name the clinicians.
    """
    return answers_at(at, rota_ids=[rota.id], network_id=rota.network_id)[rota.id]
