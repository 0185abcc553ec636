"""Production settings: `check --deploy` is clean, and bad values stop the start-up."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    # A deployment's environment, not the test run's (which may allow async-unsafe calls).
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def production_env(**extra) -> dict:
    return {"SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "false",
            "ALLOWED_HOSTS": "ir.example.nhs.uk", **extra}


def test_check_deploy_with_production_settings_reports_no_issues():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_redirects_to_https_except_the_health_check():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_REDIRECT_EXEMPT,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    result = _manage("shell", "-c", code, **production_env(BEHIND_TLS_PROXY="true"))
    assert result.stdout.strip().splitlines()[-1] == (
        "True 31536000 ['^healthz/?$'] ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), result.stderr


def test_mail_without_a_sender_stops_start_up_naming_the_variable():
    result = _manage("check", **production_env(EMAIL_HOST="smtp.example.nhs.uk"))
    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL must be set when EMAIL_HOST is set" in result.stderr
