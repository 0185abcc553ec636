"""Europe/London wall time: the clock changes, and how instants are said back to people."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from common.london import (
    LONDON,
    both_instants,
    instant_at,
    iso,
    local,
    spoken,
    stamp,
    utc_stamp,
    wall_time_exists,
    wall_time_is_ambiguous,
)


def wall(*parts) -> datetime:
    """A naive wall-clock datetime, as a person types it."""
    return datetime.combine(date(*parts[:3]), time(*parts[3:]))


def test_local_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        local(wall(2026, 3, 29, 8, 0))


def test_local_is_london_wall_time():
    assert local(datetime(2026, 7, 1, 7, 0, tzinfo=UTC)).hour == 8
    assert local(datetime(2026, 1, 1, 7, 0, tzinfo=UTC)).hour == 7


def test_spring_gap_and_autumn_repeat():
    assert not wall_time_exists(wall(2026, 3, 29, 1, 30))
    assert wall_time_exists(wall(2026, 3, 29, 2, 30))
    assert wall_time_is_ambiguous(wall(2026, 10, 25, 1, 30))
    assert not wall_time_is_ambiguous(wall(2026, 10, 25, 2, 30))


def test_instant_at_moves_a_skipped_time_forward_and_takes_a_repeated_one_first():
    assert instant_at(date(2026, 3, 29), time(1, 30)) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert instant_at(date(2026, 10, 25), time(1, 30)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert instant_at(date(2026, 7, 1), time(8, 0)) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


def test_both_instants_of_a_repeated_wall_time_are_an_hour_apart():
    first, second = both_instants(wall(2026, 10, 25, 1, 30))
    assert first.utcoffset() == timedelta(hours=1) and second.utcoffset() == timedelta(0)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert first.tzinfo is LONDON


def test_stamp_and_spoken():
    instant = datetime(2026, 12, 28, 3, 12, tzinfo=UTC)
    assert stamp(instant) == "Mon 28 Dec 2026 03:12"
    assert spoken(instant) == "03:12 on Mon 28 Dec 2026 (GMT)"
    summer = datetime(2026, 7, 1, 8, 5, tzinfo=timezone(timedelta(hours=1)))
    assert spoken(summer) == "08:05 on Wed 1 Jul 2026 (BST)"


def test_iso_carries_the_london_offset():
    assert iso(datetime(2026, 7, 1, 7, 0, tzinfo=UTC)) == "2026-07-01T08:00:00+01:00"
    assert iso(datetime(2026, 1, 1, 7, 0, tzinfo=UTC)) == "2026-01-01T07:00:00+00:00"
    assert iso(None) is None


def test_utc_stamp():
    summer = datetime(2026, 7, 1, 8, 5, tzinfo=timezone(timedelta(hours=1)))
    assert utc_stamp(summer) == "20260701T070500Z"
