"""A stored answer is the live answer, field for field (pure).

:func:`rota.answer_store.rows_for` resolves a rota's answers ahead over a
horizon; :func:`rota.answer_store.finish` completes one for the instant asked.
These properties check, on random rotas (shifts, covers, leave, diverts to a
rota and to a fixed contact, notes, fallbacks, in-hours and out-of-hours
coverage, at both clock changes and on bank holidays), that the result is
what the live path gives at any instant of the horizon: the narrowest window
whose answer is settled, as :func:`rota.selectors.answers_at` reads it.
"""

import json
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.answer_store import _MARGIN, rows_for
from rota.calendars import NetworkCalendar
from rota.oncall import (
    ClinicianInfo,
    ContactInfo,
    CoverItem,
    DivertItem,
    LeaveItem,
    NoteItem,
    Schedule,
    ShiftItem,
    answer_at,
    is_settled,
)
from rota.presentation import describe_answer, iso
from rota.selectors import ANSWER_REACHES
from tests.rota import test_answer_reach_properties as reach_properties
from tests.rota.test_answer_reach_properties import HOUR, INSTANTS, ROTA_IDS, SITE, _rotas

CLINICIANS = {
    n: ClinicianInfo(n, f"Dr {n}", "Consultant interventional radiologist", 1,
                     (ContactInfo("bleep", str(2000 + n), "staff", SITE),
                      ContactInfo("mobile", f"07700 900{n:03d}", "switchboard", None)))
    for n in reach_properties.CLINICIANS
}
HORIZON = (timedelta(hours=-30), timedelta(hours=40))


@st.composite
def worlds(draw):
    """A random network around an instant, as everything stored: ``(at, schedule)``."""
    at = draw(st.sampled_from(INSTANTS))
    offsets = st.integers(min_value=-40 * 24, max_value=40 * 24)
    people = st.sampled_from(sorted(CLINICIANS))

    def interval(longest_hours, near=False):
        offset = draw(st.integers(-48, 48)) if near else draw(offsets)
        start = at + offset * HOUR + draw(st.sampled_from([0, 30])) * timedelta(minutes=1)
        return start, start + draw(st.integers(1, longest_hours)) * HOUR

    shifts, covers, leave, diverts, notes = [], [], [], [], []
    for n in range(draw(st.integers(0, 40))):
        start, end = interval(8 * 24, near=draw(st.booleans()))
        shifts.append(ShiftItem(n + 1, draw(st.sampled_from(ROTA_IDS)), draw(people),
                                start, end, draw(st.sampled_from(["rotation", "manual"]))))
    for n in range(draw(st.integers(0, 6))):
        start, end = interval(5 * 24, near=True)
        covering = draw(people)
        replaces = draw(st.sampled_from([None, *CLINICIANS]))
        covers.append(CoverItem(n + 1, draw(st.sampled_from(ROTA_IDS)), covering,
                                None if replaces == covering else replaces, start, end))
    for n in range(draw(st.integers(0, 4))):
        start, end = interval(20 * 24, near=draw(st.booleans()))
        leave.append(LeaveItem(n + 1, draw(people), start, end))
    for n in range(draw(st.integers(0, 2))):
        start, end = interval(30 * 24, near=draw(st.booleans()))
        rota_id = draw(st.sampled_from(ROTA_IDS))
        target = draw(st.sampled_from([None, *(r for r in ROTA_IDS if r != rota_id)]))
        diverts.append(DivertItem(n + 1, rota_id, start, end, "Suite closed", target,
                                  "" if target else "Vascular registrar",
                                  "" if target else "01772 716565"))
    for n in range(draw(st.integers(0, 3))):
        start, end = interval(3 * 24, near=True)
        notes.append(NoteItem(n + 1, draw(st.sampled_from(ROTA_IDS)), start, end,
                              "In theatre"))
    coverages = [draw(st.sampled_from(["always", "in_hours", "out_of_hours"]))
                 for _ in ROTA_IDS]
    fallbacks = [draw(st.sampled_from([None, 2, 3])), draw(st.sampled_from([None, 1, 3])),
                 draw(st.sampled_from([None, 1]))]
    everything = Schedule(
        start=at - 60 * 24 * HOUR, end=at + 60 * 24 * HOUR,
        rotas=_rotas(coverages, fallbacks), calendars={1: NetworkCalendar()},
        clinicians=CLINICIANS, shifts=sorted(shifts, key=lambda s: (s.start, s.id)),
        covers=sorted(covers, key=lambda c: (c.start, c.id)), leave=leave,
        diverts=sorted(diverts, key=lambda d: (d.start, d.id)),
        notes=sorted(notes, key=lambda n: (n.start, n.id)),
    )
    return at, everything


def read(everything: Schedule, start: datetime, end: datetime) -> Schedule:
    """What the loader reads for ``[start, end)``: every item overlapping it."""
    def overlapping(items):
        return [i for i in items if i.end > start and i.start < end]

    return replace(
        everything, start=start, end=end, shifts=overlapping(everything.shifts),
        covers=overlapping(everything.covers), leave=overlapping(everything.leave),
        diverts=overlapping(everything.diverts), notes=overlapping(everything.notes),
    )


def stored_at(row, instant: datetime) -> dict:
    """The row's whole answer as read at ``instant``."""
    return json.loads(row.answer.replace('"at":null', f'"at":"{iso(instant)}"'))


def live(everything: Schedule, rota_id: int, at: datetime) -> dict:
    """As :func:`rota.selectors.answers_at`: the narrowest settled window, else four weeks."""
    for reach in ANSWER_REACHES:
        schedule = read(everything, at - reach, at + reach)
        answer = answer_at(schedule, rota_id, at)
        if is_settled(answer) or reach == ANSWER_REACHES[-1]:
            return describe_answer(answer, schedule)
    raise AssertionError("unreachable")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.lists(st.integers(0, 70 * 60 - 1), min_size=5, max_size=5))
def test_a_stored_answer_is_the_live_answer(world, minutes):
    """Controls H-28."""
    at, everything = world
    start, end = at + HORIZON[0], at + HORIZON[1]
    stored = read(everything, start - _MARGIN, end + _MARGIN)
    for rota_id in ROTA_IDS:
        rows = rows_for(stored, rota_id, start, end)
        assert rows[0].start == start and rows[-1].end == end
        assert all(a.end == b.start for a, b in zip(rows, rows[1:], strict=False))
        # Every row's first instant, the last before it, and random ones.
        asked = [row.start for row in rows] + [
            row.start - timedelta(microseconds=1) for row in rows[1:]
        ] + [start + timedelta(minutes=m, seconds=17) for m in minutes]
        for instant in asked:
            row = next(r for r in rows if r.start <= instant < r.end)
            assert stored_at(row, instant) == live(everything, rota_id, instant), instant


def _one_rota(at: datetime, shifts) -> Schedule:
    return Schedule(
        start=at - 60 * 24 * HOUR, end=at + 60 * 24 * HOUR,
        rotas=_rotas(["always"] * 3, [None] * 3), calendars={1: NetworkCalendar()},
        clinicians=CLINICIANS,
        shifts=[ShiftItem(n + 1, 1, who, lo, hi, kind)
                for n, (who, lo, hi, kind) in enumerate(shifts)],
    )


def _stored_and_live(everything: Schedule, at: datetime, instant: datetime):
    start, end = at + HORIZON[0], at + HORIZON[1]
    rows = rows_for(read(everything, start - _MARGIN, end + _MARGIN), 1, start, end)
    row = next(r for r in rows if r.start <= instant < r.end)
    return stored_at(row, instant), live(everything, 1, instant)


def test_no_change_scheduled_beyond_four_weeks():
    """Since, until and who is next are left out beyond four weeks, stored as live.

    Controls H-28."""
    at = INSTANTS[-1]
    day = 24 * HOUR
    everything = _one_rota(at, [
        (11, at - 35 * day, at - 30 * day, "rotation"),
        (12, at - 30 * day, at + 10 * HOUR, "manual"),
        (13, at + 29 * day, at + 31 * day, "rotation"),
    ])
    for instant in (at, at + 9 * HOUR, at + 11 * HOUR, at - 20 * HOUR):
        stored, expected = _stored_and_live(everything, at, instant)
        assert stored == expected
    stored, _ = _stored_and_live(everything, at, at + 11 * HOUR)
    assert stored["next"] is None and stored["since"] is not None
    stored, _ = _stored_and_live(everything, at, at)
    assert stored["since"] is None


def test_who_hands_over_is_read_where_it_happens_however_far_back_a_turn_began():
    """The same person on a rotation shift, then a manual one, then handing over:
    the outgoing side is the manual shift, whatever window the answer was read
    over, stored or live. Controls H-28."""
    at = INSTANTS[-1]
    day = 24 * HOUR
    everything = _one_rota(at, [
        (11, at - 5 * day, at - 3 * day, "rotation"),
        (11, at - 3 * day, at, "manual"),
        (12, at, at + 2 * day, "rotation"),
    ])
    stored, expected = _stored_and_live(everything, at, at + 10 * timedelta(minutes=1))
    assert stored == expected
    assert [p["source"] for p in stored["handover"]["outgoing"]] == ["manual"]
    assert [p["source"] for p in stored["handover"]["incoming"]] == ["rotation"]
    stored, expected = _stored_and_live(everything, at, at - 2 * HOUR)
    assert stored == expected
    assert [p["source"] for p in stored["clinicians"]] == ["manual"]
