from datetime import timedelta

from rota.oncall import who_is_on_call
from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london


def test_who_is_on_call_smoke(world):
    rota = RotaFactory(network=world.network, based_at=world.preston)
    a, b = ClinicianFactory(home_trust=world.trust_a), ClinicianFactory(home_trust=world.trust_a)
    ShiftFactory(rota=rota, clinician=a, start=london(2026, 3, 28, 17), end=london(2026, 3, 29, 8))
    ShiftFactory(rota=rota, clinician=b, start=london(2026, 3, 29, 8), end=london(2026, 3, 30, 8))
    answer, _ = who_is_on_call(rota, london(2026, 3, 29, 7, 45))
    assert [e.clinician_id for e in answer.on_call] == [a.id]
    assert answer.until == london(2026, 3, 29, 8)
    assert answer.until - answer.since == timedelta(hours=14)
    assert answer.handover.incoming[0].clinician_id == b.id
    answer, _ = who_is_on_call(rota, london(2026, 3, 29, 8))
    assert [e.clinician_id for e in answer.on_call] == [b.id]
    answer, _ = who_is_on_call(rota, london(2026, 3, 31, 8))
    assert answer.gap and answer.fallback is None
