"""Settings, all from the environment.

A bad value stops the process at start-up with a message naming the variable:
a service that clinicians act on must not start half-configured.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from error


DEBUG = _env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rota",
    "pathways",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from error
    if DATABASES["default"]["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (or SQLite for trials)")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }

_redis_url = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_NHSUK_DIST = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist"
STATICFILES_DIRS = [BASE_DIR / "static"] + ([_NHSUK_DIST] if _NHSUK_DIST.exists() else [])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# How far ahead rotation patterns are turned into shifts by generate_shifts.
ROTA_GENERATION_HORIZON_DAYS = _env_int("ROTA_GENERATION_HORIZON_DAYS", 91)
# seed_demo creates users with a published password: never on a live database.
ALLOW_DEMO_SEED = _env_bool("ALLOW_DEMO_SEED", DEBUG)


# --- Printing (pathway PDFs, the rota pack, the nightly fallback pack) ---
# The canonical address printed on paper (QR codes, "check the live version"):
# never the host of whoever first asked for a PDF, which a cache would keep.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DEBUG is off, e.g. https://ir-pathways.example.nhs.uk"
        )
    SITE_URL = "http://127.0.0.1:8000"
if not SITE_URL.startswith(("https://", "http://")) or "/" in SITE_URL.split("://", 1)[1]:
    raise ImproperlyConfigured(
        f"SITE_URL must be a scheme and host such as https://ir-pathways.example.nhs.uk, "
        f"not {SITE_URL!r}"
    )
# Folders that export_fallback_pack writes (each holds a `current` link); /healthz
# reports the age of each pack and warns when one is older than this many hours.
FALLBACK_PACK_DIRS = _env_list("FALLBACK_PACK_DIRS", [])
FALLBACK_PACK_MAX_AGE_HOURS = _env_int("FALLBACK_PACK_MAX_AGE_HOURS", 26)


def _env_rate(name: str, default: str) -> str:
    raw = os.environ.get(name) or default
    number, _, period = raw.partition("/")
    if not (number.isdigit() and int(number) > 0 and period[:1] in {"s", "m", "h", "d"}):
        raise ImproperlyConfigured(f"{name} must be a rate such as 600/min, not {raw!r}")
    return raw


# Token first: its WWW-Authenticate header makes an unauthenticated call a 401.
# Session users (clinicians in the pages) are never throttled.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rota.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rota.tokens.AnonymousThrottle",
        "rota.tokens.ApiTokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _env_rate("API_ANON_RATE", "120/min"),
        "token": _env_rate("API_TOKEN_RATE", "600/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "rota.api_errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "IR on-call pathway service API",
    "DESCRIPTION": (
        "Who is on call for interventional radiology rotas, and the emergency IR pathways. "
        "Every refusal (4xx) has the shape {\"error\": {\"code\", \"message\", \"field\"}}. "
        "Times are ISO 8601; without an offset they are Europe/London wall time."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several fields are called kind or status; each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "ContactKindEnum": "rota.models.ContactKind",
        "OnCallStatusEnum": ["on_call", "gap", "diverted", "outside_hours"],
        "NodeKindEnum": "pathways.models.NodeKind",
        "PathStepKindEnum": ["question", "time_window", "referring_site"],
        "StepKindEnum": "pathways.models.StepKind",
        "VersionStatusEnum": "pathways.models.VersionStatus",
        "EvaluationStatusEnum": ["question", "outcome"],
    },
    # Served from drf-spectacular-sidecar's static files: hospital networks are offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

SESSION_ENGINE = "config.sessions"

if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
