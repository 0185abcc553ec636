"""What every API resource shares: lookups by slug, instants in query strings, network filters.

Both apps' API modules (:mod:`rota.api`, :mod:`pathways.api`) build on these,
so a slug, an instant or a network filter is read and refused the same way
everywhere.
"""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound

from api.errors import ApiError
from api.timeparse import InstantError, parse_instant
from rota.models import Network

# What a slug can be (an ODS code: common.ods). Anything else cannot exist, and is refused
# before it reaches the database (PostgreSQL rejects text with NUL bytes with an error).
SLUG_PATTERN = "[-a-zA-Z0-9_]+"


def instant_param(request, name: str, *, now):
    """Query parameter ``name`` as an instant (``now`` when absent); 400 when unusable."""
    try:
        return parse_instant(request.query_params.get(name), now=now)
    except InstantError as error:
        raise ApiError(error.message, code=error.code, field=name) from error


def row_by_slug(model, request, name: str):
    """The ``model`` row whose slug is query parameter ``name``; 400 when there is none."""
    slug = request.query_params.get(name)
    if not slug:
        return None
    found = (
        model.objects.filter(slug=slug).first() if re.fullmatch(SLUG_PATTERN, slug) else None
    )
    if found is None:
        noun = model._meta.verbose_name
        raise ApiError(f"No {noun} is called {slug!r}.", code="does_not_exist", field=name)
    return found


NETWORK_FILTER = OpenApiParameter(
    "network", str, description="Only this network (its slug, e.g. lsc).", required=False
)


class NetworkFilteredViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only resource whose list takes ``?network=<slug>``; ``network_path`` reaches it."""

    network_path = "network"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            network = row_by_slug(Network, self.request, "network")
            if network is not None:
                queryset = queryset.filter(**{self.network_path: network})
        return queryset


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([permissions.AllowAny])
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a 404 in the error shape."""
    hint = "" if request.path.endswith("/") else " API addresses end with a slash."
    raise NotFound(f"There is no API endpoint at {request.path}.{hint}")
