"""A network lead's whole journey through the pathway editor in Chromium, axe on every page.

The screenshot in the README is not taken here: ``tests/browser/refresh_editor_screenshot.py``
takes it from the seeded demo when asked.
"""

import pytest

from pathways.models import Decision, Pathway, PathwayVersion
from tests.browser.conftest import assert_accessible
from tests.pathways.conftest import make_pathway, rotas  # noqa: F401 (a fixture)


def sign_in_to_admin(page, base: str, username: str = "lead"):
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def submit(page, selector: str):
    with page.expect_navigation():
        page.click(selector)


def problems(page) -> str:
    return page.locator(".editor-problems").inner_text()


@pytest.fixture
def lead_world(world, rotas):  # noqa: F811
    world.lead.is_staff = True
    world.lead.save()
    pathway, _ = make_pathway(world, user=world.lead)
    return pathway


@pytest.mark.django_db(transaction=True)
def test_editor_lead_journey_from_new_draft_to_published(live_server, page, world, rotas,  # noqa: F811
                                                         lead_world):
    base = live_server.url
    sign_in_to_admin(page, base)

    # A new draft from the published version, by the pathway list's action.
    page.goto(f"{base}/admin/pathways/pathway/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "create_draft")
    submit(page, "button[name=index]")
    draft = PathwayVersion.objects.get(pathway=lead_world, status="draft")
    editor = f"{base}/admin/pathways/pathwayversion/{draft.pk}"
    page.goto(f"{editor}/tree/")
    assert "No problems: ready to publish." in problems(page)
    assert_accessible(page)

    # Reword a question: its box in the flowchart opens its form (a link, so the keyboard
    # reaches it too).
    box = page.locator(".editor-chart a.flowchart-link[href$='/node/bleeding/']")
    box.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/node/bleeding/")
    assert page.locator("#id_urgency").count() == 0  # a question has no urgency
    assert_accessible(page)
    page.fill("#id_text", "Is there active bleeding on the CT scan?")
    submit(page, "input[value=Save]")
    assert "Is there active bleeding on the CT scan?" in page.locator("#node-bleeding").inner_text()

    # Remove the vascular outcome (nothing else becomes unreachable): its option now leads
    # nowhere, and the validation panel says so, linking to the question.
    page.goto(f"{editor}/node/o-vascular/remove/")
    assert "No other step becomes unreachable." in page.locator("#content").inner_text()
    assert_accessible(page)
    submit(page, "input[value=Remove]")
    assert "leads to" in problems(page)

    # Add an outcome under that option, in the outline.
    page.fill(".editor-grow input[name=text]", "Discuss with the vascular surgeon")
    submit(page, ".editor-grow button[value=grow-outcome]")
    assert "contact" in problems(page)  # the new outcome has no contact step yet
    assert_accessible(page)
    page.select_option("#id_urgency", "urgent")
    submit(page, "input[value=Save]")
    page.goto(f"{editor}/node/discuss-with-the-vascular-surgeon/")

    # Its contact steps: the network's vascular rota, then theatres; then theatres first.
    page.select_option("#step-kind", "rota")
    page.select_option("#step-rota", str(rotas.vascular.pk))
    page.fill("#step-instruction", "The on-call vascular surgeon")
    submit(page, "button[value=step-add]")
    page.select_option("#step-kind", "fixed")
    page.fill("#step-label", "Royal Preston theatres")
    page.fill("#step-number", "01772 716565")
    submit(page, "button[value=step-add]")
    submit(page, "button:has-text('Move step 2 up')")
    steps = page.locator(".editor-part > p").all_inner_texts()
    assert steps[0].startswith("1. Royal Preston theatres")
    assert steps[1].startswith("2. ")
    assert "No problems: ready to publish." in problems(page)
    assert_accessible(page)

    # Try the draft at 03:00 on 28 December 2026, the Boxing Day bank holiday (observed):
    # as an anonymous referrer, then as a signed-in one. Nothing is logged.
    page.goto(f"{editor}/tree/")
    submit(page, "a:has-text('Try this draft')")
    assert "DRAFT" in page.locator(".preview-banner").inner_text()
    assert_accessible(page)
    page.select_option("#site", "RXN01")
    page.fill("#at", "2026-12-28T03:00")
    submit(page, "button:has-text('Start the draft')")
    assert "Out of hours" in page.locator("main").inner_text()
    assert_accessible(page)
    submit(page, "button:has-text('Show who to contact')")
    assert "Transfer to Royal Preston" in page.locator("h1").inner_text()
    assert "DRAFT" in page.locator(".preview-banner").inner_text()
    assert_accessible(page)
    submit(page, "a:has-text('see it as a signed-in referrer')")
    assert "a signed-in referrer" in page.locator(".preview-banner").inner_text()
    assert Decision.objects.count() == 0

    # The diff against the published version, then publish with a summary.
    page.goto(f"{editor}/diff/")
    diff = page.locator(".editor-diff").inner_text()
    assert "Added (1)" in diff and "Removed (1)" in diff and "Changed (" in diff
    assert page.locator(".editor-chart svg text:has-text('Changed')").count() >= 1
    assert_accessible(page)
    submit(page, "nav.editor-tabs a:has-text('Publish')")
    assert_accessible(page)
    page.fill("#change-summary", "Reworded the CT question; vascular outcome escalates.")
    submit(page, "input[value='Publish version 2']")
    assert "Published: read-only." in page.locator(".editor-tabs").inner_text()
    assert list(PathwayVersion.objects.filter(pathway=lead_world).order_by("number")
                .values_list("number", "status")) == [(1, "retired"), (2, "published")]

    # Referrers now get the new version; the old one is in the pathway's history.
    page.goto(f"{base}/pathways/vascular-test/refer/?site=RXN01")
    assert "v=2" in page.url
    assert Pathway.objects.count() == 1
    page.goto(f"{base}/admin/pathways/pathway/{lead_world.pk}/change/")
    versions = page.locator("#versions-group").inner_text()
    assert "Retired" in versions and "Reworded the CT question" in versions
