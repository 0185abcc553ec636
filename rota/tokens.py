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


def revoke(secret: ApiToken | FeedToken, *, at: datetime) -> ApiToken | FeedToken:
    """Revoke an API token or a calendar feed from ``at``; revoking twice keeps the first."""
    if secret.revoked_at is None:
        secret.revoked_at = at
        secret.save(update_fields=["revoked_at"])
    return secret


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
