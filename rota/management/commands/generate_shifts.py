from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from rota.generation import pattern_extend
from rota.models import RotationPattern

# Any fixed number will do; it names this job's lock among the database's locks.
ADVISORY_LOCK_KEY = 7_301_001


class Command(BaseCommand):
    help = "Extend every rotation pattern's shifts to the horizon. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=settings.ROTA_GENERATION_HORIZON_DAYS,
            help="How many days ahead to generate (default %(default)s).",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        now = timezone.now()
        until = now + timedelta(days=days)
        with transaction.atomic():
            # Two servers running the daily job at once: the second waits for
            # the first, then finds nothing left to do.
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            patterns = RotationPattern.objects.select_related("rota__network").prefetch_related(
                "participants"
            )
            for pattern in patterns:
                result = pattern_extend(pattern, now=now, until=until)
                self.stdout.write(
                    f"{pattern}: {result.created} created, {result.deleted} removed"
                )
                for conflict in result.conflicts:
                    self.stderr.write(f"  skipped {conflict}")
