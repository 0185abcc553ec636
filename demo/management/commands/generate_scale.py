import sys
from datetime import date
from time import perf_counter

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from demo.scale import (
    MAX_NETWORKS,
    MAX_YEARS,
    ROTAS_PER_NETWORK,
    ScaleRequest,
    scale_generate,
    scale_networks,
)
from rota.calendars import local


def _anchor(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--anchor must be a date as YYYY-MM-DD, e.g. 2026-11-30, not {value!r}."
        ) from error


def _bounded(name: str, low: int, high: int):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError as error:
            raise CommandError(f"{name} must be a whole number, not {value!r}.") from error
        if not low <= number <= high:
            raise CommandError(f"{name} must be between {low} and {high}, not {number}.")
        return number

    return parse


class Command(BaseCommand):
    help = (
        "Build an invented national dataset for measuring: networks of 4-6 trusts with 40 "
        "rotas each and years of shifts, covers, leave, diverts, notes and pathways, all "
        "with history. Same --seed and --anchor, same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--networks", type=_bounded("--networks", 1, MAX_NETWORKS),
                            default=18, help="How many networks (England has 18).")
        parser.add_argument("--years", type=_bounded("--years", 1, MAX_YEARS), default=5,
                            help="Years of shifts, ending a quarter after the anchor.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--anchor", help="YYYY-MM-DD the data is placed around (default: today in London)."
        )
        parser.add_argument(
            "--replace", action="store_true",
            help="Empty the whole database first (as manage.py flush does), then generate. "
            "Published pathway versions can never be deleted one by one, so scale data is "
            "only ever replaced wholesale: use it on a disposable database.",
        )

    def handle(self, *args, networks, years, seed, anchor=None, replace=False, **options):
        if not settings.ALLOW_DEMO_SEED:
            raise CommandError(
                "generate_scale writes invented clinicians and rotas by the million, so it "
                "runs only with DEBUG on or ALLOW_DEMO_SEED=true: never on a live database."
            )
        existing = scale_networks()
        if existing and not replace:
            raise CommandError(
                f"This database already holds {len(existing)} scale networks "
                f"({existing[0].slug}, ...). Give --replace to empty the database and "
                "generate anew."
            )
        if replace:
            # flush truncates every table, history included: a partial delete cannot
            # work, because published pathway versions refuse deletion.
            call_command("flush", interactive=False, verbosity=0)
        request = ScaleRequest(
            networks=networks, years=years, seed=seed,
            anchor=_anchor(anchor) if anchor else local(timezone.now()).date(),
        )
        self.stdout.write(
            f"Generating {networks} networks x {ROTAS_PER_NETWORK} rotas, shifts from "
            f"{request.first_day:%d %b %Y} to {request.last_day:%d %b %Y} (seed {seed})."
        )
        began = perf_counter()
        in_terminal = getattr(self.stdout, "isatty", lambda: False)() and sys.stdout.isatty()
        bar = tqdm(total=networks * ROTAS_PER_NETWORK, unit="rota", disable=not in_terminal,
                   file=sys.stdout, dynamic_ncols=True)
        shifts_so_far = 0

        def on_rota(rota, made: int) -> None:
            nonlocal shifts_so_far
            shifts_so_far += made
            bar.update(1)
            bar.set_postfix(shifts=f"{shifts_so_far:,}", refresh=False)

        def on_network(network, index: int, total: int) -> None:
            if not in_terminal:
                self.stdout.write(
                    f"{index}/{total} {network.name}: {shifts_so_far:,} shifts so far, "
                    f"{perf_counter() - began:.0f} s"
                )

        try:
            counts = scale_generate(request, on_rota=on_rota, on_network=on_network)
        finally:
            bar.close()
        self.stdout.write(f"Done in {perf_counter() - began:.0f} s. Rows written:")
        for name, count in sorted(counts.rows.items()):
            self.stdout.write(f"  {name:<20}{count:>12,}")
