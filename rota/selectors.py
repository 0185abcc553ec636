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
from datetime import UTC, datetime

from django.db.models import Q

from rota.calendars import NetworkCalendar
from rota.models import (
    Clinician,
    ClosureDate,
    ContactMethod,
    Cover,
    Divert,
    Leave,
    Network,
    Note,
    Rota,
    Shift,
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
)

SITE_FIELDS = ("id", "name", "short_name", "switchboard", "trust_id")


def _overlapping(model, start: datetime, end: datetime) -> Q:
    """Rows of an interval model overlapping ``[start, end)``."""
    return Q(end__gt=start, start__lt=end)


def rotas_needed(rota_ids: Iterable[int], *, start: datetime, end: datetime) -> set[int]:
    """The rotas an answer for ``rota_ids`` may reach: themselves, their fallback
    chains, the rotas their diverts in the window lead to, and the rotas of the
    same network answering the same role (the in-hours/out-of-hours pair).

    Two queries: the rota graph of the networks involved, and the diverts.
    """
    wanted = set(rota_ids)
    networks = set(Rota.objects.filter(id__in=wanted).values_list("network_id", flat=True))
    graph = {
        rota_id: (fallback_id, network_id, role)
        for rota_id, fallback_id, network_id, role in Rota.objects.filter(
            network_id__in=networks
        ).values_list("id", "fallback_id", "network_id", "role")
    }
    divert_targets = defaultdict(set)
    for rota_id, target in Divert.objects.filter(
        _overlapping(Divert, start, end), rota__network_id__in=networks, to_rota__isnull=False
    ).values_list("rota_id", "to_rota_id"):
        divert_targets[rota_id].add(target)
    by_role = defaultdict(set)
    for rota_id, (_, network_id, role) in graph.items():
        by_role[(network_id, role)].add(rota_id)
    pending, needed = list(wanted), set()
    while pending:
        rota_id = pending.pop()
        if rota_id in needed or rota_id not in graph:
            continue
        needed.add(rota_id)
        fallback_id, network_id, role = graph[rota_id]
        pending.extend(by_role[(network_id, role)])
        pending.extend(divert_targets[rota_id])
        if fallback_id:
            pending.append(fallback_id)
    return needed


def load_schedule(
    *, network_ids: Iterable[int] = (), start: datetime, end: datetime,
    rota_ids: Iterable[int] | None = None,
) -> Schedule:
    """Read what the rotas need for ``[start, end)``: every rota of ``network_ids``,
    or only ``rota_ids`` (see :func:`rotas_needed`). Plain rows, at most twelve
    queries however many rotas, shifts and clinicians, and however long the history.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    rota_filter = Q(id__in=set(rota_ids)) if rota_ids is not None else Q(
        network_id__in=set(network_ids)
    )
    rota_rows = list(Rota.objects.filter(rota_filter).values_list(
        "id", "slug", "name", "role", "network_id", "based_at_id", "required_coverage",
        "fallback_id", "ask_for", *(f"based_at__{f}" for f in SITE_FIELDS),
    ))
    rota_ids = [row[0] for row in rota_rows]
    network_ids = sorted({row[4] for row in rota_rows} | set(network_ids))

    closures: dict[int, dict] = defaultdict(dict)
    for network_id, day, reason in ClosureDate.objects.filter(
        network_id__in=network_ids
    ).values_list("network_id", "date", "reason"):
        closures[network_id][day] = reason
    calendars = {
        network.id: NetworkCalendar.for_network(network, closures[network.id])
        for network in Network.objects.filter(id__in=network_ids)
    }

    served: dict[int, set[int]] = defaultdict(set)
    for rota_id, site_id in Rota.serves.through.objects.filter(
        rota_id__in=rota_ids
    ).values_list("rota_id", "site_id"):
        served[rota_id].add(site_id)

    shifts = [
        ShiftItem(*row) for row in Shift.objects.filter(
            _overlapping(Shift, start, end), rota_id__in=rota_ids
        ).order_by("start", "id").values_list("id", "rota_id", "clinician_id", "start", "end",
                                              "kind")
    ]
    covers = [
        CoverItem(*row) for row in Cover.objects.filter(
            _overlapping(Cover, start, end), rota_id__in=rota_ids
        ).order_by("start", "id").values_list("id", "rota_id", "covering_id", "replaces_id",
                                              "start", "end", "reason")
    ]
    diverts = [
        DivertItem(*row) for row in Divert.objects.filter(
            _overlapping(Divert, start, end), rota_id__in=rota_ids
        ).order_by("start", "id").values_list("id", "rota_id", "start", "end", "reason",
                                              "to_rota_id", "contact_label", "contact_number")
    ]
    notes = [
        NoteItem(*row) for row in Note.objects.filter(
            _overlapping(Note, start, end), rota_id__in=rota_ids
        ).order_by("start", "id").values_list("id", "rota_id", "start", "end", "text")
    ]
    clinician_ids = {s.clinician_id for s in shifts} | {c.covering_id for c in covers} | {
        c.replaces_id for c in covers if c.replaces_id
    }
    leave = [
        LeaveItem(*row) for row in Leave.objects.filter(
            _overlapping(Leave, start, end), clinician_id__in=clinician_ids
        ).values_list("id", "clinician_id", "start", "end")
    ]
    contacts: dict[int, list[tuple]] = defaultdict(list)
    sites: dict[int, SiteInfo] = {row[9]: SiteInfo(*row[9:]) for row in rota_rows}
    for row in ContactMethod.objects.filter(clinician_id__in=clinician_ids).order_by(
        "order", "id"
    ).values_list("clinician_id", "kind", "value", "visibility", "site_id",
                  *(f"site__{f}" for f in SITE_FIELDS)):
        contacts[row[0]].append(row[1:5])
        if row[4] is not None:
            sites[row[4]] = SiteInfo(*row[5:])
    clinicians = {
        clinician_id: ClinicianInfo(
            id=clinician_id, name=name, role=role, home_trust_id=trust_id,
            contacts=tuple(
                ContactInfo(kind, value, visibility, sites[site_id] if site_id else None)
                for kind, value, visibility, site_id in contacts[clinician_id]
            ),
        )
        for clinician_id, name, role, trust_id in Clinician.objects.filter(
            id__in=clinician_ids
        ).values_list("id", "name", "role", "home_trust_id")
    }
    rotas = {
        rota_id: RotaInfo(
            id=rota_id, slug=slug, name=name, role=role, network_id=network_id,
            based_at=sites[based_at_id], serves=frozenset(served[rota_id]),
            required_coverage=coverage, fallback_id=fallback_id, ask_for=ask_for,
        )
        for rota_id, slug, name, role, network_id, based_at_id, coverage, fallback_id, ask_for,
        *_ in rota_rows
    }
    return Schedule(
        start=start, end=end, rotas=rotas, calendars=calendars, clinicians=clinicians,
        shifts=shifts, covers=covers, leave=leave, diverts=diverts, notes=notes,
    )


def schedule_around(*, network_ids: Iterable[int], at: datetime) -> Schedule:
    """The schedule an answer at ``at`` needs: four weeks either side, every rota."""
    return load_schedule(network_ids=network_ids, start=at - ANSWER_WINDOW, end=at + ANSWER_WINDOW)


def schedule_for_rotas(rota_ids: Iterable[int], *, at: datetime) -> Schedule:
    """The schedule answers for ``rota_ids`` at ``at`` need: only the rotas they may reach."""
    start, end = at - ANSWER_WINDOW, at + ANSWER_WINDOW
    return load_schedule(rota_ids=rotas_needed(rota_ids, start=start, end=end),
                         start=start, end=end)


def who_is_on_call(rota, at: datetime) -> tuple[OnCallAnswer, Schedule]:
    """Who is on call for a ``Rota`` at ``at``: loads what it needs, then answers.

    Returns the schedule too, so that callers can name the clinicians.
    """
    schedule = schedule_for_rotas([rota.id], at=at)
    return answer_at(schedule, rota.id, at), schedule
