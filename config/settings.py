"""Settings, all from the environment.

A bad value stops the process at start-up with a message naming the variable:
a service that clinicians act on must not start half-configured.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from rota.bounds import MAX_REQUEST_BODY_BYTES

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
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the host names the service answers to, e.g. "
        "ir-pathways.example.nhs.uk"
    )
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
    "axes",
    "rota",
    "pathways",
    "demo",
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
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
        # Outage handling: a persistent connection is checked before each
        # request reuses it, so the first request after a database restart does not fail.
        DATABASES = {"default": dj_database_url.parse(
            _database_url, conn_max_age=60, conn_health_checks=True
        )}
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
if _redis_url and not _redis_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must be a Redis URL such as redis://127.0.0.1:6379/0, not {_redis_url!r}"
    )
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

# --- Sign-in lockout (django-axes) -----------------------------------------------------
# Counted by username and address together, never by address alone: a trust's
# staff share one outbound address, and one colleague's typos must not lock out
# the rest of the hospital at night.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.sign_in.locked_out"
AXES_VERBOSE = False
# Behind a reverse proxy, the client's address is the proxy's X-Forwarded-For entry.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Mail: password reset only exists when mail can be sent -------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_PORT = _env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", True)
    DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "")
    if not DEFAULT_FROM_EMAIL:
        raise ImproperlyConfigured("DEFAULT_FROM_EMAIL must be set when EMAIL_HOST is set")
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
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.authentication.AnonymousThrottle",
        "api.authentication.ApiTokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _env_rate("API_ANON_RATE", "120/min"),
        "token": _env_rate("API_TOKEN_RATE", "600/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
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
# Everyone is signed out after SESSION_HOURS; switchboard operators, whose board
# stays open through a twelve-hour shift and its handover, after SWITCHBOARD_SESSION_HOURS.
SESSION_COOKIE_AGE = _env_int("SESSION_HOURS", 8) * 3600
SWITCHBOARD_SESSION_HOURS = _env_int("SWITCHBOARD_SESSION_HOURS", 13)
# Forms and API bodies alike: a page's form is a few kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

# --- Transport security ---------------------------------------------------------------------
# On by default without DEBUG; each can be turned off by its variable for a
# deployment that terminates TLS elsewhere and says so.
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's health check speaks plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if _env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content Security Policy (django-csp), enforced ------------------------------------------
# No inline script or style without the page's nonce; everything else from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # One style attribute, by its hash: django-simple-history's history list
        # writes style="border-top: 0"; every other attribute stays refused.
        "style-src-attr": [
            "'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": [SELF, "data:"],
        # The design system's Frutiger is licensed to be served from the NHS's own CDN;
        # where that is unreachable, pages fall back to Arial.
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}"
    )

# One JSON object per line, with time and level, for the host's log collector.
# Events carry references, slugs and ids, never patient data (there is none).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # django-axes logs every sign-in at INFO; only refusals matter here.
    "loggers": {"axes": {"level": "WARNING"}},
}
