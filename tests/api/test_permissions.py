"""Role by endpoint: who gets what status, and how much of the people they see."""

from datetime import timedelta

import pytest

from pathways.models import Decision
from pathways.publishing import version_create_draft
from rota.models import Cover, Leave
from tests.api.conftest import NOW, ROLES, client_as

# role: (name shown, contact visibilities shown) for Dr Alpha
SEES = {
    "anonymous": (None, []),
    "referrer": ("Dr Alpha", ["staff", "public"]),
    "switchboard": ("Dr Alpha", ["switchboard", "staff", "public"]),
    "coordinator": ("Dr Alpha", ["switchboard", "staff", "public"]),
    "lead": ("Dr Alpha", ["switchboard", "staff", "public"]),
    "outsider": (None, []),
    "admin": ("Dr Alpha", ["switchboard", "staff", "public"]),
    "token": ("Dr Alpha", ["switchboard", "staff", "public"]),
}
WRITES = {
    "anonymous": 401, "referrer": 403, "switchboard": 403, "coordinator": 201, "lead": 403,
    "outsider": 403, "admin": 201, "token": 403,
}
READS = [
    "/api/v1/networks/", "/api/v1/networks/lsc/", "/api/v1/trusts/", "/api/v1/trusts/RXN/",
    "/api/v1/sites/", "/api/v1/sites/RXN02/", "/api/v1/rotas/", "/api/v1/rotas/lsc-ir/",
    "/api/v1/rotas/lsc-ir/shifts/?from=2026-05-03T17:00", "/api/v1/clinicians/",
    "/api/v1/oncall/?network=lsc",
]


# What each read names (slugs or ODS codes, the rota of a timeline), the same for every role.
READ_WHAT = {
    "/api/v1/networks/": ["elsewhere", "lsc"],
    "/api/v1/networks/lsc/": "lsc",
    "/api/v1/trusts/": ["RXN", "RXR", "RZZ"],
    "/api/v1/trusts/RXN/": "RXN",
    "/api/v1/sites/": ["RXN01", "RXN02", "RXR01", "RZZ01"],
    "/api/v1/sites/RXN02/": "RXN02",
    "/api/v1/rotas/": ["elsewhere-ir", "lsc-ir", "lsc-ir-backup", "lsc-ir-day"],
    "/api/v1/rotas/lsc-ir/": "lsc-ir",
    "/api/v1/rotas/lsc-ir/shifts/?from=2026-05-03T17:00": "lsc-ir",
    # Alpha's trust is RXN; Bravo's and Charlie's RXR.
    "/api/v1/clinicians/": ["RXN", "RXR", "RXR"],
    "/api/v1/oncall/?network=lsc": ["lsc-ir", "lsc-ir-backup", "lsc-ir-day"],
}


def _what(body):
    if isinstance(body, list):
        return sorted(_what(item) for item in body)
    if "answers" in body:
        return sorted(answer["rota"]["slug"] for answer in body["answers"])
    for key in ("slug", "ods_code", "rota", "home_trust"):
        if key in body:
            return body[key]
    return body


def _seen(person):
    return person["name"], [c["visibility"] for c in person["contacts"]]


@pytest.mark.parametrize("role", ROLES)
def test_permissions_reads_are_open_to_every_role(world, rotas, role):
    client = client_as(world, role)
    responses = {url: client.get(url) for url in READS}
    assert {url: r.status_code for url, r in responses.items()} == {url: 200 for url in READS}
    # Each read answers with what was asked for, not an empty or refused body.
    assert {url: _what(r.json()) for url, r in responses.items()} == READ_WHAT


@pytest.mark.parametrize("role", ROLES)
def test_permissions_oncall_names_and_contacts_by_role(world, rotas, role):
    body = client_as(world, role).get(
        "/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T02:40"}
    ).json()
    assert _seen(body["answers"][0]["clinicians"][0]) == SEES[role]


@pytest.mark.parametrize("role", ROLES)
def test_permissions_clinician_names_and_contacts_by_role(world, rotas, role):
    body = client_as(world, role).get(f"/api/v1/clinicians/{rotas.a.id}/").json()
    assert _seen(body) == SEES[role]


@pytest.mark.parametrize("role", ROLES)
def test_permissions_shift_names_by_role(world, rotas, role):
    body = client_as(world, role).get(
        "/api/v1/rotas/lsc-ir/shifts/", {"from": "2026-05-03T17:00", "to": "2026-05-04T08:00"}
    ).json()
    assert _seen(body["segments"][0]["clinicians"][0]) == SEES[role]


@pytest.mark.parametrize("role", ROLES)
def test_permissions_cover_create_by_role(world, rotas, role):
    response = client_as(world, role).post("/api/v1/covers/", {
        "rota": "lsc-ir", "covering": rotas.c.id, "replaces": rotas.a.id,
        "start": "2026-05-03T22:00", "end": "2026-05-04T02:00",
    }, format="json")
    assert response.status_code == WRITES[role]
    assert Cover.objects.count() == (1 if WRITES[role] == 201 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_permissions_leave_create_by_role(world, rotas, role):
    response = client_as(world, role).post("/api/v1/leave/", {
        "clinician": rotas.a.id, "first_day": "2026-06-01", "last_day": "2026-06-05",
    }, format="json")
    assert response.status_code == WRITES[role]
    assert Leave.objects.count() == (1 if WRITES[role] == 201 else 0)


@pytest.mark.parametrize("role", ["coordinator", "token"])
def test_permissions_coordinator_token_may_write_like_a_coordinator(world, rotas, role):
    client = client_as(world, role, group="coordinator")
    response = client.post("/api/v1/leave/", {
        "clinician": rotas.a.id, "first_day": "2026-06-01", "last_day": "2026-06-05",
    }, format="json")
    leave = Leave.objects.get()
    # Whole days in London: 1 June 00:00 BST to the midnight after 5 June.
    assert (response.status_code, response.json()) == (201, {
        "id": leave.id,
        "clinician": {"id": rotas.a.id, "name": "Dr Alpha", "role": rotas.a.role},
        "start": "2026-06-01T00:00:00+01:00", "end": "2026-06-06T00:00:00+01:00", "reason": "",
    })


# --- Pathways and decisions ------------------------------------------------------------

PATHWAY_READS = [
    "/api/v1/pathways/", "/api/v1/pathways/bleeding-ir/",
    "/api/v1/pathways/bleeding-ir/versions/", "/api/v1/pathways/bleeding-ir/versions/1/",
]
LEADS_ONLY = {role: 404 for role in ROLES} | {"lead": 200, "admin": 200}
# The decision was logged by referrer A (the "referrer" client).
# A decision: staff of its network (quoted the reference), admins; everyone else 404.
DECISION_READ = {role: 200 for role in ROLES} | {"anonymous": 404, "outsider": 404}
# The range (a day either side of the decision's instant, NOW) that lists it.
AROUND_THE_DECISION = {"from": (NOW - timedelta(days=1)).isoformat(),
                       "to": (NOW + timedelta(days=1)).isoformat()}
DECISION_LIST = {role: 200 for role in ROLES} | {"anonymous": 401}


@pytest.mark.parametrize("role", ROLES)
def test_permissions_pathway_reads_are_open_to_every_role(world, pathway, role):
    client = client_as(world, role)
    statuses = {url: client.get(url).status_code for url in PATHWAY_READS}
    assert statuses == {url: 200 for url in PATHWAY_READS}


@pytest.mark.parametrize("role", ROLES)
def test_permissions_drafts_by_role(world, pathway, role):
    version_create_draft(pathway=pathway, user=world.lead)
    client = client_as(world, role)
    draft = client.get("/api/v1/pathways/bleeding-ir/versions/2/")
    preview = client.post("/api/v1/pathways/bleeding-ir/evaluate/", {
        "referring_site": "RXR01", "version": 2,
    }, format="json")
    numbers = [v["number"] for v in client.get("/api/v1/pathways/bleeding-ir/versions/").json()]
    assert (draft.status_code, preview.status_code) == (LEADS_ONLY[role], LEADS_ONLY[role])
    assert numbers == ([2, 1] if LEADS_ONLY[role] == 200 else [1])


@pytest.mark.parametrize("role", ROLES)
def test_permissions_evaluate_names_and_contacts_by_role(world, pathway, fixed_now, role):
    response = client_as(world, role).post("/api/v1/pathways/bleeding-ir/evaluate/", {
        "referring_site": "RXR01", "answers": {"bleeding": "yes"},
    }, format="json")
    assert response.status_code == 200
    contact = response.json()["outcome"]["contacts"][0]
    assert _seen(contact["answer"]["clinicians"][0]) == SEES[role]
    assert Decision.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_permissions_decision_by_reference_by_role(world, decision, role):
    response = client_as(world, role).get(f"/api/v1/decisions/{decision.reference}/")
    assert response.status_code == DECISION_READ[role]
    if response.status_code == 200:
        assert response.json()["reference"] == decision.reference
    else:  # the same answer as for a reference that does not exist: nothing is given away
        assert response.json()["error"] == {
            "code": "not_found", "field": None,
            "message": f"There is no decision {decision.reference} that you may read.",
        }


@pytest.mark.parametrize("role", ROLES)
def test_permissions_decision_list_by_role(world, decision, role):
    response = client_as(world, role).get("/api/v1/decisions/", AROUND_THE_DECISION)
    assert response.status_code == DECISION_LIST[role]
    if response.status_code == 200:  # the outsider lists their own network's: none
        listed = [d["reference"] for d in response.json()]
        assert listed == ([] if role == "outsider" else [decision.reference])
    else:
        assert response.json()["error"]["code"] in {"not_authenticated", "permission_denied"}


def test_permissions_lead_token_sees_drafts_and_the_decision_log(world, decision):
    version_create_draft(pathway=decision.version.pathway, user=world.lead)
    client = client_as(world, "token", group="lead")
    assert client.get("/api/v1/pathways/bleeding-ir/versions/2/").json()["status"] == "draft"
    one = client.get(f"/api/v1/decisions/{decision.reference}/").json()
    assert one["reference"] == decision.reference
    listed = client.get("/api/v1/decisions/", AROUND_THE_DECISION).json()
    assert [d["reference"] for d in listed] == [decision.reference]
