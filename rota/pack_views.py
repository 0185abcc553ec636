"""The printable rota pack's page: /rota/pack.pdf.

Thin adapters over :mod:`rota.pack`; the instant is read once per request.
A refusal is a page that says what to change, never a 500.
"""

from __future__ import annotations

import re

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from rota.models import Network
from rota.pack import (
    EDITIONS,
    MAX_DAYS,
    MIN_DAYS,
    load_pack,
    pack_editions_for,
    pack_filename,
    render_pack_pdf,
)

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def _refuse(request, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "problem.html", {
        "title": title, "message": message, "link": "/", "link_text": "Go to the start page",
    }, status=status)


def _days(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return 7
    if not (raw.isascii() and raw.isdigit()) or not MIN_DAYS <= int(raw) <= MAX_DAYS:
        return None
    return int(raw)


@require_safe
def pack_pdf(request):
    """``GET /rota/pack.pdf?network=<slug>&days=7&edition=staff|switchboard``."""
    slug = request.GET.get("network", "")
    if not slug:
        return _refuse(request, 400, "Say which network",
                       "Add the network to the address, e.g. /rota/pack.pdf?network=lsc.")
    # Checked before the query: a NUL or other stray byte must be a 404, not a database error.
    network = Network.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if network is None:
        return _refuse(request, 404, "No such network",
                       f"There is no network '{slug[:60]}'. Check the address.")
    days = _days(request.GET.get("days"))
    if days is None:
        return _refuse(request, 400, "Choose how many days",
                       f"days must be a whole number from {MIN_DAYS} to {MAX_DAYS}, "
                       "e.g. days=7.")
    edition = request.GET.get("edition") or "staff"
    if edition not in EDITIONS:
        return _refuse(request, 400, "Choose an edition",
                       "edition must be staff (names and staff contacts) or switchboard "
                       "(every contact, personal numbers included).")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if edition not in pack_editions_for(request.user, network.id):
        message = (
            f"The {edition} edition of the {network.name} pack is for "
            + ("its switchboard, rota coordinators and leads." if edition == "switchboard"
               else "staff of the network.")
        )
        return _refuse(request, 403, "You cannot print this pack", message)
    pack = load_pack(network, edition=edition, made_at=timezone.now(), days=days)
    response = HttpResponse(render_pack_pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pack_filename(pack)}"'
    response["Cache-Control"] = "private, no-store"
    return response
