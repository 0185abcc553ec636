"""On a 375 x 812 phone, every outcome's first screen holds what a referrer acts on.

For every outcome of every demo pathway (reached in hours and out of hours,
from each hospital that reaches it) and for each banner (gap, divert,
handover, a version superseded during the referral, a stale decision), the
first contact's name or role, its call action and the 2222 line must lie
within the first 812 px; the reference and the explanations come after.
"""

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from pathways.decisions import referral_record, session_remember_decision
from pathways.demo import PATHWAYS, seed_demo_pathways
from pathways.engine import evaluate
from pathways.models import Channel, PathwayVersion, VersionStatus
from pathways.publishing import version_create_draft, version_publish
from pathways.selectors import load_tree
from rota.demo import seed_demo_network
from rota.models import Site
from rota.selectors import schedule_around
from tests.browser.conftest import PHONE
from tests.browser.test_referral import sign_in
from tests.factories import london

ANCHOR = date(2026, 12, 28)  # Monday, the Boxing Day bank holiday
OUT_OF_HOURS = london(2026, 12, 28, 3, 0).astimezone(UTC)
IN_HOURS = london(2026, 12, 29, 10, 0).astimezone(UTC)  # Tuesday, a working day
# The demo's gap (ELHT in hours, on the first working day) and divert (BTH in hours, 13:00
# to 17:00 that day), the Monday 08:00 handovers, and a version published meanwhile.
GAP_AND_DIVERT = london(2026, 12, 29, 14, 0).astimezone(UTC)
HANDOVER = london(2026, 12, 28, 7, 50).astimezone(UTC)
FIRST_SCREEN = PHONE["height"]


@dataclass(frozen=True)
class Route:
    slug: str
    outcome: str
    site: str
    at: object
    answers: tuple[tuple[str, str], ...]


def outcome_routes(version, instants, sites) -> list[Route]:
    """One way to reach each outcome of ``version``: answers, hospital and instant."""
    tree = load_tree(version)
    found: dict[str, Route] = {}
    for at in instants:
        schedule = schedule_around(network_ids=[tree.network_id], at=at)
        for site in sites:
            pending = [()]
            while pending:
                answers = pending.pop()
                result = evaluate(version_tree=tree, answers=dict(answers), referring_site=site.id,
                                  at=at, schedule=schedule)
                if result.outcome is not None:
                    found.setdefault(result.outcome.key, Route(
                        tree.pathway_slug, result.outcome.key, site.ods_code, at, answers))
                    continue
                for option, _ in result.question.options:
                    pending.append((*answers, (result.question.key, option)))
    return list(found.values())


@pytest.fixture
def demo(db):
    result = seed_demo_network(ANCHOR)
    lead = get_user_model().objects.get(username="lead")
    seed_demo_pathways(network=result.network, anchor=ANCHOR, user=lead)
    return result


@pytest.fixture
def clock(clock, settings):
    """The shared clock, starting out of hours."""
    # The clock jumps between instants days apart; a sign-in must outlive the jumps.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 60
    clock["now"] = OUT_OF_HOURS
    return clock


def record(route: Route, user, session=None) -> str:
    """Log the referral ``route`` describes; ``session`` (a browser's) is the one that made it."""
    version = PathwayVersion.objects.get(pathway__slug=route.slug, status=VersionStatus.PUBLISHED)
    _, decision = referral_record(
        version=version, answers=dict(route.answers), referring_site=Site.objects.get(
            ods_code=route.site), user=user, at=None, now=route.at, channel=Channel.WEB,
    )
    if session is not None:
        session_remember_decision(session, decision.reference)
        session.save()
    return decision.reference


def browser_session(context, live_server):
    """A server session given to the browser ``context``: decisions it makes are its own."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.create()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
                          "url": live_server.url}])
    return session


def first_screen_problems(page, label: str) -> list[str]:
    """What a referrer would have to scroll for, in words (empty: all on the first screen)."""
    problems = []
    for what, selector in (
        ("first contact's name or role", ".outcome-contacts .outcome-who >> nth=0"),
        ("first call action", ".outcome-contacts .outcome-call >> nth=0"),
        ("2222 line", ".outcome-2222"),
    ):
        box = page.locator(selector).bounding_box()
        if box is None:
            problems.append(f"{label}: no {what}")
        elif box["y"] + box["height"] > FIRST_SCREEN:
            problems.append(f"{label}: {what} ends at {box['y'] + box['height']:.0f} px")
    reference = page.locator(".outcome-reference")
    call = page.locator(".outcome-contacts .outcome-call >> nth=0").bounding_box()
    if reference.count() and call and reference.bounding_box()["y"] < call["y"]:
        problems.append(f"{label}: the reference comes before the call action")
    return problems


@pytest.mark.django_db(transaction=True)
def test_first_screen_of_every_demo_outcome(live_server, demo, clock, browser):
    """Controls H-11, H-19."""
    sites = list(Site.objects.filter(trust__network=demo.network).order_by("ods_code"))
    routes = [
        route
        for version in PathwayVersion.objects.filter(status=VersionStatus.PUBLISHED)
        for route in outcome_routes(version, [OUT_OF_HOURS, IN_HOURS], sites)
    ]
    every_outcome = {(p["slug"], n["key"]) for p in PATHWAYS for n in p["nodes"]
                     if n["kind"] == "outcome"}
    assert {(r.slug, r.outcome) for r in routes} == every_outcome
    user = get_user_model().objects.get(username="referrer-preston")
    problems = []
    for signed_in in (True, False):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        session = None
        if signed_in:
            sign_in(page, live_server.url, "referrer-preston")
        else:
            session = browser_session(context, live_server)
        for route in routes:
            clock["now"] = route.at
            reference = record(route, user if signed_in else None, session)
            page.goto(f"{live_server.url}/decisions/{reference}/")
            who = "signed in" if signed_in else "anonymous"
            problems += first_screen_problems(page, f"{route.slug} {route.outcome} ({who})")
        context.close()
    assert problems == []


BANNER_ROUTES = {
    # banner: (pathway, hospital, instant, answers, words the banner shows)
    "gap": ("inpatient-ir", "RXR01", GAP_AND_DIVERT, (("unstable", "yes"),),
            "Gap in the rota"),
    "divert": ("inpatient-ir", "RXL01", GAP_AND_DIVERT, (("unstable", "yes"),),
               "is diverted"),
    "handover": ("vascular-ir", "RXN02", HANDOVER,
                 (("unstable-ooh", "no"), ("cta-ooh", "positive")), "Handover at"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_first_screen_with_each_banner(live_server, demo, clock, browser, signed_in):
    """Controls H-19."""
    user = get_user_model().objects.get(username="referrer-preston") if signed_in else None
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    session = None
    if signed_in:
        sign_in(page, live_server.url, "referrer-preston")
    else:
        session = browser_session(context, live_server)
    problems = []
    for banner, (slug, site, at, answers, words) in BANNER_ROUTES.items():
        clock["now"] = at
        reference = record(Route(slug, "", site, at, answers), user, session)
        page.goto(f"{live_server.url}/decisions/{reference}/")
        assert words in page.locator(".outcome-contacts").inner_text(), banner
        problems += first_screen_problems(page, banner)

    # A version published during the referral: logged, and the page says a newer one exists.
    clock["now"] = OUT_OF_HOURS
    route = Route("obstetric-ir", "", "RXL01", OUT_OF_HOURS, (("problem", "pph"),))
    version = PathwayVersion.objects.get(pathway__slug=route.slug, status=VersionStatus.PUBLISHED)
    page.goto(f"{live_server.url}/pathways/obstetric-ir/refer/?v={version.number}&site=RXL01")
    draft = version_create_draft(pathway=version.pathway, user=None)
    version_publish(version=draft, user=None, now=OUT_OF_HOURS - timedelta(minutes=5))
    page.locator("input[name=answer]").first.check()
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/decisions/IR-*/")
    assert "newer version" in page.locator("main").inner_text()
    problems += first_screen_problems(page, "superseded")

    # A decision looked at again 40 minutes later: on-call may have changed.
    clock["now"] = OUT_OF_HOURS + timedelta(minutes=40)
    page.reload()
    assert "On-call may have changed" in page.locator("main").inner_text()
    problems += first_screen_problems(page, "stale and superseded")
    context.close()
    assert problems == []
