"""Drafts, publishing and retiring: atomic, one published version at most."""

import threading

import pytest
from django.db import connection, connections

from pathways import publishing
from pathways.errors import PublishingError
from pathways.models import Node, Option, PathwayVersion
from pathways.selectors import load_tree
from tests.factories import london
from tests.pathways.conftest import PUBLISHED_AT, SMALL_NODES, make_pathway

LATER = london(2026, 3, 20, 10, 0)


def statuses(pathway):
    return list(
        PathwayVersion.objects.filter(pathway=pathway).order_by("number")
        .values_list("number", "status")
    )


def test_version_create_draft_clones_the_published_version(world, published):
    pathway, v1 = published
    draft = publishing.version_create_draft(pathway=pathway, user=world.lead,
                                            change_summary="Wording")
    assert (draft.number, draft.status, draft.created_by, draft.root_key) == (
        2, "draft", world.lead, "when"
    )
    before, after = load_tree(v1), load_tree(draft)
    assert after.nodes == before.nodes
    assert Node.objects.filter(version=draft).count() == 6
    assert draft.history.first().history_user == world.lead


def test_version_create_draft_refuses_a_second_draft(world, published):
    pathway, _ = published
    publishing.version_create_draft(pathway=pathway, user=world.lead)
    with pytest.raises(PublishingError) as caught:
        publishing.version_create_draft(pathway=pathway, user=world.lead)
    assert caught.value.code == "draft_exists"
    assert caught.value.message == (
        "Version 2 of Vascular test is already a draft: edit it, or delete it before "
        "starting another."
    )
    assert statuses(pathway) == [(1, "published"), (2, "draft")]


def test_version_create_draft_without_versions_starts_empty(world):
    from pathways.models import Pathway

    pathway = Pathway.objects.create(network=world.network, slug="new", title="New",
                                     specialty="x", review_date=PUBLISHED_AT.date())
    draft = publishing.version_create_draft(pathway=pathway, user=None)
    assert (draft.number, draft.root_key, draft.nodes.count()) == (1, "", 0)


def test_version_create_draft_clones_the_latest_when_none_is_published(world, published):
    pathway, v1 = published
    publishing.version_retire(version=v1, user=world.lead, now=LATER)
    draft = publishing.version_create_draft(pathway=pathway, user=world.lead)
    assert draft.number == 2
    assert load_tree(draft).nodes == load_tree(v1).nodes


def test_version_publish_retires_the_previous_version(world, published):
    pathway, v1 = published
    draft = publishing.version_create_draft(pathway=pathway, user=world.lead)
    result = publishing.version_publish(version=draft, user=world.lead, now=LATER)
    assert statuses(pathway) == [(1, "retired"), (2, "published")]
    assert (result.published_at, result.published_by) == (LATER, world.lead)
    v1.refresh_from_db()
    assert (v1.published_at, v1.retired_at) == (PUBLISHED_AT, LATER)
    assert [h.history_change_reason for h in v1.history.order_by("history_id")][-1] == (
        "Replaced by version 2"
    )


def test_version_publish_refuses_an_invalid_draft_with_every_problem(world, published):
    pathway, _ = published
    draft = publishing.version_create_draft(pathway=pathway, user=world.lead)
    Option.objects.get(node__version=draft, node__key="bleeding", key="no").delete()
    Node.objects.get(version=draft, key="o-transfer").delete()
    with pytest.raises(PublishingError) as caught:
        publishing.version_publish(version=draft, user=world.lead, now=LATER)
    assert caught.value.code == "invalid"
    assert caught.value.message == (
        "Vascular test v2 cannot be published: 3 problems to fix."
    )
    assert [str(p) for p in caught.value.problems] == [
        "Question “Is there active bleeding on CT?” (bleeding): A question needs at least two "
        "options.",
        "Referring-site step “Referring site” (where): The site (Chorley) branch leads to "
        "'o-transfer', which is not a node of this "
        "version.",
        "Outcome “Vascular surgeon” (o-vascular): Nothing leads to this node and it is not the "
        "root: it is unreachable.",
    ]
    assert statuses(pathway) == [(1, "published"), (2, "draft")]


def test_version_publish_refuses_a_version_that_is_not_a_draft(world, published):
    _, v1 = published
    with pytest.raises(PublishingError) as caught:
        publishing.version_publish(version=v1, user=world.lead, now=LATER)
    assert (caught.value.code, caught.value.message) == (
        "not_draft", "Vascular test v1 is published: only a draft can be published."
    )


def test_version_publish_failure_leaves_the_previous_version_published(
    world, published, monkeypatch
):
    pathway, v1 = published
    draft = publishing.version_create_draft(pathway=pathway, user=world.lead)
    real_save = publishing._save

    def failing_save(instance, **kwargs):
        if kwargs.get("reason") == "Published":
            raise RuntimeError("disk full")
        return real_save(instance, **kwargs)

    monkeypatch.setattr(publishing, "_save", failing_save)
    with pytest.raises(RuntimeError):
        publishing.version_publish(version=draft, user=world.lead, now=LATER)
    assert statuses(pathway) == [(1, "published"), (2, "draft")]
    v1.refresh_from_db()
    assert v1.retired_at is None
    # Created, given its root, published: no retirement was recorded.
    assert [h.status for h in v1.history.order_by("history_id")] == [
        "draft", "draft", "published",
    ]


def test_version_publish_needs_an_aware_instant(world, published):
    from datetime import datetime

    pathway, _ = published
    draft = publishing.version_create_draft(pathway=pathway, user=world.lead)
    with pytest.raises(PublishingError) as caught:
        publishing.version_publish(version=draft, user=world.lead,
                                   now=datetime(2026, 3, 20, 10))  # noqa: DTZ001
    assert caught.value.code == "naive"


def test_version_retire_leaves_no_published_version(world, published):
    pathway, v1 = published
    publishing.version_retire(version=v1, user=world.lead, now=LATER)
    assert statuses(pathway) == [(1, "retired")]
    with pytest.raises(PublishingError) as caught:
        publishing.version_retire(version=v1, user=world.lead, now=LATER)
    assert caught.value.message == (
        "Vascular test v1 is retired: only the published version can be retired."
    )


def test_validate_version_of_the_small_pathway_is_clean(published):
    from pathways.selectors import validate_version

    _, v1 = published
    assert validate_version(v1) == []


@pytest.mark.django_db(transaction=True)
def test_version_publish_race_publishes_exactly_one(world, rotas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; the row lock is tested on PostgreSQL.")
    pathway, v1 = make_pathway(world, slug="race", nodes=SMALL_NODES)
    # Two drafts at once: made directly, as the service refuses a second draft.
    drafts = []
    for number in (2, 3):
        draft = PathwayVersion.objects.create(pathway=pathway, number=number, root_key="when")
        for node in Node.objects.filter(version=v1):
            copy = Node.objects.create(
                version=draft, key=node.key, kind=node.kind, text=node.text,
                urgency=node.urgency, transfer_site_id=node.transfer_site_id,
            )
            for option in node.options.all():
                Option.objects.create(node=copy, key=option.key, text=option.text,
                                      next_key=option.next_key)
            for branch in node.branches.all():
                copy.branches.create(condition=branch.condition, site_id=branch.site_id,
                                     next_key=branch.next_key)
            for step in node.steps.all():
                copy.steps.create(kind=step.kind, order=step.order, rota_id=step.rota_id,
                                  role=step.role, label=step.label, number=step.number)
        drafts.append(draft)

    barrier = threading.Barrier(2)
    outcomes = {}

    def publish(draft):
        try:
            barrier.wait()
            publishing.version_publish(version=draft, user=None, now=LATER)
            outcomes[draft.number] = "published"
        except Exception as error:  # noqa: BLE001 - recorded for the assertion below
            outcomes[draft.number] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {2: "published", 3: "published"}
    final = dict(statuses(pathway))
    assert list(final.values()).count("published") == 1
    assert final[1] == "retired"
    assert sorted(final.values()) == ["published", "retired", "retired"]


@pytest.mark.django_db(transaction=True)
def test_version_publish_race_on_one_draft_publishes_it_once(world, rotas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; the row lock is tested on PostgreSQL.")
    pathway, _ = make_pathway(world, slug="race-one", nodes=SMALL_NODES)
    draft = publishing.version_create_draft(pathway=pathway, user=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def publish():
        try:
            barrier.wait()
            publishing.version_publish(version=draft, user=None, now=LATER)
            outcomes.append("published")
        except PublishingError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["not_draft", "published"]
    assert statuses(pathway) == [(1, "retired"), (2, "published")]
