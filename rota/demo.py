"""The demo network: Lancashire and South Cumbria, with invented clinicians.

ILLUSTRATIVE ONLY, NOT CLINICAL GUIDANCE. The trusts, sites and switchboard
numbers are the real public ones; every clinician, their numbers (Ofcom's
drama ranges 07700 900xxx and 0113 496 0xxx), the rotas and the events on
them are invented to show how the service behaves.

:func:`seed_demo_network` loads it all around an anchor date, so the demo
never goes stale: shifts from four weeks before the anchor to thirteen weeks
after it, and covers, leave (one leaving a visible gap), a divert and notes
placed relative to the anchor. Rotation patterns start on a fixed past Monday,
so who is on call in a given week does not depend on the anchor.

Running it again with the same anchor changes nothing. With another anchor,
the demo's own covers, leave, diverts and notes (recognised by their reasons
and texts) move to their new places; shifts already made are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from common.history import with_history
from common.london import instant_at, local, stamp
from common.phones import normalise_uk_number
from rota import access, services
from rota.calendars import NetworkCalendar, is_working_day
from rota.generation import PatternSpec, participant_for, pattern_extend
from rota.models import (
    Clinician,
    ClosureDate,
    ContactMethod,
    Cover,
    Divert,
    Leave,
    Membership,
    Network,
    Note,
    PatternParticipant,
    Rota,
    RotationPattern,
    Shift,
    Site,
    Trust,
)

DISCLAIMER = (
    "The demo network is illustrative only and is not clinical guidance: the clinicians, "
    "their numbers, the rotas and the events on them are invented; only the trusts, sites "
    "and switchboard numbers are real."
)
DEMO_PASSWORD = "demo-password-2026"
SEED_REASON = "Demo network seed"
ROTATION_START = date(2024, 1, 1)  # a Monday: every demo rotation hands over on Mondays
WEEKS_BEFORE, WEEKS_AFTER = 4, 13

# --- Organisations ---------------------------------------------------------------

NETWORK_SLUG = "lsc"
NETWORK_NAME = "Lancashire and South Cumbria Imaging Network"


@dataclass(frozen=True)
class SiteData:
    ods_code: str
    name: str
    short_name: str
    switchboard: str
    has_ir_suite: bool
    has_emergency_department: bool
    has_obstetric_unit: bool


TRUSTS = (
    ("RXN", "Lancashire Teaching Hospitals NHS Foundation Trust", (
        SiteData("RXN02", "Royal Preston Hospital", "Royal Preston", "01772 716565",
                 True, True, True),
        SiteData("RXN01", "Chorley and South Ribble Hospital", "Chorley", "01257 261222",
                 False, True, False),
    )),
    ("RXR", "East Lancashire Hospitals NHS Trust", (
        SiteData("RXR01", "Royal Blackburn Teaching Hospital", "Royal Blackburn",
                 "01254 263555", True, True, False),
        SiteData("RXR10", "Burnley General Teaching Hospital", "Burnley General",
                 "01282 425071", False, False, True),
    )),
    ("RTX", "University Hospitals of Morecambe Bay NHS Foundation Trust", (
        SiteData("RTX01", "Royal Lancaster Infirmary", "Royal Lancaster", "01524 65944",
                 True, True, True),
        SiteData("RTX02", "Furness General Hospital", "Furness General", "01229 870870",
                 False, True, True),
        SiteData("RTX03", "Westmorland General Hospital", "Westmorland General",
                 "01539 732288", False, False, False),
    )),
    ("RXL", "Blackpool Teaching Hospitals NHS Foundation Trust", (
        SiteData("RXL01", "Blackpool Victoria Hospital", "Blackpool Victoria", "01253 300000",
                 True, True, True),
    )),
)

SITE_NAMES = {site.ods_code: site.short_name for _, _, sites in TRUSTS for site in sites}

# --- Invented clinicians -----------------------------------------------------------

IR = "Consultant interventional radiologist"
VASCULAR = "Consultant vascular surgeon"
RADIOGRAPHER = "Senior MRI radiographer"


@dataclass(frozen=True)
class Person:
    """An invented clinician; bleep and extension are reached through ``base``'s switchboard."""

    name: str
    role: str
    trust: str
    base: str
    mobile: str
    bleep: str
    extension: str = ""
    direct_line: str = ""
    direct_line_visibility: str = "staff"


PEOPLE = (
    Person("Dr Amira Example", IR, "RXN", "RXN02", "07700 900101", "2101", extension="4521"),
    Person("Dr Tomasz Specimen", IR, "RXN", "RXN02", "07700 900102", "2102",
           direct_line="0113 496 0102", direct_line_visibility="public"),
    Person("Dr Helen Placeholder", IR, "RXN", "RXN02", "07700 900103", "2103", extension="4523"),
    Person("Dr Kwame Sampleford", IR, "RXN", "RXN02", "07700 900104", "2104"),
    Person("Dr Priya Demoford", IR, "RXR", "RXR01", "07700 900201", "3201", extension="5201"),
    Person("Dr Callum Testwood", IR, "RXR", "RXR01", "07700 900202", "3202"),
    Person("Dr Yusuf Mockridge", IR, "RXR", "RXR01", "07700 900203", "3203",
           direct_line="0113 496 0203"),
    Person("Dr Siobhan Fictional", IR, "RTX", "RTX01", "07700 900301", "4301", extension="6301"),
    Person("Dr Ravi Notreal", IR, "RTX", "RTX01", "07700 900302", "4302"),
    Person("Dr Ingrid Madeup", IR, "RTX", "RTX01", "07700 900303", "4303",
           direct_line="0113 496 0303"),
    Person("Dr Olumide Pretendly", IR, "RXL", "RXL01", "07700 900401", "5401", extension="7401"),
    Person("Dr Fiona Imaginary", IR, "RXL", "RXL01", "07700 900402", "5402",
           direct_line="0113 496 0402", direct_line_visibility="public"),
    Person("Mr Gareth Exemplar", VASCULAR, "RXN", "RXN02", "07700 900501", "2501",
           extension="4551"),
    Person("Ms Leila Dummyfield", VASCULAR, "RXN", "RXN02", "07700 900502", "2502"),
    Person("Mr Chidi Inventa", VASCULAR, "RXN", "RXN02", "07700 900503", "2503"),
    Person("Ms Rhiannon Trialworth", VASCULAR, "RXN", "RXN02", "07700 900504", "2504"),
    Person("Mr Ahmed Hypothetical", VASCULAR, "RXN", "RXN02", "07700 900505", "2505",
           direct_line="0113 496 0505"),
    Person("Jess Scanwell", RADIOGRAPHER, "RXN", "RXN02", "07700 900601", "2601",
           extension="4601"),
    Person("Marek Larmor", RADIOGRAPHER, "RXN", "RXN02", "07700 900602", "2602"),
    Person("Aisha Gradient", RADIOGRAPHER, "RXN", "RXN02", "07700 900603", "2603"),
    Person("Tom Voxelby", RADIOGRAPHER, "RXN", "RXN02", "07700 900604", "2604"),
    Person("Nadia Fieldstrength", RADIOGRAPHER, "RXN", "RXN02", "07700 900605", "2605"),
)

# --- Rotas ---------------------------------------------------------------------------

OOH_FIRST = (
    "Dr Amira Example", "Dr Priya Demoford", "Dr Siobhan Fictional", "Dr Olumide Pretendly",
    "Dr Tomasz Specimen", "Dr Callum Testwood", "Dr Ravi Notreal", "Dr Helen Placeholder",
)
# The same consultants four weeks on, so nobody is first and second on call at once.
OOH_SECOND = OOH_FIRST[4:] + OOH_FIRST[:4]
# The ELHT consultants are on no 24/7 rota, so daytime leave of theirs touches only
# elht-ir-in-hours: that is what keeps the demo's one gap the only one.
OBSTETRIC_IR = (
    "Dr Kwame Sampleford", "Dr Ingrid Madeup", "Dr Fiona Imaginary", "Dr Helen Placeholder",
)
VASCULAR_SURGEONS = tuple(p.name for p in PEOPLE if p.role == VASCULAR)
RADIOGRAPHERS = tuple(p.name for p in PEOPLE if p.role == RADIOGRAPHER)


@dataclass(frozen=True)
class Turns:
    """One rotation pattern: weekly turns handing over on Mondays."""

    name: str
    days: str  # all, working, non_working
    shift_start: time
    shift_end: time
    participants: tuple[str, ...]


def _out_of_hours(participants: tuple[str, ...]) -> tuple[Turns, ...]:
    return (
        Turns("Weeknights 17:00 to 08:00", "working", time(17), time(8), participants),
        Turns("Weekends and bank holidays 08:00 to 08:00", "non_working", time(8), time(8),
              participants),
    )


def _in_hours(participants: tuple[str, ...]) -> tuple[Turns, ...]:
    return (Turns("Working days 08:00 to 17:00", "working", time(8), time(17), participants),)


def _around_the_clock(participants: tuple[str, ...]) -> tuple[Turns, ...]:
    return (Turns("Every day 08:00 to 08:00", "all", time(8), time(8), participants),)


@dataclass(frozen=True)
class RotaData:
    slug: str
    name: str
    role: str
    required_coverage: str
    based_at: str
    serves: tuple[str, ...]  # site ODS codes; empty means every site
    fallback: str | None
    ask_for: str
    turns: tuple[Turns, ...]


# In order: a fallback comes before the rotas that fall back to it.
ROTAS = (
    RotaData("lsc-ir-second-ooh", "LSC IR consultant, second on call, out of hours",
             "ir-second", "out_of_hours", "RXN02", (), None,
             "the second on-call IR consultant", _out_of_hours(OOH_SECOND)),
    RotaData("lsc-ir-consultant-ooh", "LSC network IR consultant, out of hours",
             "ir-consultant", "out_of_hours", "RXN02", (), "lsc-ir-second-ooh",
             "the network on-call IR consultant", _out_of_hours(OOH_FIRST)),
    RotaData("lth-ir-in-hours", "LTH IR consultant, in hours", "ir-consultant", "in_hours",
             "RXN02", ("RXN02", "RXN01"), None, "the duty IR consultant",
             _in_hours(("Dr Amira Example", "Dr Tomasz Specimen", "Dr Helen Placeholder",
                        "Dr Kwame Sampleford"))),
    RotaData("elht-ir-in-hours", "ELHT IR consultant, in hours", "ir-consultant", "in_hours",
             "RXR01", ("RXR01", "RXR10"), "lth-ir-in-hours", "the duty IR consultant",
             _in_hours(("Dr Priya Demoford", "Dr Callum Testwood", "Dr Yusuf Mockridge"))),
    RotaData("uhmb-ir-in-hours", "UHMB IR consultant, in hours", "ir-consultant", "in_hours",
             "RTX01", ("RTX01", "RTX02", "RTX03"), "lth-ir-in-hours", "the duty IR consultant",
             _in_hours(("Dr Siobhan Fictional", "Dr Ravi Notreal", "Dr Ingrid Madeup"))),
    RotaData("bth-ir-in-hours", "BTH IR consultant, in hours", "ir-consultant", "in_hours",
             "RXL01", ("RXL01",), "lth-ir-in-hours", "the duty IR consultant",
             _in_hours(("Dr Olumide Pretendly", "Dr Fiona Imaginary"))),
    RotaData("lsc-obstetric-ir", "LSC obstetric IR consultant", "obstetric-ir", "always",
             "RXN02", (), "lsc-ir-second-ooh", "the on-call obstetric IR consultant",
             _around_the_clock(OBSTETRIC_IR)),
    RotaData("lsc-mri-radiographer-ooh", "LSC MRI radiographer, out of hours",
             "mri-radiographer", "out_of_hours", "RXN02", (), None,
             "the on-call MRI radiographer", _out_of_hours(RADIOGRAPHERS)),
    RotaData("lsc-vascular-surgeon", "LSC vascular surgeon on call", "vascular-surgeon",
             "always", "RXN02", (), None, "the on-call vascular surgeon",
             _around_the_clock(VASCULAR_SURGEONS)),
)

# --- Demo users ----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str | None  # None: the superuser
    home_site: str | None
    is_staff: bool = False


LOGINS = (
    DemoLogin("referrer-preston", access.REFERRER, "RXN02"),
    DemoLogin("referrer-blackburn", access.REFERRER, "RXR01"),
    DemoLogin("referrer-lancaster", access.REFERRER, "RTX01"),
    DemoLogin("referrer-blackpool", access.REFERRER, "RXL01"),
    DemoLogin("switchboard", access.SWITCHBOARD, "RXN02"),
    DemoLogin("coordinator", access.ROTA_COORDINATOR, None, is_staff=True),
    DemoLogin("lead", access.NETWORK_LEAD, None, is_staff=True),
    DemoLogin("admin", None, None, is_staff=True),
)

# --- Events, recognised by their reasons and texts -------------------------------------

GAP_LEAVE = "Study leave: regional IR course"
ANNUAL_LEAVE = "Annual leave"
SWAP_COVER = "Swap: covering two nights"
JOINING_COVER = "Second consultant for a planned placenta accreta case at Royal Preston"
LEAVE_COVER = "Covering annual leave"
DIVERT_REASON = "IR suite maintenance at Blackpool Victoria: in-hours IR goes to Royal Preston"
NOTE_CT = "CT scanner 2 at Royal Blackburn down until 14:00; CT 1 and the ED scanner work."
NOTE_ANGIO = (
    "Royal Preston angio room 1 closed for servicing this week; emergency cases go to "
    "angio room 2."
)
NOTE_MRI = "Royal Preston MRI contrast injector out of action tonight: non-contrast scans only."
DEMO_LEAVE_REASONS = (GAP_LEAVE, ANNUAL_LEAVE)
DEMO_COVER_REASONS = (SWAP_COVER, JOINING_COVER, LEAVE_COVER)
DEMO_NOTE_TEXTS = (NOTE_CT, NOTE_ANGIO, NOTE_MRI)


@dataclass(frozen=True)
class SeedResult:
    """What was seeded: the network, the window of shifts, logins and where to look."""

    network: Network
    anchor: date
    start: datetime  # shifts are made from here ...
    end: datetime  # ... to here
    logins: tuple[DemoLogin, ...]
    highlights: tuple[str, ...]  # the gap, divert, covers, leave and notes, in words


def seed_demo_window(anchor: date) -> tuple[datetime, datetime]:
    """Four weeks before the anchor (00:00 London) to thirteen weeks after it."""
    return (
        instant_at(anchor - timedelta(weeks=WEEKS_BEFORE), time(0)),
        instant_at(anchor + timedelta(weeks=WEEKS_AFTER), time(0)),
    )


@transaction.atomic
def seed_demo_network(anchor: date) -> SeedResult:
    """Load the demo network around ``anchor``; the same anchor twice changes nothing."""
    start, end = seed_demo_window(anchor)
    if start < instant_at(ROTATION_START, time(8)):
        earliest = ROTATION_START + timedelta(weeks=WEEKS_BEFORE)
        raise ValidationError(
            f"The demo rotations start on {ROTATION_START:%a %d %b %Y}; choose an anchor on "
            f"or after {earliest:%d %b %Y}."
        )
    users = _seed_users()
    admin = users["admin"]
    network = _upsert(Network, {"slug": NETWORK_SLUG}, {
        "name": NETWORK_NAME, "nation": "ENG", "working_day_start": time(8),
        "working_day_end": time(17), "working_weekdays": "0,1,2,3,4",
    }, admin)
    sites = _seed_sites(network, admin)
    for login in LOGINS:
        home = sites[login.home_site].id if login.home_site else None
        if login.role is None:
            continue
        _upsert(Membership, {"user_id": users[login.username].id, "network_id": network.id,
                             "role": login.role},
                {"home_site_id": home}, admin)
    clinicians = _seed_clinicians(sites, admin)
    rotas, patterns = _seed_rotas(network, sites, clinicians, admin)

    closures = dict(ClosureDate.objects.filter(network=network).values_list("date", "reason"))
    calendar = NetworkCalendar.for_network(network, closures)
    for pattern in patterns:
        pattern_extend(pattern, now=start, until=end, calendar=calendar)

    events = _DemoEvents(anchor, calendar, rotas, patterns, clinicians, users)
    highlights = events.seed()
    return SeedResult(network, anchor, start, end, LOGINS, tuple(highlights))


# --- Organisations, people and rotas ---------------------------------------------------


def _save(row, actor):
    row.full_clean()
    with_history(row, user=actor, reason=SEED_REASON).save()
    return row


def _upsert(model, keys: dict, values: dict, actor):
    """The row with ``keys``, created or brought to ``values``; saved only if it differs."""
    row = model.objects.filter(**keys).first()
    if row is not None and all(getattr(row, name) == value for name, value in values.items()):
        return row
    row = row or model(**keys)
    for name, value in values.items():
        setattr(row, name, value)
    return _save(row, actor)


def _seed_users() -> dict[str, User]:
    """The demo logins; an account that already exists keeps its password and flags."""
    users = {}
    for login in LOGINS:
        user, created = User.objects.get_or_create(username=login.username)
        if created:
            user.is_staff = login.is_staff
            user.is_superuser = login.role is None
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[login.username] = user
    return users


def _seed_sites(network: Network, actor) -> dict[str, Site]:
    sites = {}
    for ods_code, name, site_rows in TRUSTS:
        trust = _upsert(Trust, {"ods_code": ods_code}, {"name": name, "network_id": network.id},
                        actor)
        for data in site_rows:
            sites[data.ods_code] = _upsert(Site, {"ods_code": data.ods_code}, {
                "trust_id": trust.id,
                "name": data.name,
                "short_name": data.short_name,
                "switchboard": normalise_uk_number(data.switchboard),
                "has_ir_suite": data.has_ir_suite,
                "has_emergency_department": data.has_emergency_department,
                "has_obstetric_unit": data.has_obstetric_unit,
            }, actor)
    return sites


def _seed_clinicians(sites: dict[str, Site], actor) -> dict[str, Clinician]:
    trusts = {site.trust.ods_code: site.trust_id for site in sites.values()}
    clinicians = {}
    for person in PEOPLE:
        clinician = _upsert(Clinician, {"name": person.name}, {
            "role": person.role, "home_trust_id": trusts[person.trust], "active": True,
        }, actor)
        base = sites[person.base].id
        methods = [("bleep", person.bleep, "staff", base)]
        if person.extension:
            methods.append(("extension", person.extension, "staff", base))
        if person.direct_line:
            methods.append(("phone", normalise_uk_number(person.direct_line),
                            person.direct_line_visibility, None))
        methods.append(("mobile", normalise_uk_number(person.mobile), "switchboard", None))
        for order, (kind, value, visibility, site_id) in enumerate(methods):
            _upsert(ContactMethod, {"clinician_id": clinician.id, "kind": kind, "value": value},
                    {"visibility": visibility, "site_id": site_id, "order": order}, actor)
        clinicians[person.name] = clinician
    return clinicians


def _seed_rotas(network, sites, clinicians, actor):
    rotas: dict[str, Rota] = {}
    patterns: list[RotationPattern] = []
    for data in ROTAS:
        rota = _upsert(Rota, {"slug": data.slug}, {
            "network_id": network.id,
            "name": data.name,
            "role": data.role,
            "required_coverage": data.required_coverage,
            "based_at_id": sites[data.based_at].id,
            "fallback_id": rotas[data.fallback].id if data.fallback else None,
            "ask_for": data.ask_for,
        }, actor)
        served = {sites[code].id for code in data.serves}
        if set(rota.serves.values_list("id", flat=True)) != served:
            with_history(rota, user=actor).serves.set(served)
        for turns in data.turns:
            pattern = _upsert(RotationPattern, {"rota_id": rota.id, "name": turns.name}, {
                "cadence": "weekly", "every": 1, "shift_start": turns.shift_start,
                "shift_end": turns.shift_end, "days": turns.days,
                "start_date": ROTATION_START, "end_date": None,
            }, actor)
            for position, name in enumerate(turns.participants, start=1):
                _upsert(PatternParticipant, {"pattern_id": pattern.id, "position": position},
                        {"clinician_id": clinicians[name].id}, actor)
            for extra in pattern.participants.filter(position__gt=len(turns.participants)):
                with_history(extra, reason=SEED_REASON).delete()
            patterns.append(pattern)
        rotas[data.slug] = rota
    return rotas, patterns


# --- Events ------------------------------------------------------------------------------


def _when(instant: datetime) -> str:
    return stamp(instant)


class _DemoEvents:
    """Covers, leave, a divert and notes placed relative to the anchor.

    Who is replaced or covers is read from the generated shifts and patterns,
    never from the anchor alone, so every placement is valid for any anchor.
    """

    def __init__(self, anchor, calendar, rotas, patterns, clinicians, users):
        self.anchor = anchor
        self.calendar = calendar
        self.rotas = rotas
        self.patterns = patterns
        self.clinicians = {c.id: c for c in clinicians.values()}
        self.names = {c.id: c.name for c in clinicians.values()}
        self.clinician_ids = list(self.names)
        self.annual_leave: tuple[int, datetime, datetime] | None = None
        self.coordinator = users["coordinator"]
        self.switchboard = users["switchboard"]
        self.highlights: list[str] = []

    def seed(self) -> list[str]:
        # Leave first: the choice of covering clinicians looks at who is away.
        self._sync_leave()
        self._sync_covers()
        self._sync_divert()
        self._sync_notes()
        return self.highlights

    # Days -----------------------------------------------------------------------

    def _working_day(self, first: date, last: date) -> date:
        day = first
        while day <= last:
            if is_working_day(self.calendar, day):
                return day
            day += timedelta(days=1)
        raise ValidationError(f"No working day between {first} and {last} for the demo.")

    @property
    def gap_day(self) -> date:
        """The first working day after the anchor."""
        return self._working_day(self.anchor + timedelta(days=1), self.anchor + timedelta(days=7))

    @property
    def first_working_day(self) -> date:
        """The anchor, or the first working day after it."""
        return self._working_day(self.anchor, self.anchor + timedelta(days=6))

    @property
    def next_monday(self) -> date:
        return self.anchor + timedelta(days=7 - self.anchor.weekday())

    # Who ------------------------------------------------------------------------

    def _on_shift(self, rota: Rota, start: datetime, end: datetime) -> Clinician:
        shift = (
            Shift.objects.filter(rota=rota, start__lt=end, end__gt=start)
            .select_related("clinician").order_by("start", "id").first()
        )
        if shift is None:
            raise ValidationError(f"Nobody is on {rota} from {_when(start)}; the demo needs it.")
        return shift.clinician

    def _covering(self, rota: Rota, start: datetime, end: datetime, exclude: set[int]):
        """A participant of the rota free to cover ``[start, end)``: not away, not already
        on this rota, and preferably on no other rota then."""
        order = []
        for pattern in self.patterns:
            if pattern.rota_id == rota.id:
                for participant in pattern.participants.all():
                    if participant.clinician_id not in order:
                        order.append(participant.clinician_id)
        overlapping = {"start__lt": end, "end__gt": start}
        away = set(Leave.objects.filter(**overlapping).values_list("clinician_id", flat=True))
        busy_here = set(
            Shift.objects.filter(rota=rota, **overlapping).values_list("clinician_id", flat=True)
        )
        busy_elsewhere = set(
            Shift.objects.filter(**overlapping).exclude(rota=rota)
            .values_list("clinician_id", flat=True)
        )
        free = [c for c in order if c not in exclude | away | busy_here]
        if not free:
            raise ValidationError(f"Nobody is free to cover {rota} from {_when(start)}.")
        return min(free, key=lambda c: (c in busy_elsewhere, order.index(c)))

    # Leave ----------------------------------------------------------------------

    def _leave_plan(self) -> list[tuple[int, datetime, datetime, str]]:
        elht = self.rotas["elht-ir-in-hours"]
        gap_start = instant_at(self.gap_day, time(8))
        gap_end = instant_at(self.gap_day, time(17))
        # Daytime leave on a working day: the ELHT consultant's only duty then is
        # elht-ir-in-hours (out-of-hours shifts start at 17:00), so exactly one gap.
        away = self._on_shift(elht, gap_start, gap_end)
        lth = self.rotas["lth-ir-in-hours"]
        lth_pattern = next(p for p in self.patterns if p.rota_id == lth.id)
        week = self.next_monday + timedelta(days=7)
        on_leave = participant_for(PatternSpec.for_pattern(lth_pattern), week)
        # The last two working days of that week, so that a bank holiday never
        # leaves the colleague on leave with no duty to cover.
        working = [
            week + timedelta(days=n) for n in range(5)
            if is_working_day(self.calendar, week + timedelta(days=n))
        ]
        if not working:
            raise ValidationError(f"No working day in the week of {week} for the demo.")
        leave_start, leave_end = services.leave_window(working[-2:][0], working[-1])
        return [
            (away.id, gap_start, gap_end, GAP_LEAVE),
            (on_leave, leave_start, leave_end, ANNUAL_LEAVE),
        ]

    def _sync_leave(self) -> None:
        plan = self._leave_plan()
        existing = Leave.objects.filter(
            clinician_id__in=self.clinician_ids, reason__in=DEMO_LEAVE_REASONS
        )
        _remove_stale(existing, plan, lambda r: (r.clinician_id, r.start, r.end, r.reason))
        for clinician_id, start, end, reason in plan:
            if not Leave.objects.filter(
                clinician_id=clinician_id, start=start, end=end, reason=reason
            ).exists():
                services.leave_create(
                    clinician=self.clinicians[clinician_id], start=start, end=end,
                    reason=reason, user=self.coordinator,
                )
        gap, annual = plan
        self.annual_leave = annual[:3]
        self.highlights.append(
            f"Gap: {self.rotas['elht-ir-in-hours'].name}, {_when(gap[1])} to "
            f"{local(gap[2]):%H:%M}: {self.names[gap[0]]} on study leave without cover, so "
            f"callers get the fallback, {self.rotas['lth-ir-in-hours'].name}."
        )
        self.highlights.append(
            f"Leave with cover: {self.names[annual[0]]} on annual leave from "
            f"{local(annual[1]):%a %d %b} to {local(annual[2]) - timedelta(days=1):%a %d %b %Y} "
            "inclusive; colleagues cover each of their duties then."
        )

    # Covers ---------------------------------------------------------------------

    def _cover_plan(self) -> list[tuple[int, int, int | None, datetime, datetime, str]]:
        plan = []
        ooh = self.rotas["lsc-ir-consultant-ooh"]
        monday = self.next_monday
        start = instant_at(monday + timedelta(days=1), time(17))
        end = instant_at(monday + timedelta(days=3), time(8))
        replaced = self._on_shift(ooh, start, end).id
        covering = self._covering(ooh, start, end, {replaced})
        plan.append((ooh.id, covering, replaced, start, end, SWAP_COVER))

        obstetric = self.rotas["lsc-obstetric-ir"]
        start = instant_at(self.anchor, time(8))
        end = instant_at(self.anchor + timedelta(days=1), time(8))
        joining = self._covering(obstetric, start, end, set())
        plan.append((obstetric.id, joining, None, start, end, JOINING_COVER))

        # The colleague on annual leave has every duty in that window covered,
        # whole shifts at a time, by someone free then.
        on_leave, leave_start, leave_end = self.annual_leave
        duties: dict[int, list[Shift]] = {}
        for shift in Shift.objects.filter(
            clinician_id=on_leave, start__lt=leave_end, end__gt=leave_start
        ).order_by("start", "id"):
            duties.setdefault(shift.rota_id, []).append(shift)
        for rota in sorted(
            (r for r in self.rotas.values() if r.id in duties), key=lambda r: r.slug
        ):
            shifts = duties[rota.id]
            start, end = shifts[0].start, max(s.end for s in shifts)
            covering = self._covering(rota, start, end, {on_leave})
            plan.append((rota.id, covering, on_leave, start, end, LEAVE_COVER))
        return plan

    def _sync_covers(self) -> None:
        plan = self._cover_plan()
        existing = Cover.objects.filter(
            rota_id__in=[r.id for r in self.rotas.values()], reason__in=DEMO_COVER_REASONS
        )
        _remove_stale(
            existing, plan,
            lambda r: (r.rota_id, r.covering_id, r.replaces_id, r.start, r.end, r.reason),
        )
        rota_names = {r.id: r for r in self.rotas.values()}
        for rota_id, covering, replaces, start, end, reason in plan:
            if not Cover.objects.filter(
                rota_id=rota_id, covering_id=covering, replaces_id=replaces, start=start,
                end=end, reason=reason,
            ).exists():
                services.cover_create(
                    rota=rota_names[rota_id], covering=self.clinicians[covering],
                    replaces=self.clinicians[replaces] if replaces else None,
                    start=start, end=end, reason=reason, user=self.coordinator,
                )
            what = (f"covers {self.names[replaces]}" if replaces else "joins")
            self.highlights.append(
                f"Cover: {self.names[covering]} {what} on {rota_names[rota_id].name} from "
                f"{_when(start)} to {_when(end)} ({reason})."
            )

    # Divert and notes -----------------------------------------------------------

    def _sync_divert(self) -> None:
        day = self.first_working_day
        rota, to_rota = self.rotas["bth-ir-in-hours"], self.rotas["lth-ir-in-hours"]
        start, end = instant_at(day, time(13)), instant_at(day, time(17))
        existing = Divert.objects.filter(rota__in=self.rotas.values(), reason=DIVERT_REASON)
        plan = [(rota.id, to_rota.id, start, end, DIVERT_REASON)]
        _remove_stale(existing, plan, lambda r: (r.rota_id, r.to_rota_id, r.start, r.end,
                                                 r.reason))
        if not existing.filter(rota=rota, to_rota=to_rota, start=start, end=end).exists():
            services.divert_create(
                rota=rota, to_rota=to_rota, start=start, end=end, reason=DIVERT_REASON,
                user=self.coordinator,
            )
        self.highlights.append(
            f"Divert: {rota.name} goes to {to_rota.name} from {_when(start)} to "
            f"{local(end):%H:%M} ({DIVERT_REASON})."
        )

    def _sync_notes(self) -> None:
        anchor, next_day, working = (
            self.anchor, self.anchor + timedelta(days=1), self.first_working_day
        )
        plan = [
            (self.rotas["elht-ir-in-hours"].id, instant_at(working, time(7, 30)),
             instant_at(working, time(14)), NOTE_CT),
            (self.rotas["lsc-ir-consultant-ooh"].id, instant_at(anchor, time(0)),
             instant_at(anchor + timedelta(days=7), time(0)), NOTE_ANGIO),
            (self.rotas["lsc-mri-radiographer-ooh"].id, instant_at(anchor, time(17)),
             instant_at(next_day, time(8)), NOTE_MRI),
        ]
        existing = Note.objects.filter(rota__in=self.rotas.values(), text__in=DEMO_NOTE_TEXTS)
        _remove_stale(existing, plan, lambda r: (r.rota_id, r.start, r.end, r.text))
        rota_by_id = {r.id: r for r in self.rotas.values()}
        for rota_id, start, end, text in plan:
            if not Note.objects.filter(rota_id=rota_id, start=start, end=end, text=text).exists():
                services.note_create(
                    rota=rota_by_id[rota_id], start=start, end=end, text=text,
                    user=self.switchboard,
                )
            self.highlights.append(
                f"Note on {rota_by_id[rota_id].name}, {_when(start)} to {_when(end)}: {text}"
            )


def _remove_stale(existing, plan: list[tuple], key) -> None:
    """Delete the demo's own events left at other places by an earlier anchor."""
    # Aware datetimes compare and hash by instant, whatever their zone.
    wanted = set(plan)
    for row in existing:
        if key(row) not in wanted:
            with_history(row, reason="Demo moved to a new anchor date")
            row.delete()
