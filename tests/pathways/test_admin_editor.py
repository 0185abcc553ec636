"""The leads' version pages in the admin: the tree with its problems, and diffs."""

import pytest
from django.urls import reverse

from pathways.models import Node, Option
from pathways.publishing import version_create_draft

pytestmark = pytest.mark.django_db


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def _tree(version):
    return reverse("admin:pathways_pathwayversion_tree", args=[version.pk])


def _diff(version, against=None):
    url = reverse("admin:pathways_pathwayversion_diff", args=[version.pk])
    return f"{url}?against={against.pk}" if against is not None else url


@pytest.fixture
def draft(world, published):
    pathway, _ = published
    return version_create_draft(pathway=pathway, user=world.lead)


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 200), ("admin", 200), ("coordinator", 404), ("switchboard", 404),
     ("outsider", 404)],
)
@pytest.mark.parametrize("page", [_tree, _diff])
def test_editor_pages_only_for_leads_of_the_network_and_admins(client, world, draft, who,
                                                               status, page):
    client.force_login(_staff(getattr(world, who)))
    assert client.get(page(draft)).status_code == status


def test_editor_pages_ask_anonymous_to_sign_in(client, draft):
    response = client.get(_tree(draft))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editor_tree_outlines_each_question_with_its_options_in_order(client, world, draft):
    client.force_login(_staff(world.lead))
    body = client.get(_tree(draft)).content.decode()
    order = [body.index(text) for text in (
        "In hours or out of hours", "In hours &rarr;", "Is there active bleeding on CT?",
        "“Yes” &rarr;", "IR consultant now", "“No” &rarr;", "Vascular surgeon",
        "Out of hours &rarr;", "Referring site", "From any other site &rarr;",
        "From Chorley &rarr;", "Transfer to Royal Preston",
    )]
    assert order == sorted(order)
    assert body.count("<strong class=\"editor-tag\">automatic</strong>") == 2
    assert "Immediate: call now" in body
    assert "No problems: ready to publish." in body
    assert "<svg" in body
    assert "continues at <a href=\"#node-o-ir\">" in body


def test_editor_tree_lists_every_problem_with_a_link_to_its_node(client, world, draft):
    option = Option.objects.get(node__version=draft, node__key="bleeding", key="no")
    option.next_key = "nowhere"
    option.save()
    client.force_login(_staff(world.lead))
    response = client.get(_tree(draft))
    problems = response.context["problems"]
    assert [p.node_key for p in problems] == ["bleeding", "o-vascular"]
    body = response.content.decode()
    assert '<a href="#node-bleeding">' in body
    assert 'id="node-bleeding"' in body
    assert "2 problems to fix" in body
    assert "leads to no node (nowhere)" in body


def test_editor_tree_of_a_published_version_is_read_only(client, world, published):
    _, version = published
    client.force_login(_staff(world.lead))
    body = client.get(_tree(version)).content.decode()
    assert "Published: read-only. A change is a new draft." in body
    assert "Validation" not in body


def test_editor_diff_defaults_to_the_draft_against_the_published_version(client, world,
                                                                         published, draft):
    _, v1 = published
    node = Node.objects.get(version=draft, key="bleeding")
    node.text = "Is there active bleeding on the CT scan?"
    node.key = "active-bleeding"
    node.save()
    branch = Node.objects.get(version=draft, key="when").branches.get(condition="in_hours")
    branch.next_key = "active-bleeding"
    branch.save()
    client.force_login(_staff(world.lead))
    response = client.get(_diff(draft))
    assert response.context["against"] == v1
    diff = response.context["diff"]
    assert [(c.status, c.key) for c in diff.nodes] == [("changed", "active-bleeding")]
    assert [f.field for f in diff.nodes[0].fields] == ["key", "text"]
    body = response.content.decode()
    assert "<del>CT?</del>" in body
    assert "<ins>the CT scan?</ins>" in body
    assert body.count(">Changed</text>") == 1


def test_editor_diff_refuses_a_version_of_another_pathway(client, world, published, draft):
    from tests.pathways.conftest import make_pathway

    _, elsewhere = make_pathway(world, slug="another", user=world.lead)
    client.force_login(_staff(world.lead))
    assert client.get(_diff(draft, elsewhere)).status_code == 404
    assert client.get(_diff(draft) + "?against=x").status_code == 404


def test_editor_diff_of_the_only_version_says_there_is_nothing_to_compare(client, world,
                                                                         published):
    _, v1 = published
    client.force_login(_staff(world.lead))
    body = client.get(_diff(v1)).content.decode()
    assert "There is no other version of this pathway to compare with." in body
