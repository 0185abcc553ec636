"""Printing benchmarks: the largest pathway's PDF (first and cached) and the 7-day rota pack.

    .venv/bin/python bench/printing.py            # a fresh SQLite file in a temporary directory

PDF timings depend on the machine far more than on this code, so each case is
reported beside a floor measured in the same run: WeasyPrint rendering a
one-line tagged PDF. The ratio to the floor is what to compare between runs
and machines; docs/performance.md keeps the last figures.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ANCHOR = date(2026, 10, 20)  # the pack's week then holds the October clock change


def _configure() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="ir-oncall-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("SITE_URL", "https://ir-pathways.example.nhs.uk")
    os.environ.setdefault("ALLOW_DEMO_SEED", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--anchor", ANCHOR.isoformat(), stdout=io.StringIO())


def _time(run, repeats: int, setup=None) -> list[float]:
    run() if setup is None else (setup(), run())  # warm-up: imports, fonts, templates
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = perf_counter()
        run()
        times.append((perf_counter() - start) * 1000)
    return times


def main() -> int:
    _configure()
    from django.core.cache import cache
    from django.db.models import Count
    from weasyprint import HTML

    from pathways.models import PathwayVersion
    from pathways.pdf import pathway_pdf
    from pathways.printing import printed_version
    from rota.models import Network
    from rota.pack import load_pack, render_pack_pdf

    largest = (
        PathwayVersion.objects.published().annotate(size=Count("nodes"))
        .order_by("-size").select_related("pathway").first()
    )
    network = Network.objects.get(slug="lsc")
    made_at = datetime(2026, 10, 22, 6, 0, tzinfo=UTC)

    def floor():
        HTML(string="<html lang='en-GB'><title>Floor</title><p>One line.</p></html>").write_pdf(
            pdf_variant="pdf/ua-1")

    def pathway():
        return pathway_pdf(printed_version(largest))

    def pack():
        return render_pack_pdf(load_pack(network, edition="switchboard", made_at=made_at,
                                         days=7))

    cases = [
        ("floor: one-line tagged PDF (WeasyPrint)", _time(floor, 10)),
        (f"pathway PDF, first render ({largest.pathway.slug}, {largest.size} nodes)",
         _time(pathway, 5, setup=cache.clear)),
        (f"pathway PDF, cached ({largest.pathway.slug})", _time(pathway, 30)),
        ("rota pack, 7 days, switchboard edition", _time(pack, 5)),
    ]
    floor_ms = statistics.median(cases[0][1])
    print("| case | median | max | × floor |")
    print("| --- | --- | --- | --- |")
    for name, times in cases:
        median = statistics.median(times)
        print(f"| {name} | {median:.0f} ms | {max(times):.0f} ms | {median / floor_ms:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
