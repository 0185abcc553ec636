"""The load runner's pure parts: which databases it refuses, requests, targets."""

import random
from datetime import UTC, datetime

import pytest

from bench.load import (
    BenchError,
    CaseResult,
    Measure,
    World,
    add_ratios,
    case_requests,
    check_database_url,
    missed_targets,
    run_order,
    typical_floor,
)


@pytest.mark.parametrize("name", ["ir_oncall", "ir_oncall_outcome", "ir_oncall_print",
                                  "test_ir_oncall"])
def test_load_refuses_the_projects_own_databases(name):
    with pytest.raises(BenchError, match=f"Refusing database '{name}'"):
        check_database_url(f"postgres://postgres@127.0.0.1:5432/{name}")


def test_load_accepts_the_bench_database():
    url = "postgres://postgres@127.0.0.1:5432/ir_oncall_bench"
    assert check_database_url(url) == "ir_oncall_bench"


def _world() -> World:
    window = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    return World(
        demo_rotas=[(1, "lsc-a")], demo_window=window,
        national_rotas=[(2, "north-a"), (3, "north-b")], national_window=window,
        ahead_window=window,
        boards=["scale-north"], evaluations=[("north-vascular-ir", "ZA101", {"q": "yes"})],
        decisions=["IR-AAAA-BB"], session_cookie="sessionid=abc", feeds=["/feeds/rota/s.ics"],
    )


def test_load_requests_are_the_same_for_a_seed_and_spread_over_rotas_and_instants():
    first = case_requests(_world(), "oncall-national", random.Random(1), 50)
    again = case_requests(_world(), "oncall-national", random.Random(1), 50)
    assert first == again
    assert {r.path.split("rota=")[1].split("&")[0] for r in first} == {"north-a", "north-b"}
    assert len({r.path for r in first}) == 50


def test_load_logged_evaluation_sends_no_instant_and_preview_does():
    logged = case_requests(_world(), "evaluate-logged", random.Random(1), 1)[0]
    preview = case_requests(_world(), "evaluate-preview", random.Random(1), 1)[0]
    assert logged.line() == (
        "POST\t/api/v1/pathways/north-vascular-ir/evaluate/\t"
        '{"answers": {"q": "yes"}, "referring_site": "ZA101"}\t-'
    )
    assert '"at": "2026-' in preview.body


def _result(name, p50, *, errors=0, rss=150.0):
    measure = Measure(1, 100, p50, p50 * 2, 10.0, errors)
    return CaseResult(name, measure, {1: measure, 8: measure}, rss)


def test_load_reports_every_missed_target_and_none_when_met():
    met = [_result("floor", 2.0), _result("oncall-demo", 3.0), _result("oncall-national", 2.9),
           _result("board-40-rotas", 6.0), _result("evaluate-preview", 6.0),
           _result("evaluate-logged", 8.0)]
    add_ratios(met)
    assert missed_targets(met) == []
    missed = [_result("floor", 2.0), _result("oncall-demo", 70.0),
              _result("oncall-national", 200.0, errors=3), _result("board-40-rotas", 6.0),
              _result("evaluate-preview", 6.0), _result("evaluate-logged", 8.0, rss=250.0)]
    add_ratios(missed)
    assert missed_targets(missed) == [
        "oncall-demo: 35.0x the floor at the median, target 1.5x",
        "oncall-national: 100.0x the floor at the median, target 1.5x",
        "oncall-national: 2.86x the demo case, target 1.2x",
        "9 errors or non-200 answers under load, target 0",
        "a worker reached 250.0 MB resident, target 200 MB",
    ]


def test_each_case_with_a_target_runs_between_two_floors():
    assert run_order(["calendar-feed", "oncall-demo", "evaluate-logged"]) == [
        "floor", "oncall-demo", "floor", "evaluate-logged", "floor", "calendar-feed", "floor",
    ]
    assert run_order(["oncall-demo"]) == ["floor", "oncall-demo", "floor"]


def test_each_case_is_divided_by_the_mean_of_the_floors_either_side_of_it():
    sequence = [_result("floor", 2.0), _result("evaluate-preview", 6.0), _result("floor", 4.0),
                _result("evaluate-logged", 9.0), _result("calendar-feed", 90.0),
                _result("floor", 2.0)]
    sequence[2].cold = Measure(1, 100, 6.0, 12.0, 10.0, 0)  # cold slower there
    add_ratios(sequence)
    preview, logged, feed = sequence[1], sequence[3], sequence[4]
    assert preview.ratios == {"cold_1": 1.5, "warm_1": 2.0, "warm_8": 2.0}
    assert preview.floor_p50_ms == {"cold_1": 4.0, "warm_1": 3.0, "warm_8": 3.0}
    assert logged.ratios == {"cold_1": 2.2, "warm_1": 3.0, "warm_8": 3.0}
    assert feed.ratios["warm_1"] == 30.0
    assert typical_floor([sequence[0], sequence[2], sequence[5]]).warm[1].p50_ms == 2.0


def test_national_over_demo_compares_each_to_its_own_floors():
    """The demo case in a slow moment, the national one in a fast one: the same work."""
    sequence = [_result("floor", 4.0), _result("oncall-demo", 4.0), _result("floor", 4.0),
                _result("oncall-national", 2.2), _result("floor", 2.0),
                _result("board-40-rotas", 4.0), _result("floor", 2.0),
                _result("evaluate-preview", 5.0), _result("floor", 2.0),
                _result("evaluate-logged", 7.0), _result("floor", 2.0)]
    add_ratios(sequence)
    assert missed_targets(sequence) == []
