"""A complete referral on every demo pathway, keyboard only, checked with axe-core on each page.

The demo is seeded around Monday 28 December 2026 (the Boxing Day bank holiday)
and the clock is fixed at 03:00 that night, so every pathway takes its
out-of-hours branch and the answers are known in advance.
"""

from datetime import UTC, date

import pytest
from django.contrib.auth import get_user_model

from pathways.demo import seed_demo_pathways
from rota.demo import DEMO_PASSWORD, seed_demo_network
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.factories import london

ANCHOR = date(2026, 12, 28)
NOW = london(2026, 12, 28, 3, 0).astimezone(UTC)

# slug: (option chosen on each question, by position, and the outcome reached from Royal Preston)
REFERRALS = {
    "vascular-ir": ([1, 0], "Vascular surgeon, then the network IR consultant"),
    "trauma-ir": ([1, 1, 1, 0], "Focal bleeding at the major trauma centre: IR consultant"),
    "urology-ir": ([0, 1], "Urgent nephrostomy within hours"),
    "obstetric-ir": ([0], "Obstetric IR at Royal Preston"),
    "gi-bleed-ir": ([0, 0], "Re-bleeding after endoscopy: IR embolisation"),
    "inpatient-ir": ([1, 2], "Discuss with the IR consultant"),
    "ooh-mri": ([0], "MRI at Royal Preston now"),
}


@pytest.fixture
def demo(db, clock):
    clock["now"] = NOW
    result = seed_demo_network(ANCHOR)
    lead = get_user_model().objects.get(username="lead")
    seed_demo_pathways(network=result.network, anchor=ANCHOR, user=lead)
    return result


@pytest.fixture
def browser_page(browser):
    contexts = []

    def open_page(viewport):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.loads = []
        page.on("framenavigated",
                lambda frame: frame == page.main_frame and page.loads.append(frame.url))
        return page

    yield open_page
    for context in contexts:
        context.close()


def focus(page, selector: str, limit: int = 80) -> None:
    """Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/")
    assert_accessible(page)
    focus(page, "#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_wait(page, "Enter")


def answer(page, position: int) -> None:
    """Choose the option at ``position`` with the arrow keys, then submit with Enter."""
    assert_accessible(page)
    focus(page, "input[name=answer]")
    if position == 0:
        page.keyboard.press("Space")
    for _ in range(position):
        page.keyboard.press("ArrowDown")
    press_and_wait(page, "Enter")


def refer(page, slug: str) -> None:
    """From the start page, open ``slug`` and answer its questions."""
    assert page.locator("h1").first.inner_text() == "Refer for emergency interventional radiology"
    assert_accessible(page)
    focus(page, f"a.nhsuk-card__link[href*='{slug}']")
    press_and_wait(page, "Enter")
    for position in REFERRALS[slug][0]:
        answer(page, position)


def assert_outcome(page, slug: str) -> None:
    assert "/decisions/IR-" in page.url
    assert page.locator(".outcome-title").inner_text() == REFERRALS[slug][1]
    assert page.locator(".outcome-reference").inner_text() in page.url
    assert_accessible(page)


def save_screenshot(page, browser, path) -> None:
    """The outcome's first screen on a 375 x 812 phone (at 2x), as the README shows it."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2,
                                  storage_state=page.context.storage_state())
    phone = context.new_page()
    phone.goto(page.url)
    phone.screenshot(path=str(path))
    context.close()
    assert path.stat().st_size < 300_000


@pytest.mark.django_db(transaction=True)
def test_every_demo_pathway_by_keyboard_at_phone_width(live_server, demo, browser_page):
    page = browser_page(PHONE)
    sign_in(page, live_server.url, "referrer-preston")
    for slug in REFERRALS:
        refer(page, slug)
        assert_outcome(page, slug)
        page.goto(f"{live_server.url}/")


@pytest.mark.django_db(transaction=True)
def test_shortest_referral_from_sign_in_takes_four_page_loads(
    live_server, demo, browser_page, browser, readme_picture
):
    page = browser_page(DESKTOP)
    sign_in(page, live_server.url, "referrer-preston")
    refer(page, "obstetric-ir")
    assert_outcome(page, "obstetric-ir")
    assert len(page.loads) == 4, page.loads  # sign-in, start, the question, the decision
    assert page.locator(".outcome-contacts").inner_text().count("Dr ") >= 1
    save_screenshot(page, browser, readme_picture("outcome.png"))
    page.goto(f"{live_server.url}/")
    refer(page, "vascular-ir")
    assert_outcome(page, "vascular-ir")
    assert "Dr Olumide Pretendly" in page.locator(".outcome-contacts").inner_text()


@pytest.mark.django_db(transaction=True)
def test_anonymous_referral_chooses_a_site_and_sees_no_names(live_server, demo, browser_page):
    page = browser_page(DESKTOP)
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    focus(page, "a.nhsuk-card__link[href*='inpatient-ir']")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Which hospital are you referring from?"
    focus(page, "button[type=submit]")
    press_and_wait(page, "Enter")  # nothing chosen: the error summary
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    focus(page, "input[name=site]")
    page.keyboard.press("ArrowDown")  # the second hospital listed
    press_and_wait(page, "Enter")
    focus(page, "button[type=submit]")
    press_and_wait(page, "Enter")  # no answer: the error summary keeps the referral
    assert "Select an answer to" in page.locator(".nhsuk-error-summary").inner_text()
    answer(page, 0)
    assert page.locator(".outcome-title").inner_text() == (
        "Unstable inpatient bleeding: IR consultant now"
    )
    contacts = page.locator(".outcome-contacts").inner_text()
    assert "Call Royal Preston switchboard: 01772 716565" in contacts
    assert "Dr " not in contacts
    assert_accessible(page)
