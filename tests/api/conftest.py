"""The API test world: rotas with shifts in May 2026, and a client per role."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from rota import access
from rota.models import Site
from rota.tokens import api_token_create
from tests.factories import (
    ClinicianFactory,
    ContactMethodFactory,
    RotaFactory,
    ShiftFactory,
    london,
)

ROLES = ["anonymous", "referrer", "switchboard", "coordinator", "lead", "outsider", "admin",
         "token"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counts live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Rotas:
    ir: object  # always covered, falls back to backup
    backup: object
    day: object  # in hours only
    elsewhere: object  # the other network
    a: object  # Dr Alpha, on the night of 3 May
    b: object  # Dr Bravo, on from 08:00 on 4 May
    c: object  # Dr Charlie, backup


@pytest.fixture
def rotas(world) -> Rotas:
    backup = RotaFactory(
        network=world.network, slug="lsc-ir-backup", name="LSC IR backup",
        based_at=world.blackburn, ask_for="the IR consultant on call",
    )
    ir = RotaFactory(
        network=world.network, slug="lsc-ir", name="LSC IR consultant",
        based_at=world.preston, fallback=backup, ask_for="the on-call IR consultant",
    )
    day = RotaFactory(
        network=world.network, slug="lsc-ir-day", name="LSC IR day list",
        based_at=world.preston, required_coverage="in_hours", ask_for="the IR list",
    )
    elsewhere = RotaFactory(
        network=world.other_network, slug="elsewhere-ir", name="Elsewhere IR",
        based_at=Site.objects.get(ods_code="RZZ01"),
    )
    a = ClinicianFactory(name="Dr Alpha", home_trust=world.trust_a)
    b = ClinicianFactory(name="Dr Bravo", home_trust=world.trust_b)
    c = ClinicianFactory(name="Dr Charlie", home_trust=world.trust_b)
    ContactMethodFactory(clinician=a, kind="mobile", value="07700 900001",
                         visibility="switchboard", order=1)
    ContactMethodFactory(clinician=a, kind="bleep", value="2345", visibility="staff",
                         site=world.preston, order=2)
    ContactMethodFactory(clinician=a, kind="email", value="alpha@example.nhs.uk",
                         visibility="public", order=3)
    ContactMethodFactory(clinician=b, kind="mobile", value="07700 900002",
                         visibility="switchboard")
    ShiftFactory(rota=ir, clinician=a, start=london(2026, 5, 3, 17), end=london(2026, 5, 4, 8))
    ShiftFactory(rota=ir, clinician=b, start=london(2026, 5, 4, 8), end=london(2026, 5, 4, 17))
    ShiftFactory(rota=backup, clinician=c, start=london(2026, 5, 1, 8),
                 end=london(2026, 5, 8, 8))
    return Rotas(ir=ir, backup=backup, day=day, elsewhere=elsewhere, a=a, b=b, c=c)


def client_as(world, role: str, **token_options) -> APIClient:
    """An API client acting as ``role`` (one of ROLES); a token is a switchboard system."""
    client = APIClient()
    if role == "anonymous":
        return client
    if role == "token":
        _, secret = api_token_create(
            name="Telephony", role=token_options.get("group", access.SWITCHBOARD),
            network=world.network, created_by=world.admin,
            throttle_rate=token_options.get("throttle_rate", ""),
        )
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return client
    user = {
        "referrer": world.referrer_a, "switchboard": world.switchboard,
        "coordinator": world.coordinator, "lead": world.lead, "outsider": world.outsider,
        "admin": world.admin,
    }[role]
    client.force_login(user)
    return client
