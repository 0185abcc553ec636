"""The one error shape, for refusals that no single endpoint owns."""

from rota.models import Leave
from tests.api.conftest import client_as


def test_errors_unknown_api_address_is_a_404_in_the_shape(world):
    response = client_as(world, "anonymous").get("/api/v1/nothing-here/")
    assert (response.status_code, response.json()) == (404, {"error": {
        "code": "not_found", "message": "There is no API endpoint at /api/v1/nothing-here/.",
        "field": None,
    }})


def test_errors_missing_slash_is_explained(world):
    response = client_as(world, "anonymous").get("/api/v1/oncall")
    assert response.json()["error"]["message"] == (
        "There is no API endpoint at /api/v1/oncall. API addresses end with a slash."
    )


def test_errors_wrong_method_is_405(world):
    response = client_as(world, "coordinator").delete("/api/v1/networks/lsc/")
    assert (response.status_code, response.json()) == (405, {"error": {
        "code": "method_not_allowed", "message": 'Method "DELETE" not allowed.', "field": None,
    }})


def test_errors_malformed_json_is_400(world):
    response = client_as(world, "coordinator").post(
        "/api/v1/covers/", data="{not json", content_type="application/json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "parse_error")
    assert response.json()["error"]["message"].startswith("The body is not valid JSON")


def test_errors_json_that_is_not_an_object_is_400(world):
    response = client_as(world, "coordinator").post(
        "/api/v1/covers/", data="[1, 2]", content_type="application/json"
    )
    assert (response.status_code, response.json()) == (400, {"error": {
        "code": "invalid", "message": "Invalid data. Expected a dictionary, but got list.",
        "field": None,
    }})


def test_errors_form_body_is_415(world):
    response = client_as(world, "coordinator").post("/api/v1/covers/", {"rota": "x"})
    assert (response.status_code, response.json()["error"]["code"]) == (
        415, "unsupported_media_type"
    )
    # The message names what was sent, so a client author sees it is the body's form, not JSON.
    assert response.json()["error"]["message"].startswith(
        'Unsupported media type "multipart/form-data; '
    )
    assert response.json()["error"]["field"] is None


def test_errors_null_bytes_and_huge_numbers_are_4xx(world, rotas):
    client = client_as(world, "coordinator")

    def error(*args):
        response = client.get(*args)
        return response.status_code, response.json()["error"]

    # A NUL in a query parameter is an unknown name or a malformed instant, never a 500.
    assert error("/api/v1/oncall/", {"rota": "a\x00b"}) == (400, {
        "code": "does_not_exist", "message": "No rota is called 'a\\x00b'.", "field": "rota",
    })
    assert error("/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026\x00"}) == (400, {
        "code": "malformed", "field": "at",
        "message": "'2026\\x00' is not an ISO 8601 date and time, e.g. 2026-03-29T08:00 "
                   "(Europe/London) or 2026-03-29T08:00:00+01:00.",
    })
    # A number too big for the database is just not found.
    assert error("/api/v1/clinicians/99999999999999999999999/") == (404, {
        "code": "not_found", "message": "Nothing was found at this address.", "field": None,
    })
    # A NUL in the path matches no route at all.
    assert error("/api/v1/rotas/a%00b/") == (404, {
        "code": "not_found", "message": "There is no API endpoint at /api/v1/rotas/a\x00b/.",
        "field": None,
    })
    assert error("/api/v1/sites/RX%00/") == (404, {
        "code": "not_found", "message": "There is no API endpoint at /api/v1/sites/RX\x00/.",
        "field": None,
    })
    assert error("/api/v1/rotas/", {"network": "ls\x00c"}) == (400, {
        "code": "does_not_exist", "message": "No network is called 'ls\\x00c'.",
        "field": "network",
    })
    response = client.post("/api/v1/covers/", {
        "rota": "lsc\x00ir", "covering": rotas.c.id, "start": "2026-05-03T22:00",
        "end": "2026-05-04T02:00",
    }, format="json")
    assert (response.status_code, response.json()["error"]) == (400, {
        "code": "does_not_exist", "message": "Object with slug=lsc\x00ir does not exist.",
        "field": "rota",
    })
    response = client.post("/api/v1/leave/", {
        "clinician": 99999999999999999999999, "first_day": "2026-06-01", "last_day": "2026-06-01",
    }, format="json")
    assert (response.status_code, response.json()["error"]) == (400, {
        "code": "does_not_exist", "field": "clinician",
        "message": 'Invalid pk "99999999999999999999999" - object does not exist.',
    })
    assert not Leave.objects.exists()


def test_errors_a_tampered_session_cookie_is_no_session_not_a_500(world):
    client = client_as(world, "anonymous")
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get("/api/v1/networks/")
    # Read as anonymous: the public list of networks, both of the world's.
    assert (response.status_code, [n["slug"] for n in response.json()]) == (
        200, ["elsewhere", "lsc"]
    )
