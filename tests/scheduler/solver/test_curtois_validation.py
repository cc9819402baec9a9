"""The solver-independent validator, and the CP-SAT model agreeing with it rule by rule.

Each case is a roster on the tiny inline instance that breaks exactly one hard rule: the
validator must name that rule (and only it), and the model with that roster fixed must be
infeasible. A valid roster is accepted by both with the same objective.
"""

import dataclasses
import random

import pytest
from ortools.sat.python import cp_model

from scheduler.solver.curtois.model import HARD_RULES, build_model
from scheduler.solver.curtois.parser import Instance, parse_instance_text
from scheduler.solver.curtois.solution import Assignment, Roster
from scheduler.solver.curtois.validation import HARD_RULE_CHECKS, check_roster
from tests.scheduler.solver.test_curtois_parser import TINY_INSTANCE_TEXT

# A valid roster of the tiny instance ("-" is a day off); it costs 303: three cover lines
# one short (100 each) and three one over (1 each), all requests granted.
VALID_GRID = {
    "A": "EEE--LL",
    "B": "LL--LLL",
    "C": "-L-EEE-",
}


def tiny_instance() -> Instance:
    return parse_instance_text(TINY_INSTANCE_TEXT, name="Tiny")


def with_employee(instance: Instance, employee_id: str, **changes) -> Instance:
    employees = tuple(
        dataclasses.replace(e, **changes) if e.employee_id == employee_id else e
        for e in instance.employees
    )
    return dataclasses.replace(instance, employees=employees)


def roster_from(grid: dict[str, str], *extra: Assignment) -> Roster:
    assignments = {
        Assignment(e, day, shift)
        for e, row in grid.items()
        for day, shift in enumerate(row)
        if shift != "-"
    }
    return Roster(frozenset(assignments | set(extra)))


def model_accepts(instance: Instance, roster: Roster) -> tuple[bool, int | None]:
    """Fix the roster in the CP-SAT model; (feasible, objective)."""
    built = build_model(instance)
    if any(
        not built.variables.can_work(a.employee_id, a.day, a.shift_id) for a in roster.assignments
    ):
        # The model has no literal for this assignment (banned shift type or fixed day off).
        return False, None
    for (e, day, shift), var in built.variables.assigned.items():
        built.model.add(var == int(shift in roster.shifts_on(e, day)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    status = solver.solve(built.model)
    if status == cp_model.INFEASIBLE:
        return False, None
    assert status == cp_model.OPTIMAL
    return True, round(solver.objective_value)


def test_valid_roster_passes_with_the_benchmark_objective():
    # given
    instance = tiny_instance()
    roster = roster_from(VALID_GRID)

    # when
    report = check_roster(instance, roster)

    # then
    assert report.violations == ()
    assert report.valid
    assert report.objective == 303
    assert model_accepts(instance, roster) == (True, 303)


def test_objective_counts_requests_and_cover_exactly():
    # given: A misses its early on day 0 (2) and works the late it asked off on day 1 (1);
    # B misses its late on day 1 (3).
    instance = tiny_instance()
    roster = roster_from({**VALID_GRID, "A": "LLL--LL", "B": "---LLLL"})

    # when
    report = check_roster(instance, roster)
    costs = {p.name: p.cost for p in report.penalties}

    # then
    assert report.valid
    assert costs["shift on request A day 0 E"] == 2
    assert costs["shift off request A day 1 L"] == 1
    assert costs["shift on request B day 1 L"] == 3
    # day 0: E 0/1 (100), L 1/1; day 1: E 0/1 (100), L 2/1 (1); day 2: E 0/1 (100), L 1/1;
    # day 3: E 1/1, L 1/1; day 4: E 1/1, L 1/1; day 5: E 1/1, L 2/1 (1); day 6: E 0/1 (100),
    # L 2/1 (1)
    assert report.objective == 2 + 1 + 3 + 4 * 100 + 3 * 1
    assert model_accepts(instance, roster) == (True, report.objective)


BROKEN_CASES = [
    pytest.param(
        "one_shift_per_day", VALID_GRID, {}, (Assignment("C", 1, "E"),), id="two shifts a day"
    ),
    pytest.param(
        "forbidden_successions", {**VALID_GRID, "A": "LEE--LL"}, {}, (), id="late then early"
    ),
    pytest.param(
        "max_shifts_per_type", {**VALID_GRID, "B": "EL--LLL"}, {}, (), id="shift type banned"
    ),
    pytest.param(
        "max_shifts_per_type", {**VALID_GRID, "C": "-LLL-E-"}, {}, (), id="too many lates"
    ),
    pytest.param("total_minutes", {**VALID_GRID, "A": "------L"}, {}, (), id="too few minutes"),
    pytest.param(
        "total_minutes", VALID_GRID, {"max_total_minutes": 1920}, (), id="too many minutes"
    ),
    pytest.param(
        "max_consecutive_shifts", {**VALID_GRID, "B": "LLLLL--"}, {}, (), id="five in a row"
    ),
    pytest.param(
        "min_consecutive_shifts", {**VALID_GRID, "A": "EEE--L-"}, {}, (), id="one-day run"
    ),
    pytest.param(
        "min_consecutive_days_off", {**VALID_GRID, "B": "LL-LLL-"}, {}, (), id="one day off"
    ),
    pytest.param("max_weekends", VALID_GRID, {"max_weekends": 0}, (), id="weekend worked"),
    pytest.param("days_off", {**VALID_GRID, "A": "EEEE---"}, {}, (), id="works a day off"),
]


@pytest.mark.parametrize(("rule", "grid", "changes", "extra"), BROKEN_CASES)
def test_each_broken_rule_is_caught_by_validator_and_model(rule, grid, changes, extra):
    # given
    instance = tiny_instance()
    employee_id = "B" if rule in ("max_consecutive_shifts", "min_consecutive_days_off") else "A"
    if changes:
        instance = with_employee(instance, employee_id, **changes)
    roster = roster_from(grid, *extra)

    # when
    report = check_roster(instance, roster)

    # then
    assert {v.rule for v in report.violations} == {rule}
    assert not report.valid
    assert model_accepts(instance, roster) == (False, None)


def test_runs_touching_the_horizon_ends_are_exempt_from_minimum_lengths():
    # given: A works only the last day (a one-day run at the end) and C works only day 1
    # after its day off on day 0, which is a one-day off-run at the start.
    instance = with_employee(tiny_instance(), "A", min_total_minutes=0)
    instance = with_employee(instance, "C", min_consecutive_days_off=3, min_total_minutes=0)
    roster = roster_from({"A": "------E", "B": VALID_GRID["B"], "C": "-LL----"})

    # when
    report = check_roster(instance, roster)

    # then
    assert report.violations == ()
    assert model_accepts(instance, roster)[0]


def test_model_and_validator_agree_on_random_rosters():
    # given: rosters one or two cells away from a valid one, so both sides of every rule occur
    instance = tiny_instance()
    generator = random.Random(7)
    agreements = 0

    for _ in range(60):
        rows = {e: list(row) for e, row in VALID_GRID.items()}
        for _ in range(generator.choice((1, 2))):
            e = generator.choice(sorted(rows))
            rows[e][generator.randrange(7)] = generator.choice("EL-")
        grid = {e: "".join(row) for e, row in rows.items()}
        roster = roster_from(grid)

        # when
        report = check_roster(instance, roster)
        feasible, objective = model_accepts(instance, roster)

        # then
        assert feasible == report.valid, grid
        if feasible:
            assert objective == report.objective
            agreements += 1
    assert agreements > 0, "no random roster was valid: the test checks nothing"


def test_every_hard_rule_of_the_model_has_a_validator_check():
    # when
    model_rules = {rule.__name__ for rule in HARD_RULES}
    checks = {check.__name__.removeprefix("check_") for check in HARD_RULE_CHECKS}

    # then: the validator may check more (roster shape), never less
    assert model_rules <= checks
    assert {case.values[0] for case in BROKEN_CASES} == model_rules
