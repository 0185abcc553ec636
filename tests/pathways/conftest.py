"""A small published pathway on the shared world, with rotas that have someone on call.

Tests marked ``pure`` run the rules over plain data (:mod:`tests.pathways.plain`):
they may not ask for the database, and any query they make fails them.
"""

from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from django.db import connections

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
DATABASE_FIXTURES = {
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _pure_tests_make_no_queries(request):
    """For a ``pure`` test: no database fixture, and zero queries on every connection.

    pytest-django already refuses a test without the ``db`` fixture any database
    access; this makes the rule explicit, and holds even if the test were given one.
    """
    if request.node.get_closest_marker("pure") is None:
        yield
        return
    asked = DATABASE_FIXTURES & set(request.fixturenames)
    assert not asked and request.node.get_closest_marker("django_db") is None, (
        f"A pure test must not use the database: it asks for {sorted(asked) or 'django_db'}."
    )
    ran: list[str] = []

    def refuse(execute, sql, params, many, context):
        ran.append(sql)
        raise AssertionError(f"A pure test ran a query: {sql}")

    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(refuse))
        yield
    assert ran == [], f"A pure test ran {len(ran)} queries."
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


def wide_nodes(count: int) -> list[dict]:
    """A chain of ``count`` questions, each with an outcome as its other option."""
    nodes = []
    for index in range(count):
        following = f"q{index + 1}" if index + 1 < count else "o-end"
        nodes.append({"key": f"q{index}", "kind": "question", "text": f"Q{index}?",
                      "options": [{"key": "on", "text": "On", "next": following},
                                  {"key": "stop", "text": "Stop", "next": f"o{index}"}]})
        nodes.append({"key": f"o{index}", "kind": "outcome", "text": "Out", "urgency": "urgent",
                      "steps": [{"kind": "role", "role": "ir-consultant"},
                                {"kind": "rota", "rota": "vascular"}]})
    nodes.append({"key": "o-end", "kind": "outcome", "text": "End", "urgency": "urgent",
                  "steps": [{"kind": "role", "role": "ir-consultant"}]})
    return nodes


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
