from scheduler.solver import Policy, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules

POLICY = Policy(days_off_together=0, forward_rotation=True, min_rest_minutes=0)


def test_feasible_when_unconstrained():
    problem = tiny_problem(policy=POLICY)
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_late_then_early_is_infeasible_even_without_rest_rule():
    problem = tiny_problem(
        policy=POLICY, locked=(ShiftRef("a0", 0, "late"), ShiftRef("a0", 1, "early"))
    )
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("forward_rotation" in c.rules for c in solution.infeasibility.conflicts)


def test_a_day_off_resets_the_order():
    problem = tiny_problem(
        policy=POLICY, locked=(ShiftRef("a0", 0, "late"), ShiftRef("a0", 2, "early"))
    )
    assert solve(problem).has_roster


def test_validator_flags_backward_rotation():
    problem = tiny_problem(policy=POLICY)
    solution = roster(problem, [("a0", 0, "night"), ("a0", 1, "late")])
    assert "forward_rotation" in violated_rules(problem, solution)
