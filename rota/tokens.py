"""Secrets for systems: API tokens and calendar-feed addresses.

An API token authenticates as a :class:`TokenPrincipal`, a user-like object
holding the token's role and network in the form :func:`rota.access.viewer_for`
reads, so that a token sees and may do exactly what a user with that role in
that network sees and may do. Only SHA-256 hashes of secrets are stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions, throttling
from rest_framework.settings import api_settings

from rota.models import ApiToken, Clinician, FeedToken, Network, Rota

API_TOKEN_PREFIX = "ir_"
# Writing last_used_at on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


class TokenPrincipal:
    """Who an API token acts as: its role, in its network only, never an admin."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = id = None

    def __init__(self, token: ApiToken) -> None:
        self.token = token
        self.username = f"token {token.prefix}"
        # Where rota.access caches a user's roles per network.
        self._roles_by_network = {token.network_id: frozenset({token.role})}

    def __str__(self) -> str:
        return f"API token {self.token.name} ({self.token.prefix}…)"


def acting_user(user):
    """The user a write is recorded against: for a token, the admin who issued it."""
    if isinstance(user, TokenPrincipal):
        return user.token.created_by
    return user if getattr(user, "is_authenticated", False) else None


# --- Services ------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, name: str, role: str, network: Network, created_by, throttle_rate: str = ""
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is not stored and cannot be shown again."""
    secret = _new_secret(API_TOKEN_PREFIX)
    token = ApiToken(
        name=name, role=role, network=network, throttle_rate=throttle_rate,
        created_by=created_by, prefix=secret[:8], secret_hash=_hash(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken, at: datetime) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = at
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def feed_token_create(
    *, created_by, rota: Rota | None = None, clinician: Clinician | None = None, name: str = ""
) -> tuple[FeedToken, str]:
    """A new calendar-feed secret for a rota or a clinician; shown once."""
    secret = _new_secret()
    feed = FeedToken(
        rota=rota, clinician=clinician, name=name, created_by=created_by,
        prefix=secret[:8], secret_hash=_hash(secret),
    )
    feed.full_clean()
    feed.save()
    return feed, secret


def feed_token_revoke(*, feed: FeedToken, at: datetime) -> FeedToken:
    if feed.revoked_at is None:
        feed.revoked_at = at
        feed.save(update_fields=["revoked_at"])
    return feed


def feed_for_secret(secret: str, *, kind: str) -> FeedToken | None:
    """The live feed of ``kind`` ('rota' or 'clinician') with this secret, if any."""
    feeds = FeedToken.objects.filter(secret_hash=_hash(secret), revoked_at__isnull=True)
    feeds = feeds.filter(rota__isnull=False) if kind == "rota" else feeds.filter(
        clinician__isnull=False
    )
    return feeds.select_related("rota", "clinician").first()


def feed_path(feed: FeedToken, secret: str) -> str:
    kind = "rota" if feed.rota_id else "clinician"
    return f"/feeds/{kind}/{secret}.ics"


# --- DRF adapters --------------------------------------------------------


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <secret>`` (or ``Bearer <secret>``)."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Token <secret>', with no spaces in the secret."
            )
        try:
            secret = header[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("This API token is not valid.") from error
        token = (
            ApiToken.objects.select_related("network", "created_by")
            .filter(secret_hash=_hash(secret))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("This API token is not valid.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API token has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            # ApiToken has no history; update() keeps this a single cheap write.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return TokenPrincipal(token), token

    def authenticate_header(self, request) -> str:
        return 'Token realm="api"'


class _SettingsRateThrottle(throttling.SimpleRateThrottle):
    """Reads its rate from the current settings on each request, so tests can change it."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_SettingsRateThrottle):
    """Callers who are neither signed in nor using a token, by IP address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiTokenThrottle(_SettingsRateThrottle):
    """Each token by itself, at its own rate or the default token rate.

    Signed-in users (session) are never throttled: a clinician mid-referral
    must not be told to wait.
    """

    scope = "token"

    def allow_request(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None:
            return True
        self.rate = token.throttle_rate or self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
