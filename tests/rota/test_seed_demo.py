from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from rota import access
from rota.calendars import instant_at, local
from rota.demo import DEMO_PASSWORD, seed_demo_network
from rota.models import ContactMethod, Cover, Divert, Leave, Note, Rota, Shift, Site, Trust
from rota.oncall import answer_at, load_schedule, resolve_timeline, rotas_for_role
from tests.factories import london

SITES = [
    ("RTX01", "Royal Lancaster", "RTX", "01524 65944", True, True, True),
    ("RTX02", "Furness General", "RTX", "01229 870870", False, True, True),
    ("RTX03", "Westmorland General", "RTX", "01539 732288", False, False, False),
    ("RXL01", "Blackpool Victoria", "RXL", "01253 300000", True, True, True),
    ("RXN01", "Chorley", "RXN", "01257 261222", False, True, False),
    ("RXN02", "Royal Preston", "RXN", "01772 716565", True, True, True),
    ("RXR01", "Royal Blackburn", "RXR", "01254 263555", True, True, False),
    ("RXR10", "Burnley General", "RXR", "01282 425071", False, False, True),
]
ROTAS = [
    ("bth-ir-in-hours", "ir-consultant", "in_hours", "RXL01", ["RXL01"], "lth-ir-in-hours"),
    ("elht-ir-in-hours", "ir-consultant", "in_hours", "RXR01", ["RXR01", "RXR10"],
     "lth-ir-in-hours"),
    ("lsc-ir-consultant-ooh", "ir-consultant", "out_of_hours", "RXN02", [],
     "lsc-ir-second-ooh"),
    ("lsc-ir-second-ooh", "ir-second", "out_of_hours", "RXN02", [], None),
    ("lsc-mri-radiographer-ooh", "mri-radiographer", "out_of_hours", "RXN02", [], None),
    ("lsc-obstetric-ir", "obstetric-ir", "always", "RXN02", [], "lsc-ir-second-ooh"),
    ("lsc-vascular-surgeon", "vascular-surgeon", "always", "RXN02", [], None),
    ("lth-ir-in-hours", "ir-consultant", "in_hours", "RXN02", ["RXN01", "RXN02"], None),
    ("uhmb-ir-in-hours", "ir-consultant", "in_hours", "RTX01", ["RTX01", "RTX02", "RTX03"],
     "lth-ir-in-hours"),
]
IN_HOURS_IR = {"RXN": "lth-ir-in-hours", "RXR": "elht-ir-in-hours",
               "RTX": "uhmb-ir-in-hours", "RXL": "bth-ir-in-hours"}


def _covered_period(anchor: date) -> tuple[datetime, datetime]:
    # Shifts are made from 00:00 four weeks before the anchor, so the night that
    # began the evening before is not there: coverage is complete from 08:00.
    return (instant_at(anchor - timedelta(weeks=4), time(8)),
            instant_at(anchor + timedelta(weeks=13), time(0)))


def _row_counts() -> dict[str, int]:
    models = [
        model
        for label in ("rota", "pathways", "auth")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return {model._meta.label: model.objects.count() for model in models}


def test_seed_demo_loads_trusts_sites_and_rotas(db):
    seed_demo_network(date(2026, 3, 20))
    assert list(Trust.objects.order_by("ods_code").values_list("ods_code", "network__slug")) == [
        ("RTX", "lsc"), ("RXL", "lsc"), ("RXN", "lsc"), ("RXR", "lsc"),
    ]
    sites = [
        (s.ods_code, s.short_name, s.trust.ods_code, s.switchboard, s.has_ir_suite,
         s.has_emergency_department, s.has_obstetric_unit)
        for s in Site.objects.select_related("trust").order_by("ods_code")
    ]
    assert sites == SITES
    rotas = [
        (r.slug, r.role, r.required_coverage, r.based_at.ods_code,
         sorted(r.serves.values_list("ods_code", flat=True)),
         r.fallback.slug if r.fallback else None)
        for r in Rota.objects.select_related("based_at", "fallback").order_by("slug")
    ]
    assert rotas == ROTAS
    assert Rota.objects.get(slug="lsc-ir-consultant-ooh").ask_for == (
        "the network on-call IR consultant"
    )


@pytest.mark.parametrize(
    ("anchor", "gap_day"),
    [
        (date(2026, 3, 20), date(2026, 3, 23)),  # spans 29 March and Good Friday
        (date(2026, 10, 20), date(2026, 10, 21)),  # spans 25 October and Christmas
        (date(2026, 12, 20), date(2026, 12, 21)),  # Christmas, 28 December substitute day
    ],
)
def test_seed_demo_covers_every_rota_but_the_one_intended_gap(db, anchor, gap_day):
    result = seed_demo_network(anchor)
    start, end = _covered_period(anchor)
    schedule = load_schedule(network_ids=[result.network.id], start=start, end=end)
    gaps = [
        (rota.slug, local(segment.start), local(segment.end))
        for rota in schedule.rotas.values()
        for segment in resolve_timeline(schedule, rota.id)
        if segment.gap
    ]
    assert gaps == [(
        "elht-ir-in-hours",
        datetime.combine(gap_day, time(8), tzinfo=local(start).tzinfo),
        datetime.combine(gap_day, time(17), tzinfo=local(start).tzinfo),
    )]
    elht = schedule.rota_by_slug("elht-ir-in-hours")
    answer = answer_at(schedule, elht.id, instant_at(gap_day, time(10)))
    assert answer.gap is True
    assert answer.fallback.rota.slug == "lth-ir-in-hours"
    assert len(answer.effective.on_call) == 1


def test_seed_demo_resolves_each_role_to_one_rota_per_site(db):
    result = seed_demo_network(date(2026, 3, 20))
    schedule = load_schedule(network_ids=[result.network.id], start=london(2026, 3, 19),
                             end=london(2026, 3, 23))
    in_hours, evening, weekend = london(2026, 3, 20, 10), london(2026, 3, 20, 22), london(
        2026, 3, 21, 12)

    def slugs(role, site, at):
        return [rota.slug for rota in rotas_for_role(
            schedule, network_id=result.network.id, role=role, site_id=site.id, at=at)]

    for site in Site.objects.select_related("trust"):
        assert slugs("ir-consultant", site, in_hours) == [IN_HOURS_IR[site.trust.ods_code]]
        assert slugs("ir-consultant", site, evening) == ["lsc-ir-consultant-ooh"]
        assert slugs("ir-consultant", site, weekend) == ["lsc-ir-consultant-ooh"]
        assert slugs("ir-second", site, in_hours) == []
        assert slugs("ir-second", site, evening) == ["lsc-ir-second-ooh"]
        assert slugs("mri-radiographer", site, in_hours) == []
        assert slugs("mri-radiographer", site, weekend) == ["lsc-mri-radiographer-ooh"]


def test_seed_demo_twice_with_the_same_anchor_changes_nothing(db):
    first = StringIO()
    call_command("seed_demo", "--anchor", "2026-10-20", stdout=first)
    before = _row_counts()
    second = StringIO()
    call_command("seed_demo", "--anchor", "2026-10-20", stdout=second)
    assert _row_counts() == before
    assert before["rota.Shift"] == before["rota.HistoricalShift"] > 900
    assert first.getvalue() == second.getvalue()
    assert "illustrative only and is not clinical guidance" in first.getvalue()
    assert f"password {DEMO_PASSWORD}" in first.getvalue()
    assert "  referrer-blackburn   Referrer, home site Royal Blackburn\n" in first.getvalue()
    assert before["pathways.Pathway"] == 7
    assert before["pathways.PathwayVersion"] == 7
    assert "Pathways: GI bleed" in first.getvalue()


def test_seed_demo_with_a_later_anchor_moves_the_events(db):
    seed_demo_network(date(2026, 3, 20))
    result = seed_demo_network(date(2026, 3, 27))
    assert Leave.objects.count() == 2
    assert Divert.objects.count() == 1
    assert Note.objects.count() == 3
    start, end = _covered_period(date(2026, 3, 27))
    schedule = load_schedule(network_ids=[result.network.id], start=start, end=end)
    gaps = [
        (rota.slug, segment.start, segment.end)
        for rota in schedule.rotas.values()
        for segment in resolve_timeline(schedule, rota.id)
        if segment.gap
    ]
    assert gaps == [("elht-ir-in-hours", london(2026, 3, 30, 8), london(2026, 3, 30, 17))]


def test_seed_demo_network_out_of_hours_rota_is_one_in_eight(db):
    seed_demo_network(date(2026, 3, 20))
    rota = Rota.objects.get(slug="lsc-ir-consultant-ooh")
    patterns = list(rota.patterns.order_by("days"))
    assert [(p.days, p.shift_start, p.shift_end, p.start_date) for p in patterns] == [
        ("non_working", time(8), time(8), date(2024, 1, 1)),
        ("working", time(17), time(8), date(2024, 1, 1)),
    ]
    assert [list(p.participants.values_list("clinician_id", flat=True)) for p in patterns][0] == (
        list(patterns[1].participants.values_list("clinician_id", flat=True))
    )
    on_call_by_week: dict[date, set[int]] = {}
    for shift in Shift.objects.filter(rota=rota, kind="rotation"):
        day = local(shift.start).date()
        on_call_by_week.setdefault(day - timedelta(days=day.weekday()), set()).add(
            shift.clinician_id
        )
    weeks = [on_call_by_week[date(2026, 2, 23) + timedelta(weeks=k)] for k in range(16)]
    assert all(len(week) == 1 for week in weeks)
    assert len(set().union(*weeks[:8])) == 8
    assert weeks[8:] == weeks[:8]


def test_seed_demo_places_covers_leave_divert_and_notes_around_the_anchor(db):
    seed_demo_network(date(2026, 3, 20))
    covers = [
        (c.rota.slug, c.covering.name, c.replaces.name if c.replaces else None, c.start, c.end)
        for c in Cover.objects.select_related("rota", "covering", "replaces").order_by("start")
    ]
    assert covers == [
        ("lsc-obstetric-ir", "Dr Ingrid Madeup", None,
         london(2026, 3, 20, 8), london(2026, 3, 21, 8)),
        ("lsc-ir-consultant-ooh", "Dr Priya Demoford", "Dr Tomasz Specimen",
         london(2026, 3, 24, 17), london(2026, 3, 26, 8)),
        ("lth-ir-in-hours", "Dr Amira Example", "Dr Tomasz Specimen",
         london(2026, 4, 1, 8), london(2026, 4, 2, 17)),
    ]
    leave = [(item.clinician.name, item.start, item.end, item.reason)
             for item in Leave.objects.order_by("start")]
    assert leave == [
        ("Dr Yusuf Mockridge", london(2026, 3, 23, 8), london(2026, 3, 23, 17),
         "Study leave: regional IR course"),
        # The last two working days of that week: Friday 3 April is Good Friday.
        ("Dr Tomasz Specimen", london(2026, 4, 1), london(2026, 4, 3), "Annual leave"),
    ]
    divert = Divert.objects.get()
    assert (divert.rota.slug, divert.to_rota.slug, divert.start, divert.end) == (
        "bth-ir-in-hours", "lth-ir-in-hours", london(2026, 3, 20, 13), london(2026, 3, 20, 17)
    )
    notes = [(n.rota.slug, n.start, n.end, n.author.username) for n in Note.objects.order_by("id")]
    assert notes == [
        ("elht-ir-in-hours", london(2026, 3, 20, 7, 30), london(2026, 3, 20, 14), "switchboard"),
        ("lsc-ir-consultant-ooh", london(2026, 3, 20), london(2026, 3, 27), "switchboard"),
        ("lsc-mri-radiographer-ooh", london(2026, 3, 20, 17), london(2026, 3, 21, 8),
         "switchboard"),
    ]
    assert Cover.history.filter(history_user__username="coordinator").count() == 3

    schedule = load_schedule(network_ids=[divert.rota.network_id], start=london(2026, 3, 19),
                             end=london(2026, 4, 6))
    bth = schedule.rota_by_slug("bth-ir-in-hours")
    answer = answer_at(schedule, bth.id, london(2026, 3, 20, 14))
    assert answer.divert_answer.rota.slug == "lth-ir-in-hours"
    obstetric = schedule.rota_by_slug("lsc-obstetric-ir")
    assert len(answer_at(schedule, obstetric.id, london(2026, 3, 20, 12)).on_call) == 2
    ooh = schedule.rota_by_slug("lsc-ir-consultant-ooh")
    on_call = answer_at(schedule, ooh.id, london(2026, 3, 25, 2)).on_call
    assert [(schedule.clinicians[e.clinician_id].name, e.source) for e in on_call] == [
        ("Dr Priya Demoford", "cover")
    ]


def test_seed_demo_contacts_are_invented_unique_numbers(db):
    seed_demo_network(date(2026, 3, 20))
    contacts = list(ContactMethod.objects.select_related("clinician__home_trust", "site"))
    numbers = [c.value for c in contacts if c.kind in ("mobile", "phone")]
    assert len(numbers) == len(set(numbers))
    assert {(c.kind, c.value[:9], c.visibility) for c in contacts if c.kind == "mobile"} == {
        ("mobile", "07700 900", "switchboard")
    }
    assert {c.value[:10] for c in contacts if c.kind == "phone"} == {"0113 496 0"}
    routed = [c for c in contacts if c.kind in ("bleep", "extension")]
    assert all(c.site.trust_id == c.clinician.home_trust_id for c in routed)
    assert len({(c.site_id, c.value) for c in routed}) == len(routed)
    assert {c.clinician_id for c in contacts if c.kind == "bleep"} == {
        c.clinician_id for c in contacts if c.kind == "mobile"
    }


def test_seed_demo_users_have_their_roles(db):
    seed_demo_network(date(2026, 3, 20))
    users = {
        user.username: (
            sorted(user.memberships.values_list("role", flat=True)),
            [(m.network.slug, m.home_site.ods_code if m.home_site else None)
             for m in user.memberships.all()],
            user.is_superuser,
            user.check_password(DEMO_PASSWORD),
        )
        for user in User.objects.all()
    }
    assert users == {
        "referrer-preston": ([access.REFERRER], [("lsc", "RXN02")], False, True),
        "referrer-blackburn": ([access.REFERRER], [("lsc", "RXR01")], False, True),
        "referrer-lancaster": ([access.REFERRER], [("lsc", "RTX01")], False, True),
        "referrer-blackpool": ([access.REFERRER], [("lsc", "RXL01")], False, True),
        "switchboard": ([access.SWITCHBOARD], [("lsc", "RXN02")], False, True),
        "coordinator": ([access.ROTA_COORDINATOR], [("lsc", None)], False, True),
        "lead": ([access.NETWORK_LEAD], [("lsc", None)], False, True),
        "admin": ([], [], True, True),  # an admin needs no membership
    }


@pytest.mark.parametrize(
    ("anchor", "message"),
    [
        ("20/03/2026", "--anchor must be a date as YYYY-MM-DD, e.g. 2026-03-20, not '20/03/2026'."),
        ("2024-01-10", "The demo rotations start on Mon 01 Jan 2024; choose an anchor on or "
                       "after 29 Jan 2024."),
    ],
)
def test_seed_demo_command_refuses_a_bad_anchor(db, anchor, message):
    with pytest.raises(CommandError) as error:
        call_command("seed_demo", "--anchor", anchor, stdout=StringIO())
    assert str(error.value) == message
    assert Rota.objects.count() == 0


def test_seed_demo_refuses_to_run_on_a_live_database(db, settings):
    settings.ALLOW_DEMO_SEED = False
    with pytest.raises(CommandError, match="never on a live database"):
        call_command("seed_demo", "--anchor", "2026-10-20", stdout=StringIO())
    assert not User.objects.exists()
