"""Filling a draft from plain node specifications: all or nothing, with clear messages."""

import pytest

from pathways.building import draft_fill
from pathways.errors import PathwayError
from pathways.models import Node
from tests.pathways.conftest import SMALL_NODES, make_pathway


def test_draft_fill_refuses_an_unknown_rota_and_writes_nothing(world, rotas):
    _, draft = make_pathway(world, slug="empty", nodes=[], root="", publish=False)
    nodes = [*SMALL_NODES[:-1], {**SMALL_NODES[-1], "steps": [{"kind": "rota", "rota": "nope"}]}]
    with pytest.raises(PathwayError) as caught:
        draft_fill(version=draft, root_key="when", nodes=nodes)
    assert caught.value.message == "Unknown rota: nope."
    assert Node.objects.filter(version=draft).count() == 0


def test_draft_fill_refuses_a_bad_fixed_number_naming_the_step(world, rotas):
    _, draft = make_pathway(world, slug="empty", nodes=[], root="", publish=False)
    bad = {"key": "o", "kind": "outcome", "text": "O", "urgency": "urgent",
           "steps": [{"kind": "fixed", "label": "Crash team", "number": "2222"}]}
    with pytest.raises(PathwayError) as caught:
        draft_fill(version=draft, root_key="o", nodes=[bad])
    assert caught.value.message == (
        "node o, contact step 1: “2222” is not a UK telephone number. Enter it as dialled "
        "from a UK phone, e.g. 01772 716565 or 07700 900123."
    )
    assert Node.objects.filter(version=draft).count() == 0
    draft.refresh_from_db()
    assert draft.root_key == ""
