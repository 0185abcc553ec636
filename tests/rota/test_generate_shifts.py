from datetime import UTC, date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rota.models import Shift
from tests.factories import london
from tests.rota.conftest import make_pattern

NOW = london(2026, 3, 23, 12, 0).astimezone(UTC)  # as timezone.now() gives it


@pytest.fixture
def fixed_now(clock):
    # The command is the edge that reads the clock; the core takes ``now`` as a parameter.
    clock["now"] = NOW


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("generate_shifts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_generate_shifts_twice_creates_then_changes_nothing(rota, doctors, fixed_now):
    make_pattern(rota, doctors[:2], start_date=date(2026, 3, 2))
    first = run("--days", "14")
    after_first = list(Shift.objects.values_list("clinician_id", "start", "end"))
    second = run("--days", "14")
    # 24 March 08:00 GMT to 6 April 08:00 BST: fourteen daily shifts after noon on 23 March.
    assert first == ("LSC IR on call: Main rotation: 14 created, 0 removed\n", "")
    assert second == ("LSC IR on call: Main rotation: 0 created, 0 removed\n", "")
    assert list(Shift.objects.values_list("clinician_id", "start", "end")) == after_first
    assert Shift.objects.order_by("start").first().start == london(2026, 3, 24, 8, 0)
    assert Shift.objects.order_by("start").last().start == london(2026, 4, 6, 8, 0)
    assert set(Shift.history.values_list("history_change_reason", flat=True)) == {
        "Generated from rotation pattern"
    }


def test_generate_shifts_reports_conflicts(rota, doctors, fixed_now):
    make_pattern(rota, doctors[:1], start_date=date(2026, 3, 2))
    manual = Shift.objects.create(
        rota=rota, clinician=doctors[0], start=london(2026, 3, 24, 9, 0),
        end=london(2026, 3, 24, 10, 0),
    )
    out, err = run("--days", "2")
    assert out == "LSC IR on call: Main rotation: 1 created, 0 removed\n"
    assert err == (
        f"  skipped 2026-03-24T08:00:00+00:00: clinician {doctors[0].id} already has shift "
        f"{manual.id} on this rota\n"
    )


def test_generate_shifts_refuses_days_below_one(db):
    with pytest.raises(CommandError, match="--days must be at least 1."):
        run("--days", "0")


def test_generate_shifts_takes_advisory_lock_on_postgresql(rota, doctors, fixed_now):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock exists on PostgreSQL only")
    make_pattern(rota, doctors[:2], start_date=date(2026, 3, 2))
    with CaptureQueriesContext(connection) as queries:
        out, _ = run("--days", "7")
    assert out == "LSC IR on call: Main rotation: 7 created, 0 removed\n"
    assert sum("pg_advisory_xact_lock" in q["sql"] for q in queries.captured_queries) == 1
