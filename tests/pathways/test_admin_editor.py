"""The leads' version pages in the admin: the tree with its problems, and diffs."""

import re

import pytest
from django.urls import reverse

from pathways import editing
from pathways.models import Node, Option
from pathways.publishing import version_create_draft
from tests.pages import CHECK_THE_ADDRESS, FORBIDDEN, NOT_FOUND, problem, title

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
@pytest.mark.parametrize(("page", "page_title"), [
    (_tree, "Vascular test v2: the tree | Django site admin"),
    (_diff, "Vascular test v2: changes | Django site admin"),
])
def test_editor_pages_only_for_leads_of_the_network_and_admins(client, world, draft, who,
                                                               status, page, page_title):
    client.force_login(_staff(getattr(world, who)))
    response = client.get(page(draft))
    if status == 200:
        assert (response.status_code, title(response)) == (200, page_title)
    else:
        # Not "forbidden": a lead of another network is not told the draft exists.
        assert problem(response) == (404, NOT_FOUND, CHECK_THE_ADDRESS)


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
    _lead_no_to(draft, "nowhere")
    client.force_login(_staff(world.lead))
    response = client.get(_tree(draft))
    problems = response.context["problems"]
    assert [p.node_key for p, _ in problems] == ["bleeding", "o-vascular"]
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
    # The page says which part of the address is wrong: the version compared against.
    no_such = (404, NOT_FOUND, "No such version of this pathway.")
    assert problem(client.get(_diff(draft, elsewhere))) == no_such
    assert problem(client.get(_diff(draft) + "?against=x")) == no_such


def test_editor_diff_of_the_only_version_says_there_is_nothing_to_compare(client, world,
                                                                         published):
    _, v1 = published
    client.force_login(_staff(world.lead))
    body = client.get(_diff(v1)).content.decode()
    assert "There is no other version of this pathway to compare with." in body


# --- Editing in place ----------------------------------------------------------------------


def _lead_no_to(draft, next_key: str) -> None:
    """Point the "No" option of the draft's first question at ``next_key``, behind the editor."""
    Option.objects.filter(node__version=draft, node__key="bleeding", key="no").update(
        next_key=next_key)


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
    node_page = client.get(_node(draft, "bleeding"))
    remove_page = client.get(_remove(draft, "bleeding"))
    if status == 200:
        assert title(node_page) == (
            "Edit question: Is there active bleeding on CT? | Django site admin"
        )
        assert title(remove_page) == (
            "Remove “Is there active bleeding on CT?”? | Django site admin"
        )
    else:
        assert problem(node_page) == (404, NOT_FOUND, CHECK_THE_ADDRESS)
        assert problem(remove_page) == (404, NOT_FOUND, CHECK_THE_ADDRESS)


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
    _lead_no_to(draft, "")
    client.force_login(_staff(world.lead))
    tree_page = client.get(_tree(draft)).content.decode()
    assert "Add outcome here" in tree_page
    response = client.post(_act(draft, "bleeding"), {
        "revision": 0, "action": "grow-outcome", "option": "no",
        "text": "Discuss with the vascular surgeon",
    })
    assert response["Location"] == _node(draft, "discuss-with-the-vascular-surgeon")
    option = Option.objects.get(node__version=draft, node__key="bleeding", key="no")
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
    _lead_no_to(draft, "nowhere")
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
    assert problem(client.get(_publish(v1))) == FORBIDDEN
    assert problem(client.post(_publish(v1), {"revision": 0, "change_summary": "x"})) == FORBIDDEN
    v1.refresh_from_db()
    assert v1.status == "published"


# --- Around the editor ---------------------------------------------------------------------


def test_editor_a_drafts_node_admin_pages_open_the_editor_and_save_nothing(client, world,
                                                                          draft):
    """The row-by-row node pages cannot overwrite an editor's save: they send leads to it.

    Controls H-15.
    """
    client.force_login(_staff(world.lead))
    node = Node.objects.get(version=draft, key="bleeding")
    change = reverse("admin:pathways_node_change", args=[node.pk])
    assert client.get(change)["Location"] == _node(draft, "bleeding")
    response = client.post(change, {"key": "bleeding", "text": "Reworded row by row",
                                    "_save": "Save"})
    assert response["Location"] == _node(draft, "bleeding")
    assert "Nothing was saved here" in _messages(response)[0]
    delete = reverse("admin:pathways_node_delete", args=[node.pk])
    assert client.post(delete, {"post": "yes"})["Location"] == _remove(draft, "bleeding")
    assert client.get(reverse("admin:pathways_node_add")).status_code == 403
    changelist = client.get(reverse("admin:pathways_node_changelist"))
    assert 'name="action"' not in changelist.content.decode()  # no bulk delete
    node.refresh_from_db()
    draft.refresh_from_db()
    assert (node.text, draft.revision) == ("Is there active bleeding on CT?", 0)


def test_editor_version_page_refuses_a_stale_save_saying_who_changed_what(client, world,
                                                                         draft):
    """Controls H-15."""
    from tests.security.test_matrix import _form_data

    client.force_login(_staff(world.lead))
    url = reverse("admin:pathways_pathwayversion_change", args=[draft.pk])
    data = _form_data(client.get(url).content.decode())
    assert data["page_revision"] == ["0"]
    assert "nodes-0-text" not in data  # the nodes are listed to read, edited in the editor
    editing.node_update(version=draft, revision=0, node_key="o-ir",
                        values={"text": "IR consultant, now"}, user=world.admin)
    data.update({"change_summary": ["Stale summary"], "_save": ["Save"]})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "was changed since this page was loaded" in errors
    assert "admin at " in errors and "edited text of “IR consultant, now”" in errors
    draft.refresh_from_db()
    assert (draft.change_summary, draft.revision) == ("", 1)
    # Drawn again, the page saves, and the editor's open pages become stale in turn.
    data = _form_data(client.get(url).content.decode())
    data.update({"change_summary": ["Reworded the IR outcome"], "_save": ["Save"]})
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.change_summary, draft.revision) == ("Reworded the IR outcome", 2)
    data = _form_data(client.get(url).content.decode())
    data.update({"change_summary": ["x" * 101], "_save": ["Save"]})
    response = client.post(url, data)
    assert "at most 100 characters" in str(response.context["adminform"].form.errors)


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
    assert 'id="branch-2-target"' in page.content.decode()
    client.post(_act(draft, "when"), {"revision": 0, "action": "branch-point", "index": 0,
                                      "target": "o-ir"})
    assert Node.objects.get(version=draft, key="when").branches.get(
        condition="in_hours").next_key == "o-ir"


# --- Contact steps and branches in place -------------------------------------------------


def test_editor_edit_a_contact_step_in_place_from_the_networks_rotas(client, world, draft,
                                                                   rotas):
    from tests.factories import RotaFactory

    elsewhere = RotaFactory(network=world.other_network, slug="elsewhere-rota",
                            name="Elsewhere IR")
    client.force_login(_staff(world.lead))
    page = client.get(_node(draft, "o-vascular"))
    body = page.content.decode()
    assert f'<option value="{rotas.vascular.pk}" selected>' in body  # step 1, as it is
    assert "Elsewhere IR" not in body  # only the network's rotas are offered
    assert 'id="step-2-label" maxlength="200" value="Royal Preston switchboard"' in body
    response = client.post(_act(draft, "o-vascular"), {
        "revision": 0, "action": "step-edit", "index": 1, "kind": "rota",
        "rota": rotas.night.pk, "role": "", "label": "", "number": "",
        "instruction": "Then the IR rota",
    })
    assert _messages(response)[-1:] == ["Contact step saved."]
    node = Node.objects.get(version=draft, key="o-vascular")
    assert [(s.rota_id, s.instruction) for s in node.steps.all()] == [
        (rotas.vascular.pk, "Vascular first"), (rotas.night.pk, "Then the IR rota")]
    response = client.post(_act(draft, "o-vascular"), {
        "revision": 1, "action": "step-edit", "index": 0, "kind": "rota",
        "rota": elsewhere.pk, "instruction": "",
    })
    assert _messages(response)[-1:] == ["Choose one of the network's rotas."]
    response = client.post(_act(draft, "o-vascular"), {
        "revision": 1, "action": "step-edit", "index": "x", "kind": "role", "role": "a",
    })
    assert (response.status_code, _messages(response)[-1]) == (302, "No such contact step.")
    response = client.post(_act(draft, "o-vascular"), {
        "revision": 1, "action": "step-edit", "index": "9" * 30, "kind": "rota",
        "rota": "9" * 30,
    })
    assert (response.status_code, _messages(response)[-1]) == (302, "No such contact step.")
    response = client.post(_act(draft, "o-vascular"), {
        "revision": 1, "action": "step-edit", "index": 0, "kind": "rota", "rota": "9" * 30,
    })
    assert _messages(response)[-1] == "Choose one of the network's rotas."
    assert node.steps.first().rota_id == rotas.vascular.pk


def test_editor_stale_contact_step_edit_is_refused_with_who_changed_what(client, world,
                                                                        draft):
    """Controls H-15."""
    editing.part_move(version=draft, revision=0, node_key="o-vascular", part="steps",
                      index=0, offset=1, user=world.admin)
    client.force_login(_staff(world.lead))
    response = client.post(_act(draft, "o-vascular"), {
        "revision": 0, "action": "step-edit", "index": 0, "kind": "role",
        "role": "ir-consultant", "instruction": "",
    })
    shown = _messages(response)
    assert shown[0].startswith("Vascular test v2 was changed since this page was loaded")
    assert shown[1].startswith("admin at ") and "moved contact step" in shown[1]
    assert [s.kind for s in Node.objects.get(version=draft, key="o-vascular").steps.all()] == [
        "fixed", "rota"]


def test_editor_branch_forms_offer_only_what_their_kind_uses(client, world, draft):
    client.force_login(_staff(world.lead))
    when = client.get(_node(draft, "when"))
    assert [value for value, _ in when.context["conditions"]] == ["in_hours", "out_of_hours"]
    body = when.content.decode()
    assert 'name="site"' not in body and 'name="trust"' not in body
    assert 'name="key"' not in body and 'name="next_key"' not in body
    where = client.get(_node(draft, "where"))
    assert [value for value, _ in where.context["conditions"]] == ["site", "trust", "default"]
    assert "Elsewhere General" not in where.content.decode()  # another network's site
    assert client.get(_node(draft, "bleeding")).context["conditions"] == []


def test_editor_add_edit_and_remove_a_branch_in_place(client, world, draft):
    client.force_login(_staff(world.lead))
    act = _act(draft, "where")
    response = client.post(act, {"revision": 0, "action": "branch-add", "condition": "site",
                                 "site": world.blackburn.pk, "trust": "",
                                 "target": "o-vascular", "text": ""})
    assert _messages(response)[-1:] == ["Branch added."]
    response = client.post(act, {"revision": 1, "action": "branch-add-outcome",
                                 "condition": "trust", "site": "", "trust": world.trust_b.pk,
                                 "target": "", "text": "Call East Lancashire IR"})
    assert _messages(response)[-1:] == ["Branch added."]
    where = Node.objects.get(version=draft, key="where")
    # In the model's order: default, site (Chorley), site (Blackburn), trust.
    assert [b.next_key for b in where.branches.all()] == [
        "o-ir", "o-transfer", "o-vascular", "call-east-lancashire-ir"]
    response = client.post(act, {"revision": 2, "action": "branch-edit", "index": 2,
                                 "condition": "site", "site": world.preston.pk,
                                 "target": "o-ir"})
    assert _messages(response)[-1:] == ["Branch saved."]
    assert where.branches.get(site=world.preston).next_key == "o-ir"
    response = client.post(act, {"revision": 3, "action": "branch-remove", "index": 2})
    assert _messages(response)[-1:] == ["Branch removed."]
    assert not where.branches.filter(site=world.preston).exists()
    response = client.post(act, {"revision": 4, "action": "branch-add", "condition": "default",
                                 "target": "o-vascular"})
    assert _messages(response)[-1:] == ["This node already has a branch for this condition."]
    response = client.post(_act(draft, "when"), {"revision": 4, "action": "branch-add",
                                                 "condition": "trust",
                                                 "trust": world.trust_a.pk,
                                                 "target": "o-ir"})
    assert _messages(response)[-1] == (
        "A branch of this in hours / out of hours step is one of: in hours or out of hours.")
    draft.refresh_from_db()
    assert draft.revision == 4


# --- The flowchart and the validation panel ----------------------------------------------


def test_editor_flowchart_boxes_open_their_nodes_form(client, world, published, draft):
    client.force_login(_staff(world.lead))
    body = client.get(_tree(draft)).content.decode()
    for key in ("when", "bleeding", "o-ir"):
        assert f'<a href="{_node(draft, key)}" class="flowchart-link">' in body
    assert 'role="group"' in body  # a chart of links, not one image
    _, v1 = published
    frozen = client.get(_tree(v1)).content.decode()
    assert "flowchart-link" not in frozen and 'role="img"' in frozen


def test_editor_validation_panel_on_every_node_page_is_current_after_a_save(client, world,
                                                                           draft):
    client.force_login(_staff(world.lead))
    assert "No problems: ready to publish." in client.get(_node(draft, "bleeding")).content.decode()
    response = client.post(_remove(draft, "o-vascular"), {"revision": 0}, follow=True)
    problems = response.context["problems"]
    assert [(p.node_key, url) for p, url in problems] == [("bleeding", "#node-bleeding")]
    page = client.get(_node(draft, "o-ir"))
    assert [(p.node_key, url) for p, url in page.context["problems"]] == [
        ("bleeding", _node(draft, "bleeding"))]
    assert f'<a href="{_node(draft, "bleeding")}">Question' in page.content.decode()
    client.post(_act(draft, "bleeding"), {"revision": 1, "action": "point", "option": "no",
                                          "target": "o-ir"})
    assert client.get(_node(draft, "o-ir")).context["problems"] == []


# --- Published and retired versions, on every path ---------------------------------------


def test_editor_published_version_refuses_the_in_place_actions(client, world, published):
    """Controls H-15."""
    _, version = published
    client.force_login(_staff(world.lead))
    for key, data in (
        ("o-ir", {"action": "step-edit", "index": 0, "kind": "role", "role": "x"}),
        ("o-ir", {"action": "step-add", "kind": "role", "role": "vascular-surgeon"}),
        ("where", {"action": "branch-add", "condition": "default", "target": "o-ir"}),
        ("where", {"action": "branch-edit", "index": 0, "condition": "default",
                   "target": "o-vascular"}),
        ("where", {"action": "branch-remove", "index": 0}),
    ):
        assert client.post(_act(version, key), {"revision": 0, **data}).status_code == 403
    assert client.post(_publish(version), {"revision": 0,
                                           "change_summary": "Again"}).status_code == 403
    version.refresh_from_db()
    assert (version.status, version.revision) == ("published", 0)


def test_admin_bulk_delete_of_published_versions_and_their_nodes_is_refused(client, world,
                                                                            published):
    """Controls H-15."""
    _, version = published
    client.force_login(_staff(world.lead))
    response = client.post(reverse("admin:pathways_pathwayversion_changelist"), {
        "action": "delete_selected", "_selected_action": [version.pk], "post": "yes"})
    assert response.status_code in (302, 403)
    node = Node.objects.get(version=version, key="o-ir")
    assert client.post(reverse("admin:pathways_node_delete", args=[node.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:pathways_node_change", args=[node.pk]),
                       {"text": "Changed"}).status_code == 403
    version.refresh_from_db()
    assert Node.objects.filter(version=version).count() == 6
    assert version.status == "published"


def test_editor_publish_summary_must_fit_the_history(client, world, published, draft):
    client.force_login(_staff(world.lead))
    assert 'maxlength="100"' in client.get(_publish(draft)).content.decode()
    response = client.post(_publish(draft), {"revision": 0, "change_summary": "x" * 101})
    assert _messages(response)[-1:] == [
        "Say what changed in at most 100 characters (this summary has 101)."]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_admin_publish_action_refuses_a_summary_too_long_for_the_history(client, world,
                                                                         draft):
    from pathways.models import PathwayVersion

    # A summary written before the rule, straight into the row.
    PathwayVersion.objects.filter(pk=draft.pk).update(change_summary="x" * 150)
    client.force_login(_staff(world.lead))
    response = client.post(reverse("admin:pathways_pathwayversion_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk]})
    assert _messages(response)[-1:] == [
        "Say what changed in at most 100 characters (this summary has 150)."]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_editor_offers_to_grow_the_tree_where_an_option_or_branch_leads_nowhere(
    client, world, draft
):
    # "Yes" led to the IR outcome and the site's branch to the transfer: remove both.
    editing.node_remove(version=draft, revision=draft.revision, node_key="o-ir",
                        user=world.lead)
    draft.refresh_from_db()
    editing.node_remove(version=draft, revision=draft.revision, node_key="o-transfer",
                        user=world.lead)
    client.force_login(_staff(world.lead))
    question = client.get(_node(draft, "bleeding")).content.decode()
    assert '<label for="grow-1">New step under “Yes”: its question or headline</label>' \
        in question
    assert '<input type="hidden" name="option" value="yes">' in question
    assert 'id="grow-2"' not in question  # "No" still leads to the vascular outcome
    site = client.get(_node(draft, "where")).content.decode()
    assert ('<label for="branch-grow-1">New step under branch 1: its question or headline'
            '</label>') in site
    assert '<input type="hidden" name="index" value="0">' in site
    assert 'value="branch-outcome"' in site
