import pytest

from tests.browser.conftest import assert_accessible


@pytest.mark.django_db(transaction=True)
def test_sign_in_page_is_accessible_and_signs_in(live_server, page, world):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text() == "Sign in"
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.fill("#id_username", "referrer-a")
    page.fill("#id_password", "wrong")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary__heading").inner_text() == "There is a problem"
    assert page.title().startswith("Error: ")
    link = page.locator(".nhsuk-error-summary__list a")
    assert link.get_attribute("href") == "#id_username"
    assert "correct username and password" in link.inner_text()
    assert_accessible(page)
