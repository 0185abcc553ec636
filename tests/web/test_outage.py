"""The database down at night: 503s that still say whom to call, and recovery without a restart.

The outage is made by pointing the test database's connection at an address
that refuses connections (PostgreSQL: 127.0.0.1 port 1; SQLite: a file in a
directory that does not exist), never by stopping the shared server.
"""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from config import outage
from rota.models import Rota
from tests.factories import RotaFactory

REFUSING = {"host": "127.0.0.1", "port": 1, "connect_timeout": 2}


@contextmanager
def database_refusing_connections(monkeypatch):
    """Every new connection goes to an address that refuses it, until the block ends."""
    original = connection.get_connection_params

    def refused_params():
        params = original()
        if connection.vendor == "postgresql":
            return {**params, **REFUSING}
        return {**params, "database": "file:/nonexistent-outage-dir/db.sqlite3?mode=rw",
                "uri": True}

    live = connection.connection
    monkeypatch.setattr(connection, "get_connection_params", refused_params)
    connection.connection = None
    try:
        yield
    finally:
        monkeypatch.setattr(connection, "get_connection_params", original)
        connection.connection = live
        connection.health_check_done = False


@pytest.fixture
def hubs(world):
    """Two rotas based at Royal Preston, one at Royal Blackburn: Preston is the hub."""
    for slug, site in (("a", world.preston), ("b", world.preston), ("c", world.blackburn)):
        RotaFactory(network=world.network, based_at=site, slug=f"rota-{slug}")
    assert outage.refresh_hub_switchboards() is True
    yield
    outage._copy = outage._Copy()


@pytest.mark.django_db(transaction=True)
def test_outage_pages_answer_503_with_the_hub_switchboards(monkeypatch, world, hubs):
    """Controls H-21."""
    client = Client(raise_request_exception=False)
    with database_refusing_connections(monkeypatch):
        for path in ("/", "/pathways/vascular-ir/refer/?v=1&site=RXN01", "/decisions/IR-2345-67/"):
            response = client.get(path)
            html = response.content.decode()
            assert (response.status_code, response["Retry-After"]) == (503, "30"), path
            assert "The service cannot answer now" in html
            assert "Peri-arrest? Call 2222 first." in html
            assert "Call your hospital&#x27;s switchboard" in html
            assert ('<strong>Lancashire and South Cumbria</strong>: <a class="nhsuk-button '
                    'outcome-call" href="tel:+441772716565">Call Royal Preston switchboard: '
                    "01772 716565</a>") in html


@pytest.mark.django_db(transaction=True)
def test_outage_api_answers_503_in_its_error_shape(monkeypatch, world, hubs):
    client = Client(raise_request_exception=False)
    with database_refusing_connections(monkeypatch):
        response = client.get("/api/v1/pathways/")
        evaluation = client.post("/api/v1/pathways/vascular-ir/evaluate/",
                                 {"referring_site": "RXN01"}, content_type="application/json")
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response.json() == {"error": {
        "code": "database_unavailable",
        "message": "The service cannot reach its database, so it cannot say who is on call. "
                   "Call your hospital's switchboard and ask for the on-call interventional "
                   "radiologist, or a network hub's switchboard. For a peri-arrest, call 2222. "
                   "Lancashire and South Cumbria: Royal Preston switchboard 01772 716565.",
        "field": None,
    }}
    assert (evaluation.status_code, evaluation.json()["error"]["code"]) == (
        503, "database_unavailable"
    )


@pytest.mark.django_db(transaction=True)
def test_outage_healthz_reports_the_database_and_recovery_needs_no_restart(
    monkeypatch, world, hubs
):
    """Controls H-21."""
    client = Client(raise_request_exception=False)
    with database_refusing_connections(monkeypatch):
        down = client.get("/healthz")
        # A refresh while the database is down keeps the copy it had.
        assert outage.refresh_hub_switchboards() is False
        assert [hub.site for hub in outage.hub_switchboards()] == ["Royal Preston"]
    assert down.status_code == 503
    assert down.json()["status"] == "unavailable"
    assert down.json()["database"] == "unreachable"
    up = client.get("/healthz")
    assert (up.status_code, up.json()["database"], up.json()["hub_switchboards"]["networks"]) == (
        200, "ok", 1
    )
    assert client.get("/").status_code == 200  # the same process, no restart


@pytest.mark.django_db(transaction=True)
def test_outage_copy_is_refreshed_while_the_database_is_up(world, hubs):
    RotaFactory(network=world.other_network, based_at=world.blackburn, slug="elsewhere")
    assert outage.refresh_hub_switchboards() is True
    assert [(h.network, h.site) for h in outage.hub_switchboards()] == [
        ("Elsewhere imaging network", "Royal Blackburn"),
        ("Lancashire and South Cumbria", "Royal Preston"),
    ]
    assert Rota.objects.count() == 4


def test_outage_other_server_errors_stay_500(rf):
    from config.errors import server_error

    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Call your hospital&#x27;s switchboard" in response.content.decode()


def test_outage_copy_refresher_starts_once_per_process(monkeypatch):
    import threading

    loaded = threading.Event()
    calls = []

    def refresh():
        calls.append(1)
        loaded.set()
        return True

    monkeypatch.setattr(outage, "refresh_hub_switchboards", refresh)
    monkeypatch.setattr(outage, "_refreshing_in", None)
    outage.keep_refreshing(every=3600)
    outage.keep_refreshing(every=3600)
    assert loaded.wait(5)
    assert calls == [1]
    assert [t.name for t in threading.enumerate()].count("hub-switchboards") >= 1
