"""Structured logs: one event per write or refusal, with references and ids, no patient data."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from pathways.decisions import referral_record
from pathways.publishing import version_create_draft, version_publish, version_retire
from rota import services
from tests.factories import london
from tests.web.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def events(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == name]


def test_decision_logged_with_reference_pathway_version_and_site(world, published, caplog):
    _, version = published
    caplog.set_level(logging.INFO)
    _, decision = referral_record(version=version, answers={"bleeding": "yes"},
                                  referring_site=world.chorley, user=None, at=None, now=NOW,
                                  channel="web")
    [event] = events(caplog, "decision logged")
    assert (event.reference, event.pathway, event.version_id, event.referring_site,
            event.channel) == (decision.reference, "vascular-test", version.pk, "RXN01", "web")


def test_publish_and_retire_are_logged(world, published, caplog):
    pathway, version = published
    caplog.set_level(logging.INFO)
    draft = version_create_draft(pathway=pathway, user=world.lead)
    version_publish(version=draft, user=world.lead, now=NOW)
    [event] = events(caplog, "version published")
    assert (event.pathway, event.version, event.retired, event.user_id) == (
        "vascular-test", 2, 1, world.lead.pk
    )


def test_retire_is_logged(world, published, caplog):
    _, version = published
    caplog.set_level(logging.INFO)
    version_retire(version=version, user=world.lead, now=NOW)
    [event] = events(caplog, "version retired")
    assert (event.name, event.pathway, event.version, event.user_id) == (
        "pathways.publishing", "vascular-test", version.number, world.lead.pk
    )


def test_cover_and_divert_writes_are_logged(world, rotas, caplog):
    caplog.set_level(logging.INFO)
    cover = services.cover_create(
        rota=rotas.day, covering=rotas.night_clinician, replaces=rotas.day_clinician,
        start=london(2026, 4, 1, 9), end=london(2026, 4, 1, 12), user=world.coordinator,
    )
    divert = services.divert_create(
        rota=rotas.day, start=london(2026, 4, 2, 9), end=london(2026, 4, 2, 12),
        reason="Suite closed", to_rota=rotas.vascular, user=world.coordinator,
    )
    [covered] = events(caplog, "cover written")
    [diverted] = events(caplog, "divert written")
    assert (covered.name, covered.id, covered.rota_id, covered.user_id) == (
        "rota.services", cover.pk, rotas.day.pk, world.coordinator.pk
    )
    assert (diverted.id, diverted.rota_id) == (divert.pk, rotas.day.pk)
    # Ids only: no names, reasons or numbers.
    assert not hasattr(covered, "reason") and not hasattr(diverted, "reason")


@pytest.fixture
def fresh_throttles():
    # Throttle counts (and axes' failures) live in the cache: none before, none left after.
    cache.clear()
    yield
    cache.clear()


def test_throttled_is_a_warning(world, settings, fresh_throttles, caplog):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "token": "1/min"}}
    caplog.set_level(logging.INFO)
    client = APIClient()
    assert [client.get("/api/v1/networks/").status_code for _ in range(2)] == [200, 429]
    [event] = events(caplog, "throttled")
    assert (event.name, event.levelname, event.scope, event.rate) == (
        "api.authentication", "WARNING", "anon", "1/min"
    )


def test_lockout_is_a_warning(world, settings, fresh_throttles, caplog):
    settings.AXES_FAILURE_LIMIT = 2
    caplog.set_level(logging.INFO)
    client = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "switchboard", "password": "wrong"})
    [paused] = events(caplog, "sign-in paused")
    assert (paused.name, paused.levelname, paused.username) == (
        "rota.sessions", "WARNING", "switchboard"
    )
    assert len(events(caplog, "sign-in refused")) == 2


def test_cover_leave_and_note_writes_are_logged(world, rotas, caplog):
    caplog.set_level(logging.INFO)
    services.leave_create(clinician=rotas.day_clinician, start=london(2026, 4, 1),
                          end=london(2026, 4, 2), user=world.coordinator)
    [event] = events(caplog, "leave written")
    assert (event.clinician_id, event.user_id) == (rotas.day_clinician.pk, world.coordinator.pk)


def test_token_refused_and_sign_in_refused_are_warnings(world, caplog):
    caplog.set_level(logging.INFO)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token ir_not-a-real-token")
    assert client.get("/api/v1/networks/").status_code == 401
    Client().post("/accounts/login/", {"username": "switchboard", "password": "wrong"})
    [refused] = events(caplog, "token refused")
    [sign_in] = events(caplog, "sign-in refused")
    assert (refused.levelname, refused.reason, sign_in.levelname, sign_in.username) == (
        "WARNING", "unknown", "WARNING", "switchboard"
    )


def _start(**env):
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50,
                    "DEBUG": "false", "ALLOWED_HOSTS": "ir.example.nhs.uk",
                    "SITE_URL": "https://ir.example.nhs.uk", **env}
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                           "import logging; logging.getLogger('probe').warning('hello')"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


def test_logs_are_json_lines_with_time_level_and_logger():
    result = _start()
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "probe", "hello")
    assert "time" in line


@pytest.mark.parametrize("env, message", [
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must be a Redis URL"),
    ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name the host names"),
])
def test_settings_refuse_a_bad_value_naming_the_variable(env, message):
    result = _start(**env)
    assert result.returncode != 0 and message in result.stderr
