from scheduler.solver import Horizon, Policy, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import MONDAY, roster, solve, tiny_problem, violated_rules

TWO_WEEKS = Horizon(MONDAY, 14, 60)
POLICY = Policy(days_off_together=0, max_weekends_per_28_days=1)


def test_feasible_when_unconstrained():
    problem = tiny_problem(horizon=TWO_WEEKS, num_agents=4, policy=POLICY)
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_two_locked_weekends_exceed_one():
    # days 5 and 12 are Saturdays
    problem = tiny_problem(
        horizon=TWO_WEEKS,
        policy=POLICY,
        locked=(ShiftRef("a0", 5, "early"), ShiftRef("a0", 12, "early")),
    )
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("max_weekends_per_28_days" in c.rules for c in solution.infeasibility.conflicts)


def test_validator_flags_too_many_weekends():
    problem = tiny_problem(horizon=TWO_WEEKS, policy=POLICY)
    solution = roster(problem, [("a0", 6, "early"), ("a0", 12, "early")])
    assert "max_weekends_per_28_days" in violated_rules(problem, solution)
