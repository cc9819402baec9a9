from scheduler.solver import Policy, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules

POLICY = Policy(days_off_together=0, start_band_minutes=120)


def test_feasible_when_unconstrained():
    problem = tiny_problem(policy=POLICY)
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_early_and_late_in_one_week_is_infeasible():
    problem = tiny_problem(
        policy=POLICY, locked=(ShiftRef("a0", 0, "early"), ShiftRef("a0", 3, "late"))
    )
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("start_time_band" in c.rules for c in solution.infeasibility.conflicts)


def test_validator_flags_wide_band():
    problem = tiny_problem(policy=POLICY)
    solution = roster(problem, [("a0", 0, "early"), ("a0", 3, "late")])
    assert "start_time_band" in violated_rules(problem, solution)
