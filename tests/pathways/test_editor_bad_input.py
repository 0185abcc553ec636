"""Bad input to the editor's actions: a form error a lead can act on, never a 500, nothing
half-written."""

import pytest
from django.urls import reverse

from pathways.models import Node, PathwayVersion
from pathways.publishing import version_create_draft


@pytest.fixture
def draft(world, published):
    pathway, _ = published
    return version_create_draft(pathway=pathway, user=world.lead)


def _act(version, key):
    return reverse("admin:pathways_pathwayversion_node_act", args=[version.pk, key])


def _rows(version):
    return (Node.objects.filter(version=version).count(),
            PathwayVersion.objects.get(pk=version.pk).revision)


@pytest.mark.parametrize("data", [
    {"action": "grow-outcome", "option": "no", "text": "x" * 10_000},
    {"action": "grow-outcome", "option": "no", "text": ""},
    {"action": "grow-question", "option": "no\x00", "text": "Where?"},
    {"action": "option-add", "text": "\x00"},
    {"action": "step-edit", "index": "99999999999999999999", "kind": "rota"},
    {"action": "step-move", "index": "-1", "direction": "sideways"},
    {"action": "branch-add", "condition": "site", "site": "not-a-number"},
    {"action": "nonsense"},
    {"action": "point", "option": "yes", "target": "<script>"},
    {"revision": "not-a-number", "action": "option-add", "text": "Maybe"},
    {"revision": "", "action": "option-add", "text": "Maybe"},
])
def test_editor_bad_input_is_a_message_never_a_500_nor_a_partial_write(
    client, world, draft, data
):
    client.force_login(world.lead)
    world.lead.is_staff = True
    world.lead.save()
    before = _rows(draft)
    response = client.post(_act(draft, "bleeding"), {"revision": 0, **data}, follow=True)
    body = response.content.decode()
    if response.status_code == 400:  # refused before any editing: what to do is said
        assert "This request could not be read" in body
        assert ("NUL character" in body) or ("reload the page" in body)
    else:
        assert response.status_code == 200
        assert "messagelist" in body and 'class="error"' in body
    assert "<script>" not in body.replace("&lt;script&gt;", "")
    # A refused action writes nothing: no node added, the revision unchanged.
    if data.get("action") != "grow-outcome" or data.get("text") in ("", "x" * 10_000):
        assert _rows(draft) == before
