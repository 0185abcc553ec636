"""Nightly: write a network's fallback pack (pathway PDFs, rota packs, index) to a folder."""

import fcntl
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from pathways.fallback_pack import ExportError, fallback_pack_export
from rota.models import Network
from rota.pack import MAX_DAYS, MIN_DAYS

# Any fixed number will do; with the network's id it names this job's lock among the database's.
ADVISORY_LOCK_KEY = 7_301_002


class Command(BaseCommand):
    help = (
        "Write a network's fallback pack (every published pathway PDF, both rota pack "
        "editions and an index) to a new dated folder under --out and point --out/current "
        "at it. Safe to run on two servers at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--network", required=True, help="The network's slug, e.g. lsc.")
        parser.add_argument("--out", required=True, type=Path, help="Folder of packs.")
        parser.add_argument("--days", type=int, default=7,
                            help=f"Days in the rota pack, {MIN_DAYS} to {MAX_DAYS} (default 7).")
        parser.add_argument("--keep", type=int, default=7,
                            help="How many dated packs to keep (default 7).")

    def handle(self, *args, network, out, days, keep, **options):
        if not MIN_DAYS <= days <= MAX_DAYS:
            raise CommandError(f"--days must be from {MIN_DAYS} to {MAX_DAYS}.")
        if keep < 1:
            raise CommandError("--keep must be at least 1: the current pack is always kept.")
        found = Network.objects.filter(slug=network).first()
        if found is None:
            known = ", ".join(Network.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No network '{network}'. Known networks: {known or 'none'}.")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot use {out} for packs: {error.strerror}.") from error
        with self._locked(found, out) as acquired:
            if not acquired:
                self.stdout.write(f"Another export of the {found.name} pack is running; "
                                  "this one did nothing.")
                return
            try:
                pack = fallback_pack_export(
                    found, out_dir=out, now=timezone.now(), days=days, keep=keep,
                    progress=self._progress(),
                )
            except ExportError as error:
                raise CommandError(str(error)) from error
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(f"Made {pack.folder} ({len(pack.files)} files); {out / 'current'} "
                          "points at it.")

    @contextmanager
    def _locked(self, network, out: Path):
        """Held by one run at a time: per database (PostgreSQL) and per folder (this host)."""
        with open(out / ".lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            if connection.vendor != "postgresql":
                yield True
                return
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)",
                               [ADVISORY_LOCK_KEY, network.id])
                if not cursor.fetchone()[0]:
                    yield False
                    return
                try:
                    yield True
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)",
                                   [ADVISORY_LOCK_KEY, network.id])

    def _progress(self):
        """A bar in a terminal; a plain line per file for a log."""
        if self.stdout.isatty():
            def bar(done: int, total: int, what: str) -> None:
                filled = round(30 * done / total)
                self.stdout.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} "
                                  f"{what[:40]:<40}", ending="")
                self.stdout.flush()
            return bar

        def line(done: int, total: int, what: str) -> None:
            self.stdout.write(f"{done}/{total} {what}")
        return line
