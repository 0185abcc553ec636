"""The pathways admin: network leads edit drafts and publish; frozen things are read-only."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pathways.decisions import referral_record
from pathways.models import Node, PathwayVersion
from pathways.publishing import version_create_draft
from tests.factories import london


@pytest.fixture
def lead(world):
    world.lead.is_staff = True
    world.lead.save()
    return world.lead


def statuses(pathway):
    return list(PathwayVersion.objects.filter(pathway=pathway).order_by("number")
                .values_list("number", "status"))


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 200), ("admin", 200), ("coordinator", 403), ("outsider", 403)],
)
def test_admin_pathway_list_only_for_leads_of_the_network(client, world, published, who,
                                                          status):
    user = getattr(world, who)
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:pathways_pathway_changelist"))
    assert response.status_code == status
    if status == 200:
        assert "Vascular test" in response.content.decode()


def test_admin_outsider_lead_does_not_see_another_networks_pathway(client, world, published):
    from rota.access import NETWORK_LEAD
    from rota.models import Membership

    Membership.objects.create(user=world.outsider, network=world.other_network,
                              role=NETWORK_LEAD)
    world.outsider.is_staff = True
    world.outsider.save()
    client.force_login(world.outsider)
    pathway, _ = published
    response = client.get(reverse("admin:pathways_pathway_change", args=[pathway.pk]))
    # The admin redirects a missing object to the index: the pathway is not the outsider's.
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_admin_create_draft_and_publish_actions(client, lead, published):
    pathway, _ = published
    client.force_login(lead)
    response = client.post(reverse("admin:pathways_pathway_changelist"),
                           {"action": "create_draft", "_selected_action": [pathway.pk]})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Created draft Vascular test v2.",
    ]
    assert statuses(pathway) == [(1, "published"), (2, "draft")]
    draft = PathwayVersion.objects.get(pathway=pathway, number=2)
    page = client.get(reverse("admin:pathways_pathwayversion_change", args=[draft.pk]))
    assert "No problems: ready to publish." in page.content.decode()
    draft.change_summary = "Nothing changed but the number."
    draft.save()
    response = client.post(reverse("admin:pathways_pathwayversion_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk]})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Published Vascular test v2.",
    ]
    assert statuses(pathway) == [(1, "retired"), (2, "published")]
    assert PathwayVersion.objects.get(pk=draft.pk).published_by == lead


def test_admin_publish_shows_every_problem(client, lead, published):
    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=lead, change_summary="Transfer gone.")
    Node.objects.get(version=draft, key="o-transfer").delete()
    client.force_login(lead)
    page = client.get(reverse("admin:pathways_pathwayversion_change", args=[draft.pk]))
    assert ("<li><strong>where</strong>: The site (Chorley) branch leads to &#x27;o-transfer"
            "&#x27;, which is not a node of this version.</li>") in page.content.decode()
    response = client.post(reverse("admin:pathways_pathwayversion_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk]})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Vascular test v2 cannot be published: 1 problem to fix.",
        "Referring-site step “Referring site” (where): The site (Chorley) branch leads to "
        "'o-transfer', which is not a node of this version.",
    ]
    assert statuses(pathway) == [(1, "published"), (2, "draft")]


def test_admin_publish_action_requires_a_change_summary(client, lead, published):
    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=lead)
    client.force_login(lead)
    response = client.post(reverse("admin:pathways_pathwayversion_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk]})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Say what changed in this version before publishing it.",
    ]
    assert statuses(pathway) == [(1, "published"), (2, "draft")]


def test_admin_published_version_and_its_nodes_are_read_only(client, lead, published):
    _, v1 = published
    client.force_login(lead)
    url = reverse("admin:pathways_pathwayversion_change", args=[v1.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {"root_key": "bleeding"}).status_code == 403
    node = Node.objects.get(version=v1, key="bleeding")
    node_url = reverse("admin:pathways_node_change", args=[node.pk])
    assert 'name="_save"' not in client.get(node_url).content.decode()
    assert client.post(node_url, {"text": "Changed"}).status_code == 403
    delete_url = reverse("admin:pathways_pathwayversion_delete", args=[v1.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    v1.refresh_from_db()
    assert (v1.root_key, v1.status) == ("when", "published")


def test_admin_draft_node_is_edited_in_the_editor(client, lead, published):
    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=lead)
    node = Node.objects.get(version=draft, key="o-ir")
    client.force_login(lead)
    page = client.get(reverse("admin:pathways_node_change", args=[node.pk]))
    assert page["Location"] == reverse("admin:pathways_pathwayversion_node",
                                       args=[draft.pk, "o-ir"])


def test_admin_decisions_cannot_be_changed_or_deleted(client, lead, world, published):
    _, v1 = published
    now = london(2026, 3, 18, 22, 0)
    _, decision = referral_record(version=v1, answers={}, referring_site=world.chorley,
                                  user=None, at=None, now=now, channel="web")
    client.force_login(lead)
    change = reverse("admin:pathways_decision_change", args=[decision.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert decision.reference in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"channel": "api"}).status_code == 403
    delete = reverse("admin:pathways_decision_delete", args=[decision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
