"""Trying a draft in the referrer's flow: leads of its network and admins only, never logged."""

import pytest

from pathways.models import Decision, Node
from pathways.publishing import version_create_draft
from tests.pages import NOT_FOUND, problem, title
from tests.pathways.conftest import make_pathway, rotas  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# 03:00 on Easter Monday 2026, a bank holiday: out of hours.
BANK_HOLIDAY_NIGHT = "2026-04-06T03:00"


@pytest.fixture
def draft(world, rotas):  # noqa: F811
    pathway, _ = make_pathway(world, user=world.lead)
    draft = version_create_draft(pathway=pathway, user=world.lead)
    node = Node.objects.get(version=draft, key="o-ir")
    node.text = "Draft wording: IR consultant now"
    node.save()
    return draft


def _url(draft, **query):
    from urllib.parse import urlencode

    return f"/pathways/vascular-test/v{draft.number}/preview/?{urlencode(query, doseq=True)}"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("referrer_a", 404), ("switchboard", 404), ("coordinator", 404),
     ("outsider", 404), ("lead", 200), ("admin", 200)],
)
def test_preview_only_for_leads_of_the_network_and_admins(client, world, draft, who, status):
    """Controls H-25."""
    if who != "anonymous":
        client.force_login(getattr(world, who))
    pages = {
        # Without site and instant the lead is asked for them; with them, the facts to check.
        _url(draft): "Try draft version 2 – Vascular test – IR on-call pathways",
        _url(draft, site="RXN01", at=BANK_HOLIDAY_NIGHT):
            "Check the facts – Vascular test – IR on-call pathways",
    }
    for url, page_title in pages.items():
        response = client.get(url)
        if status == 200:
            assert (response.status_code, title(response)) == (200, page_title)
        else:
            # The same answer as for a draft that does not exist: no one else learns of it.
            assert problem(response) == (
                404, NOT_FOUND, "Vascular test has no draft 2 that you can try."
            )


def test_preview_of_a_published_version_is_refused(client, world, draft):
    client.force_login(world.lead)
    assert problem(client.get("/pathways/vascular-test/v1/preview/")) == (
        404, NOT_FOUND, "Vascular test has no draft 1 that you can try."
    )


def test_preview_asks_for_site_instant_and_audience_with_a_draft_banner(client, world, draft):
    """Controls H-25."""
    client.force_login(world.lead)
    body = client.get(_url(draft)).content.decode()
    assert "DRAFT" in body
    assert 'name="site"' in body and 'name="at"' in body and 'name="as"' in body


def test_preview_at_night_on_a_bank_holiday_reaches_the_draft_outcome_unlogged(
    client, world, draft
):
    """Controls H-25."""
    client.force_login(world.lead)
    url = _url(draft, site="RXN01", at=BANK_HOLIDAY_NIGHT, **{"as": "anonymous"})
    confirm = client.get(url)
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Check the facts" in body and "DRAFT" in body
    assert "Out of hours" in body
    outcome = client.post(url)
    assert outcome.status_code == 200
    page = outcome.content.decode()
    assert "Transfer to Royal Preston" in page
    assert "DRAFT" in page
    assert outcome.context["logged"] is False
    assert Decision.objects.count() == 0


def test_preview_question_answer_carries_the_preview_on(client, world, draft):
    client.force_login(world.lead)
    url = _url(draft, site="RXN01", at="2026-03-18T12:00")  # a working day, in hours
    question = client.get(url)
    assert question.context["question"].key == "bleeding"
    answered = client.post(url, {"answer": "yes"})
    assert answered.status_code == 303
    assert answered["Location"].startswith(f"/pathways/vascular-test/v{draft.number}/preview/")
    assert "a=bleeding%3Ayes" in answered["Location"]
    outcome = client.post(answered["Location"])
    assert "Draft wording: IR consultant now" in outcome.content.decode()
    assert Decision.objects.count() == 0


def test_preview_as_signed_in_referrer_shows_staff_contacts_anonymous_does_not(client, world,
                                                                              draft):
    client.force_login(world.lead)
    query = {"site": "RXN01", "at": "2026-03-18T12:00", "a": "bleeding:yes"}
    anonymous = client.post(_url(draft, **query, **{"as": "anonymous"})).content.decode()
    signed_in = client.post(_url(draft, **query, **{"as": "signed-in"})).content.decode()
    assert "2345" in signed_in  # the consultant's bleep: staff only
    assert "Dr Day" in signed_in
    assert "2345" not in anonymous
    assert "Dr Day" not in anonymous
    assert "07700 900123" not in signed_in  # a personal mobile: switchboard only


def test_preview_refuses_a_wall_time_that_does_not_exist(client, world, draft):
    client.force_login(world.lead)
    response = client.get(_url(draft, site="RXN01", at="2026-03-29T01:30"))
    assert response.status_code == 400
    assert "does not exist in Europe/London" in response.content.decode()
