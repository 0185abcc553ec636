"""Settings for the load bench: the product's settings, its URLs plus the floor.

Only ``bench/load.py`` starts a server with these. Everything a request meets
(middleware, authentication, renderer, throttle classes) is the product's; the
bench changes only what would otherwise stop the measurement: throttles raised
far above any load it sends, and plain HTTP on loopback.
"""

import os

# The bench serves loopback only; the product refuses to start without these.
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")

from config.settings import *  # noqa: E402, F403
from config.settings import REST_FRAMEWORK  # noqa: E402

ROOT_URLCONF = "bench.urls"
# Measured as deployed: DEBUG would record every query and slow each request.
DEBUG = False

# Every request comes from 127.0.0.1: at the product's rate the anonymous
# cases would measure the throttle's 429 instead of the answer.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000/min", "token": "1000000/min"},
}

# The bench speaks plain HTTP to gunicorn on loopback, as a TLS proxy would.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
