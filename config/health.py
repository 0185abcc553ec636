"""``/healthz``: whether this server process can answer, for load balancers and monitoring.

One address reports everything a night's safety depends on: the database, the
copy of hub switchboard numbers the outage page reads, and the age of each
fallback paper pack. A stale pack is a warning, not a failure: a load balancer
must not take the service away because last night's paper copy was not made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config import outage
from pathways.fallback_pack import fallback_pack_status
from rota.presentation import iso


@never_cache
@require_safe
def healthz(request) -> JsonResponse:
    """200 when the database answers (``warn`` if a pack is stale), 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unreachable"
    now = timezone.now()
    packs = [
        fallback_pack_status(folder, now=now, max_age_hours=settings.FALLBACK_PACK_MAX_AGE_HOURS)
        for folder in settings.FALLBACK_PACK_DIRS
    ]
    warnings = [pack.warning for pack in packs if pack.warning]
    if database != "ok":
        status, code = "unavailable", 503
        warnings.insert(0, "The database does not answer.")
    else:
        status, code = ("warn" if warnings else "ok"), 200
    return JsonResponse({
        "status": status,
        "database": database,
        "warnings": warnings,
        "fallback_packs": [pack.as_dict() for pack in packs],
        "hub_switchboards": {
            "networks": len(outage.hub_switchboards()),
            "loaded_at": iso(outage.copy_loaded_at()),
        },
    }, status=code)
