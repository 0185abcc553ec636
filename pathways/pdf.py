"""A pathway version as an accessible A4 PDF, rendered once and cached.

The PDF carries the version's facts, "Uncontrolled when printed" with a QR
code to the live page at the service's canonical address (``SITE_URL``,
never the host of whoever asked first), the flowchart in parts that need no
shrinking, and the same pathway as structured text with each outcome's
contact routes by role and switchboard: no person, no personal number.

It is tagged PDF/UA-1 with its language and title set. The cache key is a
digest of everything printed (:meth:`PrintedVersion.fingerprint`), so a new
switchboard number, review date, title or the version's retirement renders
it again, and nothing else does.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from pathways.flowchart import A4_LANDSCAPE, A4_PORTRAIT, flowchart
from pathways.printing import PrintedVersion
from rota.calendars import local
from rota.pdf import css_string, render_pdf

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60 * 24 * 30
# Heights of page 1's title block and of a part's caption, in points: what the
# first part of the chart gives up to share page 1 with the title.
HEADER_HEIGHT = 110.0
CAPTION_HEIGHT = 18.0


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    filename: str
    cache_hit: bool


def live_url(slug: str) -> str:
    """The pathway's live page at the service's canonical address."""
    return settings.SITE_URL + reverse("pathways:pathway", args=[slug])


def stamp_for(printed: PrintedVersion) -> str:
    if printed.is_retired:
        when = local(printed.retired_at).strftime("%-d %B %Y") if printed.retired_at else ""
        return f"SUPERSEDED on {when}: do not use" if when else "SUPERSEDED: do not use"
    if printed.is_draft:
        return "DRAFT: not for clinical use"
    return ""


def _chart(printed: PrintedVersion):
    """The chart's parts, and whether the first needs a page of its own."""
    whole = flowchart(printed.tree, printed.summaries, title=printed.title)
    page = A4_LANDSCAPE if whole.orientation == "landscape" else A4_PORTRAIT
    under_header = flowchart(
        printed.tree, printed.summaries, title=printed.title, page=whole.orientation,
        first_height=page[1] - HEADER_HEIGHT - CAPTION_HEIGHT,
    )
    if len(under_header.parts) <= len(whole.parts):
        return under_header, False
    return whole, True


def render_pathway_pdf(printed: PrintedVersion) -> bytes:
    """The PDF of ``printed`` (no cache); see :func:`pathway_pdf`."""
    chart, first_own_page = _chart(printed)
    url = live_url(printed.slug)
    stamp = stamp_for(printed)
    parts = [
        {"src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()}
        for svg in chart.svgs
    ]
    html = render_to_string("pdf/pathway.html", {
        "printed": printed,
        "status_words": printed.status,
        "published": local(printed.published_at).strftime("%-d %B %Y")
        if printed.published_at else "",
        "stamp": stamp,
        "live_url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
        "parts": parts,
        "first_own_page": first_own_page,
        "orientation": chart.orientation,
    })
    running = f"{printed.title}, version {printed.number}. Uncontrolled when printed: " \
              f"check the live version at {url}"
    page_css = (
        f"@page {{ size: A4 {chart.orientation};"
        f" @bottom-left {{ content: {css_string(running)}; font-size: 8pt; width: 75%; }}"
        f" @top-center {{ content: {css_string(stamp or printed.title)};"
        f" font-size: {'14pt' if stamp else '9pt'}; font-weight: bold;"
        f" color: {'#d5281b' if stamp else '#425563'}; }} }}"
        " .chart-part img { max-width: 100%; }"
    )
    return render_pdf(html, page_css=page_css)


def pdf_filename(printed: PrintedVersion) -> str:
    suffix = {"draft": "-DRAFT", "retired": "-SUPERSEDED"}.get(printed.status, "")
    return f"{printed.slug}-v{printed.number}{suffix}.pdf"


def pathway_pdf(printed: PrintedVersion) -> RenderedPdf:
    """The PDF of ``printed``, from the cache when nothing printed has changed."""
    key = f"pathway-pdf:{printed.version_id}:{printed.fingerprint(settings.SITE_URL)}"
    content = cache.get(key)
    if content is not None:
        return RenderedPdf(content, pdf_filename(printed), cache_hit=True)
    content = render_pathway_pdf(printed)
    cache.set(key, content, CACHE_SECONDS)
    logger.info("Rendered %s (%d bytes)", pdf_filename(printed), len(content))
    return RenderedPdf(content, pdf_filename(printed), cache_hit=False)
