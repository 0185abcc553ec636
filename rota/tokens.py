"""Secrets for systems: API tokens and calendar-feed addresses, issued and revoked.

Only SHA-256 hashes of secrets are stored. How an API token authenticates a
request, and how token callers are throttled, is :mod:`api.authentication`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime

from django.db import transaction

from rota.models import ApiToken, Clinician, FeedToken, Network, Rota

logger = logging.getLogger(__name__)

API_TOKEN_PREFIX = "ir_"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


# --- Services ------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, name: str, role: str, network: Network, created_by, throttle_rate: str = ""
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is not stored and cannot be shown again."""
    secret = _new_secret(API_TOKEN_PREFIX)
    token = ApiToken(
        name=name, role=role, network=network, throttle_rate=throttle_rate,
        created_by=created_by, prefix=secret[:8], secret_hash=secret_hash(secret),
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
        prefix=secret[:8], secret_hash=secret_hash(secret),
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
    feeds = FeedToken.objects.filter(secret_hash=secret_hash(secret), revoked_at__isnull=True)
    feeds = feeds.filter(rota__isnull=False) if kind == "rota" else feeds.filter(
        clinician__isnull=False
    )
    return feeds.select_related("rota", "clinician").first()


def feed_path(feed: FeedToken, secret: str) -> str:
    kind = "rota" if feed.rota_id else "clinician"
    return f"/feeds/{kind}/{secret}.ics"
