"""Working hours, bank holidays and Europe/London wall time.

Pure functions over a :class:`NetworkCalendar`; no database access. Instants
are aware datetimes (any zone); wall-clock rules are evaluated in
Europe/London, because that is where 08:00 means 08:00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

# Wall time itself is common.london, re-exported for modules that read it with the calendar.
from common.london import (  # noqa: F401
    LONDON,
    instant_at,
    local,
    wall_time_exists,
    wall_time_is_ambiguous,
)


@dataclass(frozen=True)
class NetworkCalendar:
    """What a network counts as working time."""

    nation: str = "ENG"
    working_day_start: time = time(8, 0)
    working_day_end: time = time(17, 0)
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    closures: dict[date, str] = field(default_factory=dict)

    @classmethod
    def for_network(cls, network, closures=None) -> NetworkCalendar:
        """Build from a ``Network`` row; ``closures`` is ``{date: reason}``."""
        return cls(
            nation=network.nation,
            working_day_start=network.working_day_start,
            working_day_end=network.working_day_end,
            working_weekdays=network.weekday_numbers,
            closures=dict(closures or {}),
        )

    def __hash__(self) -> int:
        return hash(
            (self.nation, self.working_day_start, self.working_day_end, self.working_weekdays,
             tuple(sorted(self.closures.items())))
        )


@dataclass(frozen=True)
class DayStatus:
    working: bool
    reason: str  # "Working day", "Weekend", "Bank holiday: Good Friday", "Closure: ..."


@dataclass(frozen=True)
class HoursStatus:
    in_hours: bool
    reason: str  # e.g. "In hours", "Out of hours: bank holiday (Good Friday)"


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv=nation, years=year))


def bank_holiday(calendar: NetworkCalendar, day: date) -> str | None:
    """The bank holiday's name on ``day`` for the calendar's nation, or None."""
    return _bank_holidays(calendar.nation, day.year).get(day)


def day_status(calendar: NetworkCalendar, day: date) -> DayStatus:
    """Whether ``day`` (a Europe/London date) is a working day, and why."""
    if day in calendar.closures:
        return DayStatus(False, f"Closure: {calendar.closures[day]}")
    holiday = bank_holiday(calendar, day)
    if holiday:
        return DayStatus(False, f"Bank holiday: {holiday}")
    if day.weekday() not in calendar.working_weekdays:
        return DayStatus(False, "Weekend")
    return DayStatus(True, "Working day")


def is_working_day(calendar: NetworkCalendar, day: date) -> bool:
    return day_status(calendar, day).working










def hours_status(calendar: NetworkCalendar, at: datetime) -> HoursStatus:
    """In hours or out of hours for the network at instant ``at``, with the reason."""
    wall = local(at)
    status = day_status(calendar, wall.date())
    if not status.working:
        reason = status.reason[0].lower() + status.reason[1:]
        return HoursStatus(False, f"Out of hours: {reason}")
    opens = instant_at(wall.date(), calendar.working_day_start)
    closes = instant_at(wall.date(), calendar.working_day_end)
    if opens <= at < closes:
        return HoursStatus(True, "In hours")
    when = "before" if at < opens else "after"
    edge = calendar.working_day_start if at < opens else calendar.working_day_end
    return HoursStatus(False, f"Out of hours: {when} {edge:%H:%M}")


def is_in_hours(calendar: NetworkCalendar, at: datetime) -> bool:
    return hours_status(calendar, at).in_hours


def in_hours_intervals(
    calendar: NetworkCalendar, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The in-hours intervals overlapping ``[start, end)``, clipped to it, in UTC."""
    result = []
    day = local(start).date() - timedelta(days=1)
    last = local(end).date()
    while day <= last:
        if is_working_day(calendar, day):
            opens = instant_at(day, calendar.working_day_start)
            closes = instant_at(day, calendar.working_day_end)
            lo, hi = max(opens, start), min(closes, end)
            if lo < hi:
                result.append((lo.astimezone(UTC), hi.astimezone(UTC)))
        day += timedelta(days=1)
    return result
