"""generate_scale, run once small (two networks, one year) and read by every test."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F

from common.phones import OFCOM_DRAMA_PREFIXES
from demo.scale import ROTAS_PER_NETWORK, SCALE_SLUG_PREFIX
from pathways.models import Pathway, PathwayVersion
from rota.models import (
    Clinician,
    ClosureDate,
    ContactMethod,
    Cover,
    Divert,
    Leave,
    Network,
    Note,
    PatternParticipant,
    Rota,
    RotationPattern,
    Shift,
    Site,
    Trust,
)
from rota.selectors import who_is_on_call
from tests.factories import london

ARGS = ("--networks", "2", "--years", "1", "--seed", "7", "--anchor", "2026-11-30")


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """One small run for the module, rolled back after its last test."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("generate_scale", *ARGS, stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def scale(generated, db):
    return generated


def test_generate_scale_writes_two_networks_of_forty_rotas(scale):
    networks = Network.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).order_by("slug")
    assert [n.slug for n in networks] == ["scale-ashgrove-vale", "scale-brackenmoor"]
    assert [n.rotas.count() for n in networks] == [ROTAS_PER_NETWORK, ROTAS_PER_NETWORK]
    trusts = [n.trusts.count() for n in networks]
    assert all(4 <= count <= 6 for count in trusts)
    assert Site.objects.count() == 2 * Trust.objects.count()
    assert Pathway.objects.count() == 4
    assert PathwayVersion.objects.filter(status="published").count() == 4


def test_generate_scale_reports_the_rows_it_wrote(scale):
    table = scale.split("Rows written:\n")[1]
    reported = dict(line.split() for line in table.splitlines())
    assert {name: int(count.replace(",", "")) for name, count in reported.items()} == {
        model.__name__: model.objects.count()
        for model in (Clinician, ClosureDate, ContactMethod, Cover, Divert, Leave, Network,
                      Note, Pathway, PatternParticipant, Rota, RotationPattern, Shift, Site,
                      Trust)
    }


def test_generate_scale_is_deterministic_for_a_seed(scale):
    # Two networks over one year; these figures change only with the generator.
    assert Shift.objects.count() == 49_325
    assert Cover.objects.count() == 3_510
    assert Leave.objects.count() == 910


def test_generate_scale_gives_every_rota_a_pattern_with_participants(scale):
    assert not Rota.objects.filter(patterns__isnull=True).exists()
    assert not RotationPattern.objects.filter(participants__isnull=True).exists()
    assert not Rota.objects.filter(shifts__isnull=True).exists()


def test_generate_scale_puts_only_the_rotas_network_on_its_shifts_and_covers(scale):
    outsiders = F("rota__network_id")
    assert not Shift.objects.exclude(clinician__home_trust__network_id=outsiders).exists()
    assert not Cover.objects.exclude(covering__home_trust__network_id=outsiders).exists()
    assert not PatternParticipant.objects.exclude(
        clinician__home_trust__network_id=F("pattern__rota__network_id")
    ).exists()


def test_generate_scale_keeps_history_for_every_row(scale):
    for model in (Network, Trust, Site, Clinician, ContactMethod, Rota, RotationPattern,
                  PatternParticipant, Shift, Cover, Leave, Divert, Note, Pathway):
        assert model.history.filter(history_type="+").count() == model.objects.count(), model
    reasons = set(Shift.history.values_list("history_change_reason", flat=True))
    assert reasons == {"Scale data generated"}


def test_generate_scale_pairs_in_hours_and_out_of_hours_rotas_by_role_and_sites(scale):
    coverage = defaultdict(list)
    for rota in Rota.objects.prefetch_related("serves"):
        sites = frozenset(site.id for site in rota.serves.all())
        coverage[(rota.network_id, rota.role, sites)].append(rota.required_coverage)
    paired_roles = ("ir-consultant", "radiology-registrar", "ct-radiographer")
    for (_, role, sites), kinds in coverage.items():
        if role in paired_roles:
            assert len(sites) == 2
            assert sorted(kinds) == ["in_hours", "out_of_hours"]
    assert sum(role in paired_roles for _, role, _ in coverage) == 3 * Trust.objects.count()


def test_generate_scale_uses_only_drama_numbers(scale):
    numbers = list(ContactMethod.objects.filter(kind__in=["mobile", "phone"])
                   .values_list("value", flat=True))
    numbers += list(Site.objects.values_list("switchboard", flat=True))
    assert all(n.replace(" ", "")[1:].startswith(OFCOM_DRAMA_PREFIXES) for n in numbers)


def test_generate_scale_answers_who_is_on_call(scale):
    rota = Rota.objects.get(slug="ashgrove-vale-za1-ir-ooh")
    answer, schedule = who_is_on_call(rota, london(2026, 11, 25, 2, 0))
    assert len(answer.effective.on_call) == 1
    clinician = Clinician.objects.get(pk=answer.effective.on_call[0].clinician_id)
    assert clinician.home_trust.network_id == rota.network_id


def test_generate_scale_refuses_a_database_with_scale_networks(scale):
    with pytest.raises(CommandError, match="already holds 2 scale networks"):
        call_command("generate_scale", *ARGS, stdout=StringIO())


def test_generate_scale_refuses_without_allow_demo_seed(db, settings):
    settings.ALLOW_DEMO_SEED = False
    before = Network.objects.count()
    with pytest.raises(CommandError, match="ALLOW_DEMO_SEED=true"):
        call_command("generate_scale", *ARGS, stdout=StringIO())
    assert Network.objects.count() == before


def test_generate_scale_replace_empties_the_database_then_generates(scale):
    if connection.vendor == "postgresql":
        # The module's data is still inside its transaction, with foreign-key checks
        # deferred; PostgreSQL will not empty tables with checks pending. A real run
        # empties the database before it writes anything.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    out = StringIO()
    call_command("generate_scale", "--networks", "1", "--years", "1", "--seed", "7",
                 "--anchor", "2026-11-30", "--replace", stdout=out)
    assert list(Network.objects.values_list("slug", flat=True)) == ["scale-ashgrove-vale"]
    assert Rota.objects.count() == ROTAS_PER_NETWORK
    assert Shift.history.count() == Shift.objects.count()
