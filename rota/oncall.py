"""Who is on call for a rota, at an instant or over a window.

The one place where shifts, covers, leave, diverts, coverage hours and
fallbacks are combined. Everything that shows an on-call answer (pages, API,
PDFs, calendar feeds, coverage checks) reads :func:`resolve_timeline` or
:func:`answer_at`; none of them re-implements a rule.

Two layers:

* :mod:`rota.selectors` reads everything a set of rotas needs for a window in
  a constant number of queries and returns plain data (:class:`Schedule`).
* This module is pure functions over that data, with the instant as a
  parameter: no database, no clock.

Rules, in order, for a rota at an instant ``t`` (all intervals half-open):

1. the rotation and manual shifts covering ``t`` put their clinicians on call;
2. covers covering ``t`` apply in order of start: one naming a clinician
   replaces exactly that clinician (if on call), one naming nobody joins;
3. anyone on leave at ``t`` is removed (a covering clinician on leave leaves
   a gap: the covered clinician does not come back);
4. a divert covering ``t`` replaces the whole answer and says so;
5. nobody left while the rota's required coverage includes ``t`` is a gap,
   answered with the fallback rota's answer, following the chain and stopping
   at a cycle.

Who is on call, and by what (rotation, manual, cover), is read at ``t``, and
either side of a handover: an answer never depends on where the loaded
window begins, which lets answers be read over narrow windows
(:mod:`rota.selectors`) or built ahead over a long one (:mod:`rota.answer_store`).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from rota.calendars import NetworkCalendar, in_hours_intervals

HANDOVER_NOTICE = timedelta(minutes=30)
_INSTANT = timedelta(microseconds=1)  # the finest step between instants
ANSWER_WINDOW = timedelta(days=28)


# --- Plain data ------------------------------------------------------------


@dataclass(frozen=True)
class SiteInfo:
    id: int
    name: str
    short_name: str
    switchboard: str
    trust_id: int


@dataclass(frozen=True)
class ContactInfo:
    kind: str  # mobile, phone, bleep, extension, email
    value: str
    visibility: str  # public, staff, switchboard
    site: SiteInfo | None  # for a bleep or extension: whose switchboard reaches it


@dataclass(frozen=True)
class ClinicianInfo:
    id: int
    name: str
    role: str
    home_trust_id: int
    contacts: tuple[ContactInfo, ...] = ()


@dataclass(frozen=True)
class RotaInfo:
    id: int
    slug: str
    name: str
    role: str
    network_id: int
    based_at: SiteInfo
    serves: frozenset[int]  # site ids; empty means every site of the network
    required_coverage: str  # always, in_hours, out_of_hours
    fallback_id: int | None
    ask_for: str


@dataclass(frozen=True)
class ShiftItem:
    id: int
    rota_id: int
    clinician_id: int
    start: datetime
    end: datetime
    kind: str  # rotation, manual


@dataclass(frozen=True)
class CoverItem:
    id: int
    rota_id: int
    covering_id: int
    replaces_id: int | None
    start: datetime
    end: datetime
    reason: str = ""


@dataclass(frozen=True)
class LeaveItem:
    id: int
    clinician_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class DivertItem:
    id: int
    rota_id: int
    start: datetime
    end: datetime
    reason: str
    to_rota_id: int | None = None
    contact_label: str = ""
    contact_number: str = ""


@dataclass(frozen=True)
class NoteItem:
    id: int
    rota_id: int
    start: datetime
    end: datetime
    text: str


@dataclass
class Schedule:
    """Everything the pure functions need, for ``[start, end)``."""

    start: datetime
    end: datetime
    rotas: dict[int, RotaInfo]
    calendars: dict[int, NetworkCalendar]  # by network id
    clinicians: dict[int, ClinicianInfo] = field(default_factory=dict)
    shifts: list[ShiftItem] = field(default_factory=list)
    covers: list[CoverItem] = field(default_factory=list)
    leave: list[LeaveItem] = field(default_factory=list)
    diverts: list[DivertItem] = field(default_factory=list)
    notes: list[NoteItem] = field(default_factory=list)
    # Read-only once loaded: each rota's answer spans are worked out once per
    # schedule, and its items found once.
    _spans: dict[int, list] = field(default_factory=dict, init=False, repr=False, compare=False)
    _segments: dict[int, list] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _by_rota: dict[str, dict] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _hours_edges: dict[int, list] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def items_of(self, kind: str, rota_id: int) -> list:
        """The schedule's ``kind`` items (shifts, covers, diverts) of one rota."""
        if kind not in self._by_rota:
            grouped = defaultdict(list)
            for item in getattr(self, kind):
                grouped[item.rota_id].append(item)
            self._by_rota[kind] = grouped
        return self._by_rota[kind].get(rota_id, [])

    def hours_edges(self, network_id: int) -> list[datetime]:
        """Where the network's hours begin or end inside the window, in order."""
        if network_id not in self._hours_edges:
            intervals = in_hours_intervals(self.calendars[network_id], self.start, self.end)
            self._hours_edges[network_id] = sorted({e for pair in intervals for e in pair})
        return self._hours_edges[network_id]

    def rota_by_slug(self, slug: str) -> RotaInfo | None:
        return next((r for r in self.rotas.values() if r.slug == slug), None)


# --- Answers ---------------------------------------------------------------


@dataclass(frozen=True)
class OnCall:
    """One clinician on call, and what put them there."""

    clinician_id: int
    source: str  # rotation, manual, cover
    replaces_id: int | None = None


@dataclass(frozen=True)
class Segment:
    """An interval over which a rota's answer does not change."""

    start: datetime
    end: datetime
    on_call: tuple[OnCall, ...]
    gap: bool  # nobody on call while coverage is required
    divert: DivertItem | None = None

    @property
    def key(self) -> tuple:
        return (self.on_call, self.gap, self.divert)

    @property
    def clinician_ids(self) -> tuple[int, ...]:
        return tuple(entry.clinician_id for entry in self.on_call)


@dataclass(frozen=True)
class Handover:
    at: datetime
    outgoing: tuple[OnCall, ...]
    incoming: tuple[OnCall, ...]


@dataclass(frozen=True)
class OnCallAnswer:
    """Who is on call for ``rota`` at ``at``, and what a caller needs around it.

    ``since`` and ``until`` are None when the answer holds beyond the loaded
    window (four weeks either side): "no change scheduled".
    """

    rota: RotaInfo
    at: datetime
    on_call: tuple[OnCall, ...]
    since: datetime | None
    until: datetime | None
    gap: bool
    next_on_call: tuple[OnCall, ...] = ()
    next_from: datetime | None = None
    handover: Handover | None = None
    notes: tuple[NoteItem, ...] = ()
    divert: DivertItem | None = None
    divert_answer: OnCallAnswer | None = None
    fallback: OnCallAnswer | None = None
    fallback_unavailable: str = ""  # why a gap has no fallback answer

    @property
    def outside_hours(self) -> bool:
        """Nobody on call, but the rota is not required now: not a gap."""
        return not self.on_call and not self.gap and self.divert is None

    @property
    def effective(self) -> OnCallAnswer | None:
        """The answer to act on: through diverts and fallbacks, or None if none."""
        if self.divert is not None:
            if self.divert_answer is not None:
                return self.divert_answer.effective
            return None  # a fixed contact: see ``divert``
        if self.gap:
            return self.fallback.effective if self.fallback else None
        return self


# --- Timelines -------------------------------------------------------------


def _required_intervals(
    schedule: Schedule, rota: RotaInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    if rota.required_coverage == "always":
        return [(start, end)]
    in_hours = in_hours_intervals(schedule.calendars[rota.network_id], start, end)
    if rota.required_coverage == "in_hours":
        return in_hours
    result, cursor = [], start
    for lo, hi in in_hours:
        if cursor < lo:
            result.append((cursor, lo))
        cursor = hi
    if cursor < end:
        result.append((cursor, end))
    return result


def _on_call_at(
    shifts: Iterable[ShiftItem], covers: Iterable[CoverItem], away: set[int]
) -> tuple[OnCall, ...]:
    on_call: dict[int, OnCall] = {}
    for shift in sorted(shifts, key=lambda s: (s.start, s.id)):
        on_call.setdefault(shift.clinician_id, OnCall(shift.clinician_id, shift.kind))
    for cover in sorted(covers, key=lambda c: (c.start, c.id)):
        if cover.replaces_id is None:
            on_call.setdefault(cover.covering_id, OnCall(cover.covering_id, "cover"))
        elif cover.replaces_id in on_call:
            del on_call[cover.replaces_id]
            on_call.setdefault(
                cover.covering_id, OnCall(cover.covering_id, "cover", cover.replaces_id)
            )
    return tuple(
        sorted(
            (entry for entry in on_call.values() if entry.clinician_id not in away),
            key=lambda entry: entry.clinician_id,
        )
    )


def resolve_timeline(
    schedule: Schedule, rota_id: int, start: datetime | None = None, end: datetime | None = None
) -> list[Segment]:
    """The rota's answer over ``[start, end)`` as consecutive segments.

    Segments cover the window without holes; adjacent segments differ in who
    is on call, in being a gap, or in the divert in force.
    """
    start = (start or schedule.start).astimezone(UTC)
    end = (end or schedule.end).astimezone(UTC)
    if end <= start:
        return []
    rota = schedule.rotas[rota_id]

    def overlapping(kind):
        return [i for i in schedule.items_of(kind, rota_id) if i.start < end and i.end > start]

    shifts, covers = overlapping("shifts"), overlapping("covers")
    diverts = overlapping("diverts")
    people = {s.clinician_id for s in shifts} | {c.covering_id for c in covers}
    leave = [
        item for item in schedule.leave
        if item.clinician_id in people and item.start < end and item.end > start
    ]
    required = _required_intervals(schedule, rota, start, end)

    # Sweep the window: at each boundary, update what is in force.
    events: list[tuple[datetime, int, int, str, object]] = []
    for kind, items in (("shift", shifts), ("cover", covers), ("leave", leave),
                        ("divert", diverts)):
        for item in items:
            events.append((max(item.start, start), 1, id(item), kind, item))
            events.append((item.end, 0, id(item), kind, item))
    for interval in required:
        events.append((interval[0], 1, id(interval), "required", interval))
        events.append((interval[1], 0, id(interval), "required", interval))
    heapq.heapify(events)

    active: dict[str, dict[int, object]] = defaultdict(dict)
    segments: list[Segment] = []
    cursor = start
    while events and events[0][0] <= start:
        _, starting, ident, kind, item = heapq.heappop(events)
        if starting:
            active[kind][ident] = item
        else:
            active[kind].pop(ident, None)
    while cursor < end:
        boundary = events[0][0] if events and events[0][0] < end else end
        if boundary > cursor:
            away = {item.clinician_id for item in active["leave"].values()}
            on_call = _on_call_at(active["shift"].values(), active["cover"].values(), away)
            divert = max(
                active["divert"].values(), key=lambda d: (d.start, d.id), default=None
            )
            gap = divert is None and not on_call and bool(active["required"])
            segment = Segment(cursor, boundary, on_call, gap, divert)
            if segments and segments[-1].key == segment.key and segments[-1].end == cursor:
                segments[-1] = Segment(segments[-1].start, boundary, on_call, gap, divert)
            else:
                segments.append(segment)
            cursor = boundary
        while events and events[0][0] <= cursor:
            _, starting, ident, kind, item = heapq.heappop(events)
            if starting:
                active[kind][ident] = item
            else:
                active[kind].pop(ident, None)
    return segments


def resolve_timelines(
    schedule: Schedule, rota_ids: Iterable[int], start: datetime | None = None,
    end: datetime | None = None,
) -> dict[int, list[Segment]]:
    return {rota_id: resolve_timeline(schedule, rota_id, start, end) for rota_id in rota_ids}


# --- Answers at an instant -------------------------------------------------


def answer_spans(schedule: Schedule, rota_id: int) -> list[Segment]:
    """The rota's timeline with neighbours joined where they give the same answer.

    Segments also split where only the source changes (a rotation shift
    followed by the same clinician's manual shift); a caller cares about who,
    so such neighbours make one span. Each span keeps its first segment's source.
    """
    if rota_id in schedule._spans:
        return schedule._spans[rota_id]
    spans: list[Segment] = []
    for segment in _segments(schedule, rota_id):
        key = (segment.clinician_ids, segment.gap, segment.divert)
        last = spans[-1] if spans else None
        if last and last.end == segment.start and key == (
            last.clinician_ids, last.gap, last.divert
        ):
            spans[-1] = replace(last, end=segment.end)
        else:
            spans.append(segment)
    schedule._spans[rota_id] = spans
    return spans


def _segments(schedule: Schedule, rota_id: int) -> list[Segment]:
    """The rota's timeline over the whole schedule, worked out once."""
    if rota_id not in schedule._segments:
        schedule._segments[rota_id] = resolve_timeline(schedule, rota_id)
    return schedule._segments[rota_id]


def _segment_at(segments: list[Segment], at: datetime) -> Segment:
    return segments[bisect_right(segments, at, key=lambda s: s.start) - 1]


def answer_at(
    schedule: Schedule, rota_id: int, at: datetime, _followed: frozenset[int] = frozenset()
) -> OnCallAnswer:
    """Who is on call for the rota at ``at``, with diverts and fallbacks resolved.

    ``at`` must lie inside the schedule's window.
    """
    if at.tzinfo is None:
        raise ValueError("An instant must carry its offset; naive datetimes are refused.")
    at = at.astimezone(UTC)
    if not schedule.start <= at < schedule.end:
        raise ValueError("The instant lies outside the loaded schedule.")
    rota = schedule.rotas[rota_id]
    followed = _followed | {rota_id}
    spans = answer_spans(schedule, rota_id)
    index = bisect_right(spans, at, key=lambda s: s.start) - 1
    current = spans[index]
    # Who, and by what (rotation, manual, cover), is read where it happens: at
    # the instant, and either side of a handover. A span joins segments naming
    # the same people; its first segment may lie beyond the window read.
    segments = _segments(schedule, rota_id)
    since = None if current.start <= schedule.start else current.start
    until = None if current.end >= schedule.end else current.end

    # Who is next: the first people on call after this answer, the same
    # clinician again only after a spell with nobody (an in-hours rota's
    # night), never the same clinician merely diverted or re-sourced.
    upcoming, interrupted = None, not current.on_call
    for segment in spans[index + 1:]:
        if not segment.on_call:
            interrupted = True
        elif interrupted or segment.clinician_ids != current.clinician_ids:
            upcoming = segment
            break

    # A handover is one person (or team) giving way to another; the start of
    # an in-hours rota's day after nobody, or the start of a gap, is not one.
    handover = None
    previous = spans[index - 1] if index > 0 else None
    following = spans[index + 1] if index + 1 < len(spans) else None
    if (
        since and previous and previous.on_call and current.on_call
        and previous.clinician_ids != current.clinician_ids
        and at - since <= HANDOVER_NOTICE
    ):
        handover = Handover(since, _segment_at(segments, since - _INSTANT).on_call,
                            _segment_at(segments, since).on_call)
    elif (
        until and following and following.on_call and current.on_call
        and following.clinician_ids != current.clinician_ids
        and until - at <= HANDOVER_NOTICE
    ):
        handover = Handover(until, _segment_at(segments, until - _INSTANT).on_call,
                            following.on_call)

    notes = tuple(
        n for n in schedule.notes if n.rota_id == rota_id and n.start <= at < n.end
    )

    divert_answer = fallback = None
    fallback_unavailable = ""
    if current.divert and current.divert.to_rota_id:
        target = current.divert.to_rota_id
        if target not in schedule.rotas:
            fallback_unavailable = "The divert leads to a rota of another network."
        elif target in followed:
            fallback_unavailable = "The divert leads back to a rota already followed."
        else:
            divert_answer = answer_at(schedule, target, at, followed)
    elif current.gap:
        if rota.fallback_id is None:
            fallback_unavailable = "This rota has no fallback rota."
        elif rota.fallback_id not in schedule.rotas:
            fallback_unavailable = "The fallback rota belongs to another network."
        elif rota.fallback_id in followed:
            fallback_unavailable = "The fallback chain leads back to a rota already followed."
        else:
            fallback = answer_at(schedule, rota.fallback_id, at, followed)

    return OnCallAnswer(
        rota=rota,
        at=at,
        on_call=_segment_at(segments, at).on_call,
        since=since,
        until=until,
        gap=current.gap,
        next_on_call=upcoming.on_call if upcoming else (),
        next_from=upcoming.start if upcoming else None,
        handover=handover,
        notes=notes,
        divert=current.divert,
        divert_answer=divert_answer,
        fallback=fallback,
        fallback_unavailable=fallback_unavailable,
    )


def is_settled(answer: OnCallAnswer) -> bool:
    """Whether a wider window would give the same answer.

    It would when every instant the answer reports (since, until, who is next,
    through its divert and fallback answers) lies inside its window: the spans
    it reads are then whole, not cut by the window's edges. An answer whose
    ``since``, ``until`` or next start is None is not settled.
    """
    answers = [answer]
    while answers:
        current = answers.pop()
        if current.since is None or current.until is None or current.next_from is None:
            return False
        answers.extend(a for a in (current.divert_answer, current.fallback) if a is not None)
    return True


def rotas_for_role(
    schedule: Schedule, *, network_id: int, role: str, site_id: int, at: datetime
) -> list[RotaInfo]:
    """The rotas with ``role`` serving ``site_id`` whose required coverage includes ``at``.

    A well-formed network has exactly one; pathway validation checks it.
    """
    from rota.calendars import is_in_hours

    in_hours = is_in_hours(schedule.calendars[network_id], at)
    wanted = {"always", "in_hours" if in_hours else "out_of_hours"}
    return [
        rota for rota in schedule.rotas.values()
        if rota.network_id == network_id
        and rota.role == role
        and rota.required_coverage in wanted
        and (not rota.serves or site_id in rota.serves)
    ]


# --- Who answers a role for a site -------------------------------------------

# However many handovers, gaps and diverts there are, a referral looks a few steps ahead.
_MOST_CHANGES_FOLLOWED = 200


@dataclass(frozen=True)
class RoleSpell:
    """Who answers a role (or one rota) for a site over ``[start, until)``.

    ``rota`` is the rota the role resolves to then (None: no rota with the role
    serves the site then, e.g. a second on call in hours); ``answer`` is that
    rota's answer at ``start``, with its own diverts and fallbacks. ``until`` is
    None when the answer holds beyond the loaded window.
    """

    start: datetime
    until: datetime | None
    rota: RotaInfo | None
    answer: OnCallAnswer | None

    @property
    def answering(self) -> OnCallAnswer | None:
        """The answer that names who picks up: through diverts and fallbacks."""
        return self.answer.effective if self.answer else None

    @property
    def clinician_ids(self) -> tuple[int, ...]:
        answering = self.answering
        return tuple(e.clinician_id for e in answering.on_call) if answering else ()


@dataclass(frozen=True)
class RoleAnswer:
    """Who answers now and until when (``now``), and who answers from then (``then``)."""

    now: RoleSpell
    then: RoleSpell | None


def _who_picks_up(answer: OnCallAnswer | None) -> tuple:
    """What a caller reaches: the same value means the same person, rota or fixed contact."""
    if answer is None:
        return ("no rota",)
    chain = []
    while answer is not None:
        chain.append(answer.rota.id)
        if answer.divert is not None:
            if answer.divert_answer is None:
                divert = answer.divert
                return (*chain, "contact", divert.contact_label, divert.contact_number)
            answer = answer.divert_answer
        elif answer.gap:
            if answer.fallback is None:
                return (*chain, "gap")
            answer = answer.fallback
        else:
            return (*chain, "people", tuple(e.clinician_id for e in answer.on_call))
    return tuple(chain)


def _changes_after(answer: OnCallAnswer | None) -> list[datetime]:
    """The instants at which this answer, or one it leads through, stops holding."""
    found = []
    while answer is not None:
        if answer.until is not None:
            found.append(answer.until)
        answer = answer.divert_answer or answer.fallback
    return found


def _answer_spell(
    schedule: Schedule, resolve, at: datetime, boundaries: list[datetime]
) -> RoleSpell:
    """The spell from ``at``: follow changes while the caller would reach the same answer."""
    rota = resolve(at)
    answer = answer_at(schedule, rota.id, at) if rota else None
    reached = _who_picks_up(answer)
    probe_from, probe_answer = at, answer
    for _ in range(_MOST_CHANGES_FOLLOWED):
        # ``boundaries`` are in order: only the first after the probe can be next.
        edge = bisect_right(boundaries, probe_from)
        candidates = [t for t in _changes_after(probe_answer) if t > probe_from]
        candidates += boundaries[edge:edge + 1]
        probe = min(candidates, default=None)
        if probe is None or probe >= schedule.end:
            return RoleSpell(at, None, rota, answer)
        probe_rota = resolve(probe)
        probe_answer = answer_at(schedule, probe_rota.id, probe) if probe_rota else None
        if _who_picks_up(probe_answer) != reached:
            return RoleSpell(at, probe, rota, answer)
        probe_from = probe
    return RoleSpell(at, None, rota, answer)


def _role_answer(schedule: Schedule, resolve, at: datetime, boundaries) -> RoleAnswer:
    now = _answer_spell(schedule, resolve, at, boundaries)
    then = _answer_spell(schedule, resolve, now.until, boundaries) if now.until else None
    return RoleAnswer(now, then)


def who_answers_role(
    schedule: Schedule, *, network_id: int, role: str, site_id: int, at: datetime
) -> RoleAnswer:
    """Who answers ``role`` for a referrer at ``site_id`` from ``at``, until when, and then who.

    The role is resolved afresh at every change (:func:`rotas_for_role`): at
    08:00 on a working day an out-of-hours rota gives way to the in-hours rota
    of the role, not to its own next night; on a bank holiday the out-of-hours
    rota goes on answering. Within one rota, covers, leave, gaps (answered by
    the fallback) and diverts apply as in :func:`answer_at`. A spell ends when
    the caller would reach someone else: another person, another rota, a fixed
    contact, or nobody. Pure: ``at`` must lie inside the schedule's window.
    A role that resolves to several rotas is answered by the first by slug;
    pathway validation refuses such a version.
    """
    at = at.astimezone(UTC)
    boundaries = schedule.hours_edges(network_id)

    def resolve(instant: datetime) -> RotaInfo | None:
        rotas = rotas_for_role(
            schedule, network_id=network_id, role=role, site_id=site_id, at=instant
        )
        return min(rotas, key=lambda r: r.slug) if rotas else None

    return _role_answer(schedule, resolve, at, boundaries)


def who_answers_rota(schedule: Schedule, *, rota_id: int, at: datetime) -> RoleAnswer:
    """As :func:`who_answers_role`, for a contact step that names one rota."""
    at = at.astimezone(UTC)
    rota = schedule.rotas[rota_id]
    return _role_answer(schedule, lambda instant: rota, at, [])


def is_role_settled(role: RoleAnswer) -> bool:
    """As :func:`is_settled`, for who answers a role: both spells end inside the
    window, and the answers they report are settled."""
    if role.then is None:
        return False
    return all(
        spell.until is not None and (spell.answer is None or is_settled(spell.answer))
        for spell in (role.now, role.then)
    )


def network_hub(schedule: Schedule, network_id: int) -> SiteInfo | None:
    """The network's hub (see :func:`hub_of`), from the schedule's rotas."""
    return hub_of(r.based_at for r in schedule.rotas.values() if r.network_id == network_id)


def hub_of(rota_bases: Iterable[SiteInfo]) -> SiteInfo | None:
    """The hub of a network, given where each of its rotas is based.

    The site most of its rotas are based at (the lowest id on a tie). Its
    switchboard is the last resort of every escalation and of the outage page:
    it reaches whoever the network has on call.
    """
    counts: dict[int, int] = defaultdict(int)
    sites: dict[int, SiteInfo] = {}
    for site in rota_bases:
        counts[site.id] += 1
        sites[site.id] = site
    if not counts:
        return None
    return sites[min(counts, key=lambda site_id: (-counts[site_id], site_id))]
