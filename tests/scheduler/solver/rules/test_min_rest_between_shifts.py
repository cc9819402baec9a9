from scheduler.solver import ShiftRef, SolveStatus
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    problem = tiny_problem()
    solution = solve(problem)
    assert solution.status == SolveStatus.OPTIMAL
    assert violated_rules(problem, solution) == set()


def test_late_then_early_is_infeasible():
    # given a late shift (ends 22:00) locked before an early one (06:00): 8 h of rest
    problem = tiny_problem(
        locked=(ShiftRef("a0", 0, "late"), ShiftRef("a0", 1, "early")),
    )
    # when / then
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("min_rest_between_shifts" in c.rules for c in solution.infeasibility.conflicts)


def test_previous_tail_counts():
    problem = tiny_problem(
        previous_tail=(ShiftRef("a0", -1, "night"),),
        locked=(ShiftRef("a0", 0, "early"),),
    )
    assert solve(problem).status == SolveStatus.INFEASIBLE


def test_validator_flags_short_rest():
    problem = tiny_problem()
    solution = roster(problem, [("a0", 0, "late"), ("a0", 1, "early")])
    assert "min_rest_between_shifts" in violated_rules(problem, solution)


def test_cyclic_horizon_wraps_rest():
    from dataclasses import replace

    problem = tiny_problem()
    cyclic = replace(problem, horizon=replace(problem.horizon, cyclic=True))
    solution = roster(cyclic, [("a0", 6, "late"), ("a0", 0, "early")])
    assert "min_rest_between_shifts" in violated_rules(cyclic, solution)
