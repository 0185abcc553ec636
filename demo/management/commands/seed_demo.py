from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from common.london import local
from pathways.demo import seed_demo_pathways
from rota.demo import DEMO_PASSWORD, DISCLAIMER, SITE_NAMES, seed_demo_network
from rota.models import Role


def _anchor(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--anchor must be a date as YYYY-MM-DD, e.g. 2026-03-20, not {value!r}."
        ) from error


class Command(BaseCommand):
    help = (
        "Load the illustrative Lancashire and South Cumbria demo network around a date. "
        "Safe to re-run: the same anchor twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", help="YYYY-MM-DD the demo is placed around (default: today in London)."
        )

    def handle(self, *args, anchor=None, **options):
        if not settings.ALLOW_DEMO_SEED:
            raise CommandError(
                "seed_demo creates demo users whose password is published in the README, so "
                "it runs only with DEBUG on or ALLOW_DEMO_SEED=true: never on a live database."
            )
        anchor = _anchor(anchor) if anchor else local(timezone.now()).date()
        try:
            with transaction.atomic():
                result = seed_demo_network(anchor)
                lead = get_user_model().objects.get(username="lead")
                seed_demo_pathways(network=result.network, anchor=anchor, user=lead)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        self.stdout.write(self.style.WARNING(DISCLAIMER))
        self.stdout.write(
            f"Seeded {result.network.name} around {anchor:%a %d %b %Y}: shifts from "
            f"{local(result.start):%d %b %Y} to {local(result.end):%d %b %Y}."
        )
        titles = result.network.pathways.order_by("title").values_list("title", flat=True)
        self.stdout.write(f"Pathways: {', '.join(titles)}.")
        self.stdout.write("What to look at:")
        for line in result.highlights:
            self.stdout.write(f"  - {line}")
        self.stdout.write(
            f"Demo logins, with the password {DEMO_PASSWORD} (an account that existed before "
            "the demo was first seeded keeps its own password):"
        )
        for login in result.logins:
            role = Role(login.role).label if login.role else "Administrator (superuser)"
            where = f", home site {SITE_NAMES[login.home_site]}" if login.home_site else ""
            self.stdout.write(f"  {login.username:<20} {role}{where}")
