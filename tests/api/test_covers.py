from rest_framework.test import APIClient

from rota.models import Cover, Leave
from tests.api.conftest import client_as
from tests.factories import ClinicianFactory, london


def _cover_body(rotas, covering, **changes):
    body = {"rota": "lsc-ir", "covering": covering.id, "replaces": rotas.a.id,
            "start": "2026-05-03T22:00", "end": "2026-05-04T02:00", "reason": "Swap"}
    body.update(changes)
    return body


def test_cover_create_by_coordinator(world, rotas):
    d = ClinicianFactory(name="Dr Delta", home_trust=world.trust_a)
    response = client_as(world, "coordinator").post(
        "/api/v1/covers/", _cover_body(rotas, d), format="json"
    )
    cover = Cover.objects.get()
    assert (response.status_code, response.json()) == (201, {
        "id": cover.id, "rota": "lsc-ir",
        "covering": {"id": d.id, "name": "Dr Delta", "role": d.role},
        "replaces": {"id": rotas.a.id, "name": "Dr Alpha", "role": rotas.a.role},
        "start": "2026-05-03T22:00:00+01:00", "end": "2026-05-04T02:00:00+01:00",
        "reason": "Swap",
    })
    assert (cover.start, cover.end) == (london(2026, 5, 3, 22), london(2026, 5, 4, 2))
    assert cover.history.get().history_user == world.coordinator
    oncall = client_as(world, "switchboard").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-03T23:00"}
    ).json()
    assert [p["name"] for p in oncall["answers"][0]["clinicians"]] == ["Dr Delta"]


def test_cover_joining_without_replaces(world, rotas):
    d = ClinicianFactory(name="Dr Delta", home_trust=world.trust_a)
    response = client_as(world, "coordinator").post(
        "/api/v1/covers/", _cover_body(rotas, d, replaces=None), format="json"
    )
    cover = Cover.objects.get()
    # Without "replaces" the cover joins whoever is on: no one is named as stood down.
    assert (response.status_code, response.json()) == (201, {
        "id": cover.id, "rota": "lsc-ir",
        "covering": {"id": d.id, "name": "Dr Delta", "role": d.role},
        "replaces": None,
        "start": "2026-05-03T22:00:00+01:00", "end": "2026-05-04T02:00:00+01:00",
        "reason": "Swap",
    })
    assert cover.replaces is None


def test_cover_service_rule_is_a_400_with_its_message(world, rotas):
    d = ClinicianFactory(name="Dr Delta", home_trust=world.trust_a)
    response = client_as(world, "coordinator").post(
        "/api/v1/covers/",
        _cover_body(rotas, d, replaces=rotas.c.id), format="json",
    )
    assert (response.status_code, response.json()) == (400, {"error": {
        "code": "invalid",
        "message": (
            "Dr Charlie has no shift on LSC IR consultant between Sun 03 May 2026 22:00 and "
            "Mon 04 May 2026 02:00, so there is nothing to cover."
        ),
        "field": "replaces",
    }})
    assert Cover.objects.count() == 0


def test_cover_refuses_end_before_start_and_bad_times(world, rotas):
    d = ClinicianFactory(home_trust=world.trust_a)
    client = client_as(world, "coordinator")
    response = client.post("/api/v1/covers/", _cover_body(
        rotas, d, start="2026-05-04T02:00", end="2026-05-03T22:00"), format="json")
    assert (response.status_code, response.json()) == (400, {"error": {
        "code": "invalid", "message": "The end must be after the start.", "field": "end",
    }})
    response = client.post("/api/v1/covers/", _cover_body(rotas, d, start="2026-10-25T01:30"),
                           format="json")
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["field"]) == (
        400, "ambiguous_time", "start"
    )
    assert Cover.objects.count() == 0


def test_cover_refuses_missing_and_unknown_fields(world, rotas):
    client = client_as(world, "coordinator")
    response = client.post("/api/v1/covers/", {"rota": "lsc-ir"}, format="json")
    assert (response.status_code, response.json()) == (400, {"error": {
        "code": "required", "message": "This field is required.", "field": "covering",
    }})
    response = client.post("/api/v1/covers/", _cover_body(rotas, rotas.b, rota="nope"),
                           format="json")
    assert (response.status_code, response.json()) == (400, {"error": {
        "code": "does_not_exist", "message": "Object with slug=nope does not exist.",
        "field": "rota",
    }})


def test_cover_refused_for_coordinator_of_another_network(world, rotas):
    d = ClinicianFactory(home_trust=world.trust_a)
    response = client_as(world, "coordinator").post(
        "/api/v1/covers/", _cover_body(rotas, d, rota="elsewhere-ir", replaces=None),
        format="json",
    )
    assert (response.status_code, response.json()) == (403, {"error": {
        "code": "permission_denied",
        "message": "Only the network's rota coordinators (or an admin) may change its rotas.",
        "field": None,
    }})


def test_cover_by_coordinator_token_is_recorded_against_its_issuer(world, rotas):
    d = ClinicianFactory(home_trust=world.trust_a)
    client = client_as(world, "token", group="coordinator")
    response = client.post("/api/v1/covers/", _cover_body(rotas, d), format="json")
    assert response.status_code == 201
    assert Cover.objects.get().history.get().history_user == world.admin


def test_cover_session_post_needs_csrf(world, rotas):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    response = client.post("/api/v1/covers/", _cover_body(rotas, rotas.b), format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (
        403, "permission_denied"
    )
    assert "CSRF" in response.json()["error"]["message"]


def test_leave_by_whole_days(world, rotas):
    response = client_as(world, "coordinator").post("/api/v1/leave/", {
        "clinician": rotas.b.id, "first_day": "2026-10-24", "last_day": "2026-10-25",
        "reason": "Annual leave",
    }, format="json")
    leave = Leave.objects.get()
    assert (response.status_code, response.json()) == (201, {
        "id": leave.id,
        "clinician": {"id": rotas.b.id, "name": "Dr Bravo", "role": rotas.b.role},
        "start": "2026-10-24T00:00:00+01:00", "end": "2026-10-26T00:00:00+00:00",
        "reason": "Annual leave",
    })


def test_leave_by_instants_removes_the_clinician(world, rotas):
    client_as(world, "coordinator").post("/api/v1/leave/", {
        "clinician": rotas.b.id, "start": "2026-05-04T08:00", "end": "2026-05-04T12:00",
    }, format="json")
    answer = client_as(world, "switchboard").get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T09:00"}
    ).json()["answers"][0]
    assert (answer["status"], answer["fallback"]["clinicians"][0]["name"]) == (
        "gap", "Dr Charlie"
    )


def test_leave_refuses_mixed_or_half_ranges(world, rotas):
    client = client_as(world, "coordinator")
    response = client.post("/api/v1/leave/", {"clinician": rotas.b.id,
                                              "start": "2026-05-04T08:00"}, format="json")
    assert response.json() == {"error": {
        "code": "required", "message": "This field is required.", "field": "end"}}
    response = client.post("/api/v1/leave/", {"clinician": rotas.b.id}, format="json")
    assert (response.status_code, response.json()) == (400, {"error": {
        "code": "required",
        "message": "Give either start and end, or first_day and last_day.", "field": None,
    }})
    response = client.post("/api/v1/leave/", {
        "clinician": rotas.b.id, "first_day": "2026-05-04", "last_day": "2026-05-01",
    }, format="json")
    assert response.json() == {"error": {
        "code": "invalid", "message": "The last day of leave cannot be before the first.",
        "field": "end"}}
    assert Leave.objects.count() == 0


def test_leave_refused_for_lead_and_referrer(world, rotas):
    for role in ("lead", "referrer", "switchboard"):
        response = client_as(world, role).post("/api/v1/leave/", {
            "clinician": rotas.b.id, "first_day": "2026-05-04", "last_day": "2026-05-04",
        }, format="json")
        assert response.status_code == 403, role
    assert Leave.objects.count() == 0


def test_writes_refuse_anonymous_with_401(world, rotas):
    response = APIClient().post("/api/v1/leave/", {}, format="json")
    assert (response.status_code, response.json()) == (401, {"error": {
        "code": "not_authenticated",
        "message": "Sign in, or send an API token as 'Authorization: Token <secret>'.",
        "field": None,
    }})
    assert response["WWW-Authenticate"] == 'Token realm="api"'
