"""The pathway PDFs: the published version's, and any version's by number.

Thin adapters over :mod:`pathways.printing` and :mod:`pathways.pdf`. Published
and retired versions are public, like the pathway page (a retired one prints
SUPERSEDED across every page); a draft only for its network's leads and
admins, and anyone else is told it does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from pathways.models import Pathway, VersionStatus, published_version
from pathways.pdf import pathway_pdf
from pathways.printing import printed_version
from rota.access import Kind, may_read

# PostgreSQL's integer: a longer number in the address is no version, not an error.
LARGEST_VERSION = 2**31 - 1


def _pdf_response(rendered, *, private: bool) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{rendered.filename}"'
    response["X-PDF-Cache"] = "hit" if rendered.cache_hit else "miss"
    # A published PDF changes when a switchboard number does: keep browsers' copies short.
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


@require_safe
def pathway_pdf_view(request, slug):
    pathway = get_object_or_404(Pathway, slug=slug)
    version = published_version(pathway)
    if version is None:
        raise Http404(
            f"{pathway.title} has no published version to print. Ask the network's lead."
        )
    return _pdf_response(pathway_pdf(printed_version(version)), private=False)


@require_safe
def version_pdf_view(request, slug, number):
    pathway = get_object_or_404(Pathway, slug=slug)
    version = (
        pathway.versions.filter(number=number).first() if number <= LARGEST_VERSION else None
    )
    hidden = version is not None and version.status == VersionStatus.DRAFT and not (
        may_read(request.user, Kind.DRAFT, pathway.network_id)
    )
    if version is None or hidden:
        raise Http404(
            f"{pathway.title} has no version {number} that you can print. "
            f"The published version is at /pathways/{pathway.slug}.pdf."
        )
    draft = version.status == VersionStatus.DRAFT
    return _pdf_response(pathway_pdf(printed_version(version)), private=draft)
