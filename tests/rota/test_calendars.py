from datetime import UTC, date, datetime, time, timedelta

import pytest

from rota.calendars import (
    LONDON,
    DayStatus,
    HoursStatus,
    NetworkCalendar,
    day_status,
    hours_status,
    in_hours_intervals,
    instant_at,
    is_in_hours,
)
from tests.factories import london

ENGLAND = NetworkCalendar()
WITH_CLOSURE = NetworkCalendar(closures={date(2026, 7, 15): "Network IT migration"})


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 28), DayStatus(False, "Bank holiday: Boxing Day (observed)")),
        (date(2026, 12, 26), DayStatus(False, "Bank holiday: Boxing Day")),
        (date(2026, 4, 3), DayStatus(False, "Bank holiday: Good Friday")),
        (date(2026, 4, 2), DayStatus(True, "Working day")),
        (date(2026, 3, 28), DayStatus(False, "Weekend")),
        (date(2026, 12, 29), DayStatus(True, "Working day")),
    ],
)
def test_day_status_england(day, expected):
    assert day_status(ENGLAND, day) == expected


def test_day_status_closure_date_is_not_working():
    assert day_status(WITH_CLOSURE, date(2026, 7, 15)) == DayStatus(
        False, "Closure: Network IT migration"
    )
    assert day_status(ENGLAND, date(2026, 7, 15)) == DayStatus(True, "Working day")


@pytest.mark.parametrize("hour", [0, 8, 12, 16, 23])
def test_hours_status_substitute_boxing_day_out_of_hours_all_day(hour):
    assert hours_status(ENGLAND, london(2026, 12, 28, hour, 30)) == HoursStatus(
        False, "Out of hours: bank holiday: Boxing Day (observed)"
    )


def test_hours_status_good_friday_out_of_hours_at_noon():
    assert hours_status(ENGLAND, london(2026, 4, 3, 12, 0)) == HoursStatus(
        False, "Out of hours: bank holiday: Good Friday"
    )


def test_hours_status_closure_out_of_hours_at_noon():
    assert hours_status(WITH_CLOSURE, london(2026, 7, 15, 12, 0)) == HoursStatus(
        False, "Out of hours: closure: Network IT migration"
    )


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (7, 59, HoursStatus(False, "Out of hours: before 08:00")),
        (8, 0, HoursStatus(True, "In hours")),
        (16, 59, HoursStatus(True, "In hours")),
        (17, 0, HoursStatus(False, "Out of hours: after 17:00")),
    ],
)
def test_hours_status_working_day_edges(hour, minute, expected):
    assert hours_status(ENGLAND, london(2026, 4, 2, hour, minute)) == expected


def test_hours_status_weekend():
    assert hours_status(ENGLAND, london(2026, 3, 28, 12, 0)) == HoursStatus(
        False, "Out of hours: weekend"
    )


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Monday 30 March 2026 is the first working day in BST: 08:00 is 07:00 UTC.
        (utc(2026, 3, 30, 6, 59), False),
        (utc(2026, 3, 30, 7, 0), True),
        (utc(2026, 3, 30, 15, 59), True),
        (utc(2026, 3, 30, 16, 0), False),
        # Monday 26 October 2026 is back in GMT: 08:00 is 08:00 UTC.
        (utc(2026, 10, 26, 7, 59), False),
        (utc(2026, 10, 26, 8, 0), True),
        (utc(2026, 10, 26, 16, 59), True),
        (utc(2026, 10, 26, 17, 0), False),
    ],
)
def test_is_in_hours_uses_london_wall_time_after_clock_changes(instant, expected):
    assert is_in_hours(ENGLAND, instant) is expected


def test_hours_status_refuses_naive_datetime():
    with pytest.raises(ValueError, match="must carry its offset"):
        hours_status(ENGLAND, datetime(2026, 4, 2, 12, 0))  # noqa: DTZ001


def test_instant_at_plain_winter_and_summer_days():
    assert instant_at(date(2026, 1, 5), time(8, 0)) == utc(2026, 1, 5, 8, 0)
    assert instant_at(date(2026, 7, 6), time(8, 0)) == utc(2026, 7, 6, 7, 0)


def test_instant_at_non_existent_wall_time_is_next_valid_instant():
    # 01:30 on 29 March 2026 never happens: clocks jump from 01:00 GMT to 02:00 BST.
    result = instant_at(date(2026, 3, 29), time(1, 30))
    assert result == utc(2026, 3, 29, 1, 0)
    assert result == london(2026, 3, 29, 2, 0)
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "02:00 BST"


def test_instant_at_ambiguous_wall_time_is_first_occurrence():
    # 01:30 on 25 October 2026 happens twice: first in BST (00:30 UTC), then GMT (01:30 UTC).
    result = instant_at(date(2026, 10, 25), time(1, 30))
    assert result == utc(2026, 10, 25, 0, 30)
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "01:30 BST"


def test_in_hours_intervals_across_easter_2026():
    # Thursday 2 April to Tuesday 7 April: Good Friday and Easter Monday are out of hours.
    result = in_hours_intervals(ENGLAND, london(2026, 4, 2, 0, 0), london(2026, 4, 8, 0, 0))
    assert result == [
        (utc(2026, 4, 2, 7, 0), utc(2026, 4, 2, 16, 0)),
        (utc(2026, 4, 7, 7, 0), utc(2026, 4, 7, 16, 0)),
    ]


def test_in_hours_intervals_clipped_to_window():
    result = in_hours_intervals(ENGLAND, london(2026, 4, 2, 12, 0), london(2026, 4, 2, 13, 0))
    assert result == [(utc(2026, 4, 2, 11, 0), utc(2026, 4, 2, 12, 0))]


def test_in_hours_intervals_across_spring_clock_change():
    # Friday 27 March (GMT) and Monday 30 March (BST).
    result = in_hours_intervals(
        ENGLAND, london(2026, 3, 27, 0, 0), london(2026, 3, 27, 0, 0) + timedelta(days=4)
    )
    assert result == [
        (utc(2026, 3, 27, 8, 0), utc(2026, 3, 27, 17, 0)),
        (utc(2026, 3, 30, 7, 0), utc(2026, 3, 30, 16, 0)),
    ]
