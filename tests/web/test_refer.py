"""The referral flow: one question per page, state in the URL, the final answer POSTed."""

from datetime import timedelta

import pytest
from django.test import Client

from pathways.models import Decision
from pathways.publishing import version_create_draft, version_publish
from tests.web.conftest import NOW, OUT_OF_HOURS, client_for, refer_path

pytestmark = pytest.mark.usefixtures("fixed_now")


def test_refer_without_version_redirects_to_the_published_one(world, published):
    response = Client().get("/pathways/vascular-test/refer/?site=RXN01")
    assert (response.status_code, response["Location"]) == (
        302, "/pathways/vascular-test/refer/?v=1&site=RXN01"
    )


def test_refer_without_site_asks_for_it_never_defaults(world, published):
    response = Client().get("/pathways/vascular-test/refer/?v=1")
    assert (response.status_code, response["Location"]) == (
        302, "/site/?next=%2Fpathways%2Fvascular-test%2Frefer%2F%3Fv%3D1"
    )


def test_refer_without_site_uses_the_signed_in_referrers_remembered_site(world, published):
    response = client_for(world, "referrer").get("/pathways/vascular-test/refer/?v=1")
    assert response["Location"] == "/pathways/vascular-test/refer/?v=1&site=RXN01"


def test_question_page_shows_one_question_with_help_back_link_and_facts(world, published):
    response = Client().get(refer_path())
    html = response.content.decode()
    assert response.status_code == 200
    heading = '<h1 class="nhsuk-fieldset__heading">\n              Is there active bleeding on CT?'
    assert heading in html
    assert html.count('name="answer" type="radio"') == 2
    assert '<a class="nhsuk-back-link" href="/">Back</a>' in html
    assert "In hours" in html  # the automatic time window, shown as a fact
    assert "Chorley and South Ribble Hospital" in html
    assert f'action="{refer_path().replace("&", "&amp;")}"' in html


def test_answer_that_is_not_final_redirects_to_the_next_question_url(world, two_questions):
    response = Client().post(refer_path("two-questions"), {"answer": "yes"})
    assert (response.status_code, response["Location"]) == (
        303, "/pathways/two-questions/refer/?v=1&site=RXN01&a=first%3Ayes"
    )
    second = Client().get(response["Location"]).content.decode()
    assert "Is there active bleeding on CT?" in second
    back = refer_path("two-questions").replace("&", "&amp;")
    assert f'<a class="nhsuk-back-link" href="{back}">Back</a>' in second
    assert Decision.objects.count() == 0


def test_final_answer_logs_one_decision_and_redirects_to_its_page(world, published):
    client = client_for(world, "referrer")
    response = client.post(refer_path(), {"answer": "yes"})
    decision = Decision.objects.get()
    assert (response.status_code, response["Location"]) == (
        303, f"/decisions/{decision.reference}/"
    )
    assert (decision.user, decision.referring_site, decision.channel, decision.at) == (
        world.referrer_a, world.chorley, "web", NOW
    )
    assert decision.outcome["key"] == "o-ir"


def test_refreshing_the_decision_page_logs_nothing_new(world, published):
    client = client_for(world, "referrer")
    location = client.post(refer_path(), {"answer": "yes"})["Location"]
    pages = [client.get(location) for _ in range(3)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    main = [p.content.decode().split("<main")[1].split("<script")[0] for p in pages]
    assert main[0] == main[2]
    assert Decision.objects.count() == 1


def test_no_option_chosen_shows_the_error_summary_and_keeps_the_answers(world, published):
    response = Client().post(refer_path(), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary"' in html
    assert '<a href="#answer">Select an answer to: Is there active bleeding on CT?</a>' in html
    assert "nhsuk-form-group--error" in html
    assert "<title>Error: " in html
    assert Decision.objects.count() == 0


def test_tampered_posted_answer_is_an_error_not_a_decision(world, published):
    response = Client().post(refer_path(), {"answer": "maybe"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select one of the answers listed to: Is there active bleeding on CT?" in html
    assert Decision.objects.count() == 0


def test_tampered_answer_in_the_url_asks_that_question_again(world, two_questions):
    path = refer_path("two-questions", answers=[("first", "yes"), ("bleeding", "perhaps")])
    response = Client().get(path)
    html = response.content.decode()
    assert response.status_code == 400
    assert ("An answer in this link could not be used: “perhaps” is not an answer to “Is there "
            "active bleeding on CT?”: choose “Yes” or “No”. Answer the question again.") in html
    assert "bleeding&#x27;" not in html  # no node key
    assert "Is there active bleeding on CT?" in html
    kept = refer_path("two-questions", answers=[("first", "yes")]).replace("&", "&amp;")
    assert f'action="{kept}"' in html  # the answer before the wrong one is kept


@pytest.mark.parametrize("query, message", [
    ("v=1&site=RXN01&a=bleeding", "The answer &#x27;bleeding&#x27; in this link is incomplete"),
    ("v=one&site=RXN01", "&#x27;one&#x27; is not a version number"),
    ("v=%C2%B2&site=RXN01", "is not a version number"),  # a digit to str.isdigit, not to int
    ("v=1234567890&site=RXN01", "is not a version number"),
    ("v=1&site=RX%00N01", "The hospital in this link is not an ODS site code"),
    (f"v=1&site={'A' * 300}", "The hospital in this link is not an ODS site code"),
    ("v=1&site=RXN01&a=bleeding:yes&a=bleeding:no", "answered twice"),
    ("v=7&site=RXN01", "Version 7 of this pathway is not in use."),
])
def test_malformed_referral_links_are_a_400_with_a_way_back(world, published, query, message):
    response = Client().get(f"/pathways/vascular-test/refer/?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'href="/pathways/vascular-test/"' in html


def test_a_draft_version_cannot_be_referred_on(world, published):
    pathway, _ = published
    version_create_draft(pathway=pathway, user=None)
    response = Client().get(refer_path(v=2))
    assert response.status_code == 400
    assert b"Version 2 of this pathway is not in use." in response.content


@pytest.mark.parametrize("code", ["ZZZ99", "RZZ01"])  # unknown; another network's site
def test_a_site_outside_the_network_is_refused(world, published, code):
    response = Client().get(refer_path(site=code))
    assert response.status_code == 400
    assert b"is not a hospital of the Lancashire and South Cumbria network" in response.content
    assert b'href="/site/?next=' in response.content


def test_unknown_pathway_is_404(world, published):
    response = Client().get("/pathways/no-such-pathway/refer/")
    assert response.status_code == 404
    assert "<title>Page not found" in response.content.decode()


def test_pathway_with_no_questions_confirms_then_posts(world, published, fixed_now):
    fixed_now["now"] = OUT_OF_HOURS  # out of hours from Chorley: straight to the transfer
    page = Client().get(refer_path())
    assert page.status_code == 200
    assert b"Check the facts, then see who to contact" in page.content
    assert b"Referring site: Chorley and South Ribble Hospital" in page.content
    assert Decision.objects.count() == 0
    response = Client().post(refer_path())
    assert response["Location"] == f"/decisions/{Decision.objects.get().reference}/"


def test_a_referral_finished_within_the_hour_of_a_new_version_is_logged_and_says_so(
    world, published, fixed_now
):
    pathway, v1 = published
    version_publish(version=version_create_draft(pathway=pathway, user=None), user=None,
                    now=NOW - timedelta(minutes=59))
    client = Client()  # the session that made the referral reads its outcome
    response = client.post(refer_path(v=1), {"answer": "yes"})
    decision = Decision.objects.get()
    assert response["Location"] == f"/decisions/{decision.reference}/"
    assert (decision.version, decision.superseded_during_referral) == (v1, True)
    html = client.get(response["Location"]).content.decode()
    assert "A newer version (2) was published during this referral." in html
    assert "This answer used version 1 and is logged." in html
    assert ('href="/pathways/vascular-test/refer/?site=RXN01">Start again on the newer '
            "version</a>") in html
    assert "IR consultant now" in html


def test_a_referral_on_a_version_replaced_over_an_hour_ago_starts_again(world, published):
    pathway, _ = published
    version_publish(version=version_create_draft(pathway=pathway, user=None), user=None,
                    now=NOW - timedelta(hours=1, minutes=1))
    response = Client().post(refer_path(v=1), {"answer": "yes"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "This pathway has changed: start again" in html
    assert ("Version 1 of Vascular test was replaced by version 2 at 08:59 on Wed 18 Mar 2026 "
            "(GMT), more than an hour ago. Start again on version 2.") in html
    assert 'href="/pathways/vascular-test/refer/?site=RXN01">Start again: Vascular test</a>' in html
    assert Decision.objects.count() == 0

