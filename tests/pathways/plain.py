"""Plain trees and schedules for tests that need no database.

Network 1 has trust 10 (sites 11 "North", 12 "South") and trust 20 (site 21
"East"); site 99 belongs to another network. Rotas are RotaInfo rows built
with :func:`rota_info`.
"""

from datetime import UTC, timedelta

from pathways.tree import PlainBranch, PlainNode, PlainOption, PlainStep, PlainTree, SiteRef
from rota.calendars import NetworkCalendar
from rota.oncall import ClinicianInfo, RotaInfo, Schedule, ShiftItem, SiteInfo
from tests.factories import london

NETWORK = 1
SITES = {
    11: SiteRef(11, "AAA11", "North Hospital", "North", "0113 496 0011", 10, NETWORK),
    12: SiteRef(12, "AAA12", "South Hospital", "South", "0113 496 0012", 10, NETWORK),
    21: SiteRef(21, "BBB21", "East Hospital", "East", "0113 496 0021", 20, NETWORK),
    99: SiteRef(99, "ZZZ99", "Elsewhere Hospital", "Elsewhere", "0113 496 0099", 90, 2),
}
TRUSTS = {10: "Trust Ten", 20: "Trust Twenty"}
HUB = SiteInfo(11, "North Hospital", "North", "0113 496 0011", 10)

WEEKDAY_NOON = london(2026, 3, 18, 12, 0)  # Wednesday, in hours
WEEKDAY_NIGHT = london(2026, 3, 18, 22, 0)
CHRISTMAS = london(2026, 12, 25, 12, 0)


def rota_info(rota_id, slug, role="ir-consultant", coverage="always", serves=(),
              fallback=None, network_id=NETWORK) -> RotaInfo:
    return RotaInfo(
        id=rota_id, slug=slug, name=f"Rota {slug}", role=role, network_id=network_id,
        based_at=HUB, serves=frozenset(serves), required_coverage=coverage,
        fallback_id=fallback, ask_for=f"the {slug}",
    )


DEFAULT_ROTAS = (
    rota_info(1, "ir-day", coverage="in_hours"),
    rota_info(2, "ir-night", coverage="out_of_hours"),
    rota_info(3, "vascular", role="vascular-surgeon"),
    rota_info(4, "second", role="ir-second", coverage="out_of_hours"),
)


def schedule(rotas=DEFAULT_ROTAS, *, on_call=None, around=WEEKDAY_NOON) -> Schedule:
    """A schedule of ``rotas``; ``on_call`` maps a rota id to a clinician on all window long."""
    start, end = around - timedelta(days=28), around + timedelta(days=28)
    clinicians, shifts = {}, []
    for index, (rota_id, name) in enumerate(sorted((on_call or {}).items()), start=1):
        clinicians[index] = ClinicianInfo(index, name, "Consultant", 10)
        shifts.append(ShiftItem(index, rota_id, index, start.astimezone(UTC),
                                end.astimezone(UTC), "manual"))
    return Schedule(
        start=start.astimezone(UTC), end=end.astimezone(UTC),
        rotas={r.id: r for r in rotas},
        calendars={NETWORK: NetworkCalendar(), 2: NetworkCalendar()},
        clinicians=clinicians, shifts=shifts,
    )


def question(key, *options, text=None, help_text=""):
    return PlainNode(key, "question", text or f"Question {key}?", help_text,
                     options=tuple(PlainOption(k, f"Answer {k}", n) for k, n in options))


def hours(key, in_hours, out_of_hours):
    return PlainNode(key, "time_window", "Time of referral", branches=(
        PlainBranch("in_hours", in_hours), PlainBranch("out_of_hours", out_of_hours)))


def by_site(key, *branches):
    """``branches`` are (condition, next) or (condition, next, site or trust id)."""
    built = []
    for condition, target, *ident in branches:
        site_id = ident[0] if condition == "site" else None
        trust_id = ident[0] if condition == "trust" else None
        built.append(PlainBranch(condition, target, site_id, trust_id))
    return PlainNode(key, "referring_site", "Referring site", branches=tuple(built))


def outcome(key, *steps, urgency="urgent", transfer_site_id=None, transfer_text=""):
    return PlainNode(key, "outcome", f"Outcome {key}", urgency=urgency,
                     instructions=f"Do **{key}**.", steps=tuple(steps),
                     transfer_site_id=transfer_site_id, transfer_text=transfer_text)


def role_step(role="ir-consultant", order=1):
    return PlainStep("role", order, f"Call the {role}", role=role)


def rota_step(rota_id, order=1):
    return PlainStep("rota", order, "Call the rota", rota_id=rota_id)


def fixed_step(order=1, label="North switchboard", number="0113 496 0011"):
    return PlainStep("fixed", order, "Ask for the team", label=label, number=number)


def tree(*nodes, root=None) -> PlainTree:
    return PlainTree(
        network_id=NETWORK, root_key=nodes[0].key if root is None else root,
        nodes={n.key: n for n in nodes}, sites=SITES, trusts=TRUSTS,
        version_id=7, version_number=2, status="published", pathway_id=3,
        pathway_slug="test-ir", pathway_title="Test IR",
    )
