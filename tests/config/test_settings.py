"""SITE_URL: required in production and refused when it is not a bare address."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SITE_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.SITE_URL)"],
        cwd=ROOT, env={**clean, "SECRET_KEY": "x", **env}, capture_output=True, text=True,
    )


@pytest.mark.parametrize(("env", "printed"), [
    ({"SITE_URL": "https://ir-pathways.example.nhs.uk/"}, "https://ir-pathways.example.nhs.uk"),
    ({"DEBUG": "true"}, "http://127.0.0.1:8000"),
])
def test_settings_site_url_is_read_from_the_environment(env, printed):
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


@pytest.mark.parametrize(("env", "message"), [
    ({}, "SITE_URL must be set when DEBUG is off"),
    ({"SITE_URL": "ir-pathways.example.nhs.uk"}, "SITE_URL must be a scheme and host"),
    ({"SITE_URL": "https://example.nhs.uk/pathways"}, "SITE_URL must be a scheme and host"),
])
def test_settings_site_url_refuses_to_start_without_a_canonical_address(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr
