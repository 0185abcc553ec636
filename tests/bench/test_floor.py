"""The bench's floor: one indexed query, in the product's stack, mounted only by the bench."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london
from tests.pages import CHECK_THE_ADDRESS, NOT_FOUND, problem


@pytest.fixture
def rota(world):
    rota = RotaFactory(network=world.network, based_at=world.preston, slug="lsc-ir-ooh")
    doctors = [ClinicianFactory(home_trust=world.trust_a) for _ in range(2)]
    for day, doctor in ((1, doctors[0]), (2, doctors[1])):
        ShiftFactory(rota=rota, clinician=doctor, start=london(2026, 5, day, 8, 0),
                     end=london(2026, 5, day + 1, 8, 0))
    return rota, doctors


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_floor_answers_the_shift_in_force_with_one_query(client, rota, bench_urls):
    rota, doctors = rota
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/floor/", {"rota": rota.id, "at": "2026-05-02T09:30"})
    assert response.status_code == 200
    assert response.json() == {
        "at": "2026-05-02T09:30:00+01:00",
        "clinician": doctors[1].id,
        "since": "2026-05-02T08:00:00+01:00",
        "until": "2026-05-03T08:00:00+01:00",
    }
    assert len(queries) == 1


def test_floor_answers_nobody_outside_every_shift(client, rota, bench_urls):
    rota, _ = rota
    response = client.get("/bench/floor/", {"rota": rota.id, "at": "2026-05-04T09:30"})
    assert response.json() == {
        "at": "2026-05-04T09:30:00+01:00", "clinician": None, "since": None, "until": None,
    }


def test_floor_refuses_a_missing_rota_in_the_api_error_shape(client, db, bench_urls):
    response = client.get("/bench/floor/", {"at": "2026-05-04T09:30"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "required", "message": "Give rota=<id>.", "field": "rota"}
    }


def test_floor_is_not_mounted_by_the_product(client, rota):
    rota, _ = rota
    response = client.get("/bench/floor/", {"rota": rota.id})
    # The product's own 404 page, not the bench's JSON: the address does not exist there.
    assert problem(response) == (404, NOT_FOUND, CHECK_THE_ADDRESS)
