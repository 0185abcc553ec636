"""Load bench: each case beside the floor, through gunicorn and wrk, in one run.

    .venv/bin/python manage.py generate_scale --networks 18 --years 5   # once, on the
        # bench database (DATABASE_URL=postgres://.../ir_oncall_bench ALLOW_DEMO_SEED=true)
    .venv/bin/python bench/load.py [--database-url postgres://...] [--duration 20]

Starts gunicorn (2 sync workers, ``bench.settings``) on loopback against the
given PostgreSQL database and drives ``wrk`` (Debian package ``wrk``) with
``bench/wrk.lua``, which replays requests spread over many rotas, networks,
pathways, sites and instants (random, seeded). For every case, in order:

* with caches cleared: fresh workers (no per-process state, no open
  connections) and the Django cache emptied, then requests never sent before,
  at one connection for a fixed duration;
* warm: a short warm-up, then a fixed duration at 1 and at 8 connections,
  each from requests of its own.

It reports the median, the 95th percentile and requests per second, and the
ratio of each median to the floor's in the same mode of the same run: the
floor is one indexed query on the shift table in the same stack, so the ratio
is what the product's own work costs, whatever the machine. The cases with
a target run first, each between two runs of the floor, and each case is
divided by the mean of the floors either side of it: the machine's speed
drifts by half or more within a run, so a floor from another moment would
flatter or wrong a case. Before measuring, the store is vacuumed and every
table analysed, as autovacuum would have done. It records the
workers' resident memory, writes ``bench/results/<date>-<commit>.json``,
prints a Markdown table and exits 1 when a speed target is missed
(the ``*_MAX_*`` constants below), 2 when it cannot run.

PostgreSQL's shared buffers and the kernel's page cache are not dropped
between modes: that needs a database restart, and the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ir_oncall_bench"
# The development, review and test databases of the project: never loaded here.
PROTECTED_DATABASES = {"ir_oncall", "ir_oncall_outcome", "ir_oncall_print"}
WORKERS = 2
CONNECTIONS = (1, 8)
DURATION_S = 20
COLD_DURATION_S = 10
WARM_UP_S = 3
# More than any run sends, so that a run replays no request: about 10 ms of
# work each for the floor would be 2,000 a second at 8 connections.
REQUESTS_PER_FILE = 20_000
SEED = 13
WRK_TIMEOUT = "30s"

# The speed targets: a case's median over the floor's (warm, one connection).
ONE_ROTA_MAX_RATIO = 1.5
NATIONAL_OVER_DEMO_MAX_RATIO = 1.2
BOARD_MAX_RATIO = 3.0
PREVIEW_MAX_RATIO = 3.0
LOGGED_MAX_RATIO = 4.0
WORKER_RSS_MAX_MB = 200
MAX_ERRORS = 0

CASE_TARGETS = {
    "oncall-demo": ONE_ROTA_MAX_RATIO,
    "oncall-national": ONE_ROTA_MAX_RATIO,
    "board-40-rotas": BOARD_MAX_RATIO,
    "evaluate-preview": PREVIEW_MAX_RATIO,
    "evaluate-logged": LOGGED_MAX_RATIO,
}
TARGETED = frozenset(CASE_TARGETS)
CASE_TITLES = {
    "floor": "floor: one indexed query on the shift table",
    "oncall-demo": "`GET /api/v1/oncall/?rota=` a demo rota, the next four weeks",
    "oncall-national": "the same, a rota of a 40-rota network (national data)",
    "board-40-rotas": "`?network=` board of a 40-rota network, the next four weeks",
    "oncall-national-history": "one rota of a 40-rota network, five years of instants",
    "board-40-rotas-history": "board of a 40-rota network, five years of instants",
    "evaluate-preview": "evaluate to outcome, preview (`at` in the next four weeks)",
    "evaluate-preview-history": "evaluate to outcome, preview, five years of instants",
    "evaluate-logged": "evaluate to outcome, logged as a decision",
    "decision-page": "decision page, signed-in referrer",
    "calendar-feed": "rota calendar feed (`.ics`)",
    "switchboard-board": "switchboard board page of a 40-rota network, signed in",
}


class BenchError(Exception):
    """The bench cannot run; the message says what to do."""


# --- Requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = "-"
    cookie: str = "-"

    def line(self) -> str:
        return "\t".join((self.method, self.path, self.body, self.cookie))


@dataclass
class World:
    """What the requests are drawn from, read from the bench database."""

    demo_rotas: list[tuple[int, str]]  # (id, slug)
    demo_window: tuple[datetime, datetime]
    national_rotas: list[tuple[int, str]]
    national_window: tuple[datetime, datetime]
    # Where callers ask: from now to four weeks ahead, where answers are built ahead.
    ahead_window: tuple[datetime, datetime]
    boards: list[str]  # network slugs with 40 rotas
    evaluations: list[tuple[str, str, dict]]  # (pathway slug, site ODS code, answers)
    decisions: list[str]  # references made by the signed-in referrer
    session_cookie: str
    feeds: list[str]  # paths with their secrets
    home: str = ""  # the slug of the signed-in referrer's network (40 rotas)
    dataset: dict[str, int] = field(default_factory=dict)


def _instant(rng: random.Random, window: tuple[datetime, datetime]) -> str:
    start, end = window
    minutes = int((end - start).total_seconds() // 60)
    return (start + timedelta(minutes=rng.randrange(minutes))).strftime("%Y-%m-%dT%H:%M:00Z")


def case_requests(world: World, case: str, rng: random.Random, count: int) -> list[Request]:
    """``count`` requests of ``case``, each drawn at random from the world."""
    def oncall(rotas, window):
        _, slug = rng.choice(rotas)
        return Request("GET", "/api/v1/oncall/?" + urlencode(
            {"rota": slug, "at": _instant(rng, window)}))

    def evaluate(window: tuple[datetime, datetime] | None):
        """Logged (for now) without a window; a preview at an instant in it."""
        slug, site, answers = rng.choice(world.evaluations)
        body = {"answers": answers, "referring_site": site}
        if window is not None:
            body["at"] = _instant(rng, window)
        return Request("POST", f"/api/v1/pathways/{slug}/evaluate/", json.dumps(body))

    makers = {
        "floor": lambda: Request("GET", "/bench/floor/?" + urlencode({
            "rota": rng.choice(world.national_rotas)[0],
            "at": _instant(rng, world.national_window)})),
        "oncall-demo": lambda: oncall(world.demo_rotas, world.ahead_window),
        "oncall-national": lambda: oncall(world.national_rotas, world.ahead_window),
        "board-40-rotas": lambda: Request("GET", "/api/v1/oncall/?" + urlencode({
            "network": rng.choice(world.boards), "at": _instant(rng, world.ahead_window)})),
        "oncall-national-history": lambda: oncall(world.national_rotas, world.national_window),
        "board-40-rotas-history": lambda: Request("GET", "/api/v1/oncall/?" + urlencode({
            "network": rng.choice(world.boards), "at": _instant(rng, world.national_window)})),
        "evaluate-preview": lambda: evaluate(world.ahead_window),
        "evaluate-preview-history": lambda: evaluate(world.national_window),
        "evaluate-logged": lambda: evaluate(None),
        "decision-page": lambda: Request("GET", f"/decisions/{rng.choice(world.decisions)}/",
                                         cookie=world.session_cookie),
        "calendar-feed": lambda: Request("GET", rng.choice(world.feeds)),
        "switchboard-board": lambda: Request("GET", "/switchboard/?" + urlencode({
            "network": world.home, "at": _instant(rng, world.national_window)}),
            cookie=world.session_cookie),
    }
    return [makers[case]() for _ in range(count)]


# --- The bench database -------------------------------------------------------------------


def check_database_url(url: str) -> str:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"The bench runs on PostgreSQL; {url!r} is not a PostgreSQL URL.")
    if name in PROTECTED_DATABASES or name.startswith("test_") or not name:
        raise BenchError(
            f"Refusing database {name!r}: the bench writes decisions and feeds. Use a "
            "disposable one: createdb -h 127.0.0.1 -U postgres ir_oncall_bench"
        )
    return name


def configure_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("ALLOW_DEMO_SEED", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def prepare_world(rng: random.Random) -> World:
    """The demo network, a signed-in referrer with decisions, feeds; read the rest."""
    import io

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db.models import Count, Max, Min
    from django.test import Client
    from django.utils import timezone

    from demo.scale import SCALE_SLUG_PREFIX
    from pathways.decisions import referral_record
    from pathways.models import Channel, Decision, PathwayVersion
    from rota import answer_store
    from rota.calendars import local
    from rota.demo import NETWORK_SLUG, seed_demo_window
    from rota.models import (
        Cover,
        Leave,
        Membership,
        Network,
        Role,
        Rota,
        Shift,
        Site,
        StoredAnswer,
    )
    from rota.oncall import ANSWER_WINDOW
    from rota.tokens import feed_path, feed_token_create

    call_command("migrate", verbosity=0)
    networks = list(Network.objects.filter(slug__startswith=SCALE_SLUG_PREFIX)
                    .annotate(rotas_count=Count("rotas")).order_by("slug"))
    if not networks:
        raise BenchError(
            "The bench database holds no scale data. Run, once: DATABASE_URL=... "
            "ALLOW_DEMO_SEED=true .venv/bin/python manage.py generate_scale --networks 18 "
            "--years 5"
        )
    now = timezone.now()
    call_command("seed_demo", stdout=io.StringIO())
    demo_start, demo_end = seed_demo_window(local(now).date())
    demo_rotas = list(Rota.objects.filter(network__slug=NETWORK_SLUG)
                      .order_by("slug").values_list("id", "slug"))
    national = list(Rota.objects.filter(network__in=networks).order_by("slug")
                    .values_list("id", "slug"))
    bounds = Shift.objects.filter(rota__network=networks[0]).aggregate(
        first=Min("start"), last=Max("end"))
    national_window = (bounds["first"] + ANSWER_WINDOW, bounds["last"] - ANSWER_WINDOW)

    home = networks[0]
    referrer, _ = User.objects.get_or_create(username="bench-referrer")
    site = Site.objects.filter(trust__network=home).order_by("ods_code").first()
    Membership.objects.get_or_create(user=referrer, network=home, role=Role.REFERRER,
                                     defaults={"home_site": site})
    versions = list(PathwayVersion.objects.published().filter(
        pathway__network__in=networks).select_related("pathway"))
    sites = {n.id: list(Site.objects.filter(trust__network=n).order_by("ods_code"))
             for n in networks}
    evaluations = []
    for version in versions:
        for _ in range(3):
            site = rng.choice(sites[version.pathway.network_id])
            answers = _complete_answers(version, site, now, rng)
            evaluations.append((version.pathway.slug, site.ods_code, answers))
    decisions = []
    home_versions = [v for v in versions if v.pathway.network_id == home.id]
    for _ in range(60):
        version = rng.choice(home_versions)
        site = rng.choice(sites[home.id])
        _, decision = referral_record(
            version=version, answers=_complete_answers(version, site, now, rng),
            referring_site=site, user=referrer, at=None, now=timezone.now(),
            channel=Channel.WEB,
        )
        decisions.append(decision.reference)
    client = Client()
    client.force_login(referrer, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    feeds = []
    for rota_id, _ in rng.sample(national, 40):
        feed, secret = feed_token_create(created_by=referrer, rota=Rota.objects.get(pk=rota_id),
                                         name="bench")
        feeds.append(feed_path(feed, secret))
    # Every write above is done: build the answers ahead, as the refresh job would.
    started = time.perf_counter()
    built = answer_store.refresh(now=now)
    build_s = round(time.perf_counter() - started, 1)
    print(f"Built {sum(built.values()):,} stored answers for {len(built)} networks in "
          f"{build_s} s", flush=True)
    maintain()
    _, horizon_end = answer_store.horizon(now)
    return World(
        demo_rotas=demo_rotas,
        demo_window=(demo_start + ANSWER_WINDOW, demo_end - ANSWER_WINDOW),
        national_rotas=national,
        national_window=national_window,
        ahead_window=(now, horizon_end - timedelta(hours=1)),
        boards=[n.slug for n in networks if n.rotas_count == 40],
        evaluations=evaluations,
        decisions=decisions,
        session_cookie=f"{settings.SESSION_COOKIE_NAME}={session}",
        feeds=feeds,
        home=home.slug,
        dataset={
            "networks": Network.objects.count(),
            "rotas": Rota.objects.count(),
            "shifts": Shift.objects.count(),
            "covers": Cover.objects.count(),
            "leave": Leave.objects.count(),
            "decisions": Decision.objects.count(),
            "stored_answers": StoredAnswer.objects.count(),
            "stored_answers_build_s": build_s,
        },
    )


# Rewritten by every build: their dead rows are what autovacuum would clear.
STORE_TABLES = ("rota_storedanswer", "rota_storedcontact", "rota_answerbuild",
                "pathways_readytree")


def maintain() -> None:
    """What autovacuum keeps up on a served database, done once before measuring:
    the planner's statistics for every table, and the store's dead rows cleared. Some
    machines run PostgreSQL with autovacuum off, and a bench there would otherwise
    measure tables never analysed, and a store three builds deep in dead rows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {', '.join(STORE_TABLES)}")
        cursor.execute("ANALYZE")
    print(f"Vacuumed the store and analysed every table in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def _complete_answers(version, site, at, rng: random.Random) -> dict[str, str]:
    """A random path through the tree to an outcome, as answers."""
    from pathways.selectors import load_evaluation_context

    context = load_evaluation_context(version, at)
    answers: dict[str, str] = {}
    while True:
        evaluation = context.evaluate(answers=answers, referring_site=site)
        if evaluation.is_complete:
            return answers
        question = evaluation.as_dict()["question"]
        answers[question["key"]] = rng.choice(question["options"])["key"]


# --- gunicorn and wrk -------------------------------------------------------------------


class Server:
    """gunicorn with the bench settings on a free loopback port."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url, self.folder = database_url, folder
        self.process: subprocess.Popen | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"

    def start(self) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings",
               "DATABASE_URL": self.database_url}
        self.log.write_text("")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "config.wsgi:application", "--workers", str(WORKERS),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
             "--error-logfile", str(self.log), "--log-level", "info"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while self.log.read_text().count("Booting worker") < WORKERS:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"gunicorn did not start; see its log:\n{self.log.read_text()}")
            time.sleep(0.2)
        # A booted worker has loaded Django; give it a moment to reach accept().
        time.sleep(1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def worker_rss_mb(self) -> float:
        """The largest resident set of the workers, in MB."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        largest = 0
        for child in children:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))
        return round(largest / 1024, 1)


@dataclass
class Measure:
    connections: int
    requests: int
    p50_ms: float
    p95_ms: float
    rps: float
    errors: int


def run_wrk(server: Server, requests: list[Request], folder: Path, connections: int,
            seconds: int) -> Measure:
    script = folder / "requests.tsv"
    script.write_text("".join(r.line() + "\n" for r in requests))
    completed = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", WRK_TIMEOUT,
         "-s", str(ROOT / "bench" / "wrk.lua"), server.url, "--", str(script)],
        capture_output=True, text=True, check=False,
    )
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
    if line is None:
        raise BenchError(f"wrk gave no summary:\n{completed.stdout}\n{completed.stderr}")
    summary = json.loads(line.removeprefix("BENCH-JSON "))
    seconds = summary["duration_us"] / 1e6
    return Measure(
        connections=connections,
        requests=summary["requests"],
        p50_ms=round(summary["p50_us"] / 1000, 2),
        p95_ms=round(summary["p95_us"] / 1000, 2),
        rps=round(summary["requests"] / seconds, 1) if seconds else 0.0,
        errors=sum(summary["errors"].values()),
    )


@dataclass
class CaseResult:
    name: str
    cold: Measure
    warm: dict[int, Measure]
    worker_rss_mb: float
    ratios: dict[str, float] = field(default_factory=dict)
    floor_p50_ms: dict[str, float] = field(default_factory=dict)  # what it was divided by


def measure_case(server: Server, world: World, name: str, folder: Path,
                 duration: int, cold_duration: int) -> CaseResult:
    from django.core.cache import cache

    def requests(run: str) -> list[Request]:
        return case_requests(world, name, random.Random(f"{SEED}:{name}:{run}"),
                             REQUESTS_PER_FILE)

    server.restart()
    cache.clear()
    cold = run_wrk(server, requests("cold"), folder, 1, cold_duration)
    run_wrk(server, requests("warm-up"), folder, 1, WARM_UP_S)
    warm = {
        connections: run_wrk(server, requests(f"warm-{connections}"), folder, connections,
                             duration)
        for connections in CONNECTIONS
    }
    return CaseResult(name, cold, warm, server.worker_rss_mb())


# --- Report ---------------------------------------------------------------------------------


def typical_floor(floors: list[CaseResult]) -> CaseResult:
    """The floor run shown in the table: the median of the runs by their warm median
    at one connection (each case's ratios are to the floors either side of it)."""
    return sorted(floors, key=lambda r: r.warm[1].p50_ms)[(len(floors) - 1) // 2]


def run_order(cases: list[str]) -> list[str]:
    """The cases with a target first, each between two floors a minute or so apart;
    then the others, and the floor last."""
    order = ["floor"]
    for name in sorted(cases, key=lambda name: name not in TARGETED):
        order.append(name)
        if name in TARGETED:
            order.append("floor")
    return order if order[-1] == "floor" else [*order, "floor"]


def _mean(a: Measure, b: Measure) -> Measure:
    return Measure(a.connections, a.requests + b.requests, round((a.p50_ms + b.p50_ms) / 2, 2),
                   round((a.p95_ms + b.p95_ms) / 2, 2), round((a.rps + b.rps) / 2, 1),
                   a.errors + b.errors)


def floor_between(before: CaseResult, after: CaseResult) -> CaseResult:
    """The floor a case is divided by: the mean of the floor measured just before it and
    just after it, in each mode. This machine's speed drifts by half or more within a
    run; a floor from another part of the run would flatter a case measured in a slow
    moment, or wrong one measured in a fast one."""
    return CaseResult("floor", _mean(before.cold, after.cold),
                      {c: _mean(before.warm[c], after.warm[c]) for c in CONNECTIONS},
                      max(before.worker_rss_mb, after.worker_rss_mb))


def add_ratios(sequence: list[CaseResult]) -> None:
    """Each case's ratios, in the order measured, to the floors either side of it (the
    first floor, or the last, for a case with none on one side)."""
    floors = [i for i, r in enumerate(sequence) if r.name == "floor"]
    for i, result in enumerate(sequence):
        before = max((f for f in floors if f <= i), default=floors[0])
        after = min((f for f in floors if f >= i), default=floors[-1])
        floor = floor_between(sequence[before], sequence[after])
        result.floor_p50_ms = {"cold_1": floor.cold.p50_ms,
                               **{f"warm_{c}": floor.warm[c].p50_ms for c in CONNECTIONS}}
        result.ratios["cold_1"] = round(result.cold.p50_ms / floor.cold.p50_ms, 1)
        for connections in CONNECTIONS:
            result.ratios[f"warm_{connections}"] = round(
                result.warm[connections].p50_ms / floor.warm[connections].p50_ms, 1)


def _exact_ratio(result: CaseResult) -> float:
    return result.warm[1].p50_ms / result.floor_p50_ms["warm_1"]


def missed_targets(results: list[CaseResult]) -> list[str]:
    by_name = {r.name: r for r in results}
    missed = []
    for name, target in CASE_TARGETS.items():
        ratio = by_name[name].ratios["warm_1"]
        if ratio > target:
            missed.append(f"{name}: {ratio}x the floor at the median, target {target}x")
    # Each to its own floors: the two are measured minutes apart.
    national = _exact_ratio(by_name["oncall-national"])
    demo = _exact_ratio(by_name["oncall-demo"])
    if national / demo > NATIONAL_OVER_DEMO_MAX_RATIO:
        missed.append(f"oncall-national: {national / demo:.2f}x the demo case, target "
                      f"{NATIONAL_OVER_DEMO_MAX_RATIO}x")
    errors = sum(r.cold.errors + sum(m.errors for m in r.warm.values()) for r in results)
    if errors > MAX_ERRORS:
        missed.append(f"{errors} errors or non-200 answers under load, target {MAX_ERRORS}")
    rss = max(r.worker_rss_mb for r in results)
    if rss > WORKER_RSS_MAX_MB:
        missed.append(f"a worker reached {rss} MB resident, target {WORKER_RSS_MAX_MB} MB")
    return missed


def markdown_table(results: list[CaseResult]) -> str:
    head = ("| case | p50 1c | p95 1c | req/s 1c | x floor 1c | p50 8c | p95 8c | req/s 8c "
            "| x floor 8c | p50 cold | x floor cold | errors | worker RSS |")
    rows = [head, "|" + " --- |" * 13]
    for r in results:
        one, eight = r.warm[1], r.warm[8]
        errors = r.cold.errors + one.errors + eight.errors
        target = CASE_TARGETS.get(r.name)
        ratio = f"{r.ratios['warm_1']}x" + (f" (target {target}x)" if target else "")
        rows.append(
            f"| {CASE_TITLES[r.name]} | {one.p50_ms} ms | {one.p95_ms} ms | {one.rps} | {ratio} "
            f"| {eight.p50_ms} ms | {eight.p95_ms} ms | {eight.rps} | {r.ratios['warm_8']}x "
            f"| {r.cold.p50_ms} ms | {r.ratios['cold_1']}x | {errors} | {r.worker_rss_mb} MB |"
        )
    return "\n".join(rows)


def machine() -> dict:
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory_kb = next(int(line.split()[1]) for line in
                     Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
    }


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    return f"{head}-dirty" if dirty else head or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                  DEFAULT_DATABASE_URL))
    parser.add_argument("--duration", type=int, default=DURATION_S,
                        help="Seconds per case at each number of connections, warm.")
    parser.add_argument("--cold-duration", type=int, default=COLD_DURATION_S,
                        help="Seconds per case with caches cleared, at one connection.")
    parser.add_argument("--cases", nargs="*", default=list(CASE_TITLES),
                        choices=list(CASE_TITLES), help="Cases to run (the floor always is).")
    args = parser.parse_args(argv)
    try:
        if shutil.which("wrk") is None:
            raise BenchError("wrk is not installed: apt-get install wrk (Debian package wrk).")
        check_database_url(args.database_url)
        configure_django(args.database_url)
        print("Preparing the bench database (demo network, referrer, decisions, feeds) ...",
              flush=True)
        world = prepare_world(random.Random(SEED))
        order = run_order([c for c in args.cases if c != "floor"])
        sequence = []
        with tempfile.TemporaryDirectory(prefix="ir-oncall-bench-") as folder:
            server = Server(args.database_url, Path(folder))
            try:
                for name in order:
                    print(f"Measuring {name} ...", flush=True)
                    sequence.append(measure_case(server, world, name, Path(folder),
                                                 args.duration, args.cold_duration))
            finally:
                server.stop()
    except BenchError as error:
        print(error, file=sys.stderr)
        return 2
    add_ratios(sequence)
    floors = [r for r in sequence if r.name == "floor"]
    results = [typical_floor(floors), *(r for r in sequence if r.name != "floor")]
    complete = set(CASE_TARGETS) <= {r.name for r in results}
    missed = missed_targets(results) if complete else []
    when = datetime.now(UTC)
    report = {
        "date": when.isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "dataset": world.dataset,
        "method": {"workers": WORKERS, "connections": list(CONNECTIONS),
                   "duration_s": args.duration, "cold_duration_s": args.cold_duration,
                   "warm_up_s": WARM_UP_S, "seed": SEED},
        "targets": {"case_max_ratio": CASE_TARGETS,
                    "national_over_demo_max_ratio": NATIONAL_OVER_DEMO_MAX_RATIO,
                    "worker_rss_max_mb": WORKER_RSS_MAX_MB, "max_errors": MAX_ERRORS},
        "cases": [asdict(r) for r in results],
        "floor_runs": [asdict(r) for r in floors],
        "missed": missed,
    }
    out = ROOT / "bench" / "results" / f"{when:%Y-%m-%d}-{report['commit']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(markdown_table(results))
    print(f"\nWritten to {out.relative_to(ROOT)}.")
    for line in missed:
        print(f"MISSED {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
