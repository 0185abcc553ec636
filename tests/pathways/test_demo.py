"""The seven demo pathways: valid, illustrative, and resolvable at any instant of the demo."""

from datetime import date, timedelta

import pytest

from pathways.demo import NOT_GUIDANCE, PATHWAYS, seed_demo_pathways
from pathways.engine import evaluate
from pathways.models import Node, Pathway, PathwayVersion
from pathways.selectors import load_tree, validate_version
from rota.demo import seed_demo_network
from rota.selectors import load_schedule, schedule_around
from tests.factories import london

# Instants of each demo period, by anchor: weekday day, 17:00 exactly, weekday night,
# weekend, bank holidays and both clock changes.
INSTANTS = {
    date(2026, 3, 20): [
        london(2026, 3, 23, 10, 0),
        london(2026, 3, 24, 17, 0),
        london(2026, 3, 25, 2, 0),
        london(2026, 3, 28, 14, 0),
        london(2026, 3, 29, 1, 30),  # does not exist in London: taken as 02:30 BST
        london(2026, 3, 29, 8, 0),
        london(2026, 4, 3, 10, 0),  # Good Friday
        london(2026, 4, 6, 12, 0),  # Easter Monday
    ],
    date(2026, 10, 20): [
        london(2026, 10, 21, 12, 0),
        london(2026, 10, 22, 17, 0),
        london(2026, 10, 23, 3, 0),
        london(2026, 10, 25, 1, 30),  # first occurrence, BST
        london(2026, 10, 25, 1, 30).replace(fold=1),  # second occurrence, GMT
        london(2026, 10, 31, 20, 0),
    ],
    date(2026, 12, 20): [
        london(2026, 12, 24, 16, 59),
        london(2026, 12, 25, 10, 0),  # Christmas Day
        london(2026, 12, 28, 10, 0),  # Boxing Day substitute: bank holiday Monday
        london(2026, 12, 29, 8, 0),
        london(2027, 1, 1, 12, 0),  # New Year's Day
    ],
}


@pytest.fixture
def demo(db, request):
    anchor = getattr(request, "param", date(2026, 3, 20))
    seeded = seed_demo_network(anchor)
    created = seed_demo_pathways(network=seeded.network, anchor=anchor)
    return seeded.network, anchor, created


def every_path(version_tree, site_id, at, schedule):
    """Every completed evaluation of the tree for one site and instant."""
    results, pending = [], [{}]
    while pending:
        answers = pending.pop()
        result = evaluate(version_tree=version_tree, answers=answers, referring_site=site_id,
                          at=at, schedule=schedule)
        if result.question is None:
            results.append(result)
        else:
            assert result.question.options, result.question.key
            pending.extend({**answers, result.question.key: key}
                           for key, _ in result.question.options)
    return results


def test_seed_demo_pathways_publishes_seven_valid_pathways(demo):
    network, _, created = demo
    assert [p.slug for p in created] == [
        "vascular-ir", "trauma-ir", "urology-ir", "obstetric-ir", "gi-bleed-ir",
        "inpatient-ir", "ooh-mri",
    ]
    versions = PathwayVersion.objects.filter(pathway__network=network)
    assert set(versions.values_list("number", "status")) == {(1, "published")}
    assert versions.count() == 7
    for version in versions:
        assert validate_version(version) == [], version


def test_seed_demo_pathways_twice_changes_nothing(demo):
    network, anchor, _ = demo
    before = (Pathway.history.count(), PathwayVersion.history.count(), Node.history.count())
    assert seed_demo_pathways(network=network, anchor=anchor) == []
    assert (Pathway.history.count(), PathwayVersion.history.count(),
            Node.history.count()) == before


def test_demo_pathways_say_they_are_not_clinical_guidance(demo):
    for pathway in Pathway.objects.all():
        assert NOT_GUIDANCE in pathway.description
    outcomes = Node.objects.filter(kind="outcome")
    assert outcomes.count() == 40
    assert all(NOT_GUIDANCE in node.instructions for node in outcomes)


def test_demo_pathways_with_variants_start_with_a_time_window(demo):
    roots = {
        p.slug: Node.objects.get(version__pathway=p, key=p.versions.get().root_key).kind
        for p in Pathway.objects.all()
    }
    assert roots == {
        "vascular-ir": "time_window", "trauma-ir": "time_window", "urology-ir": "time_window",
        "ooh-mri": "time_window", "obstetric-ir": "question", "gi-bleed-ir": "question",
        "inpatient-ir": "question",
    }


def test_demo_shortest_pathway_needs_at_most_two_questions(demo):
    network, anchor, _ = demo
    at = london(2026, 3, 25, 2, 0)
    schedule = load_schedule(network_ids=[network.id], start=at - timedelta(days=1),
                             end=at + timedelta(days=1))
    most_questions = {}
    for spec in PATHWAYS:
        version_tree = load_tree(PathwayVersion.objects.get(pathway__slug=spec["slug"]))
        preston = next(s.id for s in version_tree.sites.values() if s.ods_code == "RXN02")
        results = every_path(version_tree, preston, at, schedule)
        most_questions[spec["slug"]] = max(
            sum(not step.automatic for step in result.path) for result in results
        )
    assert most_questions["obstetric-ir"] == 1
    assert most_questions["ooh-mri"] == 1
    assert min(most_questions.values()) <= 2


@pytest.mark.parametrize("demo", list(INSTANTS), indirect=True)
def test_demo_every_path_resolves_at_every_instant(demo):
    network, anchor, _ = demo
    trees = [load_tree(PathwayVersion.objects.get(pathway__slug=spec["slug"]))
             for spec in PATHWAYS]
    checked = 0
    for at in INSTANTS[anchor]:
        schedule = schedule_around(network_ids=[network.id], at=at)
        for version_tree in trees:
            for site_id in sorted(version_tree.network_site_ids):
                for result in every_path(version_tree, site_id, at, schedule):
                    assert result.outcome.contacts
                    for contact in result.outcome.contacts:
                        where = (version_tree.pathway_slug, result.outcome.key, site_id, at)
                        assert contact.unresolved == "", where
                        if contact.kind == "fixed":
                            assert contact.fixed["tel"].startswith("tel:+44"), where
                        else:
                            assert contact.answer["status"] in {"on_call", "gap", "diverted"}, (
                                where, contact.answer["status"])
                    checked += 1
    assert checked > 1000
