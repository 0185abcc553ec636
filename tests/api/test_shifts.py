from datetime import UTC

from rota import services
from tests.api.conftest import client_as
from tests.factories import ClinicianFactory, london


def test_shifts_timeline_applies_cover_and_leave(world, rotas):
    d = ClinicianFactory(name="Dr Delta", home_trust=world.trust_a)
    services.cover_create(rota=rotas.ir, covering=d, replaces=rotas.a,
                          start=london(2026, 5, 3, 22), end=london(2026, 5, 4, 2))
    services.leave_create(clinician=rotas.b, start=london(2026, 5, 4, 12),
                          end=london(2026, 5, 4, 17))
    body = client_as(world, "switchboard").get(
        "/api/v1/rotas/lsc-ir/shifts/", {"from": "2026-05-03T17:00", "to": "2026-05-04T18:00"}
    ).json()
    assert [(s["start"], s["end"], s["status"], [p["name"] for p in s["clinicians"]])
            for s in body["segments"]] == [
        ("2026-05-03T17:00:00+01:00", "2026-05-03T22:00:00+01:00", "on_call", ["Dr Alpha"]),
        ("2026-05-03T22:00:00+01:00", "2026-05-04T02:00:00+01:00", "on_call", ["Dr Delta"]),
        ("2026-05-04T02:00:00+01:00", "2026-05-04T08:00:00+01:00", "on_call", ["Dr Alpha"]),
        ("2026-05-04T08:00:00+01:00", "2026-05-04T12:00:00+01:00", "on_call", ["Dr Bravo"]),
        ("2026-05-04T12:00:00+01:00", "2026-05-04T18:00:00+01:00", "gap", []),
    ]
    assert body["segments"][1]["clinicians"][0]["source"] == "cover"
    assert [(s["clinician"]["name"], s["start"], s["end"], s["kind"]) for s in body["shifts"]] == [
        ("Dr Alpha", "2026-05-03T17:00:00+01:00", "2026-05-04T08:00:00+01:00", "manual"),
        ("Dr Bravo", "2026-05-04T08:00:00+01:00", "2026-05-04T17:00:00+01:00", "manual"),
    ]
    assert (body["rota"], body["start"], body["end"]) == (
        "lsc-ir", "2026-05-03T17:00:00+01:00", "2026-05-04T18:00:00+01:00"
    )


def test_shifts_across_the_spring_clock_change(world, rotas):
    night = ClinicianFactory(name="Dr Night", home_trust=world.trust_a)
    services.shift_create(rota=rotas.ir, clinician=night, start=london(2026, 3, 28, 17),
                          end=london(2026, 3, 29, 8))
    body = client_as(world, "switchboard").get(
        "/api/v1/rotas/lsc-ir/shifts/", {"from": "2026-03-28T17:00", "to": "2026-03-29T08:00"}
    ).json()
    assert [(s["start"], s["end"], s["status"]) for s in body["segments"]] == [
        ("2026-03-28T17:00:00+00:00", "2026-03-29T08:00:00+01:00", "on_call"),
    ]


def test_shifts_anonymous_gets_no_names(world, rotas):
    body = client_as(world, "anonymous").get(
        "/api/v1/rotas/lsc-ir/shifts/", {"from": "2026-05-03T17:00", "to": "2026-05-04T08:00"}
    ).json()
    assert body["segments"][0]["clinicians"] == [
        {"name": None, "role": "Consultant interventional radiologist", "source": "manual",
         "contacts": []}
    ]
    assert body["shifts"][0]["clinician"]["name"] is None


def test_shifts_default_to_seven_days_from_now(world, rotas, clock):
    clock["now"] = london(2026, 5, 3, 12, 0).astimezone(UTC)
    body = client_as(world, "anonymous").get("/api/v1/rotas/lsc-ir/shifts/").json()
    assert (body["start"], body["end"]) == (
        "2026-05-03T12:00:00+01:00", "2026-05-10T12:00:00+01:00"
    )


def test_shifts_refuses_bad_ranges(world, rotas):
    client = client_as(world, "anonymous")
    url = "/api/v1/rotas/lsc-ir/shifts/"
    cases = [
        ({"from": "2026-05-04T08:00", "to": "2026-05-04T08:00"},
         ("invalid", "'to' must be after 'from'.", "to")),
        ({"from": "2026-05-01T00:00", "to": "2026-08-09T00:01"},
         ("invalid", "Ask for at most 100 days at a time; split longer ranges.", "to")),
        ({"from": "2026-03-29T01:15"}, ("nonexistent_time", None, "from")),
        ({"from": "2026-05-01", "to": "soon"}, ("malformed", None, "to")),
    ]
    for params, (code, message, field) in cases:
        response = client.get(url, params)
        error = response.json()["error"]
        assert (response.status_code, error["code"], error["field"]) == (400, code, field)
        if message:
            assert error["message"] == message


def test_shifts_exactly_100_days_is_allowed(world, rotas):
    response = client_as(world, "anonymous").get(
        "/api/v1/rotas/lsc-ir/shifts/", {"from": "2026-05-01T00:00", "to": "2026-08-09T00:00"}
    )
    body = response.json()
    # 1 May to 9 August is 100 days; both ends are in BST.
    assert (response.status_code, body["rota"], body["start"], body["end"]) == (
        200, "lsc-ir", "2026-05-01T00:00:00+01:00", "2026-08-09T00:00:00+01:00"
    )
    # The whole range is answered: Alpha's night and Bravo's day between two gaps.
    assert [(s["start"], s["status"]) for s in body["segments"]] == [
        ("2026-05-01T00:00:00+01:00", "gap"),
        ("2026-05-03T17:00:00+01:00", "on_call"),
        ("2026-05-04T08:00:00+01:00", "on_call"),
        ("2026-05-04T17:00:00+01:00", "gap"),
    ]
    assert body["segments"][-1]["end"] == "2026-08-09T00:00:00+01:00"
