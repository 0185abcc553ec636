"""A narrow window gives the four-week answer whenever it says it is settled (pure).

:func:`rota.selectors.answers_at` reads eight days either side of an instant
and keeps an answer only when :func:`rota.oncall.is_settled` says a wider
window would give the same; otherwise it reads four weeks. These properties
check that promise on random rotas: shifts, covers, leave, diverts (to a rota
and to a fixed contact), fallbacks, in-hours and out-of-hours coverage, at
both clock changes and on bank holidays. The narrow schedule holds what the
loader would read for it: every item overlapping the narrow window.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.calendars import NetworkCalendar
from rota.oncall import (
    ANSWER_WINDOW,
    CoverItem,
    DivertItem,
    LeaveItem,
    RotaInfo,
    Schedule,
    ShiftItem,
    SiteInfo,
    answer_at,
    is_role_settled,
    is_settled,
    who_answers_role,
    who_answers_rota,
)
from rota.selectors import ANSWER_REACHES

SITE = SiteInfo(1, "Royal Preston Hospital", "Royal Preston", "01772 716565", 1)
INSTANTS = (
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # 30 minutes before clocks go forward
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # the repeated hour, second time
    datetime(2026, 12, 25, 3, 0, tzinfo=UTC),  # Christmas Day
    datetime(2026, 12, 28, 7, 55, tzinfo=UTC),  # substitute bank holiday, near 08:00
    datetime(2026, 5, 5, 7, 59, tzinfo=UTC),  # a working morning, a minute before 08:00
)
ROTA_IDS = (1, 2, 3)
CLINICIANS = (11, 12, 13, 14)
HOUR = timedelta(hours=1)
PROPERTY_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _rotas(coverages, fallbacks) -> dict[int, RotaInfo]:
    # Rotas 1 and 2 answer the same role (an in-hours/out-of-hours pair when
    # their coverage says so); rota 3 is a network rota that others fall back to.
    return {
        rota_id: RotaInfo(
            id=rota_id, slug=f"rota-{rota_id}", name=f"Rota {rota_id}",
            role="ir-consultant" if rota_id < 3 else "ir-network", network_id=1,
            based_at=SITE, serves=frozenset(), required_coverage=coverage,
            fallback_id=fallback, ask_for="the on-call IR consultant",
        )
        for rota_id, coverage, fallback in zip(ROTA_IDS, coverages, fallbacks, strict=True)
    }


@st.composite
def worlds(draw):
    at = draw(st.sampled_from(INSTANTS))
    offsets = st.integers(min_value=-40 * 24, max_value=40 * 24)

    def interval(longest_hours):
        start = at + draw(offsets) * HOUR
        return start, start + draw(st.integers(1, longest_hours)) * HOUR

    shifts, covers, leave, diverts = [], [], [], []
    for n in range(draw(st.integers(0, 40))):
        start, end = interval(8 * 24)
        shifts.append(ShiftItem(n + 1, draw(st.sampled_from(ROTA_IDS)),
                                draw(st.sampled_from(CLINICIANS)), start, end,
                                draw(st.sampled_from(["rotation", "manual"]))))
    for n in range(draw(st.integers(0, 6))):
        start, end = interval(5 * 24)
        covering = draw(st.sampled_from(CLINICIANS))
        replaces = draw(st.sampled_from([None, *CLINICIANS]))
        covers.append(CoverItem(n + 1, draw(st.sampled_from(ROTA_IDS)), covering,
                                None if replaces == covering else replaces, start, end))
    for n in range(draw(st.integers(0, 4))):
        start, end = interval(20 * 24)
        leave.append(LeaveItem(n + 1, draw(st.sampled_from(CLINICIANS)), start, end))
    for n in range(draw(st.integers(0, 2))):
        start, end = interval(30 * 24)
        rota_id = draw(st.sampled_from(ROTA_IDS))
        target = draw(st.sampled_from([None, *(r for r in ROTA_IDS if r != rota_id)]))
        diverts.append(DivertItem(n + 1, rota_id, start, end, "Suite closed", target,
                                  "" if target else "Vascular registrar",
                                  "" if target else "01772 716565"))
    coverages = [draw(st.sampled_from(["always", "in_hours", "out_of_hours"]))
                 for _ in ROTA_IDS]
    fallbacks = [draw(st.sampled_from([None, 3])), draw(st.sampled_from([None, 1, 3])),
                 draw(st.sampled_from([None, 1]))]
    wide = Schedule(
        start=at - ANSWER_WINDOW, end=at + ANSWER_WINDOW, rotas=_rotas(coverages, fallbacks),
        calendars={1: NetworkCalendar()}, shifts=sorted(shifts, key=lambda s: (s.start, s.id)),
        covers=covers, leave=leave, diverts=diverts,
    )
    return at, wide


def narrowed(wide: Schedule, at: datetime, reach: timedelta) -> Schedule:
    """What the loader reads for ``at`` plus or minus ``reach``."""
    start, end = at - reach, at + reach

    def overlapping(items):
        return [i for i in items if i.end > start and i.start < end]

    return replace(
        wide, start=start, end=end, shifts=overlapping(wide.shifts),
        covers=overlapping(wide.covers), leave=overlapping(wide.leave),
        diverts=overlapping(wide.diverts),
    )


def clipped(wide: Schedule) -> Schedule:
    """The four-week schedule as the loader reads it."""
    return narrowed(wide, wide.start + ANSWER_WINDOW, ANSWER_WINDOW)


NARROW_REACHES = [reach for reach in ANSWER_REACHES if reach < ANSWER_WINDOW] + [
    timedelta(days=2)
]


@PROPERTY_SETTINGS
@given(worlds())
def test_a_settled_narrow_answer_is_the_four_week_answer(world):
    """Controls H-27."""
    at, wide = world
    wide = clipped(wide)
    for reach in NARROW_REACHES:
        narrow = narrowed(wide, at, reach)
        for rota_id in ROTA_IDS:
            answer = answer_at(narrow, rota_id, at)
            if is_settled(answer):
                assert answer == answer_at(wide, rota_id, at)


@PROPERTY_SETTINGS
@given(worlds(), st.sampled_from([1, 2]))
def test_a_settled_narrow_role_answer_is_the_four_week_answer(world, rota_id):
    """Controls H-27."""
    at, wide = world
    wide = clipped(wide)
    for reach in NARROW_REACHES:
        narrow = narrowed(wide, at, reach)
        role = who_answers_role(narrow, network_id=1, role="ir-consultant", site_id=1, at=at)
        if is_role_settled(role):
            assert role == who_answers_role(wide, network_id=1, role="ir-consultant",
                                            site_id=1, at=at)
        one = who_answers_rota(narrow, rota_id=rota_id, at=at)
        if is_role_settled(one):
            assert one == who_answers_rota(wide, rota_id=rota_id, at=at)


def test_settling_happens_often_enough_to_matter():
    """A weekly rota's answer settles within eight days; a month-long turn does not."""
    at = INSTANTS[-1]
    weekly = [
        ShiftItem(n, 1, CLINICIANS[n % 2], at + (n - 3) * timedelta(days=7),
                  at + (n - 2) * timedelta(days=7), "rotation")
        for n in range(8)
    ]
    wide = clipped(Schedule(
        start=at - ANSWER_WINDOW, end=at + ANSWER_WINDOW,
        rotas=_rotas(["always"] * 3, [None] * 3), calendars={1: NetworkCalendar()},
        shifts=weekly,
    ))
    assert is_settled(answer_at(narrowed(wide, at, timedelta(days=8)), 1, at))
    monthly = replace(wide, shifts=[ShiftItem(1, 1, 11, at - timedelta(days=20),
                                              at + timedelta(days=20), "manual")])
    assert not is_settled(answer_at(narrowed(monthly, at, timedelta(days=8)), 1, at))
