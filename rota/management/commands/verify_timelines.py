from django.core.management.base import BaseCommand, CommandError

from rota import answer_store
from rota.models import Network


class Command(BaseCommand):
    help = (
        "Check every network's stored on-call answers against its rota data and against "
        "live answers; exit 1 when any differ. For a nightly job."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--samples", type=int, default=24,
            help="Live answers compared per rota, at random instants (default %(default)s).",
        )

    def handle(self, *args, samples, **options):
        if samples < 0:
            raise CommandError("--samples must be 0 or more.")
        problems = []
        for network_id, slug in Network.objects.order_by("slug").values_list("id", "slug"):
            found = answer_store.verify(network_id, samples=samples)
            problems += [f"{slug}: {problem}" for problem in found]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} stored answers differ; run refresh_answers "
                               "and report the difference.")
        self.stdout.write("Stored answers agree with the rota data and with live answers.")
