"""A small published pathway on the shared world, with rotas that have someone on call."""

from dataclasses import dataclass

import pytest

from pathways.building import draft_fill
from pathways.models import Pathway
from pathways.publishing import version_create_draft, version_publish
from tests.factories import (
    ClinicianFactory,
    ContactMethodFactory,
    RotaFactory,
    london,
    months_on_call,
)

PUBLISHED_AT = london(2026, 3, 1, 9, 0)
SHIFTS_FROM, SHIFTS_TO = london(2026, 2, 1, 0, 0), london(2026, 6, 1, 0, 0)


@dataclass
class Rotas:
    day: object
    night: object
    vascular: object
    day_clinician: object
    night_clinician: object
    vascular_clinician: object


@pytest.fixture
def rotas(world) -> Rotas:
    made = {}
    for name, slug, role, coverage, person in (
        ("day", "ir-day", "ir-consultant", "in_hours", "Dr Day"),
        ("night", "ir-night", "ir-consultant", "out_of_hours", "Dr Night"),
        ("vascular", "vascular", "vascular-surgeon", "always", "Mr Vascular"),
    ):
        rota = RotaFactory(network=world.network, slug=slug, role=role,
                           required_coverage=coverage, based_at=world.preston,
                           ask_for=f"the on-call {role.replace('-', ' ')}")
        clinician = ClinicianFactory(name=person, home_trust=world.trust_a)
        ContactMethodFactory(clinician=clinician, kind="mobile", value="07700 900123",
                             visibility="switchboard")
        ContactMethodFactory(clinician=clinician, kind="bleep", value="2345",
                             visibility="staff", site=world.preston)
        months_on_call(rota, clinician, SHIFTS_FROM, SHIFTS_TO)
        made[name] = rota
        made[f"{name}_clinician"] = clinician
    return Rotas(**made)


SMALL_NODES = [
    {"key": "when", "kind": "time_window", "text": "In hours or out of hours",
     "branches": [{"condition": "in_hours", "next": "bleeding"},
                  {"condition": "out_of_hours", "next": "where"}]},
    {"key": "bleeding", "kind": "question", "text": "Is there active bleeding on CT?",
     "options": [{"key": "yes", "text": "Yes", "next": "o-ir"},
                 {"key": "no", "text": "No", "next": "o-vascular"}]},
    {"key": "where", "kind": "referring_site", "text": "Referring site",
     "branches": [{"condition": "site", "site": "RXN01", "next": "o-transfer"},
                  {"condition": "default", "next": "o-ir"}]},
    {"key": "o-ir", "kind": "outcome", "text": "IR consultant now", "urgency": "immediate",
     "instructions": "Call **now**.",
     "steps": [{"kind": "role", "role": "ir-consultant", "instruction": "The IR consultant"}]},
    {"key": "o-vascular", "kind": "outcome", "text": "Vascular surgeon", "urgency": "urgent",
     "instructions": "Discuss.",
     "steps": [{"kind": "rota", "rota": "vascular", "instruction": "Vascular first"},
               {"kind": "fixed", "label": "Royal Preston switchboard",
                "number": "01772716565", "instruction": "Ask for theatres"}]},
    {"key": "o-transfer", "kind": "outcome", "text": "Transfer to Royal Preston",
     "urgency": "urgent", "instructions": "Transfer.", "transfer_site": "RXN02",
     "transfer_text": "Royal Preston IR suite",
     "steps": [{"kind": "role", "role": "ir-consultant", "instruction": "Accepting IR"}]},
]


def make_pathway(world, *, slug="vascular-test", nodes=SMALL_NODES, root="when", user=None,
                 publish=True):
    pathway = Pathway.objects.create(
        network=world.network, slug=slug, title="Vascular test", specialty="Vascular",
        review_date=PUBLISHED_AT.date().replace(year=2028),
    )
    draft = version_create_draft(pathway=pathway, user=user)
    draft_fill(version=draft, root_key=root, nodes=nodes, user=user)
    if publish:
        version_publish(version=draft, user=user, now=PUBLISHED_AT)
    draft.refresh_from_db()
    return pathway, draft


@pytest.fixture
def published(world, rotas):
    """(pathway, its published version 1)."""
    return make_pathway(world, user=world.lead)
