from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import client_as
from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london

ROLE_ANON = "Consultant interventional radiologist"


def _anon_person():
    return {"name": None, "role": ROLE_ANON, "source": "manual", "contacts": []}


def test_oncall_anonymous_gets_roles_and_routes_without_names(world, rotas):
    response = client_as(world, "anonymous").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T07:45"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "at": "2026-05-04T07:45:00+01:00",
        "answers": [{
            "rota": {
                "slug": "lsc-ir", "name": "LSC IR consultant", "role": "ir-consultant",
                "ask_for": "the on-call IR consultant", "required_coverage": "always",
                "based_at": {
                    "name": "Royal Preston Hospital", "short_name": "Royal Preston",
                    "switchboard": "01772 716565", "tel": "tel:+441772716565",
                },
            },
            "at": "2026-05-04T07:45:00+01:00",
            "status": "on_call",
            "switchboard_route": (
                "Call Royal Preston switchboard on 01772 716565 and ask for the on-call IR "
                "consultant"
            ),
            "clinicians": [_anon_person()],
            "since": "2026-05-03T17:00:00+01:00",
            "until": "2026-05-04T08:00:00+01:00",
            "next": {"clinicians": [_anon_person()], "from": "2026-05-04T08:00:00+01:00"},
            "handover": {
                "at": "2026-05-04T08:00:00+01:00",
                "outgoing": [_anon_person()],
                "incoming": [_anon_person()],
            },
            "notes": [],
            "divert": None,
            "fallback": None,
            "fallback_unavailable": "",
        }],
    }


def test_oncall_referrer_sees_name_with_public_and_staff_contacts(world, rotas):
    body = client_as(world, "referrer").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T02:40"}
    ).json()
    person = body["answers"][0]["clinicians"][0]
    assert person["name"] == "Dr Alpha"
    assert person["id"] == rotas.a.id
    assert [(c["kind"], c["route"]) for c in person["contacts"]] == [
        ("bleep", "Royal Preston switchboard 01772 716565, bleep 2345"),
        ("email", "Email alpha@example.nhs.uk"),
    ]


def test_oncall_switchboard_sees_every_contact(world, rotas):
    body = client_as(world, "switchboard").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T02:40"}
    ).json()
    person = body["answers"][0]["clinicians"][0]
    assert [(c["kind"], c["value"], c["tel"]) for c in person["contacts"]] == [
        ("mobile", "07700 900001", "tel:+447700900001"),
        ("bleep", "2345", "tel:+441772716565"),
        ("email", "alpha@example.nhs.uk", None),
    ]


# Dr Alpha's contacts, in their order, by what each viewer may see of them.
ALPHA_MOBILE = {"kind": "mobile", "label": "Mobile", "value": "07700 900001",
                "visibility": "switchboard", "route": "Mobile 07700 900001",
                "tel": "tel:+447700900001"}
ALPHA_BLEEP = {"kind": "bleep", "label": "Bleep", "value": "2345", "visibility": "staff",
               "route": "Royal Preston switchboard 01772 716565, bleep 2345",
               "tel": "tel:+441772716565"}  # a bleep is dialled through the site's switchboard
ALPHA_EMAIL = {"kind": "email", "label": "Email", "value": "alpha@example.nhs.uk",
               "visibility": "public", "route": "Email alpha@example.nhs.uk", "tel": None,
               "href": "mailto:alpha@example.nhs.uk"}
BRAVO_MOBILE = {"kind": "mobile", "label": "Mobile", "value": "07700 900002",
                "visibility": "switchboard", "route": "Mobile 07700 900002",
                "tel": "tel:+447700900002"}
PRESTON = {"name": "Royal Preston Hospital", "short_name": "Royal Preston",
           "switchboard": "01772 716565", "tel": "tel:+441772716565"}


def _named(rotas, who, contacts):
    clinician, site = {"alpha": (rotas.a, PRESTON), "bravo": (rotas.b, None)}[who]
    return {"id": clinician.id, "name": clinician.name, "role": ROLE_ANON, "source": "manual",
            "site": site, "contacts": contacts}


def test_oncall_answer_at_a_quarter_to_handover_for_each_viewer(world, rotas):
    # 06:45Z is 07:45 BST: Dr Alpha's night (17:00 to 08:00) has a quarter of an hour left.
    people = {
        "anonymous": (_anon_person(), _anon_person()),
        "referrer": (_named(rotas, "alpha", [ALPHA_BLEEP, ALPHA_EMAIL]),
                     _named(rotas, "bravo", [])),
        "switchboard": (_named(rotas, "alpha", [ALPHA_MOBILE, ALPHA_BLEEP, ALPHA_EMAIL]),
                        _named(rotas, "bravo", [BRAVO_MOBILE])),
    }
    for role, (alpha, bravo) in people.items():
        body = client_as(world, role).get(
            "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T06:45:00Z"}
        ).json()
        assert body["answers"] == [{
            "rota": {"slug": "lsc-ir", "name": "LSC IR consultant", "role": "ir-consultant",
                     "ask_for": "the on-call IR consultant", "required_coverage": "always",
                     "based_at": PRESTON},
            "at": "2026-05-04T07:45:00+01:00",
            "status": "on_call",
            "switchboard_route": "Call Royal Preston switchboard on 01772 716565 and ask for "
                                 "the on-call IR consultant",
            "clinicians": [alpha],
            "since": "2026-05-03T17:00:00+01:00", "until": "2026-05-04T08:00:00+01:00",
            "next": {"clinicians": [bravo], "from": "2026-05-04T08:00:00+01:00"},
            "handover": {"at": "2026-05-04T08:00:00+01:00", "outgoing": [alpha],
                         "incoming": [bravo]},
            "notes": [], "divert": None, "fallback": None, "fallback_unavailable": "",
        }], role


def test_oncall_gap_gives_the_fallback_answer(world, rotas):
    """Controls H-02."""
    body = client_as(world, "switchboard").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T18:00"}
    ).json()
    answer = body["answers"][0]
    assert (answer["status"], answer["clinicians"], answer["since"], answer["until"]) == (
        "gap", [], "2026-05-04T17:00:00+01:00", None
    )
    assert answer["fallback"]["rota"]["slug"] == "lsc-ir-backup"
    assert [p["name"] for p in answer["fallback"]["clinicians"]] == ["Dr Charlie"]
    assert answer["fallback"]["until"] == "2026-05-08T08:00:00+01:00"


def test_oncall_at_with_offset_is_the_same_instant(world, rotas):
    client = client_as(world, "switchboard")
    wall = client.get("/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T08:00"}).json()
    utc = client.get("/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T07:00:00Z"}).json()
    assert wall == utc
    assert [p["name"] for p in wall["answers"][0]["clinicians"]] == ["Dr Bravo"]


def test_oncall_network_answers_every_rota_by_name(world, rotas):
    body = client_as(world, "switchboard").get(
        "/api/v1/oncall/", {"network": "lsc", "at": "2026-05-04T10:00"}
    ).json()
    assert [(a["rota"]["slug"], a["status"], [p["name"] for p in a["clinicians"]])
            for a in body["answers"]] == [
        ("lsc-ir-backup", "on_call", ["Dr Charlie"]),
        ("lsc-ir", "on_call", ["Dr Bravo"]),
        # 4 May 2026 is the early May bank holiday: the day list is not required.
        ("lsc-ir-day", "outside_hours", []),
    ]


def _network_queries(world, client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/oncall/", {"network": "lsc", "at": "2026-05-04T10:00"})
    assert response.status_code == 200
    return len(queries)


def test_oncall_network_takes_a_constant_number_of_queries(world, rotas):
    client = client_as(world, "switchboard")
    before = _network_queries(world, client)
    for n in range(12):
        rota = RotaFactory(network=world.network, slug=f"extra-{n}", based_at=world.chorley)
        for day in range(3):
            ShiftFactory(rota=rota, clinician=ClinicianFactory(home_trust=world.trust_a),
                         start=london(2026, 5, 3 + day, 8), end=london(2026, 5, 4 + day, 8))
    after = _network_queries(world, client)
    # Session and user 2, stored answers (none built) 1, network 1, the viewer's roles
    # per network 1, the network's rotas 1; the schedule over two days either side 4
    # (closures; shifts, covers, diverts and notes; leave; clinicians); the rotas whose
    # answers reach its edges read again over eight days, 4, and over four weeks, 4.
    assert (before, after) == (18, 18)


def test_oncall_at_defaults_to_now(world, rotas, clock):
    clock["now"] = london(2026, 5, 4, 2, 0).astimezone(UTC)
    body = client_as(world, "switchboard").get("/api/v1/oncall/", {"rota": "lsc-ir"}).json()
    assert body["at"] == "2026-05-04T02:00:00+01:00"
    assert [p["name"] for p in body["answers"][0]["clinicians"]] == ["Dr Alpha"]


def _error(response):
    return response.status_code, response.json()


def test_oncall_refuses_a_wall_time_that_does_not_exist(world, rotas):
    response = client_as(world, "anonymous").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-03-29T01:30"}
    )
    assert _error(response) == (400, {"error": {
        "code": "nonexistent_time",
        "message": (
            "29 Mar 2026 01:30 does not exist in Europe/London: the clocks go forward that "
            "night. Give it with an offset, e.g. 2026-03-29T01:30:00+00:00 "
            "(in a URL, write + as %2B)."
        ),
        "field": "at",
    }})


def test_oncall_refuses_an_ambiguous_wall_time(world, rotas):
    """Controls H-05."""
    response = client_as(world, "anonymous").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-10-25T01:30"}
    )
    assert _error(response) == (400, {"error": {
        "code": "ambiguous_time",
        "message": (
            "25 Oct 2026 01:30 happens twice in Europe/London: the clocks go back that night. "
            "Give it with an offset: 2026-10-25T01:30:00+01:00 for the first (BST), "
            "2026-10-25T01:30:00+00:00 for the second (GMT) (in a URL, write + as %2B)."
        ),
        "field": "at",
    }})


def test_oncall_accepts_either_side_of_the_autumn_change_with_an_offset(world, rotas):
    client = client_as(world, "anonymous")
    first = client.get("/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-10-25T01:30+01:00"})
    second = client.get("/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-10-25T01:30+00:00"})
    assert (first.json()["at"], second.json()["at"]) == (
        "2026-10-25T01:30:00+01:00", "2026-10-25T01:30:00+00:00"
    )


def test_oncall_refuses_a_malformed_time(world, rotas):
    response = client_as(world, "anonymous").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "tomorrow at 8"}
    )
    assert _error(response) == (400, {"error": {
        "code": "malformed",
        "message": (
            "'tomorrow at 8' is not an ISO 8601 date and time, e.g. 2026-03-29T08:00 "
            "(Europe/London) or 2026-03-29T08:00:00+01:00. A space where the offset should "
            "be usually means a + was not written as %2B."
        ),
        "field": "at",
    }})


def test_oncall_refuses_a_plus_sign_lost_in_the_url(world, rotas):
    response = client_as(world, "anonymous").get(
        "/api/v1/oncall/?rota=lsc-ir&at=2026-05-04T08:00+01:00"
    )
    body = response.json()["error"]
    assert (response.status_code, body["code"], body["field"]) == (400, "malformed", "at")
    assert body["message"].endswith("usually means a + was not written as %2B.")


def test_oncall_refuses_an_instant_decades_away(world, rotas):
    response = client_as(world, "anonymous").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "9999-12-31T23:59:59+00:00"}
    )
    assert _error(response) == (400, {"error": {
        "code": "out_of_range",
        "message": (
            "'9999-12-31T23:59:59+00:00' is more than ten years from now; the service answers "
            "for instants within ten years."
        ),
        "field": "at",
    }})


def test_oncall_needs_a_rota_or_a_network(world, rotas):
    client = client_as(world, "anonymous")
    message = "Give rota=<slug> for one rota, or network=<slug> for every rota of a network."
    assert _error(client.get("/api/v1/oncall/")) == (
        400, {"error": {"code": "required", "message": message, "field": "rota"}}
    )
    assert _error(client.get("/api/v1/oncall/", {"rota": "lsc-ir", "network": "lsc"})) == (
        400, {"error": {"code": "required", "message": message, "field": "network"}}
    )


def test_oncall_refuses_unknown_rota_and_network(world, rotas):
    client = client_as(world, "anonymous")
    assert _error(client.get("/api/v1/oncall/", {"rota": "vascular"})) == (
        400, {"error": {"code": "does_not_exist", "message": "No rota is called 'vascular'.",
                        "field": "rota"}}
    )
    assert _error(client.get("/api/v1/oncall/", {"network": "nowhere"})) == (
        400, {"error": {"code": "does_not_exist", "message": "No network is called 'nowhere'.",
                        "field": "network"}}
    )


def test_oncall_outsider_sees_another_network_as_anonymous(world, rotas):
    body = client_as(world, "outsider").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T02:40"}
    ).json()
    assert body["answers"][0]["clinicians"] == [_anon_person()]


def _one_rota_queries(client, at: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/oncall/", {"rota": "lsc-ir", "at": at})
    assert response.status_code == 200
    assert response.json()["answers"][0]["rota"]["slug"] == "lsc-ir"
    return len(queries)


def test_oncall_one_rota_costs_the_same_after_years_of_history(world, rotas):
    """Controls H-27. Three years of daily shifts before and after the instant add no query, and the
    answer reads the window only: the bounded index scan is the database's business."""
    client = client_as(world, "anonymous")
    short = _one_rota_queries(client, "2026-05-04T10:00")
    doctor = ClinicianFactory(home_trust=world.trust_a)
    first = london(2024, 5, 1, 8)
    for day in range(3 * 365):
        if abs((first + timedelta(days=day) - london(2026, 5, 4, 8)).days) > 40:
            ShiftFactory(rota=rotas.ir, clinician=doctor, start=first + timedelta(days=day),
                         end=first + timedelta(days=day + 1))
    assert _one_rota_queries(client, "2026-05-04T10:00") == short
    # Stored answers (none built) 1; the network's rotas by the asked rota's slug 1;
    # the schedule over two days either side 4 (closures; shifts, covers, diverts and
    # notes; leave; clinicians); nobody is on after Dr Bravo within two or eight days,
    # so those and four weeks are read too, 4 and 4.
    assert short == 14


def test_the_database_refuses_a_shift_longer_than_a_month(world, rotas):
    """Controls H-27."""
    from django.db import IntegrityError, transaction

    doctor = ClinicianFactory(home_trust=world.trust_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftFactory(rota=rotas.ir, clinician=doctor, start=london(2026, 1, 1, 8),
                     end=london(2026, 2, 3, 8))
    # A month, across the spring clock change, is allowed (the limit is wall-clock).
    ShiftFactory(rota=rotas.ir, clinician=doctor, start=london(2026, 3, 15, 8),
                 end=london(2026, 4, 15, 8))
