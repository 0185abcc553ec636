"""Europe/London wall time: the one zone every rota, handover and page is read in.

Instants are stored in UTC; people type and read Europe/London wall time.
Turning one into the other, and saying an instant back to a person, happens
here, so the clock changes are handled the same way everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def local(instant: datetime) -> datetime:
    """The instant as Europe/London wall time."""
    if instant.tzinfo is None:
        raise ValueError("An instant must carry its offset; naive datetimes are refused.")
    return instant.astimezone(LONDON)


def wall_time_exists(naive: datetime) -> bool:
    aware = naive.replace(tzinfo=LONDON)
    return aware.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) == naive


def wall_time_is_ambiguous(naive: datetime) -> bool:
    early = naive.replace(tzinfo=LONDON, fold=0).utcoffset()
    late = naive.replace(tzinfo=LONDON, fold=1).utcoffset()
    return wall_time_exists(naive) and early != late


def instant_at(day: date, wall: time) -> datetime:
    """The UTC instant of a Europe/London wall-clock time on ``day``.

    A wall time skipped by the spring clock change falls at the next valid
    instant (the moment clocks go forward); one repeated in autumn is taken at
    its first occurrence, so a handover there happens once.
    """
    naive = datetime.combine(day, wall)
    if not wall_time_exists(naive):
        probe = naive.replace(second=0, microsecond=0)
        for _ in range(24 * 60):
            probe += timedelta(minutes=1)
            if wall_time_exists(probe):
                naive = probe
                break
    return naive.replace(tzinfo=LONDON, fold=0).astimezone(UTC)


def iso(instant: datetime | None) -> str | None:
    """An instant as ISO 8601 with its Europe/London offset (None stays None)."""
    return local(instant).isoformat() if instant else None


def both_instants(naive: datetime) -> tuple[datetime, datetime]:
    """The two instants of a wall time the autumn clock change repeats: BST, then GMT."""
    return naive.replace(tzinfo=LONDON, fold=0), naive.replace(tzinfo=LONDON, fold=1)


def stamp(instant: datetime) -> str:
    """``Mon 28 Dec 2026 03:12``: an instant as London wall time, for messages and history."""
    return local(instant).strftime("%a %d %b %Y %H:%M")


def utc_stamp(instant: datetime) -> str:
    """``20261228T031200Z``: an instant in UTC, compact, for identifiers and file names."""
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def spoken(instant: datetime) -> str:
    """``03:12 on Mon 28 Dec 2026 (GMT)``: an instant in London time, saying its zone."""
    wall = local(instant)
    return f"{wall:%H:%M on %a %-d %b %Y} ({wall:%Z})"
