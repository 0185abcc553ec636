"""Tagged PDFs with WeasyPrint: the one way this service makes a PDF.

The pathway PDFs and the rota pack both render through :func:`render_pdf`:
A4 pages styled by ``templates/pdf/print.css`` plus a few rules per document
(page size, running header and footer), tagged PDF/UA-1. Nothing is fetched
from the network: a printed page must never depend on, or leak to, another host.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

STYLESHEET = Path(settings.BASE_DIR) / "templates" / "pdf" / "print.css"


def css_string(text: str) -> str:
    """``text`` as a CSS string literal, for running headers set per document."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _local_only(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    base = Path(settings.BASE_DIR).resolve().as_uri()
    if url.startswith("data:") or url.startswith(f"{base}/"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"A PDF fetches nothing from {url[:60]}")


def render_pdf(html: str, *, page_css: str) -> bytes:
    """``html`` as a tagged PDF/UA-1 document, with the shared stylesheet and ``page_css``."""
    from weasyprint import CSS, HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_only)
    return document.write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET)), CSS(string=page_css)],
        pdf_variant="pdf/ua-1",
    )
