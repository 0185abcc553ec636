"""Who answers a role for a site from an instant, and until when: across the in-hours and
out-of-hours rotas of a role, bank holidays, clock changes, covers, gaps and diverts."""

from datetime import UTC, datetime, timedelta

import pytest

from rota import services
from rota.oncall import who_answers_role
from rota.selectors import schedule_around
from tests.factories import (
    ClinicianFactory,
    RotaFactory,
    ShiftFactory,
    london,
    months_on_call,
)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def pair(world):
    """The ir-consultant role: an in-hours rota and an out-of-hours rota, every site."""
    day = RotaFactory(network=world.network, based_at=world.preston, slug="ir-day",
                      name="IR in hours", required_coverage="in_hours",
                      ask_for="the duty IR consultant")
    night = RotaFactory(network=world.network, based_at=world.preston, slug="ir-night",
                        name="IR out of hours", required_coverage="out_of_hours",
                        ask_for="the on-call IR consultant")
    people = {name: ClinicianFactory(name=name, home_trust=world.trust_a)
              for name in ("Dr Day", "Dr Day Two", "Dr Night", "Dr Night Two", "Dr Second")}
    return day, night, people


def shift(rota, clinician, start, end):
    ShiftFactory(rota=rota, clinician=clinician, start=start, end=end)


def answer(world, at):
    schedule = schedule_around(network_ids=[world.network.id], at=at)
    return who_answers_role(
        schedule, network_id=world.network.id, role="ir-consultant",
        site_id=world.chorley.id, at=at,
    ), schedule


def names(spell, schedule) -> list[str]:
    return [schedule.clinicians[c].name for c in spell.clinician_ids]


def test_role_after_a_weeknight_is_answered_by_the_in_hours_rota(world, pair):
    day, night, people = pair
    # Tuesday 14 April 2026: the night ends at 08:00; the night rota's own next is 17:00.
    shift(night, people["Dr Night"], london(2026, 4, 13, 17, 0), london(2026, 4, 14, 8, 0))
    shift(night, people["Dr Night Two"], london(2026, 4, 14, 17, 0), london(2026, 4, 15, 8, 0))
    shift(day, people["Dr Day"], london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    role, schedule = answer(world, london(2026, 4, 14, 3, 0))
    assert role.now.rota.slug == "ir-night"
    assert names(role.now, schedule) == ["Dr Night"]
    assert role.now.until == london(2026, 4, 14, 8, 0)
    assert role.then.rota.slug == "ir-day"
    assert names(role.then, schedule) == ["Dr Day"]
    assert (role.then.start, role.then.until) == (
        london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0)
    )
    # The rota's own next shift is still the next night, and stays so.
    assert role.now.answer.next_from == london(2026, 4, 14, 17, 0)


def test_role_in_the_evening_is_answered_by_the_night_rota_from_17(world, pair):
    day, night, people = pair
    shift(day, people["Dr Day"], london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    shift(day, people["Dr Day Two"], london(2026, 4, 15, 8, 0), london(2026, 4, 15, 17, 0))
    shift(night, people["Dr Night"], london(2026, 4, 14, 17, 0), london(2026, 4, 15, 8, 0))
    role, schedule = answer(world, london(2026, 4, 14, 16, 45))
    assert (role.now.rota.slug, role.now.until) == ("ir-day", london(2026, 4, 14, 17, 0))
    assert (role.then.rota.slug, names(role.then, schedule)) == ("ir-night", ["Dr Night"])
    assert role.then.until == london(2026, 4, 15, 8, 0)


def test_role_over_a_bank_holiday_stays_with_the_out_of_hours_rota(world, pair):
    """Controls H-06."""
    day, night, people = pair
    # Good Friday 3 April 2026 is out of hours all day: the night rota's next person answers.
    shift(night, people["Dr Night"], london(2026, 4, 2, 17, 0), london(2026, 4, 3, 8, 0))
    shift(night, people["Dr Night Two"], london(2026, 4, 3, 8, 0), london(2026, 4, 7, 8, 0))
    shift(day, people["Dr Day"], london(2026, 4, 7, 8, 0), london(2026, 4, 7, 17, 0))
    role, schedule = answer(world, london(2026, 4, 2, 23, 0))
    assert role.now.until == london(2026, 4, 3, 8, 0)
    assert (role.then.rota.slug, names(role.then, schedule)) == ("ir-night", ["Dr Night Two"])
    # Easter Monday too: the day rota answers only on Tuesday 7 April.
    assert role.then.until == london(2026, 4, 7, 8, 0)


def test_role_across_the_march_clock_change(world, pair):
    """Controls H-05."""
    day, night, people = pair
    # Saturday 28 March 08:00 GMT to Monday 30 March 08:00 BST: 47 hours, not 48.
    shift(night, people["Dr Night"], london(2026, 3, 28, 8, 0), london(2026, 3, 30, 8, 0))
    shift(day, people["Dr Day"], london(2026, 3, 30, 8, 0), london(2026, 3, 30, 17, 0))
    role, schedule = answer(world, london(2026, 3, 29, 0, 30))
    assert role.now.until == utc(2026, 3, 30, 7, 0)
    assert role.now.until - role.now.answer.since == timedelta(hours=47)
    assert (role.then.rota.slug, role.then.start) == ("ir-day", utc(2026, 3, 30, 7, 0))


def test_role_across_the_october_clock_change(world, pair):
    """Controls H-05."""
    day, night, people = pair
    # Saturday 24 October 08:00 BST to Monday 26 October 08:00 GMT: 49 hours.
    shift(night, people["Dr Night"], london(2026, 10, 24, 8, 0), london(2026, 10, 26, 8, 0))
    shift(day, people["Dr Day"], london(2026, 10, 26, 8, 0), london(2026, 10, 26, 17, 0))
    role, schedule = answer(world, london(2026, 10, 25, 1, 30))
    assert role.now.until == utc(2026, 10, 26, 8, 0)
    assert role.now.until - role.now.answer.since == timedelta(hours=49)
    assert (role.then.rota.slug, names(role.then, schedule)) == ("ir-day", ["Dr Day"])


def test_role_through_a_cover_names_the_covering_clinician_next(world, pair):
    day, night, people = pair
    shift(night, people["Dr Night"], london(2026, 4, 13, 17, 0), london(2026, 4, 14, 8, 0))
    shift(day, people["Dr Day"], london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    services.cover_create(rota=day, covering=people["Dr Day Two"], replaces=people["Dr Day"],
                          start=london(2026, 4, 14, 8, 0), end=london(2026, 4, 14, 12, 0))
    role, schedule = answer(world, london(2026, 4, 14, 3, 0))
    assert names(role.then, schedule) == ["Dr Day Two"]
    assert role.then.until == london(2026, 4, 14, 12, 0)


def test_role_in_a_gap_answers_through_the_fallback_until_the_gap_ends(world, pair):
    """Controls H-02."""
    day, night, people = pair
    second = RotaFactory(network=world.network, based_at=world.preston, slug="ir-second",
                         role="ir-second", required_coverage="out_of_hours")
    night.fallback = second
    night.save()
    shift(second, people["Dr Second"], london(2026, 4, 13, 17, 0), london(2026, 4, 14, 8, 0))
    shift(night, people["Dr Night"], london(2026, 4, 13, 17, 0), london(2026, 4, 13, 23, 0))
    shift(day, people["Dr Day"], london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    role, schedule = answer(world, london(2026, 4, 14, 2, 0))
    assert role.now.rota.slug == "ir-night"
    assert role.now.answer.gap is True
    assert names(role.now, schedule) == ["Dr Second"]
    assert role.now.until == london(2026, 4, 14, 8, 0)
    assert names(role.then, schedule) == ["Dr Day"]


def test_role_diverted_until_the_divert_ends(world, pair):
    """Controls H-03."""
    day, night, people = pair
    shift(day, people["Dr Day"], london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    services.divert_create(
        rota=day, start=london(2026, 4, 14, 9, 0), end=london(2026, 4, 14, 13, 0),
        reason="Hub suite down", contact_label="Royal Blackburn IR", contact_number="01254 263555",
    )
    role, schedule = answer(world, london(2026, 4, 14, 10, 0))
    assert role.now.clinician_ids == ()
    assert role.now.answer.divert.contact_label == "Royal Blackburn IR"
    assert role.now.until == london(2026, 4, 14, 13, 0)
    assert (role.then.rota.slug, names(role.then, schedule)) == ("ir-day", ["Dr Day"])


def test_role_with_no_rota_then_says_so(world, pair):
    day, night, people = pair
    night.delete()
    shift(day, people["Dr Day"], london(2026, 4, 14, 8, 0), london(2026, 4, 14, 17, 0))
    role, schedule = answer(world, london(2026, 4, 14, 16, 0))
    assert role.now.until == london(2026, 4, 14, 17, 0)
    assert role.then.rota is None
    assert role.then.until == london(2026, 4, 15, 8, 0)


def test_role_unchanged_to_the_end_of_the_window_has_no_until(world, pair):
    day, night, people = pair
    always = RotaFactory(network=world.network, based_at=world.preston, slug="ir-always",
                         role="ir-always", required_coverage="always")
    months_on_call(always, people["Dr Day"], london(2026, 1, 1, 0, 0), london(2026, 12, 31, 0, 0))
    at = london(2026, 4, 14, 10, 0)
    schedule = schedule_around(network_ids=[world.network.id], at=at)
    role = who_answers_role(schedule, network_id=world.network.id, role="ir-always",
                            site_id=world.chorley.id, at=at)
    assert (role.now.until, role.then) == (None, None)
