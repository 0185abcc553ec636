"""The start page, the referring site (chosen, remembered, never defaulted) and the pathway page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pathways.publishing import version_create_draft
from pathways.referring_site import SESSION_KEY
from rota.models import Membership
from tests.pathways.conftest import make_pathway
from tests.web.conftest import client_for

pytestmark = pytest.mark.usefixtures("fixed_now")


def test_start_page_has_the_emergency_banner_and_published_pathways(world, published):
    pathway, _ = published
    unpublished, _ = make_pathway(world, slug="not-yet", publish=False)
    html = Client().get("/").content.decode()
    assert "Peri-arrest? Call 2222 first" in html
    assert "This service does not replace a crash call." in html
    assert ">Vascular test</a>" in html
    assert "not-yet" not in html


def test_start_page_without_a_site_sends_a_pathway_through_choosing_one(world, published):
    """Controls H-10."""
    html = Client().get("/").content.decode()
    assert "Not chosen yet: you will be asked" in html
    assert ('href="/site/?next=%2Fpathways%2Fvascular-test%2Frefer%2F%3Fv%3D1">'
            "Vascular test</a>") in html
    assert "to see names and direct numbers" in html


def test_start_page_for_a_signed_in_referrer_shows_their_site_and_links_straight_in(
    world, published
):
    html = client_for(world, "referrer").get("/").content.decode()
    assert "Chorley and South Ribble Hospital" in html
    assert 'href="/pathways/vascular-test/refer/?v=1&amp;site=RXN01">Vascular test</a>' in html
    assert "Change<span class=\"nhsuk-u-visually-hidden\"> the hospital" in html


@pytest.mark.parametrize("role", ["anonymous", "referrer"])
def test_start_page_query_count_is_constant(world, published, role, django_assert_num_queries):
    client = client_for(world, role)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for n in range(3):
        make_pathway(world, slug=f"more-{n}")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/").content.decode().count("nhsuk-card__link") == 4


def test_site_page_lists_the_network_sites_as_radios_with_their_trust(world, published):
    html = Client().get("/site/?next=/").content.decode()
    assert "Which hospital are you referring from?" in html
    assert 'value="RXN01"' in html and 'value="RXR01"' in html
    assert "Lancashire Teaching Hospitals" in html


def test_site_choice_without_a_site_is_an_error(world, published):
    response = Client().post("/site/", {"next": "/"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#site">Select the hospital you are referring from</a>' in html


def test_site_choice_is_kept_in_the_session_for_anonymous_referrers(world, published):
    client = Client()
    response = client.post("/site/", {"site": "RXR01", "next": "/"})
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == world.blackburn.pk
    assert "Royal Blackburn Teaching Hospital" in client.get("/").content.decode()


def test_site_choice_is_remembered_across_sessions_for_a_member(world, published):
    response = client_for(world, "referrer").post("/site/", {"site": "RXR01", "next": "/"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.referrer_a)
    assert membership.home_site == world.blackburn
    assert membership.history.first().history_change_reason == (
        "Referring site chosen in the referral flow"
    )
    next_session = client_for(world, "referrer").get("/").content.decode()
    assert "Royal Blackburn Teaching Hospital" in next_session


def test_site_change_mid_referral_returns_to_the_referral_with_the_new_site(world, published):
    next_url = "/pathways/vascular-test/refer/?v=1&site=RXN01&a=x:y"
    response = Client().post("/site/", {"site": "RXR01", "next": next_url})
    assert response["Location"] == "/pathways/vascular-test/refer/?site=RXR01&v=1&a=x%3Ay"


@pytest.mark.parametrize("text", ["RX\x00R01", "RXR01-and-more", "rx"])
def test_site_choice_refuses_text_that_cannot_be_an_ods_code(world, published, text):
    bad = Client().post("/site/", {"site": text, "next": "/"})
    assert bad.status_code == 400
    assert b"Select the hospital you are referring from, from the list" in bad.content


def test_site_choice_refuses_an_unknown_site_and_an_offsite_next(world, published):
    bad = Client().post("/site/", {"site": "ZZZ99", "next": "/"})
    assert bad.status_code == 400
    assert b"Select the hospital you are referring from, from the list" in bad.content
    offsite = Client().post("/site/", {"site": "RXR01", "next": "https://evil.example/"})
    assert offsite["Location"] == "/"


def test_pathway_page_shows_the_published_version_and_its_pdf_not_the_drafts(world,
                                                                            published):
    pathway, _ = published
    version_create_draft(pathway=pathway, user=None)
    html = Client().get("/pathways/vascular-test/").content.decode()
    assert "1, published 09:00 on Sun 1 Mar 2026 (GMT)" in html
    assert 'id="flowchart"' in html
    assert 'href="/pathways/vascular-test.pdf"' in html
    assert "v2.pdf" not in html
    assert "Start a referral" in html
    assert Client().get("/pathways/nothing-here/").status_code == 404
