"""Each control test fails when its control is taken away: a mutation-style check.

A test that still passes with its control removed verifies nothing. For five
controls of the hazard log, the control is disabled here (monkeypatched or
configured away) and the test named for it in the log is run: it must fail.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from config.hazard_log import load

NAMED = {t for h in load() for c in h["controls"] for t in c["tests"]}


def named(path: str, name: str):
    """The control test ``path::name``, which the log must name."""
    assert f"{path}::{name}" in NAMED
    module = __import__(path.removesuffix(".py").replace("/", "."), fromlist=[name])
    return getattr(module, name)


def test_h15_cover_across_networks_bites_without_the_same_network_rule(
    world, rotas, monkeypatch
):
    control_test = named("tests/security/test_access_holes.py",
                         "test_api_cover_with_another_networks_clinician_is_refused")
    monkeypatch.setattr("rota.models.require_same_network", lambda rota, **people: None)
    with pytest.raises(AssertionError):
        control_test(world, rotas)


def test_h23_lockout_bites_when_it_counts_by_address_alone(world, settings):
    control_test = named("tests/security/test_access_holes.py",
                         "test_lockout_after_repeated_failures_but_not_for_colleagues")
    settings.AXES_LOCKOUT_PARAMETERS = ["ip_address"]
    with pytest.raises(AssertionError):
        control_test(world, "/accounts/login/")


def test_h06_bank_holiday_bites_without_the_holiday_calendar(world, monkeypatch):
    control_test = named("tests/rota/test_oncall.py",
                         "test_timeline_out_of_hours_rota_requires_bank_holiday")
    monkeypatch.setattr("rota.calendars.bank_holiday", lambda calendar, day: None)
    with pytest.raises(AssertionError):
        control_test(world)


def test_h22_pdf_cache_bites_when_its_key_ignores_what_is_printed(
    world, published, monkeypatch
):
    control_test = named("tests/web/test_pathway_pdf.py",
                         "test_pathway_pdf_is_cached_until_something_printed_changes")
    monkeypatch.setattr("pathways.printing.PrintedVersion.fingerprint",
                        lambda self, site_url: "always-the-same")
    cache.clear()
    try:
        with pytest.raises(AssertionError):
            control_test(Client(), published, world)
    finally:
        cache.clear()


def test_h24_not_now_label_bites_when_the_board_takes_any_time_for_now(
    world, night, monkeypatch
):
    from rota import views

    control_test = named("tests/web/test_board.py",
                         "test_board_at_another_time_is_labelled_not_now")
    real = views.asked_instant
    monkeypatch.setattr(views, "asked_instant",
                        lambda query, now: views.AskedInstant(real(query, now).at, True))
    with pytest.raises(AssertionError):
        control_test(world, night)
