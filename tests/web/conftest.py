"""The web flow's world: the small pathway of tests/pathways on a Wednesday morning, in hours."""

from datetime import UTC
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.factories import london
from tests.pathways.conftest import (  # noqa: F401  (published and rotas are fixtures)
    SMALL_NODES,
    make_pathway,
    published,
    rotas,
)

# Wednesday 18 March 2026, 10:00 in London: in hours, so the small pathway asks "bleeding".
NOW = london(2026, 3, 18, 10, 0).astimezone(UTC)
OUT_OF_HOURS = london(2026, 3, 18, 22, 15).astimezone(UTC)


@pytest.fixture
def fixed_now(clock):
    # Views read the clock once per request; tests fix it instead of racing it.
    clock["now"] = NOW
    return clock


def client_for(world, role: str) -> Client:
    client = Client()
    user = {
        "anonymous": None, "referrer": world.referrer_a, "switchboard": world.switchboard,
        "lead": world.lead, "outsider": world.outsider, "admin": world.admin,
    }[role]
    if user is not None:
        client.force_login(user)
    return client


def refer_path(slug="vascular-test", *, v=1, site="RXN01", answers=()) -> str:
    params = [("v", v), ("site", site)] + [("a", f"{k}:{o}") for k, o in answers]
    return f"/pathways/{slug}/refer/?{urlencode([(k, x) for k, x in params if x is not None])}"


TWO_QUESTIONS = [
    {"key": "first", "kind": "question", "text": "Is the patient an adult?",
     "help": "16 or over.",
     "options": [{"key": "yes", "text": "Yes", "next": "bleeding"},
                 {"key": "no", "text": "No", "next": "o-vascular"}]},
    *[node for node in SMALL_NODES if node["key"] in {"bleeding", "o-ir", "o-vascular"}],
]


@pytest.fixture
def two_questions(world, rotas):  # noqa: F811
    """``two-questions``: a question, then the small pathway's bleeding question."""
    return make_pathway(world, slug="two-questions", nodes=TWO_QUESTIONS, root="first")
