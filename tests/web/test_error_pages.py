"""Pages for what went wrong: each in the design system, saying what to do next."""

import pytest
from django.test import Client, RequestFactory

from config.errors import server_error
from pathways.models import Decision
from pathways.publishing import version_retire
from tests.web.conftest import NOW, refer_path


def test_an_unknown_address_is_a_404_page_with_a_way_back(world):
    response = Client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found – IR on-call pathways</title>" in html
    assert "Check the address, or start again from the list of pathways." in html
    assert '<a class="nhsuk-link" href="/">Go to the start page</a>' in html


def test_a_404_says_why_when_the_service_knows(world, published):
    _, version = published
    version_retire(version=version, user=world.lead, now=NOW)
    response = Client().get("/pathways/vascular-test/")
    assert response.status_code == 404
    assert "This pathway has no published version." in response.content.decode()


def test_an_expired_form_says_nothing_was_recorded_and_how_to_go_on(world, published, fixed_now):
    client = Client(enforce_csrf_checks=True)
    response = client.post(refer_path(), {"answer": "yes"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Your answer was not sent</h1>" in html
    assert "nothing was recorded" in html
    assert f'href="{refer_path().replace("&", "&amp;")}">Reload the page' in html
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_the_500_page_renders_without_the_database_and_gives_the_way_to_get_help(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Call your hospital&#x27;s switchboard" in html
    assert "call 2222" in html


def test_an_unknown_api_address_still_answers_in_the_api_error_shape(world):
    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_the_500_page_scripts_carry_the_requests_nonce():
    """The page a failure shows must not itself break the Content Security Policy."""
    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce-for-this-request"
    html = server_error(request).content.decode()
    scripts = html.count("<script")
    assert scripts > 0
    assert html.count('nonce="n0nce-for-this-request"') + html.count(" src=") >= scripts
    assert '<script nonce="">' not in html
