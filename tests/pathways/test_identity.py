"""A node's identity: kept when a draft is cloned, back-filled by key for existing versions."""

import importlib
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pathways.models import Node
from pathways.publishing import version_create_draft, version_publish
from tests.pathways.conftest import PUBLISHED_AT

pytestmark = pytest.mark.django_db

migration = importlib.import_module("pathways.migrations.0003_node_identity")


def _identities(version):
    return dict(Node.objects.filter(version=version).values_list("key", "identity"))


def test_identity_kept_when_a_draft_is_cloned(world, published):
    pathway, v1 = published
    draft = version_create_draft(pathway=pathway, user=world.lead)
    assert _identities(draft) == _identities(v1)
    assert len(set(_identities(v1).values())) == 6


def test_identity_new_for_a_node_added_to_a_draft(world, published):
    pathway, v1 = published
    draft = version_create_draft(pathway=pathway, user=world.lead)
    added = Node.objects.create(version=draft, key="new", kind="outcome", text="New")
    assert added.identity not in set(_identities(v1).values())


def test_identity_back_fill_shares_identity_by_key_between_consecutive_versions(
    world, published
):
    pathway, v1 = published
    v2 = version_create_draft(pathway=pathway, user=world.lead)
    version_publish(version=v2, user=world.lead, now=PUBLISHED_AT.replace(day=2))
    v3 = version_create_draft(pathway=pathway, user=world.lead)
    apps = MigrationExecutor(connection).loader.project_state(
        ("pathways", "0003_node_identity")
    ).apps
    # As before the migration: every node its own identity, even the clones.
    OldNode = apps.get_model("pathways", "Node")
    for node in OldNode.objects.all():
        node.identity = uuid.uuid4()
        node.save(update_fields=["identity"])
    old_ir = OldNode.objects.get(version_id=v3.pk, key="o-ir")
    old_ir.key = "o-ir-renamed"
    old_ir.save(update_fields=["key"])

    migration.identities_forward(apps, None)

    first, second, third = _identities(v1), _identities(v2), _identities(v3)
    assert first == second
    assert {k: v for k, v in third.items() if k != "o-ir-renamed"} == {
        k: v for k, v in first.items() if k != "o-ir"
    }
    assert third["o-ir-renamed"] not in first.values()
    history = Node.history.filter(id=Node.objects.get(version=v1, key="when").pk)
    assert set(history.values_list("identity", flat=True)) == {first["when"]}
