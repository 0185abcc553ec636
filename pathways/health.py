"""``/healthz``: is the service up, and is each fallback pack fresh enough to rely on?"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from pathways.fallback_pack import fallback_pack_status


@require_safe
def healthz(request):
    """200 while the database answers; ``warnings`` name a fallback pack older than allowed.

    A stale pack is a warning, not a failure: a load balancer must not take
    the service away because last night's paper copy was not made.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "fail", "warnings": ["The database does not answer."]},
                            status=503)
    now = timezone.now()
    packs = [
        fallback_pack_status(folder, now=now,
                             max_age_hours=settings.FALLBACK_PACK_MAX_AGE_HOURS)
        for folder in settings.FALLBACK_PACK_DIRS
    ]
    warnings = [pack.warning for pack in packs if pack.warning]
    response = JsonResponse({
        "status": "warn" if warnings else "ok",
        "warnings": warnings,
        "fallback_packs": [pack.as_dict() for pack in packs],
    })
    response["Cache-Control"] = "no-store"
    return response
