from tests.api.conftest import client_as


def test_networks_list_and_detail(world, rotas):
    client = client_as(world, "anonymous")
    assert client.get("/api/v1/networks/").json() == [
        {"slug": "elsewhere", "name": "Elsewhere imaging network", "nation": "ENG",
         "working_day_start": "08:00", "working_day_end": "17:00",
         "working_weekdays": [0, 1, 2, 3, 4]},
        {"slug": "lsc", "name": "Lancashire and South Cumbria", "nation": "ENG",
         "working_day_start": "08:00", "working_day_end": "17:00",
         "working_weekdays": [0, 1, 2, 3, 4]},
    ]
    assert client.get("/api/v1/networks/lsc/").json()["name"] == "Lancashire and South Cumbria"


def test_trusts_filtered_by_network(world, rotas):
    body = client_as(world, "anonymous").get("/api/v1/trusts/", {"network": "lsc"}).json()
    assert body == [
        {"ods_code": "RXR", "name": "East Lancashire Hospitals", "network": "lsc"},
        {"ods_code": "RXN", "name": "Lancashire Teaching Hospitals", "network": "lsc"},
    ]


def test_site_detail_by_ods_code(world, rotas):
    body = client_as(world, "anonymous").get("/api/v1/sites/RXN02/").json()
    assert body == {
        "ods_code": "RXN02", "name": "Royal Preston Hospital", "short_name": "Royal Preston",
        "trust": "RXN", "network": "lsc", "switchboard": "01772 716565",
        "switchboard_tel": "tel:+441772716565", "has_ir_suite": True,
        "has_emergency_department": True, "has_obstetric_unit": False,
    }


def test_sites_filtered_by_network(world, rotas):
    body = client_as(world, "anonymous").get("/api/v1/sites/", {"network": "lsc"}).json()
    assert [s["ods_code"] for s in body] == ["RXN01", "RXR01", "RXN02"]


def test_rotas_list_and_detail(world, rotas):
    rotas.ir.serves.add(world.chorley, world.preston)
    client = client_as(world, "anonymous")
    assert [r["slug"] for r in client.get("/api/v1/rotas/", {"network": "lsc"}).json()] == [
        "lsc-ir-backup", "lsc-ir", "lsc-ir-day",
    ]
    assert client.get("/api/v1/rotas/lsc-ir/").json() == {
        "slug": "lsc-ir", "name": "LSC IR consultant", "role": "ir-consultant",
        "network": "lsc", "based_at": "RXN02", "serves": ["RXN01", "RXN02"],
        "required_coverage": "always", "fallback": "lsc-ir-backup",
        "ask_for": "the on-call IR consultant",
    }


def test_reference_unknown_address_is_404_in_the_error_shape(world, rotas):
    client = client_as(world, "anonymous")
    for url in ("/api/v1/rotas/nope/", "/api/v1/sites/XXX99/", "/api/v1/networks/nope/",
                "/api/v1/trusts/XXX/", "/api/v1/clinicians/999999/"):
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, {"error": {
            "code": "not_found", "message": "Nothing was found at this address.", "field": None,
        }}), url


def test_reference_unknown_network_filter_is_400(world, rotas):
    response = client_as(world, "anonymous").get("/api/v1/rotas/", {"network": "nowhere"})
    assert (response.status_code, response.json()) == (400, {"error": {
        "code": "does_not_exist", "message": "No network is called 'nowhere'.",
        "field": "network",
    }})


def test_clinicians_anonymous_gets_no_names_or_contacts(world, rotas):
    body = client_as(world, "anonymous").get("/api/v1/clinicians/").json()
    assert body == [
        {"id": c.id, "name": None, "role": "Consultant interventional radiologist",
         "home_trust": trust, "active": True, "contacts": []}
        for c, trust in ((rotas.a, "RXN"), (rotas.b, "RXR"), (rotas.c, "RXR"))
    ]


def test_clinician_referrer_sees_public_and_staff_contacts(world, rotas):
    body = client_as(world, "referrer").get(f"/api/v1/clinicians/{rotas.a.id}/").json()
    assert body == {
        "id": rotas.a.id, "name": "Dr Alpha", "role": "Consultant interventional radiologist",
        "home_trust": "RXN", "active": True,
        "contacts": [
            {"kind": "bleep", "label": "Bleep", "value": "2345", "visibility": "staff",
             "route": "Royal Preston switchboard 01772 716565, bleep 2345",
             "tel": "tel:+441772716565"},
            {"kind": "email", "label": "Email", "value": "alpha@example.nhs.uk",
             "visibility": "public", "route": "Email alpha@example.nhs.uk", "tel": None,
             "href": "mailto:alpha@example.nhs.uk"},
        ],
    }


def test_clinician_switchboard_sees_every_contact(world, rotas):
    body = client_as(world, "switchboard").get(f"/api/v1/clinicians/{rotas.a.id}/").json()
    assert [c["visibility"] for c in body["contacts"]] == ["switchboard", "staff", "public"]


def test_clinicians_outsider_gets_no_names_from_another_network(world, rotas):
    body = client_as(world, "outsider").get(f"/api/v1/clinicians/{rotas.a.id}/").json()
    assert (body["name"], body["contacts"]) == (None, [])


def test_clinicians_filtered_by_network(world, rotas):
    body = client_as(world, "switchboard").get("/api/v1/clinicians/",
                                              {"network": "elsewhere"}).json()
    assert body == []
