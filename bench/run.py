"""Speed targets for the answers people wait for, measured on the demo network and at scale.

    .venv/bin/python bench/run.py              # a fresh SQLite file in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/run.py   # a dedicated, disposable database

Each case runs a warm-up, then REPEATS timed runs; the report gives the median
and the 95th percentile in milliseconds and the target for the 95th. The exit
status is 1 when a target is missed, so the script can gate a release. Tests
assert query counts; timings live here because they depend on the machine.

The scale case adds seventeen synthetic networks of twelve rotas each, with
daily shifts over the demo period, beside the demo network: England's eighteen
networks in one database. An answer for one network must not slow down as
others are added, because every load is filtered by network.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANCHOR = date(2026, 10, 20)  # the demo period then holds both 2026 clock changes
REPEATS = 30
SCALE_NETWORKS = 17
SCALE_ROTAS = 12


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[], object]
    target_ms: float


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


def _seed_scale(start: datetime, end: datetime) -> None:
    """Seventeen more networks with daily 08:00 handovers, written in bulk."""
    from rota.calendars import instant_at
    from rota.models import Clinician, Network, Rota, Shift, Site, Trust

    if Network.objects.filter(slug="scale-1").exists():
        return
    days = (end - start).days
    for n in range(1, SCALE_NETWORKS + 1):
        network = Network.objects.create(slug=f"scale-{n}", name=f"Scale network {n}")
        trust = Trust.objects.create(network=network, ods_code=f"Z{n:02d}", name=f"Trust Z{n:02d}")
        site = Site.objects.create(
            trust=trust, ods_code=f"Z{n:02d}01", name=f"Hospital Z{n:02d}01",
            short_name=f"Z{n:02d}01", switchboard="0113 496 0000",
        )
        clinicians = Clinician.objects.bulk_create(
            Clinician(name=f"Dr Scale {n}-{i}", role="Consultant", home_trust=trust)
            for i in range(8)
        )
        for r in range(SCALE_ROTAS):
            rota = Rota.objects.create(
                network=network, slug=f"scale-{n}-{r}", name=f"Scale rota {n}-{r}",
                role=f"role-{r}", based_at=site, required_coverage="always",
                ask_for="the consultant on call",
            )
            first = start.date()
            Shift.objects.bulk_create(
                Shift(
                    rota=rota, clinician=clinicians[(d + r) % len(clinicians)],
                    start=instant_at(first + timedelta(days=d), time(8)),
                    end=instant_at(first + timedelta(days=d + 1), time(8)),
                )
                for d in range(days)
            )


def _cases() -> list[Case]:
    from pathways.decisions import referral_record
    from pathways.engine import evaluate_version
    from pathways.models import Pathway
    from rota import ics
    from rota.calendars import instant_at
    from rota.demo import seed_demo_window
    from rota.models import Network, Rota, Site
    from rota.oncall import answer_at
    from rota.selectors import schedule_around, who_is_on_call

    night = instant_at(ANCHOR, time(2, 40))
    network = Network.objects.get(slug="lsc")
    rota = Rota.objects.get(slug="lsc-ir-consultant-ooh")
    blackpool = Site.objects.get(ods_code="RXL01")
    obstetric = Pathway.objects.get(slug="obstetric-ir").versions.get(status="published")
    answers = _complete_answers(obstetric, blackpool, night)

    def board(network_id: int) -> None:
        schedule = schedule_around(network_ids=[network_id], at=night)
        for rota_id in schedule.rotas:
            answer_at(schedule, rota_id, night)

    start, end = seed_demo_window(ANCHOR)
    _seed_scale(start, end)
    scale = Network.objects.get(slug="scale-1")

    return [
        Case("who_is_on_call, one rota", lambda: who_is_on_call(rota, night), 50),
        Case("board, every rota of the demo network", lambda: board(network.id), 150),
        Case("board, one network of eighteen", lambda: board(scale.id), 150),
        Case(
            "evaluate obstetric pathway to its outcome",
            lambda: evaluate_version(
                version=obstetric, answers=answers, referring_site=blackpool, at=night
            ),
            100,
        ),
        Case(
            "referral logged as a decision",
            lambda: referral_record(
                version=obstetric, answers=answers, referring_site=blackpool, user=None,
                at=None, now=night, channel="web",
            ),
            150,
        ),
        Case("rota calendar feed, 17 weeks", lambda: ics.rota_feed(rota, now=night), 300),
    ]


def _complete_answers(version, site, at) -> dict[str, str]:
    """Answer each question with its first option until an outcome is reached."""
    from pathways.engine import evaluate_version

    answers: dict[str, str] = {}
    while True:
        evaluation = evaluate_version(version=version, answers=answers, referring_site=site, at=at)
        if evaluation.is_complete:
            return answers
        question = evaluation.as_dict()["question"]
        answers[question["key"]] = question["options"][0]["key"]


def _measure(case: Case) -> tuple[float, float]:
    case.run()
    samples = []
    for _ in range(REPEATS):
        began = perf_counter()
        case.run()
        samples.append((perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> int:
    _configure()
    from django.db import connection

    print(f"IR on-call benchmarks on {connection.vendor}, {REPEATS} runs each, anchor {ANCHOR}")
    print(f"{'case':<46}{'median':>9}{'p95':>9}{'target':>9}")
    missed = 0
    for case in _cases():
        median, p95 = _measure(case)
        ok = p95 <= case.target_ms
        missed += not ok
        flag = "" if ok else "  MISSED"
        print(f"{case.name:<46}{median:>7.1f}ms{p95:>7.1f}ms{case.target_ms:>7.0f}ms{flag}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
