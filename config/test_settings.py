"""Settings for the test suite: the real settings with safe defaults for secrets."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOW_DEMO_SEED", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

# axe-core for the browser tests, served from the service's own origin as the
# Content Security Policy requires; never part of a deployment.
_AXE = BASE_DIR / "node_modules" / "axe-core"  # noqa: F405
if _AXE.exists():
    STATICFILES_DIRS = [*STATICFILES_DIRS, ("axe", _AXE)]  # noqa: F405
