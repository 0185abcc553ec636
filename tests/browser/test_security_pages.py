"""Pages under the enforced Content Security Policy: the API docs and the sign-in pause."""

from axes.models import AccessAttempt

from tests.browser.conftest import assert_accessible


def test_api_docs_render_under_the_policy(live_server, page, world):
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert "IR on-call pathway service API" in page.locator(".swagger-ui .info").inner_text()


def test_sign_in_pause_page_is_accessible_and_gives_2222(live_server, page, world):
    for address in ("127.0.0.1", "::1"):  # however the browser reaches the test server
        AccessAttempt.objects.create(username="referrer-a", ip_address=address,
                                     user_agent="", failures_since_start=10)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "referrer-a")
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Sign-in is paused for this username"
    assert "Call 2222 now" in page.locator("main").inner_text()
    assert_accessible(page)


def test_admin_history_pages_render_under_the_policy(live_server, page, world):
    """A lead reads a pathway's history: read-only, and nothing the policy refuses."""
    from django.contrib.auth.models import User

    lead = User.objects.get(username="lead")
    lead.is_staff = True
    lead.save()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.click("input[type=submit]")
    membership = lead.memberships.get()
    page.goto(f"{live_server.url}/admin/rota/membership/{membership.pk}/history/")
    assert page.title().startswith("View history")
