"""Who calls the API: API tokens as principals, and the throttles for anonymous and token callers.

An API token authenticates as a :class:`TokenPrincipal`, a user-like object
holding the token's role and network in the form :func:`rota.access.viewer_for`
reads, so that a token sees and may do exactly what a user with that role in
that network sees and may do. Tokens are issued and revoked by :mod:`rota.tokens`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions, throttling
from rest_framework.settings import api_settings

from common.history import acting
from rota.models import ApiToken
from rota.tokens import secret_hash

logger = logging.getLogger(__name__)

# Writing last_used_at on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
    return acting(user)


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
            .filter(secret_hash=secret_hash(secret))
            .first()
        )
        if token is None:
            logger.warning("token refused", extra={"reason": "unknown", "prefix": secret[:8]})
            raise exceptions.AuthenticationFailed("This API token is not valid.")
        if token.revoked_at is not None:
            logger.warning("token refused", extra={"reason": "revoked", "prefix": token.prefix})
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

    def throttle_failure(self):
        logger.warning("throttled", extra={"scope": self.scope, "rate": self.rate})
        return super().throttle_failure()


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
