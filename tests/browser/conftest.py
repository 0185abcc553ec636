"""Browser tests: Debian's Chromium driven by Playwright, checked with axe-core.

Never downloads a browser. Without /usr/bin/chromium these tests skip, unless
REQUIRE_BROWSER_TESTS=1 (as in CI), where a missing browser is a failure.
"""

import json
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"

# Playwright's sync API runs an event loop in this thread; the tests' own
# database calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or not AXE.exists():
        message = f"needs {CHROMIUM} (apt-get install chromium) and {AXE} (npm install)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def readme_picture(tmp_path):
    """Where a test saves a picture the README shows: ``docs/`` only when
    ``REFRESH_README_PICTURES=1`` (look at it before committing), else a
    temporary folder, so that a test run leaves the tracked files alone."""
    folder = DOCS if os.environ.get("REFRESH_README_PICTURES") == "1" else tmp_path
    return lambda name: folder / name


def _csp_errors(page) -> list[str]:
    """Console errors the Content Security Policy raises, collected as the page runs."""
    errors: list[str] = []

    def collect(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            errors.append(text)

    page.on("console", collect)
    return errors


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def page(request, browser):
    # The context keeps the service's Content Security Policy (no bypass): any
    # inline script or style the policy refuses fails the test.
    context = browser.new_context(viewport=request.param, bypass_csp=False)
    page = context.new_page()
    errors = _csp_errors(page)
    yield page
    context.close()
    assert errors == [], "Content Security Policy refused: " + "; ".join(errors)


def axe_violations(page, *, best_practice: bool = False) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the current page (empty means none).

    ``best_practice`` adds axe's best-practice rules.

    axe-core is loaded from the service's own origin (the test settings serve it
    as a static file), as the policy allows, rather than injected inline.
    """
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=f"{origin}/static/axe/axe.min.js")
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    if best_practice:
        tags.append("best-practice")
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' '))}));
        }""",
        tags,
    )
    return result


def assert_accessible(page, *, best_practice: bool = False):
    violations = axe_violations(page, best_practice=best_practice)
    assert violations == [], json.dumps(violations, indent=1)
