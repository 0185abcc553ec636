from datetime import UTC, date, datetime, time, timedelta

from rota.calendars import NetworkCalendar
from rota.generation import (
    ExtendResult,
    PatternSpec,
    PlannedShift,
    participant_for,
    pattern_extend,
    pattern_shifts,
)
from rota.models import ClosureDate, Cover, PatternParticipant, Shift
from tests.factories import ClinicianFactory, ShiftFactory, london
from tests.rota.conftest import make_pattern

ENGLAND = NetworkCalendar()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def spec(**fields) -> PatternSpec:
    defaults = dict(
        participants=(1,),
        cadence="daily",
        every=1,
        shift_start=time(17, 0),
        shift_end=time(8, 0),
        days="all",
        start_date=date(2026, 1, 1),
    )
    return PatternSpec(**(defaults | fields))


def durations(shifts) -> list[timedelta]:
    return [s.end - s.start for s in shifts]


def test_pattern_shifts_night_lasts_15_hours():
    shifts = pattern_shifts(spec(), ENGLAND, date(2026, 3, 26), date(2026, 3, 26))
    assert shifts == [PlannedShift(1, utc(2026, 3, 26, 17, 0), utc(2026, 3, 27, 8, 0))]
    assert durations(shifts) == [timedelta(hours=15)]


def test_pattern_shifts_night_across_march_clock_change_lasts_14_hours():
    shifts = pattern_shifts(spec(), ENGLAND, date(2026, 3, 27), date(2026, 3, 29))
    assert shifts == [
        PlannedShift(1, utc(2026, 3, 27, 17, 0), utc(2026, 3, 28, 8, 0)),
        PlannedShift(1, utc(2026, 3, 28, 17, 0), utc(2026, 3, 29, 7, 0)),
        PlannedShift(1, utc(2026, 3, 29, 16, 0), utc(2026, 3, 30, 7, 0)),
    ]
    assert durations(shifts) == [timedelta(hours=15), timedelta(hours=14), timedelta(hours=15)]


def test_pattern_shifts_night_across_october_clock_change_lasts_16_hours():
    shifts = pattern_shifts(spec(), ENGLAND, date(2026, 10, 23), date(2026, 10, 25))
    assert shifts == [
        PlannedShift(1, utc(2026, 10, 23, 16, 0), utc(2026, 10, 24, 7, 0)),
        PlannedShift(1, utc(2026, 10, 24, 16, 0), utc(2026, 10, 25, 8, 0)),
        PlannedShift(1, utc(2026, 10, 25, 17, 0), utc(2026, 10, 26, 8, 0)),
    ]
    assert durations(shifts) == [timedelta(hours=15), timedelta(hours=16), timedelta(hours=15)]


def test_pattern_shifts_handover_at_non_existent_time_happens_at_next_valid_instant():
    # 01:30 on 29 March 2026 does not exist; the handover is at 02:00 BST (01:00 UTC).
    daily = spec(shift_start=time(1, 30), shift_end=time(1, 30))
    shifts = pattern_shifts(daily, ENGLAND, date(2026, 3, 28), date(2026, 3, 29))
    assert shifts == [
        PlannedShift(1, utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0)),
        PlannedShift(1, utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)),
    ]
    assert durations(shifts) == [timedelta(hours=23, minutes=30), timedelta(hours=23, minutes=30)]


def test_pattern_shifts_handover_at_repeated_time_happens_once():
    # 01:30 on 25 October 2026 happens twice; the handover is at the first (BST).
    daily = spec(shift_start=time(1, 30), shift_end=time(1, 30), participants=(1, 2))
    shifts = pattern_shifts(daily, ENGLAND, date(2026, 10, 24), date(2026, 10, 25))
    assert shifts == [
        PlannedShift(1, utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30)),
        PlannedShift(2, utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
    ]
    assert durations(shifts) == [timedelta(hours=24), timedelta(hours=25)]


def test_participant_for_weekly_one_in_three_order():
    weekly = spec(participants=(11, 22, 33), cadence="weekly", start_date=date(2026, 1, 5))
    mondays = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(7)]
    assert [participant_for(weekly, d) for d in mondays] == [11, 22, 33, 11, 22, 33, 11]
    # Turns run Monday to Sunday, counted from the start date's weekday.
    assert participant_for(weekly, date(2026, 1, 11)) == 11
    assert participant_for(weekly, date(2026, 1, 12)) == 22


def test_participant_for_every_two_days():
    daily = spec(participants=(11, 22), cadence="daily", every=2, start_date=date(2026, 1, 1))
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(6)]
    assert [participant_for(daily, d) for d in days] == [11, 11, 22, 22, 11, 11]


def test_pattern_shifts_weekly_rotation_gives_each_participant_a_week():
    weekly = spec(
        participants=(11, 22, 33), cadence="weekly", shift_start=time(8, 0),
        shift_end=time(8, 0), start_date=date(2026, 1, 5),
    )
    shifts = pattern_shifts(weekly, ENGLAND, date(2026, 1, 5), date(2026, 1, 25))
    assert [s.clinician_id for s in shifts] == [11] * 7 + [22] * 7 + [33] * 7
    assert shifts[0].start == utc(2026, 1, 5, 8, 0)
    assert shifts[-1].end == utc(2026, 1, 26, 8, 0)


def test_pattern_shifts_working_days_skip_good_friday_and_substitute_boxing_day():
    working = spec(shift_start=time(8, 0), shift_end=time(17, 0), days="working")
    easter = pattern_shifts(working, ENGLAND, date(2026, 3, 30), date(2026, 4, 7))
    assert [s.start.date() for s in easter] == [
        date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2),
        date(2026, 4, 7),
    ]
    christmas = pattern_shifts(working, ENGLAND, date(2026, 12, 24), date(2026, 12, 31))
    assert [s.start.date() for s in christmas] == [
        date(2026, 12, 24), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31),
    ]


def test_pattern_shifts_non_working_days_include_good_friday_and_substitute_boxing_day():
    non_working = spec(shift_start=time(8, 0), shift_end=time(8, 0), days="non_working")
    easter = pattern_shifts(non_working, ENGLAND, date(2026, 3, 30), date(2026, 4, 7))
    assert [s.start.date() for s in easter] == [
        date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6),
    ]
    christmas = pattern_shifts(non_working, ENGLAND, date(2026, 12, 24), date(2026, 12, 31))
    assert [s.start.date() for s in christmas] == [
        date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27), date(2026, 12, 28),
    ]


def test_pattern_shifts_respects_start_and_end_dates():
    bounded = spec(start_date=date(2026, 5, 10), end_date=date(2026, 5, 12))
    shifts = pattern_shifts(bounded, ENGLAND, date(2026, 5, 1), date(2026, 5, 31))
    assert [s.start.date() for s in shifts] == [
        date(2026, 5, 10), date(2026, 5, 11), date(2026, 5, 12),
    ]


def test_pattern_shifts_without_participants_is_empty():
    assert pattern_shifts(spec(participants=()), ENGLAND, date(2026, 5, 1), date(2026, 5, 31)) == []


def rotation_shifts(pattern):
    return list(
        Shift.objects.filter(pattern=pattern).order_by("start").values_list(
            "clinician__name", "start", "end"
        )
    )


def test_pattern_extend_creates_future_shifts(rota, doctors):
    a, b = doctors[:2]
    pattern = make_pattern(rota, [a, b], start_date=date(2026, 3, 2))
    result = pattern_extend(
        pattern, now=london(2026, 3, 23, 12, 0), until=london(2026, 3, 31, 0, 0)
    )
    assert result == ExtendResult(created=7, deleted=0, conflicts=())
    shifts = rotation_shifts(pattern)
    # The shift in progress at 12:00 on 23 March started in the past: not generated.
    assert shifts[0] == ("Dr B", utc(2026, 3, 24, 8, 0), utc(2026, 3, 25, 8, 0))
    # Monday 30 March starts Dr A's week, at 08:00 BST.
    assert shifts[-1] == ("Dr A", utc(2026, 3, 30, 7, 0), utc(2026, 3, 31, 7, 0))
    # 29 March: the shift from 08:00 GMT on 28 March to 08:00 BST on 29 March is 23 hours.
    assert ("Dr B", utc(2026, 3, 28, 8, 0), utc(2026, 3, 29, 7, 0)) in shifts
    assert all(kind == "rotation" for kind in Shift.objects.values_list("kind", flat=True))


def test_pattern_extend_is_idempotent(rota, doctors):
    pattern = make_pattern(rota, doctors[:3])
    now, until = london(2026, 3, 2, 0, 0), london(2026, 4, 13, 0, 0)
    first = pattern_extend(pattern, now=now, until=until)
    before = rotation_shifts(pattern)
    ids = set(Shift.objects.values_list("id", flat=True))
    second = pattern_extend(pattern, now=now, until=until)
    assert first == ExtendResult(created=42, deleted=0, conflicts=())
    assert second == ExtendResult(created=0, deleted=0, conflicts=())
    assert rotation_shifts(pattern) == before
    assert set(Shift.objects.values_list("id", flat=True)) == ids


def test_pattern_extend_later_run_adds_only_new_days(rota, doctors):
    pattern = make_pattern(rota, doctors[:2])
    pattern_extend(pattern, now=london(2026, 3, 2, 0, 0), until=london(2026, 3, 9, 0, 0))
    later = pattern_extend(pattern, now=london(2026, 3, 5, 9, 0), until=london(2026, 3, 12, 9, 0))
    # 6 to 8 March exist already; 9 to 12 March are new.
    assert later == ExtendResult(created=4, deleted=0, conflicts=())
    assert Shift.objects.count() == 11


def test_pattern_extend_shorter_horizon_keeps_shifts_beyond_it(rota, doctors):
    pattern = make_pattern(rota, doctors[:2])
    pattern_extend(pattern, now=london(2026, 3, 2, 0, 0), until=london(2026, 3, 30, 0, 0))
    shorter = pattern_extend(pattern, now=london(2026, 3, 3, 0, 0), until=london(2026, 3, 10, 0, 0))
    assert shorter == ExtendResult(created=0, deleted=0, conflicts=())
    assert Shift.objects.count() == 28


def test_pattern_extend_participant_change_replaces_only_future_rotation_shifts(
    world, rota, doctors
):
    a, b, c, d = doctors
    pattern = make_pattern(rota, [a, b], start_date=date(2026, 3, 2))
    pattern_extend(pattern, now=london(2026, 3, 2, 0, 0), until=london(2026, 3, 30, 0, 0))
    manual = ShiftFactory(
        rota=rota, clinician=d, start=london(2026, 3, 25, 12, 0), end=london(2026, 3, 25, 14, 0)
    )
    cover = Cover.objects.create(
        rota=rota, covering=d, replaces=b, start=london(2026, 3, 26, 12, 0),
        end=london(2026, 3, 26, 20, 0),
    )
    past = rotation_shifts(pattern)[:16]
    PatternParticipant.objects.filter(pattern=pattern, clinician=b).delete()
    PatternParticipant.objects.create(pattern=pattern, clinician=c, position=2)

    result = pattern_extend(
        pattern, now=london(2026, 3, 16, 12, 0), until=london(2026, 3, 30, 0, 0)
    )

    # Week of 23 March was Dr B's: its seven shifts now go to Dr C.
    assert result == ExtendResult(created=7, deleted=7, conflicts=())
    shifts = rotation_shifts(pattern)
    assert shifts[:16] == past  # up to and including the shift in progress on 16 March
    assert [name for name, _, _ in shifts] == ["Dr A"] * 7 + ["Dr B"] * 7 + ["Dr A"] * 7 + [
        "Dr C"
    ] * 7
    assert Shift.objects.get(pk=manual.pk).clinician == d
    assert Cover.objects.get(pk=cover.pk).replaces == b


def test_pattern_extend_skips_and_reports_clash_with_manual_shift(rota, doctors):
    a, b = doctors[:2]
    pattern = make_pattern(rota, [a, b], start_date=date(2026, 3, 2))
    manual = ShiftFactory(
        rota=rota, clinician=a, start=london(2026, 3, 3, 10, 0), end=london(2026, 3, 3, 12, 0)
    )
    result = pattern_extend(pattern, now=london(2026, 3, 2, 0, 0), until=london(2026, 3, 5, 0, 0))
    assert result == ExtendResult(
        created=2,
        deleted=0,
        conflicts=(
            f"2026-03-03T08:00:00+00:00: clinician {a.id} already has shift {manual.id} "
            "on this rota",
        ),
    )
    assert Shift.objects.get(pk=manual.pk).kind == "manual"


def test_pattern_extend_working_days_skip_network_closure(world, rota):
    ClosureDate.objects.create(network=world.network, date=date(2026, 7, 15), reason="IT outage")
    pattern = make_pattern(
        rota, [ClinicianFactory(home_trust=world.trust_a)], shift_start=time(8, 0),
        shift_end=time(17, 0), days="working", start_date=date(2026, 7, 13),
    )
    pattern_extend(pattern, now=london(2026, 7, 13, 0, 0), until=london(2026, 7, 18, 0, 0))
    assert [s.date() for s in Shift.objects.values_list("start", flat=True)] == [
        date(2026, 7, 13), date(2026, 7, 14), date(2026, 7, 16), date(2026, 7, 17),
    ]


def test_pattern_extend_records_history_with_reason(rota, doctors):
    pattern = make_pattern(rota, doctors[:1])
    pattern_extend(pattern, now=london(2026, 3, 2, 0, 0), until=london(2026, 3, 3, 0, 0))
    assert list(Shift.history.values_list("history_type", "history_change_reason")) == [
        ("+", "Generated from rotation pattern")
    ]
