"""Every write an answer reads adds one to its network's generation, by any path."""

from datetime import timedelta

import pytest
from django.db import connection

from rota import answer_triggers, models
from tests.factories import (
    ClinicianFactory,
    ContactMethodFactory,
    NetworkFactory,
    RotaFactory,
    ShiftFactory,
    SiteFactory,
    london,
)

pytestmark = pytest.mark.django_db


def generation(network) -> int:
    row = models.AnswerGeneration.objects.filter(network_id=network.id).first()
    return row.generation if row else 0


@pytest.fixture
def world():
    network = NetworkFactory()
    other = NetworkFactory()
    rota = RotaFactory(network=network)
    clinician = ClinicianFactory(home_trust=rota.based_at.trust)
    shift = ShiftFactory(rota=rota, clinician=clinician, start=london(2026, 3, 28, 8),
                         end=london(2026, 3, 29, 8))
    return {"network": network, "other": other, "rota": rota, "clinician": clinician,
            "shift": shift}


def test_every_watched_table_carries_its_triggers():
    """Controls H-28."""
    assert answer_triggers.expected() <= answer_triggers.installed(connection)


WRITES = {
    "shift saved": lambda w: ShiftFactory(rota=w["rota"], clinician=w["clinician"],
                                          start=london(2026, 3, 30, 8),
                                          end=london(2026, 3, 31, 8)),
    "shift moved by update()": lambda w: models.Shift.objects.filter(pk=w["shift"].pk).update(
        end=w["shift"].end + timedelta(hours=1)),
    "shifts bulk created": lambda w: models.Shift.objects.bulk_create([models.Shift(
        rota=w["rota"], clinician=w["clinician"], start=london(2026, 4, 1, 8),
        end=london(2026, 4, 2, 8))]),
    "shift deleted": lambda w: w["shift"].delete(),
    "cover": lambda w: models.Cover.objects.create(
        rota=w["rota"], covering=w["clinician"], start=london(2026, 3, 28, 9),
        end=london(2026, 3, 28, 10), reason="Swap"),
    "leave": lambda w: models.Leave.objects.create(
        clinician=w["clinician"], start=london(2026, 3, 28, 9), end=london(2026, 3, 29, 9)),
    "divert": lambda w: models.Divert.objects.create(
        rota=w["rota"], start=london(2026, 3, 28, 9), end=london(2026, 3, 28, 12),
        reason="Angio suite closed", contact_label="Vascular registrar",
        contact_number="01772 716565"),
    "note": lambda w: models.Note.objects.create(
        rota=w["rota"], start=london(2026, 3, 28, 9), end=london(2026, 3, 28, 12),
        text="In theatre"),
    "rota renamed": lambda w: models.Rota.objects.filter(pk=w["rota"].pk).update(name="New"),
    "rota serves a site": lambda w: w["rota"].serves.add(w["rota"].based_at),
    "closure date": lambda w: models.ClosureDate.objects.create(
        network=w["network"], date=london(2026, 4, 7).date(), reason="Local holiday"),
    "working day": lambda w: models.Network.objects.filter(pk=w["network"].pk).update(
        working_day_end="18:00"),
    "clinician made inactive": lambda w: models.Clinician.objects.filter(
        pk=w["clinician"].pk).update(active=False),
    "contact added": lambda w: ContactMethodFactory(clinician=w["clinician"]),
    "site's switchboard": lambda w: models.Site.objects.filter(
        pk=w["rota"].based_at_id).update(switchboard="01772 716565"),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_write_moves_its_networks_generation(world, write):
    """Controls H-28."""
    before = generation(world["network"])
    WRITES[write](world)
    assert generation(world["network"]) > before


def test_another_networks_write_leaves_it_alone(world):
    rota = RotaFactory(network=world["other"])  # a new site counts everywhere
    clinician = ClinicianFactory(home_trust=rota.based_at.trust)
    before = generation(world["network"])
    ShiftFactory(rota=rota, clinician=clinician, start=london(2026, 3, 28, 8),
                 end=london(2026, 3, 29, 8))
    assert generation(world["network"]) == before
    assert generation(world["other"]) > 0


def test_a_clinicians_leave_reaches_every_network_they_are_on(world):
    stranger_rota = RotaFactory(network=world["other"])
    # Services refuse this; the trigger still counts it.
    models.Shift.objects.bulk_create([models.Shift(
        rota=stranger_rota, clinician=world["clinician"], start=london(2026, 3, 28, 8),
        end=london(2026, 3, 29, 8))])
    before = generation(world["other"])
    models.Leave.objects.create(clinician=world["clinician"], start=london(2026, 3, 28, 9),
                                end=london(2026, 3, 29, 9))
    assert generation(world["other"]) > before


def test_a_new_site_moves_every_network(world):
    before = generation(world["other"])
    SiteFactory(trust=world["rota"].based_at.trust)
    assert generation(world["other"]) > before
