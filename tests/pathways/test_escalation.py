"""Never the same person twice: repeated people, gaps that lead to a later step, the last resort.

Urology out of hours with the first on call in a gap: step 1 falls back to the
second on-call rota, step 2 is the second on call. The referrer must be sent
straight to step 2, and the escalation must end in someone else.
"""

from datetime import UTC, timedelta

import pytest

from pathways.engine import evaluate
from rota.calendars import NetworkCalendar
from rota.oncall import ClinicianInfo, Schedule, ShiftItem
from tests.pathways.plain import (
    NETWORK,
    WEEKDAY_NIGHT,
    fixed_step,
    outcome,
    role_step,
    rota_info,
    tree,
)

pytestmark = pytest.mark.pure

NIGHT = rota_info(2, "ir-night", coverage="out_of_hours", fallback=4)
SECOND = rota_info(4, "second", role="ir-second", coverage="out_of_hours")
ESCALATION = tree(outcome(
    "o-now",
    role_step("ir-consultant", order=1),
    role_step("ir-second", order=2),
))


def night_schedule(shifts: dict[int, int]) -> Schedule:
    """``shifts`` maps a rota id to the clinician on it all window long (none: a gap)."""
    start = (WEEKDAY_NIGHT - timedelta(days=28)).astimezone(UTC)
    end = (WEEKDAY_NIGHT + timedelta(days=28)).astimezone(UTC)
    people = {1: ClinicianInfo(1, "Dr Xavier", "Consultant", 10),
              2: ClinicianInfo(2, "Dr Yates", "Consultant", 10)}
    return Schedule(
        start=start, end=end, rotas={2: NIGHT, 4: SECOND},
        calendars={NETWORK: NetworkCalendar()}, clinicians=people,
        shifts=[ShiftItem(rota_id, rota_id, person, start, end, "manual")
                for rota_id, person in shifts.items()],
    )


def contacts(shifts, version_tree=ESCALATION):
    result = evaluate(version_tree=version_tree, answers={}, referring_site=11,
                      at=WEEKDAY_NIGHT, schedule=night_schedule(shifts))
    return result.outcome


def test_escalation_gap_falling_back_to_a_later_step_goes_straight_to_it():
    """Controls H-17."""
    result = contacts({4: 1})  # the night rota has nobody: it falls back to the second on call
    first, second = result.contacts
    assert first.answer["status"] == "gap"
    assert (first.go_to_step, first.same_as_step) == (2, 2)
    assert (second.go_to_step, second.same_as_step) == (None, None)
    assert second.reasons == ("Call the ir-consultant", "Call the ir-second")
    assert result.if_no_answer["text"] == (
        "If nobody above answers, call North switchboard on 0113 496 0011: say who you could "
        "not reach, and they will find who is covering."
    )


def test_escalation_same_person_on_two_steps_is_shown_once_with_both_reasons():
    """Controls H-17."""
    result = contacts({2: 1, 4: 1})  # Dr Xavier is first and second on call
    first, second = result.contacts
    assert (first.same_as_step, second.same_as_step) == (None, 1)
    assert (first.go_to_step, second.go_to_step) == (None, None)
    assert first.reasons == ("Call the ir-consultant", "Call the ir-second")
    assert second.reasons == ("Call the ir-second",)
    assert result.if_no_answer["number"] == "0113 496 0011"


def test_escalation_two_people_are_two_steps():
    result = contacts({2: 1, 4: 2})
    assert [(c.same_as_step, c.go_to_step) for c in result.contacts] == [
        (None, None), (None, None)
    ]
    assert [c.reasons for c in result.contacts] == [
        ("Call the ir-consultant",), ("Call the ir-second",)
    ]


def test_escalation_ending_in_a_fixed_number_needs_no_last_resort():
    """Controls H-13."""
    version_tree = tree(outcome("o-now", role_step("ir-consultant", order=1),
                                fixed_step(order=2)))
    assert contacts({2: 1}, version_tree).if_no_answer is None


def test_escalation_api_keeps_every_step_in_the_logged_shape():
    described = contacts({4: 1}).as_dict()
    assert [(c["order"], c["same_as_step"], c["go_to_step"]) for c in described["contacts"]] == [
        (1, 2, 2), (2, None, None)
    ]
    assert described["if_no_answer"]["label"] == "North switchboard"
