"""A network lead's journey through the pathway editor in Chromium, axe on every page."""

from pathlib import Path

import pytest

from pathways.models import Pathway, PathwayVersion
from tests.browser.conftest import DESKTOP, assert_accessible
from tests.pathways.conftest import make_pathway, rotas  # noqa: F401 (a fixture)

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "editor.png"


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
def test_editor_lead_edits_a_draft_until_valid_then_publishes(live_server, page, world,
                                                              lead_world):
    base = live_server.url
    sign_in_to_admin(page, base)
    # A new draft from the published version, by the pathway list's action.
    page.goto(f"{base}/admin/pathways/pathway/")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "create_draft")
    submit(page, "button[name=index]")
    draft = PathwayVersion.objects.get(pathway=lead_world, status="draft")
    tree = f"{base}/admin/pathways/pathwayversion/{draft.pk}/tree/"
    page.goto(tree)
    assert "No problems: ready to publish." in problems(page)
    assert page.locator(".editor-chart svg").count() >= 1
    assert_accessible(page)

    # Reword a question in place.
    submit(page, "#node-bleeding a.editor-row__edit")
    assert page.locator("#id_urgency").count() == 0
    assert_accessible(page)
    page.fill("#id_text", "Is there active bleeding on the CT scan?")
    submit(page, "input[value=Save]")
    assert "Is there active bleeding on the CT scan?" in page.locator("#node-bleeding").inner_text()

    # An automatic step offers only its wording and where each branch leads.
    page.goto(f"{base}/admin/pathways/pathwayversion/{draft.pk}/node/where/")
    assert page.locator("#branch-target-2").count() == 1
    assert_accessible(page)

    # Reorder an outcome's contact steps, then remove that outcome.
    page.goto(f"{base}/admin/pathways/pathwayversion/{draft.pk}/node/o-vascular/")
    assert_accessible(page)
    submit(page, "button:has-text('Move step 1 down')")
    steps = page.locator(".editor-part p").all_inner_texts()
    assert steps[0].startswith("1. Royal Preston switchboard")
    submit(page, "a:has-text('Remove this step')")
    assert "No other step becomes unreachable." in page.locator("#content").inner_text()
    assert_accessible(page)
    submit(page, "input[value=Remove]")

    # The option now leads nowhere: the panel says so, and the outline offers to grow there.
    assert "leads to" in problems(page)
    if page.viewport_size == DESKTOP:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.screenshot(path=str(SCREENSHOT), clip={"x": 0, "y": 0, "width": 1400,
                                                     "height": 1100}, full_page=True)
        assert SCREENSHOT.stat().st_size < 400_000
    page.fill(".editor-grow input[name=text]", "Discuss with the vascular surgeon")
    submit(page, ".editor-grow button[value=grow-outcome]")
    page.goto(tree)
    assert "contact" in problems(page)

    # Point the option at an existing outcome instead, and remove the stray one.
    page.goto(f"{base}/admin/pathways/pathwayversion/{draft.pk}/node/bleeding/")
    page.select_option("#target-2", "o-ir")
    submit(page, "form.editor-point:has(#target-2) button[value=point]")
    page.goto(f"{base}/admin/pathways/pathwayversion/{draft.pk}/node/"
              "discuss-with-the-vascular-surgeon/remove/")
    submit(page, "input[value=Remove]")
    assert "No problems: ready to publish." in problems(page)

    # The diff, then publish with a summary.
    submit(page, "nav.editor-tabs a:has-text('Changes')")
    diff = page.locator(".editor-diff").inner_text()
    assert "Removed (1)" in diff and "Changed (" in diff
    assert page.locator(".editor-chart svg text:has-text('Changed')").count() >= 1
    assert_accessible(page)
    submit(page, "nav.editor-tabs a:has-text('Publish')")
    assert_accessible(page)
    page.fill("#change-summary", "Reworded the CT question; vascular outcome removed.")
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


@pytest.mark.django_db(transaction=True)
def test_editor_lead_tries_the_draft_as_anonymous_and_signed_in_referrer(live_server, page,
                                                                        world, lead_world):
    from pathways.publishing import version_create_draft

    version_create_draft(pathway=lead_world, user=world.lead)
    base = live_server.url
    sign_in_to_admin(page, base)
    draft = PathwayVersion.objects.get(pathway=lead_world, status="draft")
    page.goto(f"{base}/admin/pathways/pathwayversion/{draft.pk}/tree/")
    submit(page, "a:has-text('Try this draft')")
    assert "DRAFT" in page.locator(".preview-banner").inner_text()
    assert_accessible(page)
    page.select_option("#site", "RXN01")
    page.fill("#at", "2026-04-06T03:00")  # Easter Monday, a bank holiday, at night
    submit(page, "button:has-text('Start the draft')")
    assert "DRAFT" in page.locator(".preview-banner").inner_text()
    assert "Out of hours" in page.locator("main").inner_text()
    assert_accessible(page)
    submit(page, "button:has-text('Show who to contact')")
    assert "Transfer to Royal Preston" in page.locator("h1").inner_text()
    assert "DRAFT" in page.locator(".preview-banner").inner_text()
    assert_accessible(page)
    submit(page, "a:has-text('see it as a signed-in referrer')")
    assert "a signed-in referrer" in page.locator(".preview-banner").inner_text()
    from pathways.models import Decision

    assert Decision.objects.count() == 0
