import math
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from rota import answer_store
from rota.models import Network


class Command(BaseCommand):
    help = (
        "Rebuild the stored on-call answers of every network whose rota data changed, "
        "whose horizon moved with the day, or that were built by other rules. Safe to "
        "re-run; answers are worked out live meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=0, metavar="SECONDS",
            help="Keep running, looking again every SECONDS (a worker); default once.",
        )

    def handle(self, *args, every, **options):
        if not math.isfinite(every) or every < 0:
            raise CommandError("--every must be a number of seconds, 0 or more.")
        while True:
            self._once()
            if not every:
                return
            time.sleep(every)

    def _once(self):
        names = dict(Network.objects.values_list("id", "slug"))
        for network_id in answer_store.stale(timezone.now()):
            started = time.perf_counter()
            try:
                rows = answer_store.build(network_id, now=timezone.now())
            except DatabaseError as error:
                # Another refresher built it at the same moment, or a write raced
                # the snapshot: answers stay live until the next pass.
                self.stderr.write(f"{names.get(network_id)}: not rebuilt ({error}).")
                continue
            self.stdout.write(
                f"{names.get(network_id)}: {rows} stored answers in "
                f"{time.perf_counter() - started:.1f} s"
            )
        answer_store.prune()
