"""Loading for the pathway rules: constant queries, only the rotas needed, same answers."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.engine import evaluate
from pathways.models import Pathway, PathwayVersion
from pathways.publishing import version_create_draft
from pathways.selectors import (
    evaluate_version,
    load_evaluation_context,
    load_tree,
    pathway_versions_and_site,
    validate_version,
)
from rota.models import Shift, Site
from rota.selectors import schedule_around
from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london
from tests.pathways.conftest import make_pathway, wide_nodes

NIGHT = london(2026, 3, 18, 22, 15)  # a Wednesday night: out of hours
NOON = london(2026, 3, 18, 12, 0)
TREE_QUERIES = 6  # version and pathway, nodes, options, branches, steps, sites
# Whether anything was built ahead (nothing here); the tree; the network's rotas with
# their bases, sites served and working week; the diverts leading elsewhere and the
# schedule of the rotas needed (closures; shifts, covers, diverts and notes; leave;
# clinicians with their contacts) two days either side.
CONTEXT_QUERIES = 13
# Here each rota has one clinician for months, so no contact settles before four weeks
# either side: eight days and four weeks are read too (diverts and schedule, 5 each).
EVALUATION_QUERIES = CONTEXT_QUERIES + 10


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


@pytest.fixture
def small_and_large(world, rotas):
    """A 5-node and a 61-node published pathway of the same rotas."""
    _, small = make_pathway(world, slug="small", nodes=wide_nodes(2), root="q0")
    _, large = make_pathway(world, slug="large", nodes=wide_nodes(30), root="q0")
    return small, large


def test_load_tree_reads_a_version_in_six_queries_whatever_its_size(small_and_large):
    small, large = small_and_large
    counted = [queries(lambda v=v: load_tree(v)) for v in (small, large)]
    assert [(count, len(tree.nodes)) for count, tree in counted] == [
        (TREE_QUERIES, 5), (TREE_QUERIES, 61),
    ]


def test_evaluating_costs_the_same_queries_for_a_small_and_a_large_tree(world, small_and_large):
    small, large = small_and_large
    small_count, small_result = queries(lambda: evaluate_version(
        version=small, answers={"q0": "on", "q1": "on"}, referring_site=world.chorley, at=NIGHT,
    ))
    large_count, large_result = queries(lambda: evaluate_version(
        version=large, answers={f"q{i}": "on" for i in range(30)},
        referring_site=world.chorley, at=NIGHT,
    ))
    assert (small_count, large_count) == (EVALUATION_QUERIES, EVALUATION_QUERIES)
    assert (small_result.outcome.key, len(large_result.path)) == ("o-end", 30)


def test_evaluating_costs_the_same_queries_for_a_short_and_a_long_rota_history(
    world, rotas, small_and_large
):
    small, _ = small_and_large
    short, before = queries(lambda: load_evaluation_context(small, NIGHT))
    # Three years of nightly shifts before the window, and a year after it.
    others = ClinicianFactory.create_batch(3, home_trust=world.trust_a)
    first = london(2023, 3, 1, 20, 0)
    Shift.objects.bulk_create(
        Shift(rota=rotas.night, clinician=others[day % 3], kind="manual",
              start=first + timedelta(days=day), end=first + timedelta(days=day, hours=12))
        for day in range(4 * 365) if abs((first + timedelta(days=day)) - NIGHT) > timedelta(days=60)
    )
    long, after = queries(lambda: load_evaluation_context(small, NIGHT))
    assert (short, long) == (CONTEXT_QUERIES, CONTEXT_QUERIES)
    assert len(after.schedule.shifts) == len(before.schedule.shifts)


def test_an_evaluation_context_reads_a_wider_window_once_and_only_for_an_outcome(
    world, published, django_assert_num_queries
):
    """Controls H-27."""
    _, v1 = published
    context = load_evaluation_context(v1, NOON)
    with django_assert_num_queries(0):  # a question reads nothing from the rotas' window
        context.evaluate(answers={}, referring_site=world.blackburn.pk)
    # The outcome's contacts reach the edge of two days, then of eight: both are read.
    with django_assert_num_queries(10):
        first = context.evaluate(answers={"bleeding": "yes"}, referring_site=world.blackburn.pk)
    # Kept: evaluating again, for any answers and site, reads nothing more.
    with django_assert_num_queries(0):
        again = context.evaluate(answers={"bleeding": "yes"}, referring_site=world.blackburn.pk)
        context.evaluate(answers={}, referring_site=world.chorley)
    assert first.as_dict() == again.as_dict()
    assert first.outcome is not None


def test_the_context_loads_the_rotas_the_steps_name_and_those_answering_their_roles(
    world, rotas, published
):
    _, v1 = published
    unrelated = RotaFactory(network=world.network, slug="urology", role="urologist",
                            based_at=world.blackburn)
    ShiftFactory(rota=unrelated, clinician=ClinicianFactory(home_trust=world.trust_b),
                 start=NIGHT - timedelta(hours=2), end=NIGHT + timedelta(hours=10))
    context = load_evaluation_context(v1, NIGHT)
    assert set(context.schedule.rotas) == {rotas.day.pk, rotas.night.pk, rotas.vascular.pk}
    assert {shift.rota_id for shift in context.schedule.shifts} <= set(context.schedule.rotas)


@pytest.mark.parametrize(("at", "answers"), [
    (NOON, {}), (NOON, {"bleeding": "yes"}), (NOON, {"bleeding": "no"}),  # in hours: asked
    (NIGHT, {}), (london(2026, 12, 25, 3, 0), {}),  # out of hours: by referring site
])
@pytest.mark.parametrize("site", ["chorley", "blackburn", "preston"])
def test_evaluating_the_rotas_needed_answers_as_evaluating_the_whole_network(
    world, rotas, published, at, site, answers
):
    _, v1 = published
    # Rotas the pathway never names: they move the network's hub (most rotas are based
    # at Royal Blackburn), whose switchboard is every escalation's last resort.
    for slug in ("urology", "stroke", "paeds", "neuro"):
        RotaFactory(network=world.network, slug=slug, role=slug, based_at=world.blackburn)
    tree = load_tree(v1)
    whole = evaluate(version_tree=tree, answers=answers, referring_site=getattr(world, site),
                     at=at, schedule=schedule_around(network_ids=[tree.network_id], at=at))
    needed = load_evaluation_context(v1, at).evaluate(
        answers=answers, referring_site=getattr(world, site)
    )
    assert needed.as_dict() == whole.as_dict()
    if needed.outcome is not None and needed.outcome.if_no_answer is not None:
        assert needed.outcome.if_no_answer["label"] == "Royal Blackburn switchboard"


def test_validate_version_costs_the_same_queries_for_a_small_and_a_large_tree(small_and_large):
    counted = [queries(lambda v=v: validate_version(v)) for v in small_and_large]
    assert [problems for _, problems in counted] == [[], []]
    assert counted[0][0] == counted[1][0]


def test_a_pathways_versions_and_a_site_are_read_as_the_orm_reads_them(world, published):
    """One query; the same instances, field for field (dates and booleans too, which
    SQLite returns as text and integers), as the querysets it replaces."""
    pathway, version = published
    draft = version_create_draft(pathway=pathway, user=world.lead)
    with CaptureQueriesContext(connection) as captured:
        versions, site = pathway_versions_and_site(pathway.slug, world.preston.ods_code)
    assert len(captured.captured_queries) == 1
    expected = list(PathwayVersion.objects.filter(pathway=pathway).order_by("-number"))
    assert [v.pk for v in versions] == [draft.pk, version.pk]
    for mine, theirs in zip(versions, expected, strict=True):
        assert _fields(mine) == _fields(theirs)
        assert mine.pathway is versions[0].pathway
    assert _fields(versions[0].pathway) == _fields(Pathway.objects.get(pk=pathway.pk))
    assert _fields(site) == _fields(Site.objects.get(pk=world.preston.pk))
    assert isinstance(versions[1].published_at, datetime)
    assert versions[1].published_at.tzinfo is not None
    assert isinstance(site.has_ir_suite, bool)


def test_no_such_site_or_pathway_reads_as_none(world, published):
    pathway, _ = published
    versions, site = pathway_versions_and_site(pathway.slug, "RXX99")
    assert len(versions) == 1 and site is None
    assert pathway_versions_and_site("no-such-pathway", world.preston.ods_code) == ([], None)


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
