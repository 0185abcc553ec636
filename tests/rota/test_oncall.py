from datetime import UTC, date, datetime, time, timedelta

import pytest

from rota import services
from rota.generation import pattern_extend
from rota.models import Note
from rota.oncall import Handover, OnCall, Segment, answer_at, resolve_timeline, rotas_for_role
from rota.selectors import load_schedule, schedule_around, who_is_on_call
from tests.factories import (
    ClinicianFactory,
    ContactMethodFactory,
    RotaFactory,
    ShiftFactory,
    london,
    months_on_call,
)
from tests.rota.conftest import make_pattern


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def shift(rota, clinician, start, end, kind="manual"):
    return ShiftFactory(rota=rota, clinician=clinician, start=start, end=end, kind=kind)


def rotation(clinician):
    return OnCall(clinician.id, "rotation")


def manual(clinician):
    return OnCall(clinician.id, "manual")


def covering(clinician, replaces=None):
    return OnCall(clinician.id, "cover", replaces.id if replaces else None)


def timeline(rota, start, end):
    schedule = load_schedule(network_ids=[rota.network_id], start=start, end=end)
    return resolve_timeline(schedule, rota.id, start, end)


def weekly(rota, *clinicians):
    """Weekly 08:00 handovers from Monday 13 April 2026, generated for two weeks."""
    pattern = make_pattern(rota, clinicians, start_date=date(2026, 4, 13))
    pattern_extend(pattern, now=london(2026, 4, 13, 0, 0), until=london(2026, 4, 27, 0, 0))
    return pattern


# --- Handovers ---------------------------------------------------------------


@pytest.fixture
def handover_at_eight(rota, doctors):
    """Dr A 17:00-08:00 overnight into Tuesday 14 April 2026, then Dr B until 17:00."""
    a, b = doctors[:2]
    shift(rota, a, london(2026, 4, 13, 17, 0), london(2026, 4, 14, 8, 0))
    shift(rota, b, london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    return a, b


def test_answer_handover_at_exactly_eight_is_half_open(rota, handover_at_eight):
    """Controls H-07."""
    a, b = handover_at_eight
    before, _ = who_is_on_call(rota, london(2026, 4, 14, 7, 59, 59))
    at, _ = who_is_on_call(rota, london(2026, 4, 14, 8, 0))
    assert before.on_call == (manual(a),)
    assert before.until == london(2026, 4, 14, 8, 0)
    assert at.on_call == (manual(b),)
    assert at.since == london(2026, 4, 14, 8, 0)


@pytest.mark.parametrize(
    ("hour", "minute"), [(7, 30), (7, 45), (8, 0), (8, 15), (8, 30)]
)
def test_answer_names_outgoing_and_incoming_within_30_minutes(
    rota, handover_at_eight, hour, minute
):
    a, b = handover_at_eight
    answer, _ = who_is_on_call(rota, london(2026, 4, 14, hour, minute))
    assert answer.handover == Handover(
        at=london(2026, 4, 14, 8, 0), outgoing=(manual(a),), incoming=(manual(b),)
    )


@pytest.mark.parametrize(("hour", "minute"), [(7, 29), (8, 31)])
def test_answer_no_handover_at_31_minutes(rota, handover_at_eight, hour, minute):
    answer, _ = who_is_on_call(rota, london(2026, 4, 14, hour, minute))
    assert answer.handover is None


def test_answer_handover_across_march_clock_change(rota, doctors):
    """Controls H-05."""
    a, b = doctors[:2]
    shift(rota, a, london(2026, 3, 28, 17, 0), london(2026, 3, 29, 8, 0))
    shift(rota, b, london(2026, 3, 29, 8, 0), london(2026, 3, 29, 17, 0))
    answer, _ = who_is_on_call(rota, london(2026, 3, 29, 7, 45))
    assert answer.on_call == (manual(a),)
    assert (answer.since, answer.until) == (utc(2026, 3, 28, 17, 0), utc(2026, 3, 29, 7, 0))
    assert answer.until - answer.since == timedelta(hours=14)
    assert answer.handover == Handover(utc(2026, 3, 29, 7, 0), (manual(a),), (manual(b),))


def test_answer_no_handover_into_gap_or_out_of_nobody(rota, doctors):
    a = doctors[0]
    shift(rota, a, london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    starting, _ = who_is_on_call(rota, london(2026, 4, 14, 8, 10))
    ending, _ = who_is_on_call(rota, london(2026, 4, 14, 16, 50))
    assert starting.handover is None
    assert ending.handover is None
    assert ending.until == london(2026, 4, 14, 17, 0)


# --- Since, until, next --------------------------------------------------------


@pytest.fixture
def four_days(rota, doctors):
    """A Mon, B Tue, nobody Wed, A Thu: 24-hour shifts handing over at 08:00 (April 2026)."""
    a, b = doctors[:2]
    shift(rota, a, london(2026, 4, 13, 8, 0), london(2026, 4, 14, 8, 0))
    shift(rota, b, london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    shift(rota, a, london(2026, 4, 16, 8, 0), london(2026, 4, 17, 8, 0))
    return a, b


@pytest.mark.parametrize(
    ("day", "on_call", "since", "until", "next_on_call", "next_from", "gap"),
    [
        (13, "a", (13, 8), (14, 8), "b", (14, 8), False),
        (14, "b", (14, 8), (15, 8), "a", (16, 8), False),
        (15, "", (15, 8), (16, 8), "a", (16, 8), True),
        (16, "a", (16, 8), (17, 8), "", None, False),
    ],
)
def test_answer_since_until_next_exact(
    rota, four_days, day, on_call, since, until, next_on_call, next_from, gap
):
    people = dict(zip("ab", four_days, strict=True))
    answer, _ = who_is_on_call(rota, london(2026, 4, day, 12, 0))
    assert answer.on_call == tuple(manual(people[k]) for k in on_call)
    assert answer.since == london(2026, 4, *since)
    assert answer.until == london(2026, 4, *until)
    assert answer.next_on_call == tuple(manual(people[k]) for k in next_on_call)
    assert answer.next_from == (london(2026, 4, *next_from) if next_from else None)
    assert answer.gap is gap


def test_answer_same_clinician_again_after_nobody_is_next(world, doctors):
    in_hours = RotaFactory(
        network=world.network, based_at=world.preston, required_coverage="in_hours"
    )
    a = doctors[0]
    shift(in_hours, a, london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    shift(in_hours, a, london(2026, 4, 15, 8, 0), london(2026, 4, 15, 17, 0))
    answer, _ = who_is_on_call(in_hours, london(2026, 4, 14, 16, 0))
    assert answer.until == london(2026, 4, 14, 17, 0)
    assert (answer.next_on_call, answer.next_from) == ((manual(a),), london(2026, 4, 15, 8, 0))


def test_answer_same_clinician_on_consecutive_shifts_runs_until_last(rota, doctors):
    a, b = doctors[:2]
    shift(rota, a, london(2026, 4, 13, 8, 0), london(2026, 4, 14, 8, 0), kind="rotation")
    shift(rota, a, london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    shift(rota, b, london(2026, 4, 15, 8, 0), london(2026, 4, 16, 8, 0))
    answer, _ = who_is_on_call(rota, london(2026, 4, 14, 7, 50))
    assert answer.on_call == (rotation(a),)
    assert (answer.since, answer.until) == (london(2026, 4, 13, 8, 0), london(2026, 4, 15, 8, 0))
    assert (answer.next_on_call, answer.next_from) == ((manual(b),), london(2026, 4, 15, 8, 0))
    assert answer.handover is None


def test_answer_beyond_loaded_window_has_no_since_or_until(rota, doctors):
    months_on_call(rota, doctors[0], london(2026, 1, 1, 0, 0), london(2026, 12, 31, 0, 0))
    answer, _ = who_is_on_call(rota, london(2026, 6, 1, 12, 0))
    assert (answer.since, answer.until, answer.next_on_call, answer.next_from) == (
        None, None, (), None
    )


def test_answer_refuses_naive_or_outside_instant(rota):
    schedule = schedule_around(network_ids=[rota.network_id], at=london(2026, 4, 14, 12, 0))
    with pytest.raises(ValueError, match="must carry its offset"):
        answer_at(schedule, rota.id, datetime(2026, 4, 14, 12, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="outside the loaded schedule"):
        answer_at(schedule, rota.id, london(2026, 6, 1, 12, 0))


def test_answer_carries_notes_in_force(world, rota, doctors):
    shift(rota, doctors[0], london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    note = services.note_create(
        rota=rota, start=london(2026, 4, 14, 9, 0), end=london(2026, 4, 14, 12, 0),
        text="Hub CT scanner down until noon", user=world.switchboard,
    )
    during, _ = who_is_on_call(rota, london(2026, 4, 14, 11, 59))
    after, _ = who_is_on_call(rota, london(2026, 4, 14, 12, 0))
    assert [n.text for n in during.notes] == ["Hub CT scanner down until noon"]
    assert [n.id for n in during.notes] == [note.id]
    assert after.notes == ()
    assert Note.objects.get().author == world.switchboard


# --- Covers and leave ------------------------------------------------------------


def test_timeline_cover_exactly_on_shift_edges(rota, doctors):
    a, b, c = doctors[:3]
    shift(rota, a, london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    shift(rota, b, london(2026, 4, 14, 17, 0), london(2026, 4, 15, 8, 0))
    services.cover_create(
        rota=rota, covering=c, replaces=a, start=london(2026, 4, 14, 8, 0),
        end=london(2026, 4, 14, 17, 0),
    )
    assert timeline(rota, london(2026, 4, 14, 7, 0), london(2026, 4, 14, 18, 0)) == [
        Segment(london(2026, 4, 14, 7, 0), london(2026, 4, 14, 8, 0), (), True),
        Segment(london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0), (covering(c, a),), False),
        Segment(london(2026, 4, 14, 17, 0), london(2026, 4, 14, 18, 0), (manual(b),), False),
    ]


def test_timeline_cover_starting_at_shift_start_and_ending_at_shift_end(rota, doctors):
    a, c, d = doctors[0], doctors[2], doctors[3]
    shift(rota, a, london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    services.cover_create(
        rota=rota, covering=c, replaces=a, start=london(2026, 4, 14, 8, 0),
        end=london(2026, 4, 14, 10, 0),
    )
    services.cover_create(
        rota=rota, covering=d, replaces=a, start=london(2026, 4, 14, 15, 0),
        end=london(2026, 4, 14, 17, 0),
    )
    assert timeline(rota, london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0)) == [
        Segment(london(2026, 4, 14, 8, 0), london(2026, 4, 14, 10, 0), (covering(c, a),), False),
        Segment(london(2026, 4, 14, 10, 0), london(2026, 4, 14, 15, 0), (manual(a),), False),
        Segment(london(2026, 4, 14, 15, 0), london(2026, 4, 14, 17, 0), (covering(d, a),), False),
    ]


def test_timeline_cover_inside_weekly_rotation_shared_by_two_splits_in_three(rota, doctors):
    a, b, c = doctors[:3]
    weekly(rota, a)
    weekly(rota, b)
    services.cover_create(
        rota=rota, covering=c, replaces=a, start=london(2026, 4, 15, 12, 0),
        end=london(2026, 4, 15, 20, 0), reason="Clinic",
    )
    assert timeline(rota, london(2026, 4, 15, 0, 0), london(2026, 4, 16, 0, 0)) == [
        Segment(
            london(2026, 4, 15, 0, 0), london(2026, 4, 15, 12, 0), (rotation(a), rotation(b)), False
        ),
        Segment(
            london(2026, 4, 15, 12, 0), london(2026, 4, 15, 20, 0),
            (rotation(b), covering(c, a)), False,
        ),
        Segment(
            london(2026, 4, 15, 20, 0), london(2026, 4, 16, 0, 0), (rotation(a), rotation(b)), False
        ),
    ]


def test_timeline_joining_cover_adds_a_clinician(rota, doctors):
    a, c = doctors[0], doctors[2]
    weekly(rota, a)
    services.cover_create(
        rota=rota, covering=c, start=london(2026, 4, 15, 12, 0), end=london(2026, 4, 15, 20, 0)
    )
    answer, _ = who_is_on_call(rota, london(2026, 4, 15, 13, 0))
    assert answer.on_call == (rotation(a), covering(c))


def test_timeline_leave_inside_rotation_week_without_cover_is_gap(rota, doctors):
    a = doctors[0]
    weekly(rota, a)
    start, end = services.leave_window(date(2026, 4, 15), date(2026, 4, 16))
    services.leave_create(clinician=a, start=start, end=end, reason="Conference")
    assert timeline(rota, london(2026, 4, 13, 8, 0), london(2026, 4, 20, 8, 0)) == [
        Segment(london(2026, 4, 13, 8, 0), london(2026, 4, 15, 0, 0), (rotation(a),), False),
        Segment(london(2026, 4, 15, 0, 0), london(2026, 4, 17, 0, 0), (), True),
        Segment(london(2026, 4, 17, 0, 0), london(2026, 4, 20, 8, 0), (rotation(a),), False),
    ]
    answer, _ = who_is_on_call(rota, london(2026, 4, 15, 12, 0))
    assert answer.gap is True
    assert answer.fallback is None
    assert answer.fallback_unavailable == "This rota has no fallback rota."
    assert answer.effective is None


def test_timeline_leave_inside_rotation_week_with_cover_has_no_gap(rota, doctors):
    a, c = doctors[0], doctors[2]
    weekly(rota, a)
    start, end = services.leave_window(date(2026, 4, 15), date(2026, 4, 16))
    services.leave_create(clinician=a, start=start, end=end)
    services.cover_create(rota=rota, covering=c, replaces=a, start=start, end=end)
    assert timeline(rota, london(2026, 4, 13, 8, 0), london(2026, 4, 20, 8, 0)) == [
        Segment(london(2026, 4, 13, 8, 0), london(2026, 4, 15, 0, 0), (rotation(a),), False),
        Segment(london(2026, 4, 15, 0, 0), london(2026, 4, 17, 0, 0), (covering(c, a),), False),
        Segment(london(2026, 4, 17, 0, 0), london(2026, 4, 20, 8, 0), (rotation(a),), False),
    ]


def test_timeline_covering_clinician_on_leave_is_gap_not_covered_clinician(rota, doctors):
    a, c = doctors[0], doctors[2]
    weekly(rota, a)
    services.cover_create(
        rota=rota, covering=c, replaces=a, start=london(2026, 4, 15, 12, 0),
        end=london(2026, 4, 15, 20, 0),
    )
    services.leave_create(
        clinician=c, start=london(2026, 4, 15, 14, 0), end=london(2026, 4, 15, 16, 0)
    )
    assert timeline(rota, london(2026, 4, 15, 0, 0), london(2026, 4, 16, 0, 0)) == [
        Segment(london(2026, 4, 15, 0, 0), london(2026, 4, 15, 12, 0), (rotation(a),), False),
        Segment(london(2026, 4, 15, 12, 0), london(2026, 4, 15, 14, 0), (covering(c, a),), False),
        Segment(london(2026, 4, 15, 14, 0), london(2026, 4, 15, 16, 0), (), True),
        Segment(london(2026, 4, 15, 16, 0), london(2026, 4, 15, 20, 0), (covering(c, a),), False),
        Segment(london(2026, 4, 15, 20, 0), london(2026, 4, 16, 0, 0), (rotation(a),), False),
    ]


def test_timeline_leave_of_one_of_two_leaves_the_other(rota, doctors):
    a, b = doctors[:2]
    weekly(rota, a)
    weekly(rota, b)
    services.leave_create(
        clinician=a, start=london(2026, 4, 15, 9, 0), end=london(2026, 4, 15, 11, 0)
    )
    answer, _ = who_is_on_call(rota, london(2026, 4, 15, 10, 0))
    assert answer.on_call == (rotation(b),)
    assert answer.gap is False


# --- Gaps, coverage hours and fallbacks ----------------------------------------


@pytest.fixture
def chain(world):
    """Three empty rotas whose fallbacks go A -> B -> C -> A."""
    rotas = [
        RotaFactory(network=world.network, based_at=world.preston, slug=f"chain-{n}")
        for n in "abc"
    ]
    for rota, fallback in zip(rotas, rotas[1:] + rotas[:1], strict=True):
        rota.fallback = fallback
        rota.save()
    return rotas


def test_answer_fallback_chain_with_cycle_terminates_and_says_so(chain):
    a, b, c = chain
    answer, _ = who_is_on_call(a, london(2026, 4, 14, 12, 0))
    assert (answer.gap, answer.fallback.rota.id) == (True, b.id)
    assert (answer.fallback.gap, answer.fallback.fallback.rota.id) == (True, c.id)
    last = answer.fallback.fallback
    assert (last.gap, last.fallback) == (True, None)
    assert last.fallback_unavailable == "The fallback chain leads back to a rota already followed."
    assert answer.effective is None


def test_answer_fallback_chain_gives_first_rota_with_someone(chain, doctors):
    a, b, c = chain
    shift(c, doctors[2], london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    answer, _ = who_is_on_call(a, london(2026, 4, 14, 12, 0))
    assert answer.effective.rota.id == c.id
    assert answer.effective.on_call == (manual(doctors[2]),)
    assert answer.on_call == ()


def test_answer_fallback_in_another_network_is_not_followed(world, rota):
    # Rota.clean refuses this; a row written around it must not leak another network.
    rota.fallback = RotaFactory(network=world.other_network, based_at=world.preston)
    rota.save()
    answer, _ = who_is_on_call(rota, london(2026, 4, 14, 12, 0))
    assert (answer.gap, answer.fallback) == (True, None)
    assert answer.fallback_unavailable == "The fallback rota belongs to another network."


@pytest.fixture
def in_hours_rota(world):
    rota = RotaFactory(
        network=world.network, based_at=world.chorley, required_coverage="in_hours",
        slug="chorley-ir-day",
    )
    rota.serves.set([world.chorley, world.preston])
    return rota


def test_answer_in_hours_rota_at_night_is_not_a_gap(in_hours_rota):
    answer, _ = who_is_on_call(in_hours_rota, london(2026, 4, 14, 22, 0))
    assert (answer.on_call, answer.gap, answer.outside_hours) == ((), False, True)


def test_answer_in_hours_rota_empty_in_hours_is_a_gap(in_hours_rota):
    answer, _ = who_is_on_call(in_hours_rota, london(2026, 4, 14, 10, 0))
    assert (answer.on_call, answer.gap, answer.outside_hours) == ((), True, False)


def test_timeline_in_hours_rota_with_no_shifts_gaps_only_in_hours(in_hours_rota):
    # Thursday 2 April to Good Friday 3 April 2026: only Thursday 08:00-17:00 is required.
    assert timeline(in_hours_rota, london(2026, 4, 2, 0, 0), london(2026, 4, 4, 0, 0)) == [
        Segment(london(2026, 4, 2, 0, 0), london(2026, 4, 2, 8, 0), (), False),
        Segment(london(2026, 4, 2, 8, 0), london(2026, 4, 2, 17, 0), (), True),
        Segment(london(2026, 4, 2, 17, 0), london(2026, 4, 4, 0, 0), (), False),
    ]


def test_timeline_out_of_hours_rota_requires_bank_holiday(world):
    """Controls H-06."""
    ooh = RotaFactory(
        network=world.network, based_at=world.preston, required_coverage="out_of_hours"
    )
    assert timeline(ooh, london(2026, 4, 2, 0, 0), london(2026, 4, 4, 0, 0)) == [
        Segment(london(2026, 4, 2, 0, 0), london(2026, 4, 2, 8, 0), (), True),
        Segment(london(2026, 4, 2, 8, 0), london(2026, 4, 2, 17, 0), (), False),
        Segment(london(2026, 4, 2, 17, 0), london(2026, 4, 4, 0, 0), (), True),
    ]


def test_answer_rota_with_no_shifts_at_all(rota):
    answer, schedule = who_is_on_call(rota, london(2026, 4, 14, 12, 0))
    assert answer.on_call == ()
    assert (answer.gap, answer.since, answer.until) == (True, None, None)
    assert (answer.next_on_call, answer.next_from, answer.handover) == ((), None, None)
    assert resolve_timeline(schedule, rota.id) == [
        Segment(schedule.start, schedule.end, (), True)
    ]
    assert schedule.clinicians == {}


# --- Diverts -----------------------------------------------------------------


def test_answer_divert_to_another_rota(world, rota, doctors):
    """Controls H-13."""
    a, b = doctors[:2]
    other = RotaFactory(network=world.network, based_at=world.blackburn, slug="blackburn-ir")
    shift(rota, a, london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    shift(other, b, london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    divert = services.divert_create(
        rota=rota, to_rota=other, start=london(2026, 4, 14, 10, 0),
        end=london(2026, 4, 14, 12, 0), reason="Preston IR suite down",
    )
    answer, _ = who_is_on_call(rota, london(2026, 4, 14, 11, 0))
    assert answer.divert.id == divert.id
    assert answer.divert.reason == "Preston IR suite down"
    assert answer.on_call == (manual(a),)
    assert (answer.since, answer.until) == (london(2026, 4, 14, 10, 0), london(2026, 4, 14, 12, 0))
    assert answer.divert_answer.rota.id == other.id
    assert answer.effective.on_call == (manual(b),)
    after, _ = who_is_on_call(rota, london(2026, 4, 14, 12, 0))
    assert (after.divert, after.effective.rota.id) == (None, rota.id)


def test_answer_divert_to_fixed_contact(rota, doctors):
    shift(rota, doctors[0], london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    services.divert_create(
        rota=rota, start=london(2026, 4, 14, 10, 0), end=london(2026, 4, 14, 12, 0),
        reason="Consultant scrubbed", contact_label="Royal Blackburn IR suite",
        contact_number="01254263555",
    )
    answer, _ = who_is_on_call(rota, london(2026, 4, 14, 11, 0))
    assert (answer.divert.contact_label, answer.divert.contact_number) == (
        "Royal Blackburn IR suite", "01254 263555"
    )
    assert (answer.divert_answer, answer.effective, answer.gap) == (None, None, False)


def test_answer_divert_loop_stops_and_says_so(world, rota):
    other = RotaFactory(network=world.network, based_at=world.blackburn, slug="blackburn-ir")
    window = dict(start=london(2026, 4, 14, 10, 0), end=london(2026, 4, 14, 12, 0))
    services.divert_create(rota=rota, to_rota=other, reason="Suite down", **window)
    services.divert_create(rota=other, to_rota=rota, reason="Suite down", **window)
    answer, _ = who_is_on_call(rota, london(2026, 4, 14, 11, 0))
    assert answer.divert_answer.rota.id == other.id
    assert answer.divert_answer.divert_answer is None
    assert answer.divert_answer.fallback_unavailable == (
        "The divert leads back to a rota already followed."
    )
    assert answer.effective is None


def test_timeline_divert_during_gap_is_not_a_gap(rota):
    services.divert_create(
        rota=rota, start=london(2026, 4, 14, 10, 0), end=london(2026, 4, 14, 12, 0),
        reason="Network hub", contact_label="Royal Preston switchboard",
        contact_number="01772 716565",
    )
    segments = timeline(rota, london(2026, 4, 14, 9, 0), london(2026, 4, 14, 13, 0))
    assert [(s.start, s.end, s.gap, s.divert is not None) for s in segments] == [
        (london(2026, 4, 14, 9, 0), london(2026, 4, 14, 10, 0), True, False),
        (london(2026, 4, 14, 10, 0), london(2026, 4, 14, 12, 0), False, True),
        (london(2026, 4, 14, 12, 0), london(2026, 4, 14, 13, 0), True, False),
    ]


# --- Timelines across the clock changes ---------------------------------------


@pytest.mark.parametrize(
    ("first_night", "expected"),
    [
        (
            date(2026, 3, 28),
            [
                (utc(2026, 3, 28, 12, 0), utc(2026, 3, 28, 17, 0), ""),
                (utc(2026, 3, 28, 17, 0), utc(2026, 3, 29, 7, 0), "a"),
                (utc(2026, 3, 29, 7, 0), utc(2026, 3, 29, 16, 0), ""),
                (utc(2026, 3, 29, 16, 0), utc(2026, 3, 30, 7, 0), "b"),
                (utc(2026, 3, 30, 7, 0), utc(2026, 3, 30, 11, 0), ""),
            ],
        ),
        (
            date(2026, 10, 24),
            [
                (utc(2026, 10, 24, 11, 0), utc(2026, 10, 24, 16, 0), ""),
                (utc(2026, 10, 24, 16, 0), utc(2026, 10, 25, 8, 0), "a"),
                (utc(2026, 10, 25, 8, 0), utc(2026, 10, 25, 17, 0), ""),
                (utc(2026, 10, 25, 17, 0), utc(2026, 10, 26, 8, 0), "b"),
                (utc(2026, 10, 26, 8, 0), utc(2026, 10, 26, 12, 0), ""),
            ],
        ),
    ],
)
def test_timeline_nights_across_clock_changes_exact(rota, doctors, first_night, expected):
    a, b = doctors[:2]
    pattern = make_pattern(
        rota, [a, b], cadence="daily", shift_start=time(17, 0), shift_end=time(8, 0),
        start_date=first_night, end_date=first_night + timedelta(days=1),
    )
    pattern_extend(pattern, now=london(2026, 1, 1, 0, 0), until=london(2026, 12, 31, 0, 0))
    noon = london(first_night.year, first_night.month, first_night.day, 12, 0)
    segments = timeline(rota, noon, noon + timedelta(days=2))
    people = {"": (), "a": (rotation(a),), "b": (rotation(b),)}
    assert segments == [
        Segment(start, end, people[who], gap=not who) for start, end, who in expected
    ]
    assert [s.end - s.start for s in segments if s.on_call] == (
        [timedelta(hours=14), timedelta(hours=15)]
        if first_night.month == 3
        else [timedelta(hours=16), timedelta(hours=15)]
    )


# --- Roles ---------------------------------------------------------------------


def test_rotas_for_role_by_site_and_hours(world, in_hours_rota):
    ooh = RotaFactory(
        network=world.network, based_at=world.preston, required_coverage="out_of_hours",
        slug="lsc-ir-night",
    )
    schedule = schedule_around(network_ids=[world.network.id], at=london(2026, 4, 14, 12, 0))

    def slugs(site, at):
        found = rotas_for_role(
            schedule, network_id=world.network.id, role="ir-consultant", site_id=site.id, at=at
        )
        return [r.slug for r in found]

    assert slugs(world.chorley, london(2026, 4, 14, 12, 0)) == ["chorley-ir-day"]
    assert slugs(world.blackburn, london(2026, 4, 14, 12, 0)) == []
    assert slugs(world.chorley, london(2026, 4, 14, 22, 0)) == [ooh.slug]
    assert slugs(world.blackburn, london(2026, 4, 3, 12, 0)) == [ooh.slug]


# --- Loading -------------------------------------------------------------------


# Rotas with their bases, sites served and networks' working weeks; closure dates;
# shifts, covers, diverts and notes together; leave; clinicians with their contacts and
# the contacts' sites: plain rows, however many rotas and however long the history.
LOAD_QUERIES = 5


def test_load_schedule_constant_queries_whatever_the_rotas_and_shifts(
    world, doctors, django_assert_num_queries
):
    start, end = london(2026, 4, 1, 0, 0), london(2026, 5, 1, 0, 0)
    first = RotaFactory(network=world.network, based_at=world.preston)
    shift(first, doctors[0], london(2026, 4, 14, 8, 0), london(2026, 4, 15, 8, 0))
    with django_assert_num_queries(LOAD_QUERIES):
        small = load_schedule(network_ids=[world.network.id], start=start, end=end)
    assert (len(small.rotas), len(small.shifts)) == (1, 1)

    clinicians = [ClinicianFactory(home_trust=world.trust_b) for _ in range(10)]
    for clinician in clinicians:
        ContactMethodFactory(clinician=clinician)
        ContactMethodFactory(
            clinician=clinician, kind="bleep", value="2345", visibility="staff",
            site=world.blackburn,
        )
    for n in range(9):
        extra = RotaFactory(network=world.network, based_at=world.blackburn)
        extra.serves.set([world.blackburn, world.chorley])
        for day in range(20):
            shift(
                extra, clinicians[(n + day) % 10], london(2026, 4, 1, 8, 0) + timedelta(days=day),
                london(2026, 4, 2, 8, 0) + timedelta(days=day),
            )
        services.note_create(
            rota=extra, start=london(2026, 4, 3, 8, 0), end=london(2026, 4, 3, 9, 0), text="x"
        )
        services.cover_create(
            rota=extra, covering=doctors[1], start=london(2026, 4, 5, 8, 0),
            end=london(2026, 4, 5, 9, 0),
        )
        services.divert_create(
            rota=extra, to_rota=first, start=london(2026, 4, 6, 8, 0),
            end=london(2026, 4, 6, 9, 0), reason="Suite down",
        )
    services.leave_create(
        clinician=clinicians[0], start=london(2026, 4, 7, 0, 0), end=london(2026, 4, 8, 0, 0)
    )
    with django_assert_num_queries(LOAD_QUERIES):
        large = load_schedule(network_ids=[world.network.id], start=start, end=end)
    assert (len(large.rotas), len(large.shifts), len(large.covers)) == (10, 181, 9)
    assert (len(large.diverts), len(large.notes), len(large.leave)) == (9, 9, 1)
    assert len(large.clinicians) == 12
    assert [c.kind for c in large.clinicians[clinicians[0].id].contacts] == ["mobile", "bleep"]
    assert large.clinicians[clinicians[0].id].contacts[1].site.short_name == "Royal Blackburn"
