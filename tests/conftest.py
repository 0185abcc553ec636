"""The shared test world: two trusts in one network, a user per role, an outsider."""

from dataclasses import dataclass
from datetime import UTC

import pytest
from django.utils import timezone

from rota import access
from tests.factories import (
    ClinicianFactory,
    ContactMethodFactory,
    NetworkFactory,
    RotaFactory,
    ShiftFactory,
    SiteFactory,
    TrustFactory,
    london,
    user_in,
)


@dataclass
class World:
    network: object
    other_network: object
    preston: object  # hub site, trust A
    chorley: object  # trust A
    blackburn: object  # trust B
    trust_a: object
    trust_b: object
    referrer_a: object
    referrer_b: object
    switchboard: object
    coordinator: object
    lead: object
    outsider: object
    admin: object


@pytest.fixture
def world(db) -> World:
    network = NetworkFactory(slug="lsc", name="Lancashire and South Cumbria")
    other = NetworkFactory(slug="elsewhere", name="Elsewhere imaging network")
    trust_a = TrustFactory(network=network, ods_code="RXN", name="Lancashire Teaching Hospitals")
    trust_b = TrustFactory(network=network, ods_code="RXR", name="East Lancashire Hospitals")
    trust_x = TrustFactory(network=other, ods_code="RZZ", name="Elsewhere Trust")
    preston = SiteFactory(
        trust=trust_a, ods_code="RXN02", name="Royal Preston Hospital",
        short_name="Royal Preston", switchboard="01772 716565", has_ir_suite=True,
    )
    chorley = SiteFactory(
        trust=trust_a, ods_code="RXN01", name="Chorley and South Ribble Hospital",
        short_name="Chorley", switchboard="01257 261222",
    )
    blackburn = SiteFactory(
        trust=trust_b, ods_code="RXR01", name="Royal Blackburn Teaching Hospital",
        short_name="Royal Blackburn", switchboard="01254 263555", has_ir_suite=True,
    )
    elsewhere = SiteFactory(trust=trust_x, ods_code="RZZ01", name="Elsewhere General")
    return World(
        network=network,
        other_network=other,
        preston=preston,
        chorley=chorley,
        blackburn=blackburn,
        trust_a=trust_a,
        trust_b=trust_b,
        referrer_a=user_in("referrer-a", group=access.REFERRER, network=network,
                           home_site=chorley),
        referrer_b=user_in("referrer-b", group=access.REFERRER, network=network,
                           home_site=blackburn),
        switchboard=user_in("switchboard", group=access.SWITCHBOARD, network=network),
        coordinator=user_in("coordinator", group=access.ROTA_COORDINATOR, network=network),
        lead=user_in("lead", group=access.NETWORK_LEAD, network=network),
        outsider=user_in("outsider", group=access.SWITCHBOARD, network=other,
                         home_site=elsewhere),
        admin=user_in("admin", group=None, is_superuser=True, is_staff=True),
    )


# --- A night on two rotas of one role, for the board's tests (pages and browser) -----------


@pytest.fixture
def clock(monkeypatch):
    """The one fixed clock: ``timezone.now()`` reads ``clock["now"]``; set it to move time.

    Other fixtures (``fixed_now``) set it to their module's instant. The live server of the
    browser tests runs in a thread of this process, so it reads the same clock.
    """
    state = {"now": london(2026, 5, 5, 2, 40).astimezone(UTC)}  # Tuesday: 4 May is a bank holiday
    monkeypatch.setattr(timezone, "now", lambda: state["now"])
    return state


@pytest.fixture
def night(world, clock):
    """An out-of-hours rota with Dr Alpha on the night of 4 May, an in-hours one from 08:00."""
    ooh = RotaFactory(network=world.network, slug="ir-ooh", name="IR out of hours",
                      role="ir-consultant", required_coverage="out_of_hours",
                      based_at=world.preston, ask_for="the on-call IR consultant")
    day = RotaFactory(network=world.network, slug="ir-day", name="IR in hours",
                      role="ir-consultant", required_coverage="in_hours",
                      based_at=world.preston, ask_for="the on-call IR consultant")
    alpha = ClinicianFactory(name="Dr Alpha", home_trust=world.trust_a)
    bravo = ClinicianFactory(name="Dr Bravo", home_trust=world.trust_a)
    ContactMethodFactory(clinician=alpha, kind="mobile", value="07700 900111",
                         visibility="switchboard")
    ContactMethodFactory(clinician=alpha, kind="bleep", value="2345", visibility="staff",
                         site=world.preston)
    ShiftFactory(rota=ooh, clinician=alpha, start=london(2026, 5, 4, 17),
                 end=london(2026, 5, 5, 8))
    ShiftFactory(rota=day, clinician=bravo, start=london(2026, 5, 5, 8),
                 end=london(2026, 5, 5, 17))
    return ooh, day, alpha, bravo


_browser_tests_run = 0


def pytest_runtest_logreport(report):
    global _browser_tests_run
    if report.when == "call" and report.passed and "browser" in report.keywords:
        _browser_tests_run += 1


def pytest_sessionfinish(session, exitstatus):
    import os

    if (
        os.environ.get("REQUIRE_BROWSER_TESTS") == "1"
        and exitstatus == 0
        and not session.config.option.collectonly
        and _browser_tests_run == 0
    ):
        session.exitstatus = 1
        print("\nREQUIRE_BROWSER_TESTS=1 but no browser test ran and passed.")
