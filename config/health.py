"""``/healthz``: whether this server process can answer, for load balancers and monitoring."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config import outage
from rota.presentation import iso


@never_cache
def healthz(request) -> JsonResponse:
    """200 when the database answers, 503 when it does not; either way, what was found."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database, status = "ok", 200
    except DatabaseError:
        database, status = "unreachable", 503
    return JsonResponse({
        "status": "ok" if status == 200 else "unavailable",
        "database": database,
        "hub_switchboards": {
            "networks": len(outage.hub_switchboards()),
            "loaded_at": iso(outage.copy_loaded_at()),
        },
    }, status=status)
