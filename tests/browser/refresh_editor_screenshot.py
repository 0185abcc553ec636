"""Refresh docs/editor.png, the README's picture of the editor, from the seeded demo.

Not a test (pytest does not collect it on its own): run it when the editor's look changes,
then look at the picture before committing it::

    REQUIRE_BROWSER_TESTS=1 .venv/bin/pytest tests/browser/refresh_editor_screenshot.py

The demo's lead opens a draft of the out-of-hours MRI pathway whose next-day outcome was
just removed: the validation panel lists the problem, the outline offers to add a step
where it was, and the flowchart's boxes are links to their nodes' forms.
"""

from datetime import UTC, date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from pathways import editing
from pathways.demo import seed_demo_pathways
from pathways.models import Pathway
from pathways.publishing import version_create_draft
from rota.demo import DEMO_PASSWORD, seed_demo_network
from tests.browser.conftest import _csp_errors, assert_accessible
from tests.factories import london

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "editor.png"
WIDTH, HEIGHT = 1400, 1000


@pytest.mark.django_db(transaction=True)
def test_refresh_editor_screenshot(live_server, browser, clock):
    clock["now"] = london(2026, 12, 28, 3, 0).astimezone(UTC)
    seeded = seed_demo_network(date(2026, 12, 28))
    lead = get_user_model().objects.get(username="lead")
    seed_demo_pathways(network=seeded.network, anchor=date(2026, 12, 28), user=lead)
    draft = version_create_draft(pathway=Pathway.objects.get(slug="ooh-mri"), user=lead)
    editing.node_remove(version=draft, revision=0, node_key="o-next-day", user=lead)

    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    errors = _csp_errors(page)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{live_server.url}/admin/pathways/pathwayversion/{draft.pk}/tree/")
    assert "1 problem to fix" in page.locator(".editor-problems").inner_text()
    page.click("#toggle-nav-sidebar")  # the admin's menu folded away: room for the chart
    page.evaluate("window.scrollTo(0, 0)")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOT), clip={"x": 0, "y": 0, "width": WIDTH,
                                                 "height": HEIGHT})
    context.close()
    assert errors == []
    assert SCREENSHOT.stat().st_size < 400_000
