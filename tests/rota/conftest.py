"""Small builders shared by the rota tests, on top of the ``world`` fixture."""

from datetime import date, time

import pytest

from rota.models import PatternParticipant, RotationPattern
from tests.factories import ClinicianFactory, RotaFactory


@pytest.fixture
def rota(world):
    """A 24/7 network rota based at Royal Preston, with no shifts."""
    return RotaFactory(
        network=world.network, based_at=world.preston, slug="lsc-ir-ooh", name="LSC IR on call"
    )


@pytest.fixture
def doctors(world):
    """Four clinicians of trust A, named Dr A to Dr D."""
    return [
        ClinicianFactory(name=f"Dr {letter}", home_trust=world.trust_a) for letter in "ABCD"
    ]


def make_pattern(
    rota,
    participants,
    *,
    cadence="weekly",
    every=1,
    shift_start=time(8, 0),
    shift_end=time(8, 0),
    days="all",
    start_date=date(2026, 3, 2),
    end_date=None,
) -> RotationPattern:
    pattern = RotationPattern.objects.create(
        rota=rota,
        name="Main rotation",
        cadence=cadence,
        every=every,
        shift_start=shift_start,
        shift_end=shift_end,
        days=days,
        start_date=start_date,
        end_date=end_date,
    )
    for position, clinician in enumerate(participants, start=1):
        PatternParticipant.objects.create(pattern=pattern, clinician=clinician, position=position)
    return pattern
