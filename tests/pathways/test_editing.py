"""Editing a draft in place: each action's rules, stale saves and frozen versions."""

import pytest

from pathways import editing
from pathways.errors import FrozenError, PathwayError
from pathways.models import Branch, ContactStep, Node, Option, PathwayVersion
from pathways.publishing import version_create_draft
from pathways.selectors import validate_version
from pathways.tree import PlainNode, PlainTree
from pathways.validation import unreachable_if_removed

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, published):
    pathway, _ = published
    return version_create_draft(pathway=pathway, user=world.lead)


def _keys(version):
    return sorted(Node.objects.filter(version=version).values_list("key", flat=True))


def test_generated_key_is_the_slug_of_the_text_made_unique():
    assert editing.generated_key("Is the patient stable?", []) == "is-the-patient-stable"
    assert editing.generated_key("Is the patient stable?",
                                 ["is-the-patient-stable", "is-the-patient-stable-2"]) == (
        "is-the-patient-stable-3")
    assert editing.generated_key("???", []) == "node"
    assert len(editing.generated_key("word " * 40, [])) == 49


def test_node_update_changes_the_fields_of_its_kind_and_bumps_the_revision(world, draft):
    editing.node_update(version=draft, revision=0, node_key="bleeding",
                        values={"text": "Is there active bleeding?", "help_text": "On CT."},
                        user=world.lead)
    node = Node.objects.get(version=draft, key="bleeding")
    assert (node.text, node.help_text) == ("Is there active bleeding?", "On CT.")
    draft.refresh_from_db()
    assert draft.revision == 1
    latest = draft.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        world.lead, "edited text, help text of “Is there active bleeding?”")


def test_node_update_refuses_fields_its_kind_does_not_use(world, draft):
    with pytest.raises(PathwayError) as refused:
        editing.node_update(version=draft, revision=0, node_key="bleeding",
                            values={"urgency": "immediate"}, user=world.lead)
    assert refused.value.message == "A question has no urgency."


def test_stale_save_is_refused_saying_who_changed_what(world, draft):
    editing.node_update(version=draft, revision=0, node_key="bleeding",
                        values={"text": "Reworded by the lead"}, user=world.lead)
    with pytest.raises(editing.StaleEditError) as refused:
        editing.node_update(version=draft, revision=0, node_key="o-ir",
                            values={"text": "Another change"}, user=world.admin)
    assert len(refused.value.changes) == 1
    assert refused.value.changes[0].startswith("lead at ")
    assert refused.value.changes[0].endswith(": edited text of “Reworded by the lead”")
    assert Node.objects.get(version=draft, key="o-ir").text == "IR consultant now"


def test_published_version_refuses_every_edit(world, published):
    _, version = published
    calls = [
        lambda: editing.node_update(version=version, revision=0, node_key="bleeding",
                                    values={"text": "x"}, user=world.lead),
        lambda: editing.option_point(version=version, revision=0, node_key="bleeding",
                                     option_key="yes", target_key="o-vascular",
                                     user=world.lead),
        lambda: editing.part_move(version=version, revision=0, node_key="bleeding",
                                  part="options", index=0, offset=1, user=world.lead),
        lambda: editing.node_remove(version=version, revision=0, node_key="o-ir",
                                    user=world.lead),
        lambda: editing.option_grow(version=version, revision=0, node_key="bleeding",
                                    option_key="yes", kind="outcome", text="x",
                                    user=world.lead),
        lambda: editing.step_update(version=version, revision=0, node_key="o-ir", index=0,
                                    kind="role", role="vascular-surgeon", user=world.lead),
        lambda: editing.branch_add(version=version, revision=0, node_key="where",
                                   condition="trust", trust_id=world.trust_b.pk,
                                   target_key="o-ir", user=world.lead),
        lambda: editing.branch_update(version=version, revision=0, node_key="where",
                                      index=1, condition="site", site_id=world.blackburn.pk,
                                      user=world.lead),
        lambda: editing.branch_remove(version=version, revision=0, node_key="where",
                                      index=0, user=world.lead),
        lambda: editing.draft_publish(version=version, revision=0, change_summary="Again",
                                      user=world.lead, now=version.published_at),
    ]
    for call in calls:
        with pytest.raises(FrozenError):
            call()
    assert Node.objects.get(version=version, key="bleeding").text == (
        "Is there active bleeding on CT?")


def test_option_grow_creates_and_links_a_node_in_one_step(world, draft):
    option = Option.objects.get(node__version=draft, node__key="bleeding", key="no")
    option.next_key = ""
    option.save()
    added = editing.option_grow(version=draft, revision=0, node_key="bleeding",
                                option_key="no", kind="outcome",
                                text="Discuss with vascular", user=world.lead)
    assert (added.key, added.kind) == ("discuss-with-vascular", "outcome")
    option.refresh_from_db()
    assert option.next_key == "discuss-with-vascular"


def test_option_grow_refuses_an_option_that_already_leads_somewhere(world, draft):
    with pytest.raises(PathwayError) as refused:
        editing.option_grow(version=draft, revision=0, node_key="bleeding", option_key="no",
                            kind="question", text="Anything?", user=world.lead)
    assert refused.value.code == "has_target"


def test_option_point_leads_to_another_node_of_the_version(world, draft):
    editing.option_point(version=draft, revision=0, node_key="bleeding", option_key="no",
                         target_key="o-ir", user=world.lead)
    assert Option.objects.get(node__version=draft, node__key="bleeding",
                              key="no").next_key == "o-ir"
    with pytest.raises(PathwayError):
        editing.option_point(version=draft, revision=1, node_key="bleeding",
                             option_key="no", target_key="elsewhere", user=world.lead)


def test_part_move_reorders_contact_steps(world, draft):
    editing.part_move(version=draft, revision=0, node_key="o-vascular", part="steps",
                      index=1, offset=-1, user=world.lead)
    steps = ContactStep.objects.filter(node__version=draft, node__key="o-vascular")
    assert [s.kind for s in steps] == ["fixed", "rota"]
    with pytest.raises(PathwayError):
        editing.part_move(version=draft, revision=1, node_key="o-vascular", part="steps",
                          index=0, offset=-1, user=world.lead)


def test_unreachable_if_removed_lists_only_nodes_no_other_way_reaches():
    def node(key, *targets):
        from pathways.tree import PlainOption

        return PlainNode(key, "question" if targets else "outcome",
                         options=tuple(PlainOption(t, t, t) for t in targets))

    nodes = [node("a", "b", "c"), node("b", "d"), node("c", "e"), node("d"), node("e", "d")]
    tree = PlainTree(network_id=1, root_key="a", nodes={n.key: n for n in nodes}, sites={})
    assert unreachable_if_removed(tree, "b") == []
    assert unreachable_if_removed(tree, "c") == ["e"]
    assert unreachable_if_removed(tree, "a") == ["b", "c", "d", "e"]


def test_node_remove_lists_then_removes_what_becomes_unreachable(world, draft):
    assert [n.key for n in editing.removal_preview(draft, "where")] == ["o-transfer"]
    removed = editing.node_remove(version=draft, revision=0, node_key="where",
                                  also=["o-transfer", "o-ir"], user=world.lead)
    assert removed == ["where", "o-transfer"]
    assert _keys(draft) == ["bleeding", "o-ir", "o-vascular", "when"]
    # The way into the removed node is left for the lead to grow or point again.
    assert [(p.node_key, p.code) for p in validate_version(draft)] == [("when", "dangling")]


def test_option_add_leads_nowhere_until_grown(world, draft):
    option = editing.option_add(version=draft, revision=0, node_key="bleeding",
                                text="Not sure", user=world.lead)
    assert (option.key, option.order, option.next_key) == ("not-sure", 2, "")
    added = editing.option_grow(version=draft, revision=1, node_key="bleeding",
                                option_key="not-sure", kind="outcome",
                                text="Discuss with IR", user=world.lead)
    option.refresh_from_db()
    assert option.next_key == added.key == "discuss-with-ir"


def test_option_add_only_to_a_question(world, draft):
    with pytest.raises(PathwayError) as refused:
        editing.option_add(version=draft, revision=0, node_key="o-ir", text="x",
                           user=world.lead)
    assert refused.value.code == "wrong_kind"


def test_option_reword_keeps_its_key_and_remove_deletes_it(world, draft):
    editing.option_reword(version=draft, revision=0, node_key="bleeding", option_key="no",
                          text="No bleeding", user=world.lead)
    assert Option.objects.get(node__version=draft, key="no").text == "No bleeding"
    editing.option_remove(version=draft, revision=1, node_key="bleeding", option_key="no",
                          user=world.lead)
    assert list(Option.objects.filter(node__version=draft, node__key="bleeding")
                .values_list("key", flat=True)) == ["yes"]
    draft.refresh_from_db()
    assert draft.revision == 2


def test_step_add_rota_role_and_fixed_then_remove(world, draft, rotas):
    editing.step_add(version=draft, revision=0, node_key="o-ir", kind="rota",
                     rota_id=rotas.vascular.pk, instruction="If IR does not answer",
                     user=world.lead)
    editing.step_add(version=draft, revision=1, node_key="o-ir", kind="fixed",
                     label="Theatres", number="01772 716565", user=world.lead)
    steps = ContactStep.objects.filter(node__version=draft, node__key="o-ir")
    assert [(s.kind, s.order, s.number) for s in steps] == [
        ("role", 1, ""), ("rota", 2, ""), ("fixed", 3, "01772 716565")]
    editing.step_remove(version=draft, revision=2, node_key="o-ir", index=1, user=world.lead)
    assert [s.kind for s in steps.all()] == ["role", "fixed"]


def test_step_add_refuses_another_networks_rota_and_a_bad_number(world, draft):
    from tests.factories import RotaFactory

    elsewhere = RotaFactory(network=world.other_network, slug="elsewhere-rota")
    with pytest.raises(PathwayError) as refused:
        editing.step_add(version=draft, revision=0, node_key="o-ir", kind="rota",
                         rota_id=elsewhere.pk, user=world.lead)
    assert refused.value.code == "no_rota"
    with pytest.raises(PathwayError) as refused:
        editing.step_add(version=draft, revision=0, node_key="o-ir", kind="fixed",
                         label="Theatres", number="12", user=world.lead)
    assert refused.value.code == "invalid_step"


def test_branch_lead_points_or_grows_a_branch(world, draft):
    # The referring-site node's branches in the model's order: default, then site.
    editing.branch_lead(version=draft, revision=0, node_key="where", index=0,
                        target_key="o-vascular", user=world.lead)
    assert Node.objects.get(version=draft, key="where").branches.get(
        condition="default").next_key == "o-vascular"
    with pytest.raises(PathwayError) as refused:
        editing.branch_lead(version=draft, revision=1, node_key="where", index=1,
                            kind="outcome", text="Elsewhere", user=world.lead)
    assert refused.value.code == "has_target"
    editing.node_remove(version=draft, revision=1, node_key="o-transfer", user=world.lead)
    editing.branch_lead(version=draft, revision=2, node_key="where", index=1,
                        kind="outcome", text="Transfer to Preston", user=world.lead)
    assert Node.objects.get(version=draft, key="where").branches.get(
        condition="site").next_key == "transfer-to-preston"


def test_step_update_changes_a_step_in_place_keeping_its_place(world, draft, rotas):
    editing.step_update(version=draft, revision=0, node_key="o-vascular", index=1,
                        kind="rota", rota_id=rotas.night.pk, instruction="Then the IR rota",
                        user=world.lead)
    steps = ContactStep.objects.filter(node__version=draft, node__key="o-vascular")
    assert [(s.order, s.kind, s.rota_id, s.label, s.number, s.instruction) for s in steps] == [
        (1, "rota", rotas.vascular.pk, "", "", "Vascular first"),
        (2, "rota", rotas.night.pk, "", "", "Then the IR rota"),
    ]
    draft.refresh_from_db()
    assert draft.revision == 1
    assert draft.history.first().history_change_reason == (
        "edited contact step “2. Royal Preston switchboard 01772 716565” of “Vascular surgeon”")
    # The same values again change nothing and keep the revision.
    editing.step_update(version=draft, revision=1, node_key="o-vascular", index=1,
                        kind="rota", rota_id=rotas.night.pk, instruction="Then the IR rota",
                        user=world.lead)
    draft.refresh_from_db()
    assert draft.revision == 1


def test_step_update_refuses_another_networks_rota_a_stale_page_and_no_such_step(world, draft):
    from tests.factories import RotaFactory

    elsewhere = RotaFactory(network=world.other_network, slug="elsewhere-rota")
    cases = [
        ({"revision": 0, "index": 0, "kind": "rota", "rota_id": elsewhere.pk}, "no_rota"),
        ({"revision": 0, "index": 5, "kind": "role", "role": "ir-consultant"}, "no_step"),
        ({"revision": 0, "index": 0, "kind": "pager"}, "wrong_kind"),
        ({"revision": 0, "index": 0, "kind": "fixed", "label": "", "number": "01772716565"},
         "invalid_step"),
    ]
    for fields, code in cases:
        with pytest.raises(PathwayError) as refused:
            editing.step_update(version=draft, node_key="o-ir", user=world.lead, **fields)
        assert refused.value.code == code
    editing.node_update(version=draft, revision=0, node_key="o-ir",
                        values={"text": "IR now"}, user=world.lead)
    with pytest.raises(editing.StaleEditError) as refused:
        editing.step_update(version=draft, revision=0, node_key="o-ir", index=0,
                            kind="role", role="vascular-surgeon", user=world.lead)
    assert refused.value.changes[0].endswith("edited text of “IR now”")
    assert ContactStep.objects.get(node__version=draft, node__key="o-ir").role == (
        "ir-consultant")


def test_branch_add_to_an_existing_or_a_new_step(world, draft):
    editing.branch_add(version=draft, revision=0, node_key="where", condition="site",
                       site_id=world.blackburn.pk, target_key="o-vascular", user=world.lead)
    editing.branch_add(version=draft, revision=1, node_key="where", condition="trust",
                       trust_id=world.trust_a.pk, kind="outcome",
                       text="Discuss with Lancashire Teaching", user=world.lead)
    where = Node.objects.get(version=draft, key="where")
    assert sorted((b.condition, b.site_id, b.trust_id, b.next_key)
                  for b in where.branches.all()) == sorted([
        ("default", None, None, "o-ir"),
        ("site", world.chorley.pk, None, "o-transfer"),
        ("site", world.blackburn.pk, None, "o-vascular"),
        ("trust", None, world.trust_a.pk, "discuss-with-lancashire-teaching"),
    ])
    assert Node.objects.get(version=draft, key="discuss-with-lancashire-teaching").kind == (
        "outcome")
    draft.refresh_from_db()
    assert draft.revision == 2


@pytest.mark.parametrize(("node_key", "fields", "code"), [
    # A time-window step branches on the hours only; a referring-site step on sites only.
    ("when", {"condition": "site", "site_id": "chorley"}, "wrong_condition"),
    ("where", {"condition": "in_hours"}, "wrong_condition"),
    ("where", {"condition": "site", "site_id": "elsewhere"}, "no_site"),
    ("where", {"condition": "site"}, "no_site"),
    ("where", {"condition": "trust", "trust_id": "other"}, "no_trust"),
    ("where", {"condition": "default"}, "invalid_branch"),  # already has one
    ("where", {"condition": "site", "site_id": "chorley"}, "invalid_branch"),
    ("when", {"condition": "in_hours"}, "invalid_branch"),
    ("bleeding", {"condition": "in_hours"}, "wrong_kind"),
])
def test_branch_add_refuses_what_its_node_does_not_use(world, draft, node_key, fields, code):
    from rota.models import Site, Trust

    ids = {"chorley": world.chorley.pk,
           "elsewhere": Site.objects.get(ods_code="RZZ01").pk,
           "other": Trust.objects.get(ods_code="RZZ").pk}
    fields = {name: ids.get(value, value) for name, value in fields.items()}
    before = Branch.objects.filter(node__version=draft).count()
    with pytest.raises(PathwayError) as refused:
        editing.branch_add(version=draft, revision=0, node_key=node_key, target_key="o-ir",
                           user=world.lead, **fields)
    assert refused.value.code == code
    assert refused.value.message
    assert Branch.objects.filter(node__version=draft).count() == before
    assert PathwayVersion.objects.get(pk=draft.pk).revision == 0


def test_branch_add_to_a_new_step_refused_leaves_no_stray_node(world, draft):
    nodes = _keys(draft)
    with pytest.raises(PathwayError):
        editing.branch_add(version=draft, revision=0, node_key="where", condition="default",
                           kind="outcome", text="A second default", user=world.lead)
    with pytest.raises(PathwayError) as refused:
        editing.branch_add(version=draft, revision=0, node_key="where", condition="site",
                           site_id=world.blackburn.pk, user=world.lead)
    assert refused.value.code == "wrong_kind"  # neither a target nor a new step
    assert _keys(draft) == nodes


def test_branch_update_changes_condition_and_target_then_remove(world, draft):
    # The referring-site node's branches in the model's order: default, then site.
    editing.branch_update(version=draft, revision=0, node_key="where", index=1,
                          condition="trust", trust_id=world.trust_b.pk,
                          target_key="o-vascular", user=world.lead)
    branch = Branch.objects.get(node__version=draft, node__key="where", condition="trust")
    assert (branch.site_id, branch.trust_id, branch.next_key) == (
        None, world.trust_b.pk, "o-vascular")
    draft.refresh_from_db()
    assert draft.history.first().history_change_reason == (
        "edited branch “Chorley and South Ribble Hospital → o-transfer” of “Referring site”")
    with pytest.raises(PathwayError) as refused:
        editing.branch_update(version=draft, revision=1, node_key="where", index=1,
                              condition="trust", trust_id=world.trust_b.pk,
                              target_key="where", user=world.lead)
    assert refused.value.code == "self"
    editing.branch_remove(version=draft, revision=1, node_key="where", index=1,
                          user=world.lead)
    assert [b.condition for b in Branch.objects.filter(node__version=draft,
                                                         node__key="where")] == ["default"]
    # The outcome it led to is now reached by nothing: validation says so.
    assert any(p.node_key == "o-transfer" for p in validate_version(draft))


def test_draft_publish_requires_a_summary_that_fits_the_history(world, draft):
    from common.history import CHANGE_REASON_LENGTH

    for summary, code in (("  ", "no_summary"), ("x" * (CHANGE_REASON_LENGTH + 1),
                                                  "long_summary")):
        with pytest.raises(PathwayError) as refused:
            editing.draft_publish(version=draft, revision=0, change_summary=summary,
                                  user=world.lead, now=_now())
        assert refused.value.code == code
    assert PathwayVersion.objects.get(pk=draft.pk).status == "draft"
    summary = "y" * CHANGE_REASON_LENGTH
    editing.draft_publish(version=draft, revision=0, change_summary=summary,
                          user=world.lead, now=_now())
    draft.refresh_from_db()
    assert (draft.status, draft.change_summary) == ("published", summary)
    assert draft.history.first().history_change_reason == summary


def _now():
    from django.utils import timezone

    return timezone.now()
