from scheduler.solver import Policy, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    problem = tiny_problem(policy=Policy(days_off_together=0, max_nights_per_28_days=2))
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_three_locked_nights_exceed_two():
    problem = tiny_problem(
        policy=Policy(days_off_together=0, max_nights_per_28_days=2),
        locked=tuple(ShiftRef("a0", d, "night") for d in (0, 1, 2)),
    )
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("max_nights_per_28_days" in c.rules for c in solution.infeasibility.conflicts)


def test_validator_flags_too_many_nights():
    problem = tiny_problem(policy=Policy(days_off_together=0, max_nights_per_28_days=2))
    solution = roster(problem, [("a0", d, "night") for d in (0, 1, 2)])
    assert "max_nights_per_28_days" in violated_rules(problem, solution)
