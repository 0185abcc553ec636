"""Rotation patterns turned into concrete shifts.

:func:`pattern_shifts` is pure: pattern and calendar in, shifts out, with
wall-clock rules evaluated in Europe/London (a 17:00-08:00 night is 15 h,
14 h across the March clock change and 16 h across October).
:func:`pattern_extend` writes them, idempotently, never touching the past,
manual shifts, covers or leave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from common.history import with_history
from rota.calendars import NetworkCalendar, instant_at, is_working_day, local


@dataclass(frozen=True)
class PatternSpec:
    participants: tuple[int, ...]  # clinician ids, in turn order
    cadence: str  # daily, weekly
    every: int
    shift_start: time
    shift_end: time
    days: str  # all, working, non_working
    start_date: date
    end_date: date | None = None

    @classmethod
    def for_pattern(cls, pattern) -> PatternSpec:
        return cls(
            participants=tuple(p.clinician_id for p in pattern.participants.all()),
            cadence=pattern.cadence,
            every=pattern.every,
            shift_start=pattern.shift_start,
            shift_end=pattern.shift_end,
            days=pattern.days,
            start_date=pattern.start_date,
            end_date=pattern.end_date,
        )


@dataclass(frozen=True)
class PlannedShift:
    clinician_id: int
    start: datetime
    end: datetime


def participant_for(spec: PatternSpec, day: date) -> int:
    """Whose turn ``day`` is: turns count from the pattern's start date."""
    turn_days = spec.every * (7 if spec.cadence == "weekly" else 1)
    turn = (day - spec.start_date).days // turn_days
    return spec.participants[turn % len(spec.participants)]


def pattern_shifts(
    spec: PatternSpec, calendar: NetworkCalendar, first_day: date, last_day: date
) -> list[PlannedShift]:
    """The shifts of days ``first_day`` to ``last_day`` (inclusive, Europe/London dates)."""
    if not spec.participants:
        return []
    day = max(first_day, spec.start_date)
    last = min(last_day, spec.end_date) if spec.end_date else last_day
    overnight = spec.shift_end <= spec.shift_start
    result = []
    while day <= last:
        wanted = (
            spec.days == "all"
            or (spec.days == "working") == is_working_day(calendar, day)
        )
        if wanted:
            start = instant_at(day, spec.shift_start)
            end = instant_at(day + timedelta(days=1) if overnight else day, spec.shift_end)
            if end > start:
                result.append(PlannedShift(participant_for(spec, day), start, end))
        day += timedelta(days=1)
    return result


@dataclass(frozen=True)
class ExtendResult:
    created: int
    deleted: int
    conflicts: tuple[str, ...]


def pattern_extend(pattern, *, now: datetime, until: datetime, calendar=None) -> ExtendResult:
    """Make the pattern's future shifts, from ``now`` to ``until``, match the pattern.

    Shifts already started are left alone, as are manual shifts. A planned
    shift that would overlap another shift of the same clinician on the rota
    is skipped and reported.
    """
    from rota.models import ClosureDate, Shift, ShiftKind

    if calendar is None:
        network = pattern.rota.network
        closures = dict(ClosureDate.objects.filter(network=network).values_list("date", "reason"))
        calendar = NetworkCalendar.for_network(network, closures)
    spec = PatternSpec.for_pattern(pattern)
    planned = [
        s for s in pattern_shifts(spec, calendar, local(now).date() - timedelta(days=1),
                                  local(until).date())
        if s.start >= now and s.start < until
    ]
    with transaction.atomic():
        existing = list(
            # Shifts beyond ``until`` stay: a run with a shorter horizon must not
            # remove what a longer one made.
            Shift.objects.filter(
                pattern=pattern, kind=ShiftKind.ROTATION, start__gte=now, start__lt=until
            ).select_for_update()
        )
        wanted = {(s.clinician_id, s.start, s.end) for s in planned}
        stale = [s for s in existing if (s.clinician_id, s.start, s.end) not in wanted]
        for shift in stale:
            with_history(shift, reason="Rotation pattern changed")
            shift.delete()
        kept = {(s.clinician_id, s.start, s.end) for s in existing} & wanted
        others = list(
            Shift.objects.filter(
                rota_id=pattern.rota_id, end__gt=now, start__lt=until
            ).exclude(pattern=pattern, kind=ShiftKind.ROTATION, start__gte=now)
        )
        to_create, conflicts = [], []
        for s in planned:
            if (s.clinician_id, s.start, s.end) in kept:
                continue
            clash = next(
                (o for o in others
                 if o.clinician_id == s.clinician_id and o.start < s.end and o.end > s.start),
                None,
            )
            if clash:
                conflicts.append(
                    f"{s.start.isoformat()}: clinician {s.clinician_id} already has "
                    f"shift {clash.id} on this rota"
                )
                continue
            to_create.append(
                Shift(
                    rota_id=pattern.rota_id,
                    clinician_id=s.clinician_id,
                    start=s.start,
                    end=s.end,
                    kind=ShiftKind.ROTATION,
                    pattern=pattern,
                )
            )
        if to_create:
            bulk_create_with_history(
                to_create, Shift, default_change_reason="Generated from rotation pattern"
            )
    return ExtendResult(len(to_create), len(stale), tuple(conflicts))
