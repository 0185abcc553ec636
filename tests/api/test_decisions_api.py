"""The decision log over the API: by reference for its referrer and leads, listed for leads."""

from datetime import timedelta

import pytest

from pathways.decisions import referral_record
from pathways.models import Decision
from tests.api.conftest import BLEEDING_NODES, NOW, client_as
from tests.factories import london, user_in
from tests.pathways.conftest import make_pathway


def _url(decision) -> str:
    return f"/api/v1/decisions/{decision.reference}/"


def _log(version, site, *, now=NOW, user=None) -> Decision:
    _, decision = referral_record(
        version=version, answers={"bleeding": "yes"}, referring_site=site, user=user,
        at=None, now=now, channel="api",
    )
    return decision


def test_decision_its_referrer_reads_it_as_logged(world, decision):
    response = client_as(world, "referrer").get(_url(decision))
    assert response.status_code == 200
    body = response.json()
    # What was logged: the pathway, version, site and the path answered, word for word.
    assert (body["pathway"], body["version"]["number"], body["created_at"]) == (
        {"slug": "bleeding-ir", "title": "Vascular test"}, 1, "2026-05-04T02:40:00+01:00"
    )
    assert (body["referring_site"]["ods_code"], body["referring_site"]["name"]) == (
        "RXR01", "Royal Blackburn Teaching Hospital"
    )
    assert [(step["node"], step["answer"], step["answer_text"]) for step in body["path"]] == [
        ("bleeding", "yes", "Yes"),
        # Blackburn is not Chorley, so the site question answered itself.
        ("where", "default", "Referring site: Royal Blackburn Teaching Hospital"),
    ]
    outcome = body["outcome"]
    assert (outcome["key"], outcome["title"], outcome["urgency_label"]) == (
        "o-ir", "IR consultant now", "Immediate: call now"
    )
    rota_step, fixed_step = outcome["contacts"]
    # A referrer sees Alpha's staff bleep and public email, never the switchboard-only mobile.
    assert [c["kind"] for c in rota_step["answer"]["clinicians"][0]["contacts"]] == [
        "bleep", "email"
    ]
    # Alpha's night ends at 08:00; Bravo is on after it.
    assert (rota_step["until"], rota_step["then"]["from"]) == (
        "2026-05-04T08:00:00+01:00", "2026-05-04T08:00:00+01:00"
    )
    assert [c["name"] for c in rota_step["then"]["answer"]["clinicians"]] == ["Dr Bravo"]
    assert fixed_step["fixed"] == {
        "label": "Royal Preston switchboard", "number": "01772 716565",
        "tel": "tel:+441772716565",
    }
    assert (body["reference"], body["channel"], body["at"]) == (
        decision.reference, "web", "2026-05-04T02:40:00+01:00"
    )
    assert [c["name"] for c in body["outcome"]["contacts"][0]["answer"]["clinicians"]] == [
        "Dr Alpha"
    ]


def test_decision_reference_is_read_as_quoted_over_the_phone(world, decision):
    quoted = decision.reference.lower().replace("-", "")
    response = client_as(world, "referrer").get(f"/api/v1/decisions/{quoted}/")
    assert (response.status_code, response.json()["reference"]) == (200, decision.reference)


def test_decision_of_another_network_is_404_like_an_unknown_one(world, decision):
    client = client_as(world, "anonymous")
    client.force_login(world.outsider)
    theirs = client.get(_url(decision))
    unknown = client.get("/api/v1/decisions/IR-2222-22/")
    assert (theirs.status_code, unknown.status_code) == (404, 404)
    assert theirs.json()["error"] == {
        "code": "not_found", "field": None,
        "message": f"There is no decision {decision.reference} that you may read.",
    }
    assert unknown.json()["error"]["message"] == (
        "There is no decision IR-2222-22 that you may read."
    )


def test_decision_lead_of_another_network_gets_404(world, pathway, decision):
    other_lead = user_in("other-lead", group="lead", network=world.other_network)
    client = client_as(world, "anonymous")
    client.force_login(other_lead)
    response = client.get(_url(decision))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        f"There is no decision {decision.reference} that you may read."
    )


@pytest.mark.parametrize("reference", ["nope", "IR-0000-00", "x" * 21, "IR%00-2222-22"])
def test_decision_malformed_reference_is_404(world, decision, reference):
    response = client_as(world, "admin").get(f"/api/v1/decisions/{reference}/")
    assert response.status_code == 404
    assert set(response.json()) == {"error"}


def test_decisions_are_append_only_over_the_api(world, decision):
    client = client_as(world, "admin")
    for method, url in ((client.post, "/api/v1/decisions/"), (client.put, _url(decision)),
                        (client.patch, _url(decision)), (client.delete, _url(decision))):
        response = method(url, {"reference": "IR-2222-22"}, format="json")
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"
    assert list(Decision.objects.values_list("reference", flat=True)) == [decision.reference]


def test_decision_by_a_token_is_recorded_against_the_admin_who_issued_it(world, pathway,
                                                                          fixed_now):
    client = client_as(world, "token")
    body = client.post("/api/v1/pathways/bleeding-ir/evaluate/", {
        "referring_site": "RXR01", "answers": {"bleeding": "yes"},
    }, format="json").json()
    decision = Decision.objects.get(reference=body["decision"]["reference"])
    assert (decision.user, decision.channel) == (world.admin, "api")


# --- The list, for leads ---------------------------------------------------------------


@pytest.fixture
def logged(world, pathway):
    """Three decisions on bleeding-ir: an hour, two days and nine days before NOW."""
    version = pathway.versions.get()
    return [
        _log(version, world.blackburn, now=NOW - timedelta(days=days, hours=1))
        for days in (0, 2, 9)
    ]


def test_decisions_list_gives_a_lead_the_last_seven_days_newest_first(world, logged,
                                                                      fixed_now):
    response = client_as(world, "lead").get("/api/v1/decisions/")
    assert response.status_code == 200
    assert [d["reference"] for d in response.json()] == [d.reference for d in logged[:2]]
    newest = response.json()[0]
    # Logged an hour before NOW (02:40 BST), so at 01:40 BST.
    assert (newest["at"], newest["channel"], newest["referring_site"]["ods_code"]) == (
        "2026-05-04T01:40:00+01:00", "api", "RXR01"
    )
    # A lead sees every contact of the clinician on call, the mobile included.
    alpha = newest["outcome"]["contacts"][0]["answer"]["clinicians"][0]
    assert (alpha["name"], [c["kind"] for c in alpha["contacts"]]) == (
        "Dr Alpha", ["mobile", "bleep", "email"]
    )


def test_decisions_list_over_a_range_and_for_one_pathway(world, logged, rotas):
    other = make_pathway(world, slug="other-ir", nodes=BLEEDING_NODES, root="bleeding")[0]
    _log(other.versions.get(), world.blackburn, now=NOW - timedelta(days=8))
    client = client_as(world, "lead")
    in_range = client.get("/api/v1/decisions/", {"from": "2026-04-20T00:00",
                                                 "to": "2026-05-03T00:00"}).json()
    one_pathway = client.get("/api/v1/decisions/", {
        "pathway": "bleeding-ir", "from": "2026-04-20T00:00", "to": "2026-05-03T00:00",
    }).json()
    assert [(d["pathway"]["slug"], d["at"]) for d in in_range] == [
        ("bleeding-ir", "2026-05-02T01:40:00+01:00"),
        ("other-ir", "2026-04-26T02:40:00+01:00"),
        ("bleeding-ir", "2026-04-25T01:40:00+01:00"),
    ]
    assert [d["pathway"]["slug"] for d in one_pathway] == ["bleeding-ir", "bleeding-ir"]


def test_decisions_list_leaves_out_networks_the_lead_does_not_lead(world, logged, rotas):
    elsewhere = user_in("elsewhere-lead", group="lead", network=world.other_network)
    client = client_as(world, "anonymous")
    client.force_login(elsewhere)
    assert client.get("/api/v1/decisions/", {"from": "2026-04-20T00:00",
                                             "to": "2026-05-05T00:00"}).json() == []
    refused = client.get("/api/v1/decisions/", {"pathway": "bleeding-ir"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "permission_denied")


@pytest.mark.parametrize(("query", "expected"), [
    ({"from": "2026-05-04T00:00", "to": "2026-05-03T00:00"}, ("invalid", "to")),
    ({"from": "2026-03-01T00:00", "to": "2026-05-01T00:00"}, ("invalid", "to")),
    ({"from": "yesterday"}, ("malformed", "from")),
    ({"from": "2026-03-29T01:30"}, ("nonexistent_time", "from")),
    ({"to": "2026-10-25T01:30"}, ("ambiguous_time", "to")),
    ({"to": "2026-05-04T00:00\x00"}, ("malformed", "to")),
    ({"pathway": "nope"}, ("does_not_exist", "pathway")),
    ({"pathway": "bleeding\x00ir"}, ("does_not_exist", "pathway")),
])
def test_decisions_list_refuses_a_bad_range_or_pathway(world, logged, fixed_now, query,
                                                       expected):
    response = client_as(world, "lead").get("/api/v1/decisions/", query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == expected


def test_decisions_list_takes_a_constant_number_of_queries(world, logged, fixed_now,
                                                           django_assert_max_num_queries):
    client = client_as(world, "lead")
    version = logged[0].version
    for days in range(1, 6):
        _log(version, world.chorley, now=NOW - timedelta(minutes=days))
    # Session, user, networks, memberships, roles, then the decisions with their
    # versions, pathways and sites in one query.
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/decisions/")
    assert len(response.json()) == 7


def test_decision_read_by_reference_takes_a_constant_number_of_queries(
    world, decision, django_assert_max_num_queries
):
    client = client_as(world, "lead")
    with django_assert_max_num_queries(6):
        assert client.get(_url(decision)).status_code == 200


def test_decisions_list_at_a_wall_time_uses_london(world, logged):
    body = client_as(world, "lead").get("/api/v1/decisions/", {
        "from": "2026-05-04T01:40", "to": london(2026, 5, 4, 1, 41).isoformat(),
    }).json()
    assert [d["reference"] for d in body] == [logged[0].reference]
