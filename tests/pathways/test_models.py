"""Published and retired versions never change, through any path; references are protected."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from pathways.errors import FrozenError
from pathways.models import Branch, ContactStep, Node, Option, Pathway, PathwayVersion
from pathways.publishing import version_create_draft, version_publish
from tests.factories import london
from tests.pathways.conftest import make_pathway

LATER = london(2026, 3, 20, 10, 0)


@pytest.fixture(params=["published", "retired"])
def frozen(request, world, published):
    pathway, v1 = published
    if request.param == "retired":
        draft = version_create_draft(pathway=pathway, user=None)
        version_publish(version=draft, user=None, now=LATER)
        v1.refresh_from_db()
    return v1


def test_frozen_version_save_is_refused(frozen):
    frozen.change_summary = "Edited"
    with pytest.raises(FrozenError) as caught:
        frozen.save()
    assert caught.value.message == (
        f"Vascular test v1 is {frozen.status} and can never change. Create a new draft to edit "
        "the pathway."
    )


def test_frozen_version_status_change_is_refused_outside_publishing(frozen):
    frozen.status = "draft"
    with pytest.raises(FrozenError):
        frozen.save()
    frozen.refresh_from_db()
    frozen.status = "draft"
    with pytest.raises(FrozenError):
        frozen.save(status_transition=True)


def test_frozen_version_delete_is_refused(frozen):
    with pytest.raises(FrozenError):
        frozen.delete()
    with pytest.raises(FrozenError):
        PathwayVersion.objects.filter(pk=frozen.pk).delete()
    with pytest.raises(FrozenError):
        PathwayVersion.objects.filter(pk=frozen.pk).update(change_summary="x")
    assert PathwayVersion.objects.filter(pk=frozen.pk).exists()


@pytest.mark.parametrize(
    ("model", "lookup", "field"),
    [
        (Node, "version", "text"),
        (Option, "node__version", "text"),
        (Branch, "node__version", "next_key"),
        (ContactStep, "node__version", "instruction"),
    ],
)
def test_frozen_version_content_save_update_delete_are_refused(frozen, model, lookup, field):
    rows = model.objects.filter(**{lookup: frozen})
    row = rows.first()
    setattr(row, field, "changed")
    with pytest.raises(FrozenError):
        row.save()
    with pytest.raises(FrozenError):
        row.delete()
    with pytest.raises(FrozenError):
        rows.update(**{field: "changed"})
    with pytest.raises(FrozenError):
        rows.delete()
    assert model.objects.filter(**{lookup: frozen, field: "changed"}).count() == 0


def test_frozen_version_cannot_gain_nodes_or_parts(frozen, world):
    with pytest.raises(FrozenError):
        Node.objects.create(version=frozen, key="new", kind="question", text="New?")
    node = Node.objects.get(version=frozen, key="bleeding")
    with pytest.raises(FrozenError):
        Option.objects.create(node=node, key="maybe", text="Maybe", next_key="o-ir")


def test_draft_node_cannot_move_into_a_frozen_version(frozen):
    draft = PathwayVersion.objects.filter(pathway=frozen.pathway, status="draft").first()
    if draft is None:
        draft = version_create_draft(pathway=frozen.pathway, user=None)
    node = Node.objects.get(version=draft, key="bleeding")
    node.version = frozen
    node.key = "moved"
    with pytest.raises(FrozenError):
        node.save()


def test_draft_content_is_editable_and_deletable(world, published):
    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=None)
    node = Node.objects.get(version=draft, key="bleeding")
    node.text = "Reworded?"
    node.save()
    assert Option.objects.filter(node__version=draft).update(text="Same") == 2
    draft.delete()
    assert list(PathwayVersion.objects.filter(pathway=pathway).values_list("number", flat=True)) \
        == [1]


def test_pathway_with_a_published_version_cannot_be_deleted(published):
    pathway, _ = published
    with pytest.raises(ProtectedError):
        pathway.delete()


def test_pathway_with_only_a_draft_can_be_deleted(world, rotas):
    pathway, _ = make_pathway(world, slug="draft-only", publish=False)
    pathway.delete()
    assert not Pathway.objects.filter(slug="draft-only").exists()
    assert Node.objects.count() == 0


def test_rota_and_site_referred_to_cannot_be_deleted(published, rotas, world):
    with pytest.raises(ProtectedError):
        rotas.vascular.delete()
    with pytest.raises(ProtectedError):
        world.chorley.delete()  # a branch names it


def test_rota_referred_to_by_a_draft_only_cannot_be_deleted(world, rotas):
    make_pathway(world, slug="draft-only", publish=False)
    with pytest.raises(ProtectedError):
        rotas.vascular.delete()


def test_one_published_version_per_pathway_is_a_database_constraint(published):
    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=None)
    draft.status = "published"
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save(status_transition=True)


def test_new_version_must_start_as_a_draft(published):
    pathway, _ = published
    with pytest.raises(FrozenError):
        PathwayVersion.objects.create(pathway=pathway, number=5, status="published")


def test_fixed_contact_number_is_normalised_and_validated(world, rotas):
    _, draft = make_pathway(world, slug="draft-only", publish=False)
    node = Node.objects.get(version=draft, key="o-vascular")
    step = ContactStep(node=node, order=3, kind="fixed", label="Ward", number="+441772716565")
    step.full_clean()
    assert step.number == "01772 716565"
    step.number = "2222"
    with pytest.raises(ValidationError) as caught:
        step.full_clean()
    assert caught.value.message_dict["number"] == [
        "“2222” is not a UK telephone number. Enter it as dialled from a UK phone, e.g. "
        "01772 716565 or 07700 900123."
    ]


def test_contact_step_fields_must_match_kind(world, rotas):
    _, draft = make_pathway(world, slug="draft-only", publish=False)
    node = Node.objects.get(version=draft, key="o-vascular")
    step = ContactStep(node=node, order=3, kind="role", role="", number="")
    with pytest.raises(ValidationError) as caught:
        step.full_clean()
    assert caught.value.messages == [
        "A rota step names a rota, a role step a role, and a fixed step a label and a number; "
        "nothing else."
    ]


def test_history_is_kept_for_every_pathway_model(world, published):
    pathway, v1 = published
    assert pathway.history.count() == 1
    assert Node.history.filter(version_id=v1.pk).count() == 6
    assert Option.history.count() == 2
    assert Branch.history.count() == 4
    assert ContactStep.history.count() == 4
    assert {h.history_user for h in Node.history.all()} == {world.lead}
