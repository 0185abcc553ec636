"""The pages for what went wrong pass axe too: they are read in a hurry as well."""

import pytest

from tests.browser.conftest import assert_accessible


@pytest.mark.django_db(transaction=True)
def test_not_found_page_is_accessible(live_server, page, world):
    page.goto(f"{live_server.url}/no-such-page/")
    assert page.locator("h1").inner_text() == "Page not found"
    assert_accessible(page)
