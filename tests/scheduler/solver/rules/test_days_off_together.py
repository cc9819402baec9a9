from scheduler.solver import Policy, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    problem = tiny_problem(policy=Policy(days_off_together=2))
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_alternate_days_off_are_infeasible():
    # given work locked on days 0, 2, 4, 6: the days off (1, 3, 5) are never together
    problem = tiny_problem(
        policy=Policy(days_off_together=2),
        locked=tuple(ShiftRef("a0", d, "early") for d in (0, 2, 4, 6)),
    )
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("days_off_together" in c.rules for c in solution.infeasibility.conflicts)


def test_validator_flags_split_days_off():
    problem = tiny_problem(policy=Policy(days_off_together=2))
    solution = roster(problem, [("a0", d, "early") for d in (0, 2, 4, 6)])
    assert "days_off_together" in violated_rules(problem, solution)
