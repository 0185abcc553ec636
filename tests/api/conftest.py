"""The API test world: rotas with shifts in May 2026, a pathway, and a client per role."""

from dataclasses import dataclass
from datetime import UTC

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from pathways.decisions import referral_record
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
from tests.pathways.conftest import make_pathway

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


# --- Pathways ------------------------------------------------------------

# Monday 4 May 2026, 02:40 in London (as timezone.now() gives it): Dr Alpha is on call.
NOW = london(2026, 5, 4, 2, 40).astimezone(UTC)

BLEEDING_NODES = [
    {"key": "bleeding", "kind": "question", "text": "Is there active bleeding on CT?",
     "help": "Contrast extravasation on the arterial phase.",
     "options": [{"key": "yes", "text": "Yes", "next": "where"},
                 {"key": "no", "text": "No", "next": "when"}]},
    {"key": "where", "kind": "referring_site", "text": "Referring site",
     "branches": [{"condition": "site", "site": "RXN01", "next": "o-transfer"},
                  {"condition": "default", "next": "o-ir"}]},
    {"key": "when", "kind": "time_window", "text": "In hours or out of hours",
     "branches": [{"condition": "in_hours", "next": "o-day"},
                  {"condition": "out_of_hours", "next": "o-routine"}]},
    {"key": "o-ir", "kind": "outcome", "text": "IR consultant now", "urgency": "immediate",
     "instructions": "Call **now**.",
     "steps": [{"kind": "rota", "rota": "lsc-ir", "instruction": "The IR consultant"},
               {"kind": "fixed", "label": "Royal Preston switchboard",
                "number": "01772716565", "instruction": "If there is no answer"}]},
    {"key": "o-transfer", "kind": "outcome", "text": "Transfer to Royal Preston",
     "urgency": "urgent", "instructions": "Transfer.", "transfer_site": "RXN02",
     "transfer_text": "Royal Preston IR suite",
     "steps": [{"kind": "rota", "rota": "lsc-ir", "instruction": "Accepting IR"}]},
    {"key": "o-day", "kind": "outcome", "text": "IR list today", "urgency": "routine",
     "instructions": "Book on the list.",
     "steps": [{"kind": "rota", "rota": "lsc-ir-day", "instruction": "The IR list"}]},
    {"key": "o-routine", "kind": "outcome", "text": "Next working day", "urgency": "routine",
     "instructions": "Discuss in the morning.",
     "steps": [{"kind": "fixed", "label": "IR department", "number": "01772 522000",
                "instruction": "After 08:00"}]},
]


def long_nodes(questions: int) -> list[dict]:
    """A chain of ``questions`` questions, each 'yes' leading on, then the IR outcome."""
    keys = [f"q{n}" for n in range(questions)]
    nodes = [
        {"key": key, "kind": "question", "text": f"Question {n}?",
         "options": [{"key": "yes", "text": "Yes", "next": (keys[n + 1:] or ["o-ir"])[0]},
                     {"key": "no", "text": "No", "next": "o-routine"}]}
        for n, key in enumerate(keys)
    ]
    return nodes + [node for node in BLEEDING_NODES if node["key"] in {"o-ir", "o-routine"}]


@pytest.fixture
def fixed_now(clock):
    # Views read the clock once per request; tests fix it instead of racing it.
    clock["now"] = NOW
    return NOW


@pytest.fixture
def pathway(world, rotas):
    """``bleeding-ir``: a published version 1 whose contact steps name the API world's rotas."""
    pathway, _ = make_pathway(world, slug="bleeding-ir", nodes=BLEEDING_NODES, root="bleeding",
                              user=world.lead)
    return pathway


@pytest.fixture
def decision(world, pathway):
    """A referral logged by referrer A (at Blackburn) at NOW, through the web."""
    _, logged = referral_record(
        version=pathway.versions.get(number=1), answers={"bleeding": "yes"},
        referring_site=world.blackburn, user=world.referrer_a, at=None, now=NOW, channel="web",
    )
    return logged
