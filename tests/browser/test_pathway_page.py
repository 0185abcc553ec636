"""The pathway page: its flowchart beside the same pathway as text, passing axe at both widths."""

from datetime import UTC, date

import pytest

from pathways.demo import seed_demo_pathways
from rota.demo import seed_demo_network
from tests.browser.conftest import DESKTOP, assert_accessible
from tests.factories import london


@pytest.fixture
def demo(db, clock):
    clock["now"] = london(2026, 12, 28, 3, 0).astimezone(UTC)
    seeded = seed_demo_network(date(2026, 12, 28))
    seed_demo_pathways(network=seeded.network, anchor=date(2026, 12, 28))
    return seeded


@pytest.mark.django_db(transaction=True)
def test_pathway_page_flowchart_and_text_are_accessible(live_server, demo, page, readme_picture):
    page.goto(f"{live_server.url}/pathways/vascular-ir/")
    charts = page.locator("#flowchart svg")
    assert charts.count() == 2
    assert charts.first.is_visible()
    # The chart scrolls sideways inside its figure rather than shrink below legibility.
    assert page.locator("#flowchart figure").first.bounding_box()["width"] <= (
        page.viewport_size["width"])
    assert charts.first.bounding_box()["width"] >= 760
    assert page.locator("#flowchart svg title").first.text_content().startswith(
        "Vascular IR: arterial bleeding and acute limb ischaemia, part 1 of 2")
    assert "Step 1. In hours or out of hours" in page.locator(".pathway-text").inner_text()
    assert page.locator("a[href='/pathways/vascular-ir.pdf']").is_visible()
    assert_accessible(page)
    if page.viewport_size == DESKTOP:
        page.set_viewport_size({"width": 1400, "height": 900})
        picture = readme_picture("pathway-page.png")
        page.screenshot(path=str(picture), clip={"x": 0, "y": 0, "width": 1400,
                                                     "height": 1300}, full_page=True)
        assert picture.stat().st_size < 400_000
