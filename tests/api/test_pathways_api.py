"""Pathways over the API: lists, trees as configured, versions, and evaluation."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from pathways.models import Decision, Pathway
from pathways.publishing import version_create_draft, version_publish
from rota.bounds import MAX_REQUEST_BODY_BYTES
from tests.api.conftest import BLEEDING_NODES, NOW, client_as, long_nodes
from tests.factories import london
from tests.pathways.conftest import make_pathway

EVALUATE = "/api/v1/pathways/bleeding-ir/evaluate/"
ROLE_ANON = "Consultant interventional radiologist"
SUMMARY = {
    "slug": "bleeding-ir", "title": "Vascular test", "specialty": "Vascular", "network": "lsc",
    "review_date": "2028-03-01", "published_version": 1,
    "published_at": "2026-03-01T09:00:00+00:00",
}


def evaluate(client, **body):
    return client.post(EVALUATE, {"referring_site": "RXR01", **body}, format="json")


def error_of(response) -> tuple[int, str, str | None]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["field"]


# --- Lists, trees and versions ----------------------------------------------------


def test_pathways_list_gives_published_pathways_to_anonymous_callers(world, pathway):
    make_pathway(world, slug="draft-only", nodes=BLEEDING_NODES, root="bleeding",
                 publish=False)
    response = client_as(world, "anonymous").get("/api/v1/pathways/")
    assert response.status_code == 200
    assert response.json() == [SUMMARY]


def test_pathways_list_gives_leads_their_unpublished_pathways(world, pathway):
    make_pathway(world, slug="draft-only", nodes=BLEEDING_NODES, root="bleeding",
                 publish=False)
    body = client_as(world, "lead").get("/api/v1/pathways/").json()
    assert [(p["slug"], p["published_version"], p["published_at"]) for p in body] == [
        ("bleeding-ir", 1, "2026-03-01T09:00:00+00:00"), ("draft-only", None, None),
    ]


def test_pathways_list_filters_by_network(world, pathway):
    client = client_as(world, "anonymous")
    assert client.get("/api/v1/pathways/", {"network": "lsc"}).json() == [SUMMARY]
    assert client.get("/api/v1/pathways/", {"network": "elsewhere"}).json() == []
    assert error_of(client.get("/api/v1/pathways/", {"network": "nowhere"})) == (
        400, "does_not_exist", "network"
    )
    assert error_of(client.get("/api/v1/pathways/", {"network": "ls\x00c"})) == (
        400, "does_not_exist", "network"
    )


def test_pathway_detail_gives_the_published_tree_as_configured(world, pathway):
    response = client_as(world, "anonymous").get("/api/v1/pathways/bleeding-ir/")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in SUMMARY} == SUMMARY
    version = body["version"]
    assert {k: v for k, v in version.items() if k != "nodes"} == {
        "number": 1, "status": "published", "change_summary": "",
        "published_at": "2026-03-01T09:00:00+00:00", "retired_at": None, "root": "bleeding",
    }
    assert list(version["nodes"]) == [
        "bleeding", "where", "when", "o-ir", "o-transfer", "o-day", "o-routine",
    ]
    empty = {"help_text": "", "options": [], "branches": [], "urgency": "", "instructions": "",
             "transfer": None, "steps": []}
    assert version["nodes"]["bleeding"] == {
        **empty, "kind": "question", "text": "Is there active bleeding on CT?",
        "help_text": "Contrast extravasation on the arterial phase.",
        "options": [{"key": "yes", "text": "Yes", "next": "where"},
                    {"key": "no", "text": "No", "next": "when"}],
    }
    assert version["nodes"]["where"] == {
        **empty, "kind": "referring_site", "text": "Referring site",
        "branches": [{"condition": "default", "site": None, "trust": None, "next": "o-ir"},
                     {"condition": "site", "site": "RXN01", "trust": None,
                      "next": "o-transfer"}],
    }
    assert version["nodes"]["o-ir"] == {
        **empty, "kind": "outcome", "text": "IR consultant now", "urgency": "immediate",
        "instructions": "Call **now**.",
        "steps": [
            {"order": 1, "kind": "rota", "rota": "lsc-ir", "role": "", "label": "",
             "number": "", "instruction": "The IR consultant"},
            {"order": 2, "kind": "fixed", "rota": None, "role": "",
             "label": "Royal Preston switchboard", "number": "01772 716565",
             "instruction": "If there is no answer"},
        ],
    }
    assert version["nodes"]["o-transfer"]["transfer"] == {
        "site": "RXN02", "text": "Royal Preston IR suite",
    }


def test_pathway_detail_of_a_draft_only_pathway_is_for_leads(world, rotas):
    make_pathway(world, slug="draft-only", nodes=BLEEDING_NODES, root="bleeding",
                 publish=False)
    assert client_as(world, "referrer").get("/api/v1/pathways/draft-only/").status_code == 404
    body = client_as(world, "lead").get("/api/v1/pathways/draft-only/").json()
    assert (body["published_version"], body["version"]) == (None, None)


@pytest.mark.parametrize("slug", ["nope", "bleeding%00ir", "x" * 300, "bleeding-ir%20"])
def test_pathway_detail_unknown_or_malformed_slug_is_404(world, pathway, slug):
    response = client_as(world, "anonymous").get(f"/api/v1/pathways/{slug}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_pathway_versions_lists_drafts_for_leads_only(world, pathway):
    version_create_draft(pathway=pathway, user=world.lead, change_summary="Wording")
    published = {"number": 1, "status": "published", "change_summary": "",
                 "published_at": "2026-03-01T09:00:00+00:00", "retired_at": None}
    draft = {"number": 2, "status": "draft", "change_summary": "Wording",
             "published_at": None, "retired_at": None}
    url = "/api/v1/pathways/bleeding-ir/versions/"
    assert client_as(world, "referrer").get(url).json() == [published]
    assert client_as(world, "lead").get(url).json() == [draft, published]


def test_pathway_version_by_number_gives_its_tree(world, pathway):
    draft = version_create_draft(pathway=pathway, user=world.lead)
    version_publish(version=draft, user=world.lead, now=london(2026, 4, 1, 9, 0))
    client = client_as(world, "anonymous")
    retired = client.get("/api/v1/pathways/bleeding-ir/versions/1/").json()
    assert (retired["number"], retired["status"], retired["retired_at"]) == (
        1, "retired", "2026-04-01T09:00:00+01:00"
    )
    assert list(retired["nodes"])[0] == "bleeding"
    assert client.get("/api/v1/pathways/bleeding-ir/").json()["published_version"] == 2


@pytest.mark.parametrize("number", ["2", "99", "0", "9999999999999"])
def test_pathway_version_draft_unknown_or_huge_is_404_for_a_referrer(world, pathway, number):
    version_create_draft(pathway=pathway, user=world.lead)
    response = client_as(world, "referrer").get(f"/api/v1/pathways/bleeding-ir/versions/{number}/")
    assert response.status_code == 404
    assert set(response.json()) == {"error"}


def test_pathway_version_draft_is_visible_to_its_lead(world, pathway):
    version_create_draft(pathway=pathway, user=world.lead)
    body = client_as(world, "lead").get("/api/v1/pathways/bleeding-ir/versions/2/").json()
    assert (body["number"], body["status"], body["root"]) == (2, "draft", "bleeding")


def test_pathways_are_read_only(world, pathway):
    client = client_as(world, "admin")
    for method in (client.post, client.put, client.patch, client.delete):
        response = method("/api/v1/pathways/bleeding-ir/", {}, format="json")
        assert error_of(response) == (405, "method_not_allowed", None)
    assert Pathway.objects.count() == 1


# --- Evaluation --------------------------------------------------------------------


def test_evaluate_without_answers_asks_the_first_question(world, pathway, fixed_now):
    response = evaluate(client_as(world, "anonymous"))
    assert response.status_code == 200
    assert response.json() == {
        "pathway": {"slug": "bleeding-ir", "title": "Vascular test"},
        "version": {"id": pathway.versions.get().id, "number": 1, "status": "published"},
        "at": "2026-05-04T02:40:00+01:00",
        "referring_site": {
            "id": world.blackburn.id, "ods_code": "RXR01",
            "name": "Royal Blackburn Teaching Hospital", "short_name": "Royal Blackburn",
            "switchboard": "01254 263555", "tel": "tel:+441254263555",
        },
        "hours": {"in_hours": False, "reason": "Out of hours: bank holiday: May Day"},
        "path": [],
        "status": "question",
        "question": {
            "key": "bleeding", "text": "Is there active bleeding on CT?",
            "help_text": "Contrast extravasation on the arterial phase.",
            "options": [{"key": "yes", "text": "Yes"}, {"key": "no", "text": "No"}],
        },
        "outcome": None,
        "decision": None,
        "preview": False,
        "logged": False,
        "superseded_during_referral": False,
    }
    assert Decision.objects.count() == 0


def test_evaluate_to_an_outcome_for_now_logs_a_decision(world, pathway, fixed_now):
    response = evaluate(client_as(world, "referrer"), answers={"bleeding": "yes"})
    body = response.json()
    decision = Decision.objects.get()
    assert (response.status_code, body["status"], body["preview"]) == (200, "outcome", False)
    assert body["decision"] == {"reference": decision.reference}
    assert (decision.user, decision.channel, decision.at, decision.referring_site) == (
        world.referrer_a, "api", NOW, world.blackburn
    )
    assert [step["node"] for step in body["path"]] == ["bleeding", "where"]
    outcome = body["outcome"]
    assert (outcome["key"], outcome["urgency"], outcome["instructions_html"]) == (
        "o-ir", "immediate", "<p>Call <strong>now</strong>.</p>"
    )
    first, second = outcome["contacts"]
    assert first["answer"]["rota"]["slug"] == "lsc-ir"
    assert [c["name"] for c in first["answer"]["clinicians"]] == ["Dr Alpha"]
    assert second["fixed"] == {"label": "Royal Preston switchboard", "number": "01772 716565",
                               "tel": "tel:+441772716565"}


def test_evaluate_by_an_anonymous_caller_gives_roles_and_routes_only(world, pathway, fixed_now):
    body = evaluate(client_as(world, "anonymous"), answers={"bleeding": "yes"}).json()
    answer = body["outcome"]["contacts"][0]["answer"]
    assert answer["switchboard_route"] == (
        "Call Royal Preston switchboard on 01772 716565 and ask for the on-call IR consultant"
    )
    assert answer["clinicians"] == [
        {"name": None, "role": ROLE_ANON, "source": "manual", "contacts": []}
    ]
    assert Decision.objects.get().user is None


def test_evaluate_at_another_instant_is_a_preview_and_logs_nothing(world, pathway, fixed_now):
    body = evaluate(client_as(world, "referrer"), answers={"bleeding": "yes"},
                    referring_site="RXN01", at="2026-05-05T09:00").json()
    assert (body["status"], body["outcome"]["key"], body["decision"], body["preview"]) == (
        "outcome", "o-transfer", None, True
    )
    assert body["at"] == "2026-05-05T09:00:00+01:00"
    assert body["hours"] == {"in_hours": True, "reason": "In hours"}
    assert body["outcome"]["transfer"]["site"]["ods_code"] == "RXN02"
    assert Decision.objects.count() == 0


def test_evaluate_question_at_another_instant_is_marked_preview(world, pathway, fixed_now):
    body = evaluate(client_as(world, "referrer"), at="2026-05-04T03:00:00+01:00").json()
    assert (body["status"], body["preview"]) == ("question", True)


def test_evaluate_the_published_version_by_number_for_now_is_logged(world, pathway, fixed_now):
    body = evaluate(client_as(world, "referrer"), answers={"bleeding": "yes"}, version=1).json()
    assert (body["preview"], body["decision"] is not None) == (False, True)
    assert Decision.objects.count() == 1


def test_evaluate_a_version_retired_within_the_hour_is_logged_and_flagged(
    world, pathway, fixed_now
):
    draft = version_create_draft(pathway=pathway, user=world.lead)
    version_publish(version=draft, user=world.lead, now=NOW - timedelta(minutes=30))
    body = evaluate(client_as(world, "anonymous"), answers={"bleeding": "yes"},
                    version=1).json()
    decision = Decision.objects.get()
    assert (body["version"]["status"], body["decision"], body["logged"], body["preview"]) == (
        "retired", {"reference": decision.reference}, True, False
    )
    assert body["superseded_during_referral"] is True
    assert (decision.version.number, decision.superseded_during_referral) == (1, True)


def test_evaluate_a_version_retired_over_an_hour_ago_is_refused(world, pathway, fixed_now):
    draft = version_create_draft(pathway=pathway, user=world.lead)
    version_publish(version=draft, user=world.lead, now=NOW - timedelta(days=1))
    response = evaluate(client_as(world, "anonymous"), answers={"bleeding": "yes"}, version=1)
    assert error_of(response) == (400, "version_retired", "version")
    assert response.json()["error"]["message"] == (
        "Version 1 of Vascular test was replaced by version 2 at 02:40 on Sun 3 May 2026 (BST), "
        "more than an hour ago. Start again on version 2."
    )
    body = evaluate(client_as(world, "anonymous"), answers={"bleeding": "yes"}, version=1,
                    preview=True).json()
    assert (body["version"]["status"], body["logged"], body["preview"]) == ("retired", False, True)
    assert Decision.objects.count() == 0


def test_evaluate_asked_as_a_preview_logs_nothing_and_says_so(world, pathway, fixed_now):
    """Controls H-20."""
    body = evaluate(client_as(world, "referrer"), answers={"bleeding": "yes"},
                    preview=True).json()
    assert (body["status"], body["decision"], body["logged"], body["preview"]) == (
        "outcome", None, False, True
    )
    assert Decision.objects.count() == 0


@pytest.mark.parametrize(("offset", "logged"), [
    (timedelta(minutes=-2), True), (timedelta(minutes=2), True),
    (timedelta(minutes=2, seconds=1), False), (timedelta(minutes=-3), False),
])
def test_evaluate_at_an_instant_near_now_is_logged_further_is_not(
    world, pathway, fixed_now, offset, logged
):
    at = (NOW + offset).isoformat()
    body = evaluate(client_as(world, "referrer"), answers={"bleeding": "yes"}, at=at).json()
    assert (body["logged"], body["preview"], body["decision"] is not None) == (
        logged, not logged, logged
    )
    assert Decision.objects.count() == int(logged)


def test_evaluate_a_draft_is_a_preview_for_its_lead(world, pathway, fixed_now):
    """Controls H-25."""
    version_create_draft(pathway=pathway, user=world.lead)
    body = evaluate(client_as(world, "lead"), answers={"bleeding": "yes"}, version=2).json()
    assert (body["version"]["status"], body["decision"], body["preview"], body["logged"]) == (
        "draft", None, True, False
    )
    assert Decision.objects.count() == 0


@pytest.mark.parametrize("role", ["anonymous", "referrer", "switchboard", "outsider"])
def test_evaluate_a_draft_is_404_for_anyone_but_leads(world, pathway, role):
    version_create_draft(pathway=pathway, user=world.lead)
    response = evaluate(client_as(world, role), version=2)
    assert error_of(response) == (404, "not_found", "version")
    assert error_of(evaluate(client_as(world, role), version=3)) == (404, "not_found", "version")


def test_evaluate_unknown_pathway_is_404(world, pathway):
    response = client_as(world, "anonymous").post(
        "/api/v1/pathways/nope/evaluate/", {"referring_site": "RXR01"}, format="json"
    )
    assert error_of(response) == (404, "not_found", None)


@pytest.mark.parametrize(("path", "data", "content_type", "expected"), [
    (EVALUATE, "{not json", "application/json", (400, "parse_error", None)),
    ("/api/v1/pathways/nope/evaluate/", "{not json", "application/json",
     (404, "not_found", None)),
    (EVALUATE, "referring_site=RXR01", "text/plain", (415, "unsupported_media_type", None)),
    (EVALUATE, '["RXR01"]', "application/json", (400, "invalid", None)),
    (EVALUATE, '{"referring_site": ["RXR01"]}', "application/json",
     (400, "does_not_exist", "referring_site")),
    (EVALUATE, '{"referring_site": "rxr 01"}', "application/json",
     (400, "does_not_exist", "referring_site")),
])
def test_evaluate_refuses_a_body_it_cannot_read_once_the_pathway_is_found(
        world, pathway, path, data, content_type, expected):
    """The pathway is read first (with the referring site, when the body names one): an
    unknown pathway is a 404 whatever the body; a known one refuses a bad body as before."""
    response = client_as(world, "anonymous").post(path, data=data, content_type=content_type)
    assert error_of(response) == expected


@pytest.mark.parametrize("role", ["anonymous", "referrer", "switchboard", "outsider"])
def test_evaluate_pathway_with_nothing_published_is_404_for_anyone_but_leads(world, rotas,
                                                                           role):
    make_pathway(world, slug="draft-only", nodes=BLEEDING_NODES, root="bleeding",
                 publish=False)
    response = client_as(world, role).post(
        "/api/v1/pathways/draft-only/evaluate/", {"referring_site": "RXR01"}, format="json"
    )
    assert error_of(response) == (404, "not_found", None)


@pytest.mark.parametrize("role", ["lead", "anonymous"])
def test_evaluate_pathway_without_versions(world, rotas, role):
    Pathway.objects.create(network=world.network, slug="empty", title="Empty",
                           specialty="Vascular", review_date=NOW.date().replace(year=2028))
    response = client_as(world, role).post(
        "/api/v1/pathways/empty/evaluate/", {"referring_site": "RXR01"}, format="json"
    )
    assert error_of(response) == {"lead": (400, "not_published", "version"),
                                  "anonymous": (404, "not_found", None)}[role]


def test_evaluate_pathway_with_nothing_published_is_refused_for_its_lead(world, rotas):
    make_pathway(world, slug="draft-only", nodes=BLEEDING_NODES, root="bleeding",
                 publish=False)
    response = client_as(world, "lead").post(
        "/api/v1/pathways/draft-only/evaluate/", {"referring_site": "RXR01"}, format="json"
    )
    assert error_of(response) == (400, "not_published", "version")


@pytest.mark.parametrize(("body", "expected"), [
    ({"answers": {"nope": "yes"}}, (400, "unknown_node", "answers.nope")),
    ({"answers": {"bleeding": "maybe"}}, (400, "unknown_option", "answers.bleeding")),
    ({"answers": {"where": "default"}}, (400, "not_a_question", "answers.where")),
    ({"answers": {"bleeding": "yes", "q-other": "x"}}, (400, "unknown_node", "answers.q-other")),
    ({"answers": {"Not a key!": "yes"}}, (400, "unknown_node", "answers")),
    ({"answers": {"bleeding": ""}}, (400, "blank", "answers.bleeding")),
    ({"answers": {"bleeding": ["yes"]}}, (400, "invalid", "answers.bleeding")),
    ({"answers": ["bleeding"]}, (400, "not_a_dict", "answers")),
    ({"referring_site": "RXX99"}, (400, "does_not_exist", "referring_site")),
    ({"referring_site": "RZZ01"}, (400, "site_outside_network", "referring_site")),
    ({"referring_site": ""}, (400, "null", "referring_site")),
    ({"referring_site": None}, (400, "null", "referring_site")),
    ({"at": "tomorrow"}, (400, "malformed", "at")),
    ({"at": "2026-03-29T01:30"}, (400, "nonexistent_time", "at")),
    ({"at": "2026-10-25T01:30"}, (400, "ambiguous_time", "at")),
    ({"at": "2046-05-04T02:40"}, (400, "out_of_range", "at")),
    ({"version": "two"}, (400, "invalid", "version")),
    ({"version": 0}, (400, "min_value", "version")),
    ({"version": 2**40}, (400, "max_value", "version")),
])
def test_evaluate_refuses_what_does_not_fit_and_logs_nothing(world, pathway, fixed_now, body,
                                                             expected):
    response = evaluate(client_as(world, "referrer"), **body)
    assert error_of(response) == expected
    assert response.json()["error"]["message"]
    assert Decision.objects.count() == 0


def test_evaluate_without_a_referring_site_asks_for_its_code(world, pathway):
    response = client_as(world, "anonymous").post(EVALUATE, {}, format="json")
    assert response.json() == {"error": {
        "code": "required", "field": "referring_site",
        "message": "Give the referring hospital's ODS site code, e.g. RXN02.",
    }}


def test_evaluate_answer_not_on_the_path_or_skipping_a_question_names_it(world, rotas):
    other = make_pathway(world, slug="two-questions", root="first", nodes=[
        {"key": "first", "kind": "question", "text": "First?",
         "options": [{"key": "a", "text": "A", "next": "second"},
                     {"key": "b", "text": "B", "next": "o-ir"}]},
        {"key": "second", "kind": "question", "text": "Second?",
         "options": [{"key": "a", "text": "A", "next": "o-ir"},
                     {"key": "b", "text": "B", "next": "o-ir"}]},
        *[node for node in BLEEDING_NODES if node["key"] == "o-ir"],
    ])[0]
    url = f"/api/v1/pathways/{other.slug}/evaluate/"
    client = client_as(world, "referrer")
    not_on_path = client.post(url, {"referring_site": "RXR01",
                                    "answers": {"first": "b", "second": "a"}}, format="json")
    skipped = client.post(url, {"referring_site": "RXR01", "answers": {"second": "a"}},
                          format="json")
    assert error_of(not_on_path) == (400, "not_on_path", "answers.second")
    assert error_of(skipped) == (400, "skipped_question", "answers.second")
    assert skipped.json()["error"]["message"] == (
        "The answer to “Second?” skips “First?”, which has not been answered yet."
    )
    assert Decision.objects.count() == 0


def test_evaluate_with_a_missing_answer_asks_that_question(world, pathway, fixed_now):
    body = evaluate(client_as(world, "referrer"), answers={}).json()
    assert (body["status"], body["question"]["key"], body["decision"]) == (
        "question", "bleeding", None
    )


def test_evaluate_accepts_site_codes_in_any_case(world, pathway, fixed_now):
    body = evaluate(client_as(world, "referrer"), referring_site="rxn01",
                    answers={"bleeding": "yes"}).json()
    assert (body["referring_site"]["ods_code"], body["outcome"]["key"]) == ("RXN01", "o-transfer")


@pytest.mark.parametrize("body", [
    {"answers": {"bleeding": "ye\x00s"}},
    {"answers": {"blee\x00ding": "yes"}},
    {"referring_site": "RXR\x0001"},
    {"referring_site": "R" * 100_000},
    {"at": "2026-05-04T02:40\x00"},
    {"at": "2" * 100_000},
    {"answers": {"bleeding": "y" * 100_000}},
    {"answers": {"k" * 100_000: "yes"}},
])
def test_evaluate_refuses_nul_bytes_and_huge_strings_with_a_short_400(world, pathway, body):
    response = evaluate(client_as(world, "anonymous"), **body)
    too_large = len(json.dumps(body)) > MAX_REQUEST_BODY_BYTES
    assert response.status_code == (413 if too_large else 400)
    assert len(response.content) < 1000
    assert Decision.objects.count() == 0


@pytest.mark.parametrize("body", ["not json", "[]", "null", '{"answers": {"bleeding": "yes"}'])
def test_evaluate_refuses_a_body_that_is_not_an_object(world, pathway, body):
    response = client_as(world, "anonymous").post(EVALUATE, body,
                                                   content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "field"}


# Session, user, the caller's networks and roles, the pathway and its versions, the site,
# whether anything was built ahead (nothing here), the tree (6), the network's rotas (1),
# diverts and the schedule of the rotas needed over two days, eight and four weeks
# (5 each), the decision (insert in a savepoint: 3), the session remembering it (1).
EVALUATE_QUERIES = 35


@pytest.mark.parametrize("questions", [1, 60])
def test_evaluate_takes_a_constant_number_of_queries(world, rotas, fixed_now, questions,
                                                     django_assert_max_num_queries):
    make_pathway(world, slug="long", nodes=long_nodes(questions), root="q0", user=world.lead)
    client = client_as(world, "referrer")
    answers = {f"q{n}": "yes" for n in range(questions)}
    with django_assert_max_num_queries(EVALUATE_QUERIES):
        response = client.post("/api/v1/pathways/long/evaluate/",
                               {"referring_site": "RXR01", "answers": answers}, format="json")
    assert (response.status_code, response.json()["outcome"]["key"]) == (200, "o-ir")
    assert Decision.objects.count() == 1


@override_settings(REST_FRAMEWORK={
    **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "token": "2/min"},
})
def test_evaluate_never_throttles_a_signed_in_clinician_mid_referral(world, pathway):
    referrer, anonymous = client_as(world, "referrer"), client_as(world, "anonymous")
    assert [evaluate(referrer).status_code for _ in range(4)] == [200] * 4
    assert [evaluate(anonymous).status_code for _ in range(3)] == [200, 200, 429]
    assert evaluate(anonymous).json()["error"]["code"] == "throttled"


def test_evaluate_contact_says_until_when_and_who_answers_then(world, pathway, fixed_now):
    body = evaluate(client_as(world, "referrer"), answers={"bleeding": "yes"}).json()
    first, fixed = body["outcome"]["contacts"]
    assert first["until"] == "2026-05-04T08:00:00+01:00"
    then = first["then"]
    assert (then["from"], then["until"], then["unresolved"]) == (
        "2026-05-04T08:00:00+01:00", "2026-05-04T17:00:00+01:00", ""
    )
    assert [c["name"] for c in then["answer"]["clinicians"]] == ["Dr Bravo"]
    # The rota's own next shift is still given as it was.
    assert first["answer"]["next"]["from"] == "2026-05-04T08:00:00+01:00"
    assert [(c["order"], c["same_as_step"], c["go_to_step"]) for c in (first, fixed)] == [
        (1, None, None), (2, None, None)
    ]
    assert body["outcome"]["if_no_answer"] is None  # it already ends in a fixed number
    anonymous = evaluate(client_as(world, "anonymous"), answers={"bleeding": "yes"}).json()
    assert anonymous["outcome"]["contacts"][0]["then"]["answer"]["clinicians"] == [
        {"name": None, "role": ROLE_ANON, "source": "manual", "contacts": []}
    ]


def test_evaluate_preview_that_is_not_true_or_false_is_refused(world, pathway, fixed_now):
    response = evaluate(client_as(world, "referrer"), answers={"bleeding": "yes"},
                        preview="perhaps")
    assert error_of(response) == (400, "invalid", "preview")
    assert response.json()["error"]["message"] == "Give preview as true or false."
    assert Decision.objects.count() == 0
