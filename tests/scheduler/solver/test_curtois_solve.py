"""Solving Curtois & Qu instances end to end: the roster passes the validator and the reported
objective is the validator's recomputation (tiny inline instances, short limits, fixed seed)."""

import dataclasses
import json

from scheduler.solver.benchmarks import curtois as benchmark
from scheduler.solver.curtois.model import build_model
from scheduler.solver.curtois.parser import (
    CoverRequirement,
    Employee,
    Instance,
    ShiftRequest,
    ShiftType,
    parse_instance_text,
)
from scheduler.solver.curtois.solve import SolveConfig, SolveStatus, solve
from scheduler.solver.curtois.validation import check_roster
from tests.scheduler.solver.test_curtois_parser import TINY_INSTANCE_TEXT

CONFIG = SolveConfig(time_limit_seconds=10, num_workers=2, random_seed=1)


def two_week_instance() -> Instance:
    """A 14-day instance with 6 employees and 2 shifts, big enough for neighbourhoods."""
    shifts = (ShiftType("E", 480), ShiftType("L", 480, frozenset({"E"})))
    employees = tuple(
        Employee(
            employee_id=name,
            max_shifts={"E": 14, "L": 14 if index % 3 else 4},
            max_total_minutes=4320,
            min_total_minutes=2400,
            max_consecutive_shifts=5,
            min_consecutive_shifts=2,
            min_consecutive_days_off=2,
            max_weekends=1,
            days_off=frozenset({index * 2 % 14}),
        )
        for index, name in enumerate("ABCDEF")
    )
    cover = tuple(
        CoverRequirement(day, shift, 2 if shift == "E" else 1 + day % 2, 100, 1)
        for day in range(14)
        for shift in ("E", "L")
    )
    on_requests = tuple(
        ShiftRequest(e.employee_id, (3 * i) % 14, "L", 1 + i % 3) for i, e in enumerate(employees)
    )
    off_requests = tuple(
        ShiftRequest(e.employee_id, (5 * i + 1) % 14, "E", 2) for i, e in enumerate(employees)
    )
    return Instance("TwoWeeks", 14, shifts, employees, on_requests, off_requests, cover)


def test_solve_tiny_instance_to_proven_optimum():
    # given
    instance = parse_instance_text(TINY_INSTANCE_TEXT, name="Tiny")

    # when
    result = solve(instance, CONFIG)

    # then
    assert result.status == SolveStatus.OPTIMAL
    assert result.roster is not None
    report = check_roster(instance, result.roster)
    assert report.violations == ()
    assert result.objective == report.objective
    assert result.bound == result.objective
    assert sum(p.cost for p in result.penalties) == result.objective


def test_model_objective_equals_validator_recomputation():
    # given
    instance = two_week_instance()

    # when
    result = solve(instance, dataclasses.replace(CONFIG, use_large_neighbourhood_search=False))

    # then
    assert result.roster is not None
    report = check_roster(instance, result.roster)
    assert report.valid
    assert result.objective == report.objective


def test_large_neighbourhood_search_returns_a_valid_roster():
    # given: almost no time for the full model, so neighbourhoods do the work
    instance = two_week_instance()
    config = dataclasses.replace(
        CONFIG,
        time_limit_seconds=4,
        full_model_share=0.05,
        neighbourhood_seconds=0.5,
        full_model_only_literals=0,  # a tiny instance: neighbourhoods all the same
    )

    # when
    result = solve(instance, config)

    # then
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert result.roster is not None
    report = check_roster(instance, result.roster)
    assert report.violations == ()
    assert result.objective == report.objective


def test_instance_breaking_its_own_limits_is_reported_infeasible():
    # given: A may not work more than 960 minutes yet must work at least 1440
    instance = parse_instance_text(
        TINY_INSTANCE_TEXT.replace("A,E=7|L=7,2400,960", "A,E=7|L=7,960,1440")
    )

    # when
    result = solve(instance, CONFIG)

    # then
    assert result.status == SolveStatus.INFEASIBLE
    assert result.roster is None
    assert result.objective is None


def test_model_reports_named_penalties():
    # given
    instance = parse_instance_text(TINY_INSTANCE_TEXT)

    # when
    built = build_model(instance)

    # then
    names = {p.name for p in built.penalties}
    assert "shift on request A day 0 E" in names
    assert "shift off request A day 1 L" in names
    assert "cover under day 0 E" in names
    assert "cover over day 6 L" in names


def test_benchmark_command_prints_one_json_object(tmp_path, capsys):
    # given
    path = tmp_path / "Instance1.txt"
    path.write_text(TINY_INSTANCE_TEXT)

    # when
    exit_code = benchmark.main([str(path), "--time-limit", "10", "--json"])

    # then
    figures = json.loads(capsys.readouterr().out)
    assert exit_code == 0
    assert figures["instance"] == "Instance1"
    assert figures["status"] == "optimal"
    assert figures["valid"] is True
    assert figures["objective"] == figures["validator_objective"]
    assert isinstance(figures["seconds"], float)
    # named after the benchmark's Instance1, so it reports a gap against that best known value
    assert figures["best_known"] == 607
    assert "gap_percent" in figures


def test_benchmark_command_prints_one_line_per_instance_of_a_directory(tmp_path, capsys):
    # given
    for name in ("InstanceA.txt", "InstanceB.txt"):
        (tmp_path / name).write_text(TINY_INSTANCE_TEXT)

    # when
    exit_code = benchmark.main([str(tmp_path), "--time-limit", "10"])

    # then
    lines = capsys.readouterr().out.strip().splitlines()
    assert exit_code == 0
    assert lines[0].split()[0] == "instance"
    assert [line.split()[0] for line in lines[1:]] == ["InstanceA", "InstanceB"]
