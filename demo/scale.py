"""A national dataset for measuring: England's networks, years of shifts, history kept.

ILLUSTRATIVE ONLY. Every network, trust, hospital, clinician and number here is
invented: ODS-like codes start with Z (no English trust code does), telephone
numbers come from Ofcom's drama ranges (07700 900xxx, 01632 960xxx and the
area-code ranges such as 0113 496 0xxx).

:func:`scale_generate` builds, per network, 4 to 6 trusts of two hospitals
each and exactly 40 rotas: per trust, in-hours/out-of-hours pairs answering
the same role for the same sites (IR consultant, radiology registrar, CT
radiographer), and network-wide rotas (a second on call that the trusts'
out-of-hours IR rotas fall back to, obstetric IR, vascular surgery, MRI and
others). Shifts come from rotation patterns through the pure
:func:`rota.generation.pattern_shifts`; leave is mostly covered shift by
shift, sometimes not (a gap, answered by the fallback chain); swaps, diverts,
notes, closure dates, contact methods and two published pathways complete
each network.

Everything is written with ``bulk_create_with_history`` in batches, or saved
one by one where rows are few, so the audit trail is as complete as for data
typed in. The same seed, anchor and sizes give the same data.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from common.history import with_history
from common.ods import is_ods_code
from common.phones import normalise_uk_number
from pathways.building import draft_fill
from pathways.models import Pathway
from pathways.publishing import version_create_draft, version_publish
from rota.calendars import NetworkCalendar, instant_at
from rota.generation import PatternSpec, pattern_shifts
from rota.models import (
    Clinician,
    ClosureDate,
    ContactMethod,
    Cover,
    Divert,
    Leave,
    Network,
    Note,
    PatternParticipant,
    Rota,
    RotationPattern,
    Shift,
    ShiftKind,
    Site,
    Trust,
)

SCALE_SLUG_PREFIX = "scale-"
CHANGE_REASON = "Scale data generated"
BATCH_SIZE = 5000
ROTAS_PER_NETWORK = 40
MAX_NETWORKS = 26  # one letter of the ODS-like codes per network
MAX_YEARS = 10
# Like generate_shifts, the data runs a quarter ahead of the anchor, as a live
# service's does: most of the years are history.
AHEAD = timedelta(days=91)

# Shares of the time and shifts that carry events; chosen to look like a
# busy network, not measured from one.
LEAVE_PERIODS_PER_YEAR = 3
LEAVE_LENGTHS = (3, 5, 7, 10, 14)  # days
LEAVE_COVERED = 0.95  # the rest leave a gap, answered by the fallback rota
SWAP_SHARE = 0.01
DIVERTS_TO_ROTA_PER_YEAR = 4
DIVERTS_TO_CONTACT_PER_YEAR = 2
NOTES_PER_YEAR = 20

# --- Invented names -------------------------------------------------------------------

REGIONS = (
    "Ashgrove Vale", "Brackenmoor", "Calderwick", "Dunmere Coast", "Elmsford Downs",
    "Fernhollow", "Glenharrow", "Hartwell Marches", "Islebridge", "Kestrel Fens",
    "Larkspur Weald", "Millbrook Peaks", "Northmarsh", "Oakhurst Valley", "Pennyfold",
    "Quarrington Shires", "Ravensholm", "Wexbury and Thorncaster", "Saltmere", "Tollgate Heath",
    "Underhill Forest", "Vennington", "Whinfell", "Yarrowdale", "Ambleford Sands", "Byrness Moor",
)
TOWN_STARTS = (
    "Ash", "Brad", "Cole", "Dun", "East", "Fen", "Gold", "Hay", "Kings", "Lang", "Marl", "Nor",
    "Old", "Pen", "Red", "Stan", "Thorn", "Up", "Wes", "Whit", "Yarn", "Ald", "Bel", "Cran",
    "Hol", "Lin", "Mel", "Sel", "Wat", "Wood",
)
TOWN_ENDS = (
    "ford", "bury", "ham", "ley", "wick", "minster", "caster", "field", "mouth", "borough",
    "dale", "port",
)
FIRST_NAMES = (
    "Aisha", "Alex", "Amara", "Ben", "Bethan", "Chen", "Chloe", "Daniel", "Deepa", "Eilidh",
    "Emeka", "Fatima", "Finn", "Grace", "Hamza", "Hannah", "Imran", "Isla", "James", "Jia",
    "Kofi", "Laura", "Liam", "Maya", "Mohammed", "Niamh", "Oliver", "Olu", "Priya", "Rachel",
    "Rhys", "Sade", "Sam", "Sofia", "Tariq", "Tom", "Una", "Vikram", "Wen", "Zara",
)
SURNAMES = (
    "Adeyemi", "Ahmed", "Bailey", "Banerjee", "Brennan", "Campbell", "Chowdhury", "Clarke",
    "Davies", "Doherty", "Evans", "Fletcher", "Gallagher", "Ghosh", "Griffiths", "Hughes",
    "Iqbal", "Jenkins", "Kaur", "Kelly", "Khan", "Lewis", "Li", "Lloyd", "Mahmood", "McAllister",
    "Mensah", "Morgan", "Murphy", "Nair", "Novak", "Okafor", "O'Neill", "Owusu", "Patel",
    "Pearson", "Price", "Quinn", "Rahman", "Reid", "Roberts", "Shah", "Singh", "Taylor",
    "Thomas", "Walsh", "Wang", "Watson", "Williams", "Yusuf",
)
SITE_KINDS = (
    ("General Hospital", "General"), ("Royal Infirmary", "Royal"),
    ("District Hospital", "District"), ("Community Hospital", "Community"),
)
LANDLINE_PREFIXES = (
    "01632 960", "0113 496 0", "0114 496 0", "0115 496 0", "0116 496 0", "0117 496 0",
    "0118 496 0", "0121 496 0", "0131 496 0", "0141 496 0", "0151 496 0", "0161 496 0",
)
MOBILE_PREFIX = "07700 900"
DIVERT_REASONS = (
    "IR suite maintenance: in-hours IR goes to the hub",
    "Angiography equipment failure: in-hours IR goes to the hub",
    "Staffing: in-hours IR covered by the hub today",
)
CONTACT_DIVERT_REASONS = (
    "Bleep system outage: call the switchboard, who will page by radio",
    "Telephony failure: the hub switchboard connects callers",
)
NOTE_TEXTS = (
    "CT scanner 2 out of action; CT 1 and the emergency department scanner work.",
    "Angio room 1 closed for servicing; emergency cases go to angio room 2.",
    "Contrast injector out of action: non-contrast scans only.",
    "Image exchange portal slow: phone the reporting radiologist to agree what to send.",
    "Theatre 4 (hybrid) booked for a planned case; emergencies use theatre 2.",
    "New starter shadowing this week: the named clinician answers.",
)

# --- Staff and rota shapes -------------------------------------------------------------

IR = "Consultant interventional radiologist"
REGISTRAR = "Specialty registrar in radiology"
RADIOGRAPHER = "Senior CT radiographer"
VASCULAR = "Consultant vascular surgeon"
MRI = "Senior MRI radiographer"
STAFF_PER_TRUST = {IR: 5, REGISTRAR: 8, RADIOGRAPHER: 6}
HUB_STAFF = {VASCULAR: 6, MRI: 6}
EXTRA_STAFF = 5


@dataclass(frozen=True)
class Turn:
    """One rotation pattern of a rota."""

    name: str
    cadence: str  # daily, weekly
    days: str  # all, working, non_working
    start: time
    end: time


SESSIONS = (
    Turn("Morning sessions 08:00 to 13:00", "weekly", "working", time(8), time(13)),
    Turn("Afternoon sessions 13:00 to 17:00", "weekly", "working", time(13), time(17)),
)
WEEKLY_OUT_OF_HOURS = (
    Turn("Weeknights 17:00 to 08:00", "weekly", "working", time(17), time(8)),
    Turn("Weekend and bank holiday days 08:00 to 20:00", "weekly", "non_working", time(8),
         time(20)),
    Turn("Weekend and bank holiday nights 20:00 to 08:00", "weekly", "non_working", time(20),
         time(8)),
)
REGISTRAR_DAYS = (
    Turn("Morning 08:00 to 13:00", "daily", "working", time(8), time(13)),
    Turn("Afternoon 13:00 to 17:00", "daily", "working", time(13), time(17)),
)
REGISTRAR_NIGHTS = (
    Turn("Evenings 17:00 to 20:00", "daily", "working", time(17), time(20)),
    Turn("Nights 20:00 to 08:00", "daily", "all", time(20), time(8)),
    Turn("Weekend and bank holiday days 08:00 to 20:00", "daily", "non_working", time(8),
         time(20)),
)
RADIOGRAPHER_DAYS = (
    Turn("Early 08:00 to 12:30", "daily", "working", time(8), time(12, 30)),
    Turn("Late 12:30 to 17:00", "daily", "working", time(12, 30), time(17)),
)
RADIOGRAPHER_NIGHTS = (
    Turn("Evenings 17:00 to 00:00", "weekly", "working", time(17), time(0)),
    Turn("Nights 00:00 to 08:00", "weekly", "all", time(0), time(8)),
    Turn("Weekend and bank holiday days 08:00 to 17:00", "weekly", "non_working", time(8),
         time(17)),
    Turn("Weekend and bank holiday evenings 17:00 to 00:00", "weekly", "non_working", time(17),
         time(0)),
)
AROUND_THE_CLOCK = (
    Turn("Days 08:00 to 20:00", "weekly", "all", time(8), time(20)),
    Turn("Nights 20:00 to 08:00", "weekly", "all", time(20), time(8)),
)
SHAPES = {"in_hours": SESSIONS, "out_of_hours": WEEKLY_OUT_OF_HOURS, "always": AROUND_THE_CLOCK}


@dataclass(frozen=True)
class Extra:
    """A network-wide rota with staff of its own, used to bring a network to 40 rotas."""

    role: str
    name: str
    ask_for: str
    coverage: str
    staff_role: str


EXTRAS = (
    Extra("neuro-ir", "interventional neuroradiologist", "the on-call interventional "
          "neuroradiologist", "always", "Consultant interventional neuroradiologist"),
    Extra("paediatric-radiologist", "paediatric radiologist", "the on-call paediatric "
          "radiologist", "always", "Consultant paediatric radiologist"),
    Extra("ir-nurse", "IR nurse, out of hours", "the on-call IR nurse", "out_of_hours",
          "Senior IR nurse"),
    Extra("angio-radiographer", "angiography radiographer, out of hours",
          "the on-call angiography radiographer", "out_of_hours", "Senior IR radiographer"),
    Extra("vascular-registrar", "vascular surgery registrar", "the vascular registrar on call",
          "always", "Specialty registrar in vascular surgery"),
    Extra("urology-consultant", "urology consultant", "the on-call urologist", "always",
          "Consultant urologist"),
    Extra("endoscopist", "GI endoscopist", "the on-call endoscopist", "always",
          "Consultant gastroenterologist"),
    Extra("neurosurgery-registrar", "neurosurgery registrar", "the neurosurgical registrar on "
          "call", "always", "Specialty registrar in neurosurgery"),
    Extra("hpb-surgeon", "hepatobiliary surgeon", "the on-call HPB surgeon", "always",
          "Consultant hepatobiliary surgeon"),
    Extra("renal-physician", "renal physician", "the on-call renal physician", "always",
          "Consultant nephrologist"),
    Extra("ultrasound-radiologist", "ultrasound radiologist, in hours",
          "the duty ultrasound radiologist", "in_hours", "Consultant radiologist"),
    Extra("nuclear-medicine", "nuclear medicine physician, in hours",
          "the duty nuclear medicine physician", "in_hours", "Consultant in nuclear medicine"),
)
TRUST_ROTAS = 6  # three in-hours/out-of-hours pairs per trust
NETWORK_ROTAS = 4  # second on call, obstetric IR, vascular surgeon, MRI radiographer


# --- What is generated --------------------------------------------------------------


@dataclass(frozen=True)
class ScaleRequest:
    networks: int
    years: int
    seed: int
    anchor: date

    @property
    def last_day(self) -> date:
        return self.anchor + AHEAD

    @property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=round(365.25 * self.years) - 1)


@dataclass
class ScaleCounts:
    """Rows written, by model name."""

    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, model, count: int) -> None:
        self.rows[model.__name__] += count


def scale_networks() -> list[Network]:
    return list(Network.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).order_by("slug"))


def _ods_code(code: str) -> str:
    """A generated trust or site code, held to what an ODS code looks like."""
    if not is_ods_code(code):
        raise ValueError(f"{code!r} is not an ODS code; the generator's codes must be.")
    return code


def _phone(prefix: str, rng: random.Random) -> str:
    return normalise_uk_number(f"{prefix}{rng.randrange(1000):03d}")


def _rotated(items: list, by: int) -> list:
    by %= len(items)
    return items[by:] + items[:by]


def _slug(text: str) -> str:
    return "-".join(text.lower().replace(" and ", " ").split())


def _monday_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _Writer:
    """Collects rows of one model and writes them, with history, a batch at a time."""

    def __init__(self, model, counts: ScaleCounts) -> None:
        self.model, self.counts, self.pending = model, counts, []

    def add(self, row) -> None:
        self.pending.append(row)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        if rows:
            bulk_create_with_history(
                rows, self.model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
            )
            self.counts.add(self.model, len(rows))


def _save(row, counts: ScaleCounts):
    row.full_clean()
    with_history(row, reason=CHANGE_REASON)
    row.save()
    counts.add(type(row), 1)
    return row


@dataclass
class _NetworkBuild:
    network: Network
    calendar: NetworkCalendar
    trusts: list[Trust]
    sites: dict[int, list[Site]]  # by trust id
    staff: dict[tuple[int | None, str], list[int]]  # (trust id or None, staff role) -> ids
    rotas: dict[str, Rota] = field(default_factory=dict)  # by slug
    plans: dict[int, _RotaPlan] = field(default_factory=dict)  # by rota id
    patterns: list[RotationPattern] = field(default_factory=list)
    leave: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)


def scale_generate(
    request: ScaleRequest,
    *,
    on_rota: Callable[[Rota, int], None] | None = None,
    on_network: Callable[[Network, int, int], None] | None = None,
) -> ScaleCounts:
    """Write ``request.networks`` networks of scale data in one transaction.

    ``on_rota(rota, shifts)`` is called after each rota's shifts are written and
    ``on_network(network, index, total)`` after each network, for progress.
    """
    if not 1 <= request.networks <= MAX_NETWORKS:
        raise ValueError(f"Between 1 and {MAX_NETWORKS} networks, not {request.networks}.")
    if not 1 <= request.years <= MAX_YEARS:
        raise ValueError(f"Between 1 and {MAX_YEARS} years, not {request.years}.")
    counts = ScaleCounts()
    towns = [start + end for start in TOWN_STARTS for end in TOWN_ENDS]
    random.Random(request.seed).shuffle(towns)
    with transaction.atomic():
        for index in range(request.networks):
            rng = random.Random(f"{request.seed}:{index}")
            build = _network(request, index, rng, towns[index * 12:(index + 1) * 12], counts)
            _rotas(request, build, counts)
            _leave(request, build, rng, counts)
            _shifts(request, build, rng, counts, on_rota)
            _diverts_and_notes(request, build, rng, counts)
            _pathways(request, build, counts)
            if on_network:
                on_network(build.network, index + 1, request.networks)
    return counts


# --- Organisations and people ---------------------------------------------------------


def _network(request, index, rng, towns, counts) -> _NetworkBuild:
    region = REGIONS[index]
    letter = chr(ord("A") + index)
    network = _save(Network(
        slug=f"{SCALE_SLUG_PREFIX}{_slug(region)}", name=f"{region} Imaging Network",
    ), counts)
    closures = {}
    for year in range(request.first_day.year, request.last_day.year + 1):
        day = date(year, 6, 1) + timedelta(days=rng.randrange(90))
        if day.weekday() < 5:
            closures[day] = f"Local holiday: {towns[0]} gala day"
    for day, reason in sorted(closures.items()):
        _save(ClosureDate(network=network, date=day, reason=reason), counts)
    calendar = NetworkCalendar.for_network(network, closures)

    trusts, sites = [], {}
    for number in range(1, rng.randint(4, 6) + 1):
        first, second = towns[2 * (number - 1)], towns[2 * (number - 1) + 1]
        trust = _save(Trust(
            network=network, ods_code=_ods_code(f"Z{letter}{number}"),
            name=f"{first} and {second} Hospitals NHS "
            f"{'Foundation ' if rng.random() < 0.7 else ''}Trust",
        ), counts)
        trusts.append(trust)
        sites[trust.id] = []
        for position, town in enumerate((first, second), start=1):
            long_kind, short_kind = SITE_KINDS[(number + position) % len(SITE_KINDS)]
            sites[trust.id].append(_save(Site(
                trust=trust, ods_code=_ods_code(f"{trust.ods_code}0{position}"),
                name=f"{town} {long_kind}", short_name=f"{town} {short_kind}",
                switchboard=_phone(rng.choice(LANDLINE_PREFIXES), rng),
                has_ir_suite=position == 1 and (number == 1 or rng.random() < 0.6),
                has_emergency_department=position == 1 or rng.random() < 0.5,
                has_obstetric_unit=position == 1 or rng.random() < 0.3,
            ), counts))

    hub = trusts[0]
    wanted = [(trust, role, size) for trust in trusts for role, size in STAFF_PER_TRUST.items()]
    wanted += [(hub, role, size) for role, size in HUB_STAFF.items()]
    wanted += [(trusts[i % len(trusts)], extra.staff_role, EXTRA_STAFF)
               for i, extra in enumerate(EXTRAS)]
    people = [
        (trust, role, Clinician(
            name=f"{'Dr' if 'Consultant' in role or 'registrar' in role else ''} "
            f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}".strip(),
            role=role, home_trust=trust,
        ))
        for trust, role, size in wanted for _ in range(size)
    ]
    writer = _Writer(Clinician, counts)
    for _, _, clinician in people:
        writer.add(clinician)
    writer.flush()
    staff: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    contacts = _Writer(ContactMethod, counts)
    for trust, role, clinician in people:
        staff[(trust.id, role)].append(clinician.id)
        staff[(None, role)].append(clinician.id)
        base = sites[trust.id][0]
        methods = [("bleep", f"{rng.randrange(1000, 10000)}", "staff", base)]
        if rng.random() < 0.4:
            methods.append(("extension", f"{rng.randrange(2000, 8000)}", "staff", base))
        if rng.random() < 0.3:
            methods.append(("phone", _phone(rng.choice(LANDLINE_PREFIXES), rng),
                            rng.choice(("staff", "public")), None))
        methods.append(("mobile", _phone(MOBILE_PREFIX, rng), "switchboard", None))
        for order, (kind, value, visibility, site) in enumerate(methods):
            contacts.add(ContactMethod(clinician=clinician, kind=kind, value=value,
                                       visibility=visibility, site=site, order=order))
    contacts.flush()
    return _NetworkBuild(network, calendar, trusts, sites, staff)


# --- Rotas and their patterns ----------------------------------------------------------


@dataclass(frozen=True)
class _RotaPlan:
    slug: str
    name: str
    role: str
    coverage: str
    based_at: Site
    serves: tuple[Site, ...]
    fallback: str | None
    ask_for: str
    turns: tuple[Turn, ...]
    participants: tuple[int, ...]


def _rota_plans(build: _NetworkBuild) -> list[_RotaPlan]:
    """The network's 40 rotas."""
    network, trusts, staff = build.network, build.trusts, build.staff
    prefix = network.slug.removeprefix(SCALE_SLUG_PREFIX)
    hub, hub_site = trusts[0], build.sites[trusts[0].id][0]
    everyone_ir = staff[(None, IR)]
    plans = [
        _RotaPlan(f"{prefix}-ir-second-ooh", f"{network.name}: IR consultant, second on call",
                  "ir-second", "out_of_hours", hub_site, (), None,
                  "the second on-call IR consultant", WEEKLY_OUT_OF_HOURS,
                  tuple(_rotated(everyone_ir, len(everyone_ir) // 2))),
        _RotaPlan(f"{prefix}-obstetric-ir", f"{network.name}: obstetric IR consultant",
                  "obstetric-ir", "always", hub_site, (), f"{prefix}-ir-second-ooh",
                  "the on-call obstetric IR consultant", AROUND_THE_CLOCK,
                  tuple(staff[(t.id, IR)][-1] for t in trusts)),
        _RotaPlan(f"{prefix}-vascular-surgeon", f"{network.name}: vascular surgeon",
                  "vascular-surgeon", "always", hub_site, (), None,
                  "the on-call vascular surgeon", AROUND_THE_CLOCK,
                  tuple(staff[(hub.id, VASCULAR)])),
        _RotaPlan(f"{prefix}-mri-radiographer-ooh", f"{network.name}: MRI radiographer, "
                  "out of hours", "mri-radiographer", "out_of_hours", hub_site, (), None,
                  "the on-call MRI radiographer", RADIOGRAPHER_NIGHTS, tuple(staff[(hub.id, MRI)])),
    ]
    for trust in trusts:
        code, own_sites = trust.ods_code.lower(), tuple(build.sites[trust.id])
        base = own_sites[0]
        in_hours_fallback = None if trust == hub else f"{prefix}-{hub.ods_code.lower()}-ir-in-hours"
        short = trust.name.split(" Hospitals")[0]
        pairs = (
            ("ir-in-hours", "IR consultant, in hours", "ir-consultant", "in_hours",
             in_hours_fallback, "the duty IR consultant", SESSIONS, IR, 0),
            ("ir-ooh", "IR consultant, out of hours", "ir-consultant", "out_of_hours",
             f"{prefix}-ir-second-ooh", "the on-call IR consultant", WEEKLY_OUT_OF_HOURS, IR, 2),
            ("registrar-days", "radiology registrar, in hours", "radiology-registrar", "in_hours",
             f"{prefix}-{code}-ir-in-hours", "the duty radiology registrar", REGISTRAR_DAYS,
             REGISTRAR, 0),
            ("registrar-nights", "radiology registrar, nights and weekends",
             "radiology-registrar", "out_of_hours", f"{prefix}-{code}-ir-ooh",
             "the radiology registrar on call", REGISTRAR_NIGHTS, REGISTRAR, 4),
            ("ct-radiographer-days", "CT radiographer, in hours", "ct-radiographer", "in_hours",
             None, "the duty CT radiographer", RADIOGRAPHER_DAYS, RADIOGRAPHER, 0),
            ("ct-radiographer-ooh", "CT radiographer, out of hours", "ct-radiographer",
             "out_of_hours", None, "the on-call CT radiographer", RADIOGRAPHER_NIGHTS,
             RADIOGRAPHER, 3),
        )
        for suffix, what, role, coverage, fallback, ask_for, turns, staff_role, offset in pairs:
            plans.append(_RotaPlan(
                f"{prefix}-{code}-{suffix}", f"{short}: {what}", role, coverage, base,
                own_sites, fallback, ask_for, turns,
                tuple(_rotated(staff[(trust.id, staff_role)], offset)),
            ))
    extras = ROTAS_PER_NETWORK - NETWORK_ROTAS - TRUST_ROTAS * len(trusts)
    for extra in EXTRAS[:max(0, extras)]:
        plans.append(_RotaPlan(
            f"{prefix}-{extra.role}", f"{network.name}: {extra.name}", extra.role,
            extra.coverage, hub_site, (), None, extra.ask_for, SHAPES[extra.coverage],
            tuple(staff[(None, extra.staff_role)]),
        ))
    return plans


def _rotas(request, build: _NetworkBuild, counts) -> None:
    plans = _rota_plans(build)
    pending = list(plans)
    while pending:
        # Write each rota once its fallback exists; the chains are short.
        ready = [p for p in pending if p.fallback is None or p.fallback in build.rotas]
        for plan in ready:
            rota = _save(Rota(
                network=build.network, slug=plan.slug, name=plan.name, role=plan.role,
                required_coverage=plan.coverage, based_at=plan.based_at,
                fallback=build.rotas.get(plan.fallback), ask_for=plan.ask_for,
            ), counts)
            if plan.serves:
                with_history(rota, reason=CHANGE_REASON)
                rota.serves.set(plan.serves)
            build.rotas[plan.slug] = rota
            build.plans[rota.id] = plan
        pending = [p for p in pending if p not in ready]
    first_monday = _monday_before(request.first_day)
    writer = _Writer(RotationPattern, counts)
    for rota in build.rotas.values():
        for turn in build.plans[rota.id].turns:
            # bulk_create gives each row its primary key in place, batch or not.
            build.patterns.append(RotationPattern(
                rota=rota, name=turn.name, cadence=turn.cadence, every=1,
                shift_start=turn.start, shift_end=turn.end, days=turn.days,
                start_date=first_monday,
            ))
            writer.add(build.patterns[-1])
    writer.flush()
    participants = _Writer(PatternParticipant, counts)
    for pattern in build.patterns:
        people = _turn_participants(build.plans[pattern.rota_id], pattern)
        for position, clinician_id in enumerate(people, start=1):
            participants.add(PatternParticipant(
                pattern=pattern, clinician_id=clinician_id, position=position,
            ))
    participants.flush()


def _turn_participants(plan: _RotaPlan, pattern: RotationPattern) -> tuple[int, ...]:
    """The pattern's turn order: each pattern of a rota starts one person further on,
    so that the morning and the afternoon (or the day and the night) are different people."""
    turn_index = [t.name for t in plan.turns].index(pattern.name)
    return tuple(_rotated(list(plan.participants), turn_index))


# --- Leave, shifts and covers ---------------------------------------------------------------


def _leave(request, build: _NetworkBuild, rng, counts) -> None:
    writer = _Writer(Leave, counts)
    clinician_ids = sorted({c for ids in build.staff.values() for c in ids})
    span = (request.last_day - request.first_day).days
    for clinician_id in clinician_ids:
        periods: list[tuple[datetime, datetime]] = []
        for _ in range(LEAVE_PERIODS_PER_YEAR * request.years):
            first = request.first_day + timedelta(days=rng.randrange(span))
            start = instant_at(first, time(0))
            end = instant_at(first + timedelta(days=rng.choice(LEAVE_LENGTHS)), time(0))
            if any(s < end and start < e for s, e in periods):
                continue
            periods.append((start, end))
            writer.add(Leave(clinician_id=clinician_id, start=start, end=end,
                             reason="Annual leave"))
        build.leave[clinician_id] = sorted(periods)
    writer.flush()


def _away(build: _NetworkBuild, clinician_id: int, start: datetime, end: datetime) -> bool:
    return any(s < end and start < e for s, e in build.leave.get(clinician_id, ()))


def _shifts(request, build: _NetworkBuild, rng, counts, on_rota) -> None:
    shifts, covers = _Writer(Shift, counts), _Writer(Cover, counts)
    by_rota = defaultdict(list)
    for pattern in build.patterns:
        by_rota[pattern.rota_id].append(pattern)
    for rota in build.rotas.values():
        made = 0
        plan = build.plans[rota.id]
        people = list(plan.participants)
        for pattern in by_rota[rota.id]:
            spec = PatternSpec(
                participants=_turn_participants(plan, pattern), cadence=pattern.cadence,
                every=pattern.every, shift_start=pattern.shift_start,
                shift_end=pattern.shift_end, days=pattern.days, start_date=pattern.start_date,
            )
            for planned in pattern_shifts(spec, build.calendar, request.first_day,
                                          request.last_day):
                shifts.add(Shift(
                    rota_id=rota.id, clinician_id=planned.clinician_id, start=planned.start,
                    end=planned.end, kind=ShiftKind.ROTATION, pattern_id=pattern.id,
                ))
                made += 1
                cover = _cover_for(build, rng, rota, people, planned)
                if cover is not None:
                    covers.add(cover)
        shifts.flush()
        if on_rota:
            on_rota(rota, made)
    covers.flush()


def _cover_for(build, rng, rota, people, planned) -> Cover | None:
    """A colleague covering the shift of someone on leave (mostly), or a swap (rarely)."""
    on_leave = _away(build, planned.clinician_id, planned.start, planned.end)
    if on_leave:
        if rng.random() >= LEAVE_COVERED:
            return None
        reason = "Covering annual leave"
    elif rng.random() < SWAP_SHARE:
        reason = "Swap"
    else:
        return None
    free = [c for c in people if c != planned.clinician_id
            and not _away(build, c, planned.start, planned.end)]
    if not free:
        return None
    return Cover(rota_id=rota.id, covering_id=rng.choice(free),
                 replaces_id=planned.clinician_id, start=planned.start, end=planned.end,
                 reason=reason)


# --- Diverts, notes and pathways ----------------------------------------------------


def _random_day(request, rng) -> date:
    return request.first_day + timedelta(days=rng.randrange((request.last_day
                                                              - request.first_day).days))


def _diverts_and_notes(request, build: _NetworkBuild, rng, counts) -> None:
    prefix = build.network.slug.removeprefix(SCALE_SLUG_PREFIX)
    hub = build.trusts[0]
    hub_in_hours = build.rotas[f"{prefix}-{hub.ods_code.lower()}-ir-in-hours"]
    hub_site = build.sites[hub.id][0]
    others = build.trusts[1:]
    diverts = _Writer(Divert, counts)
    for _ in range(DIVERTS_TO_ROTA_PER_YEAR * request.years):
        trust = rng.choice(others)
        day = _random_day(request, rng)
        diverts.add(Divert(
            rota=build.rotas[f"{prefix}-{trust.ods_code.lower()}-ir-in-hours"],
            to_rota=hub_in_hours, start=instant_at(day, time(13)), end=instant_at(day, time(17)),
            reason=rng.choice(DIVERT_REASONS),
        ))
    for _ in range(DIVERTS_TO_CONTACT_PER_YEAR * request.years):
        trust = rng.choice(build.trusts)
        day = _random_day(request, rng)
        diverts.add(Divert(
            rota=build.rotas[f"{prefix}-{trust.ods_code.lower()}-ir-ooh"],
            contact_label=f"{hub_site.name} switchboard", contact_number=hub_site.switchboard,
            start=instant_at(day, time(17)), end=instant_at(day + timedelta(days=1), time(8)),
            reason=rng.choice(CONTACT_DIVERT_REASONS),
        ))
    diverts.flush()
    notes = _Writer(Note, counts)
    rotas = list(build.rotas.values())
    for _ in range(NOTES_PER_YEAR * request.years):
        day = _random_day(request, rng)
        notes.add(Note(
            rota=rng.choice(rotas), text=rng.choice(NOTE_TEXTS), start=instant_at(day, time(7)),
            end=instant_at(day + timedelta(days=rng.randint(1, 3)), time(7)),
        ))
    notes.flush()


def _pathway_specs(build: _NetworkBuild) -> list[dict]:
    prefix = build.network.slug.removeprefix(SCALE_SLUG_PREFIX)
    hub_site = build.sites[build.trusts[0].id][0]
    with_suite = [site.ods_code for sites in build.sites.values() for site in sites
                  if site.has_ir_suite]
    not_guidance = "*Illustrative scale data, not clinical guidance.*"

    def outcome(key, text, urgency, steps, **extra):
        return {"key": key, "kind": "outcome", "text": text, "urgency": urgency,
                "instructions": f"- Share the images before calling.\n\n{not_guidance}",
                "steps": steps, **extra}

    ir = {"kind": "role", "role": "ir-consultant", "instruction": "Discuss the images."}
    registrar = {"kind": "role", "role": "radiology-registrar",
                 "instruction": "The registrar arranges the CT angiogram."}
    second = {"kind": "role", "role": "ir-second",
              "instruction": "If the IR consultant has not answered within 10 minutes."}
    vascular = {"kind": "rota", "rota": f"{prefix}-vascular-surgeon",
                "instruction": "The vascular surgeon owns the patient."}
    return [
        {"slug": f"{prefix}-vascular-ir", "title": "Vascular IR emergencies",
         "specialty": "Vascular surgery", "root": "bleeding", "nodes": [
             {"key": "bleeding", "kind": "question", "text": "Active bleeding on CT angiogram?",
              "options": [{"key": "yes", "text": "Yes", "next": "hours"},
                          {"key": "no", "text": "No", "next": "o-routine"}]},
             {"key": "hours", "kind": "time_window", "text": "In hours or out of hours",
              "branches": [{"condition": "in_hours", "next": "o-in"},
                           {"condition": "out_of_hours", "next": "o-ooh"}]},
             outcome("o-in", "Vascular surgeon and IR consultant now", "immediate",
                     [vascular, ir]),
             outcome("o-ooh", "Vascular surgeon and IR consultant on call now", "immediate",
                     [vascular, ir, second]),
             outcome("o-routine", "No emergency IR", "routine", [ir]),
         ]},
        {"slug": f"{prefix}-gi-bleed-ir", "title": "GI bleeding IR",
         "specialty": "Gastroenterology", "root": "source", "nodes": [
             {"key": "source", "kind": "question", "text": "Upper or lower GI bleeding?",
              "options": [{"key": "upper", "text": "Upper", "next": "o-endoscopy"},
                          {"key": "lower", "text": "Lower", "next": "site"}]},
             {"key": "site", "kind": "referring_site", "text": "Does your site have IR?",
              "branches": [{"condition": "site", "site": code, "next": "o-local"}
                           for code in with_suite]
              + [{"condition": "default", "next": "o-transfer"}]},
             outcome("o-endoscopy", "Endoscopy first", "urgent", [registrar, ir]),
             outcome("o-local", "CT angiogram, then IR embolisation here", "immediate",
                     [registrar, ir]),
             outcome("o-transfer", "CT angiogram, then transfer for IR", "immediate",
                     [registrar, ir], transfer_site=hub_site.ods_code,
                     transfer_text=f"{hub_site.name}, once accepted."),
         ]},
    ]


def _pathways(request, build: _NetworkBuild, counts: ScaleCounts) -> None:
    published_at = instant_at(request.first_day, time(9))
    for spec in _pathway_specs(build):
        pathway = Pathway(
            network=build.network, slug=spec["slug"], title=spec["title"],
            specialty=spec["specialty"], review_date=request.last_day + timedelta(days=365),
            description=f"{spec['title']}. Illustrative scale data, not clinical guidance.",
        )
        pathway.full_clean()
        with_history(pathway, reason=CHANGE_REASON)
        pathway.save()
        draft = version_create_draft(pathway=pathway, user=None,
                                     change_summary="First version (scale data).")
        draft_fill(version=draft, root_key=spec["root"], nodes=spec["nodes"])
        version_publish(version=draft, user=None, now=published_at)
        counts.add(Pathway, 1)
