"""The switchboard board in Chromium: search, time travel, keyboard, refresh, accessibility."""

import pytest

from tests.browser.conftest import assert_accessible


def sign_in(page, base: str, username: str = "switchboard", then: str = "/switchboard/"):
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def visible_rows(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-board-row]:not([hidden])", "rows => rows.map(r => r.dataset.rota)"
    )


def test_board_search_as_you_type_by_name_site_and_phone(live_server, page, world, night):
    sign_in(page, live_server.url)
    assert visible_rows(page) == ["ir-ooh"]
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "board-q"
    for typed, shown in (("alpha", ["ir-ooh"]), ("zzz", []), ("Royal Preston", ["ir-ooh"]),
                         ("07700 900111", ["ir-ooh"]), ("07700 900999", [])):
        page.fill("#board-q", typed)
        assert visible_rows(page) == shown, typed
    assert_accessible(page, best_practice=True)


def test_board_referrer_phone_search_matches_only_numbers_they_see(
    live_server, page, world, night
):
    sign_in(page, live_server.url, "referrer-a")
    page.fill("#board-q", "07700900111")
    assert visible_rows(page) == []
    page.fill("#board-q", "2345")  # a bleep they may see
    assert visible_rows(page) == ["ir-ooh"]


@pytest.mark.parametrize("day, problem, choice", [
    ("2026-10-25", "happens twice", "Show 01:30 GMT (the second)"),
    ("2026-03-29", "does not exist", "Show 02:00 BST"),
])
def test_board_time_travel_on_clock_change_nights(live_server, page, world, night, day,
                                                  problem, choice):
    sign_in(page, live_server.url)
    page.fill("#board-date", day)
    page.fill("#board-time", "01:30")
    with page.expect_navigation():
        page.click("button:has-text('Show')")
    assert problem in page.locator(".board-problem").inner_text()
    assert_accessible(page, best_practice=True)
    with page.expect_navigation():
        page.click(f"text={choice}")
    assert "Not now" in page.locator(".board-not-now").inner_text()


def test_board_by_keyboard_only(live_server, page, world, night):
    sign_in(page, live_server.url)
    page.keyboard.press("/")
    page.keyboard.type("bravo")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the form works through the query string too
    assert "q=bravo" in page.url
    assert visible_rows(page) == ["ir-ooh"]  # Dr Bravo answers next for this role


def test_board_refresh_keeps_the_search_and_says_when(live_server, page, world, night):
    """Controls H-26."""
    sign_in(page, live_server.url)
    page.fill("#board-q", "zzz")
    page.evaluate("document.querySelector('[data-board]').refreshNow()")
    page.wait_for_function(
        "document.querySelector('[data-board-status]').textContent.startsWith('Refreshed at')"
    )
    assert page.input_value("#board-q") == "zzz"
    assert visible_rows(page) == []


def test_board_says_plainly_when_signed_out(live_server, page, world, night):
    """Controls H-26."""
    sign_in(page, live_server.url)
    page.context.clear_cookies()
    page.evaluate("document.querySelector('[data-board]').refreshNow()")
    page.wait_for_function(
        "document.querySelector('[data-board-status]').textContent.includes('signed out')"
    )


def test_rota_and_clinician_pages_are_accessible(live_server, page, world, night):
    _, _, alpha, _ = night
    sign_in(page, live_server.url, then="/switchboard/rotas/ir-ooh/")
    assert page.locator("h1").inner_text() == "IR out of hours"
    assert_accessible(page, best_practice=True)
    page.goto(f"{live_server.url}/switchboard/clinicians/{alpha.pk}/")
    assert page.locator("h1").inner_text() == "Dr Alpha"
    assert_accessible(page, best_practice=True)


def test_board_prints_on_one_a4_page_with_the_instant_and_a_personal_numbers_line(
    live_server, page, world, night
):
    import io

    from pypdf import PdfReader

    sign_in(page, live_server.url)
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert len(pdf.pages) == 1
    assert "Printed from the IR on-call service at" in text
    assert "This page holds personal phone numbers" in text
