"""The leads' version pages in the admin: the tree with its problems, and diffs."""

import re

import pytest
from django.urls import reverse

from pathways import editing
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


# --- Editing in place ----------------------------------------------------------------------


def _node(version, key):
    return reverse("admin:pathways_pathwayversion_node", args=[version.pk, key])


def _act(version, key):
    return reverse("admin:pathways_pathwayversion_node_act", args=[version.pk, key])


def _remove(version, key):
    return reverse("admin:pathways_pathwayversion_node_remove", args=[version.pk, key])


def _messages(response):
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("key", "fields"),
    [("bleeding", ["text", "help_text"]), ("when", ["text"]),
     ("o-ir", ["text", "urgency", "instructions", "transfer_site", "transfer_text"])],
)
def test_editor_node_form_has_only_the_fields_of_its_kind(client, world, draft, key, fields):
    client.force_login(_staff(world.lead))
    response = client.get(_node(draft, key))
    assert list(response.context["form"].fields) == fields
    assert 'name="key"' not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 200), ("admin", 200), ("coordinator", 404), ("outsider", 404)],
)
def test_editor_node_page_only_for_leads_of_the_network_and_admins(client, world, draft, who,
                                                                  status):
    client.force_login(_staff(getattr(world, who)))
    assert client.get(_node(draft, "bleeding")).status_code == status
    assert client.get(_remove(draft, "bleeding")).status_code == status


def test_editor_published_version_refuses_every_edit_path(client, world, published):
    """Controls H-15."""
    _, version = published
    client.force_login(_staff(world.lead))
    assert client.get(_node(version, "bleeding")).status_code == 403
    assert client.post(_node(version, "bleeding"),
                       {"revision": 0, "text": "Changed"}).status_code == 403
    assert client.post(_act(version, "bleeding"), {"revision": 0, "action": "point",
                                                   "option": "no",
                                                   "target": "o-ir"}).status_code == 403
    assert client.post(_remove(version, "o-ir"), {"revision": 0}).status_code == 403
    assert Node.objects.get(version=version, key="bleeding").text == (
        "Is there active bleeding on CT?")


def test_editor_node_save_rewords_and_returns_to_the_tree(client, world, draft):
    client.force_login(_staff(world.lead))
    response = client.post(_node(draft, "bleeding"), {
        "revision": 0, "text": "Is there active bleeding?", "help_text": "",
    })
    assert response.status_code == 302
    assert response["Location"].endswith("/tree/#node-bleeding")
    assert Node.objects.get(version=draft, key="bleeding").text == "Is there active bleeding?"


def test_editor_stale_save_is_refused_with_who_changed_what(client, world, draft):
    """Controls H-15."""
    from django.test import Client

    other = Client()
    other.force_login(_staff(world.admin))
    other.post(_node(draft, "bleeding"), {"revision": 0, "text": "The admin's wording"})
    client.force_login(_staff(world.lead))
    response = client.post(_node(draft, "bleeding"), {"revision": 0, "text": "The lead's"})
    assert response.status_code == 200
    shown = _messages(response)
    assert shown[0].startswith("Vascular test v2 was changed since this page was loaded")
    assert shown[1].startswith("admin at ")
    assert shown[1].endswith("edited text of “The admin's wording”")
    assert Node.objects.get(version=draft, key="bleeding").text == "The admin's wording"


def test_editor_add_outcome_under_an_option_with_no_target(client, world, draft):
    option = Option.objects.get(node__version=draft, node__key="bleeding", key="no")
    option.next_key = ""
    option.save()
    client.force_login(_staff(world.lead))
    tree_page = client.get(_tree(draft)).content.decode()
    assert "Add outcome here" in tree_page
    response = client.post(_act(draft, "bleeding"), {
        "revision": 0, "action": "grow-outcome", "option": "no",
        "text": "Discuss with the vascular surgeon",
    })
    assert response["Location"] == _node(draft, "discuss-with-the-vascular-surgeon")
    option.refresh_from_db()
    assert option.next_key == "discuss-with-the-vascular-surgeon"
    added = Node.objects.get(version=draft, key=option.next_key)
    assert added.kind == "outcome"


def test_editor_point_an_option_at_another_node(client, world, draft):
    client.force_login(_staff(world.lead))
    client.post(_act(draft, "bleeding"), {"revision": 0, "action": "point", "option": "no",
                                          "target": "o-ir"})
    assert Option.objects.get(node__version=draft, node__key="bleeding",
                              key="no").next_key == "o-ir"


def test_editor_reorder_contact_steps(client, world, draft):
    client.force_login(_staff(world.lead))
    client.post(_act(draft, "o-vascular"), {"revision": 0, "action": "down", "part": "steps",
                                            "index": 0})
    node = Node.objects.get(version=draft, key="o-vascular")
    assert [s.kind for s in node.steps.all()] == ["fixed", "rota"]


def test_editor_remove_lists_unreachable_nodes_first(client, world, draft):
    client.force_login(_staff(world.lead))
    page = client.get(_remove(draft, "where"))
    assert [n.key for n in page.context["stranded"]] == ["o-transfer"]
    response = client.post(_remove(draft, "where"), {"revision": 0, "also": ["o-transfer"]})
    assert response.status_code == 302
    assert not Node.objects.filter(version=draft, key__in=["where", "o-transfer"]).exists()


# --- Publishing --------------------------------------------------------------------------


def _publish(version):
    return reverse("admin:pathways_pathwayversion_publish", args=[version.pk])


def test_editor_publish_page_shows_the_diff_and_asks_for_a_summary(client, world, published,
                                                                   draft):
    """Controls H-14."""
    _, v1 = published
    node = Node.objects.get(version=draft, key="bleeding")
    node.text = "Is there active bleeding?"
    node.save()
    client.force_login(_staff(world.lead))
    response = client.get(_publish(draft))
    assert response.context["against"] == v1
    assert [c.key for c in response.context["diff"].nodes] == ["bleeding"]
    assert 'name="change_summary"' in response.content.decode()


def test_editor_publish_requires_a_change_summary(client, world, published, draft):
    """Controls H-15."""
    client.force_login(_staff(world.lead))
    response = client.post(_publish(draft), {"revision": 0, "change_summary": "  "})
    assert response.status_code == 302
    assert _messages(response) == ["Say what changed in this version before publishing it."]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_editor_publish_retires_the_previous_version(client, world, published, draft):
    _, v1 = published
    client.force_login(_staff(world.lead))
    response = client.post(_publish(draft), {"revision": 0,
                                              "change_summary": "Reworded the CT question."})
    assert response.status_code == 302
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert (draft.status, draft.change_summary, draft.published_by) == (
        "published", "Reworded the CT question.", world.lead)
    assert v1.status == "retired"


def test_editor_publish_refuses_a_stale_page(client, world, published, draft):
    editing.node_update(version=draft, revision=0, node_key="bleeding",
                        values={"text": "Changed meanwhile"}, user=world.admin)
    client.force_login(_staff(world.lead))
    client.post(_publish(draft), {"revision": 0, "change_summary": "Mine"})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_editor_publish_lists_problems_instead_of_the_form(client, world, draft):
    option = Option.objects.get(node__version=draft, node__key="bleeding", key="no")
    option.next_key = "nowhere"
    option.save()
    client.force_login(_staff(world.lead))
    body = client.get(_publish(draft)).content.decode()
    assert "This draft cannot be published yet" in body
    assert 'name="change_summary"' not in body
    assert client.post(_publish(draft), {"revision": 0, "change_summary": "x"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_editor_publish_of_a_published_version_is_refused(client, world, published):
    _, v1 = published
    client.force_login(_staff(world.lead))
    assert client.get(_publish(v1)).status_code == 403
    assert client.post(_publish(v1), {"revision": 0, "change_summary": "x"}).status_code == 403


# --- Around the editor ---------------------------------------------------------------------


def test_editor_edit_on_the_nodes_admin_page_makes_editor_pages_stale(client, world, draft):
    from tests.security.test_matrix import _form_data

    client.force_login(_staff(world.lead))
    node = Node.objects.get(version=draft, key="bleeding")
    url = reverse("admin:pathways_node_change", args=[node.pk])
    data = _form_data(client.get(url).content.decode())
    data["text"] = ["Reworded row by row"]
    data["_save"] = ["Save"]
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 1
    response = client.post(_node(draft, "o-ir"), {"revision": 0, "text": "Stale"})
    assert _messages(response)[-1].endswith("edited “Reworded row by row” on its admin page")


def test_pathway_list_flags_review_due_and_past(client, world, published):
    from datetime import timedelta

    from django.utils import timezone

    pathway, _ = published
    client.force_login(_staff(world.lead))
    for days, flag in ((-1, "(past review)"), (28, "(review due within 28 days)"), (29, "")):
        pathway.review_date = timezone.localdate() + timedelta(days=days)
        pathway.save()
        body = client.get(reverse("admin:pathways_pathway_changelist")).content.decode()
        assert (flag in body) if flag else ("review due" not in body and "past review" not in body)


def test_review_state_is_overdue_due_or_nothing():
    from datetime import date

    from pathways.publishing import review_state

    today = date(2026, 12, 1)
    assert [review_state(review_date=date(2026, 11, 30), today=today),
            review_state(review_date=date(2026, 12, 1), today=today),
            review_state(review_date=date(2026, 12, 29), today=today),
            review_state(review_date=date(2026, 12, 30), today=today)] == [
        "overdue", "due", "due", ""]


def test_editor_add_reword_and_remove_an_option_in_place(client, world, draft):
    client.force_login(_staff(world.lead))
    client.post(_act(draft, "bleeding"), {"revision": 0, "action": "option-add",
                                          "text": "Not sure"})
    client.post(_act(draft, "bleeding"), {"revision": 1, "action": "option-reword",
                                          "option": "not-sure", "text": "Unsure"})
    options = Option.objects.filter(node__version=draft, node__key="bleeding")
    assert [(o.key, o.text) for o in options] == [("yes", "Yes"), ("no", "No"),
                                                  ("not-sure", "Unsure")]
    response = client.post(_act(draft, "bleeding"), {"revision": 2, "action": "option-remove",
                                                     "option": "not-sure"})
    assert _messages(response)[-1] == "Option removed."
    assert options.all().count() == 2


def test_editor_add_a_role_step_in_place(client, world, draft):
    client.force_login(_staff(world.lead))
    page = client.get(_node(draft, "o-ir"))
    assert page.context["roles"] == ["ir-consultant", "vascular-surgeon"]
    response = client.post(_act(draft, "o-ir"), {
        "revision": 0, "action": "step-add", "kind": "role", "role": "vascular-surgeon",
        "rota": "", "label": "", "number": "", "instruction": "Then vascular",
    })
    assert _messages(response)[-1] == "Contact step added."
    node = Node.objects.get(version=draft, key="o-ir")
    assert [(s.kind, s.role) for s in node.steps.all()] == [
        ("role", "ir-consultant"), ("role", "vascular-surgeon")]


def test_editor_unknown_option_is_refused_not_an_error(client, world, draft):
    client.force_login(_staff(world.lead))
    response = client.post(_act(draft, "bleeding"), {"revision": 0, "action": "point",
                                                     "option": "nope", "target": "o-ir"})
    assert response.status_code == 302
    assert _messages(response) == ["“Is there active bleeding on CT?” has no option 'nope'."]


def test_editor_version_history_says_who_changed_what(client, world, draft):
    editing.node_update(version=draft, revision=0, node_key="bleeding",
                        values={"text": "Reworded for history"}, user=world.lead)
    client.force_login(_staff(world.lead))
    body = client.get(reverse("admin:pathways_pathwayversion_history",
                              args=[draft.pk])).content.decode()
    row = re.sub(r"\s+", " ", body[body.index("<tbody>"):body.index("</tr>",
                                                                      body.index("<tbody>"))])
    assert f'<a href="/admin/auth/user/{world.lead.pk}/change/">lead</a>' in row
    assert "edited text of “Reworded for history”" in row


def test_editor_point_a_branch_in_place(client, world, draft):
    client.force_login(_staff(world.lead))
    page = client.get(_node(draft, "when"))
    assert 'id="branch-target-2"' in page.content.decode()
    client.post(_act(draft, "when"), {"revision": 0, "action": "branch-point", "index": 0,
                                      "target": "o-ir"})
    assert Node.objects.get(version=draft, key="when").branches.get(
        condition="in_hours").next_key == "o-ir"
