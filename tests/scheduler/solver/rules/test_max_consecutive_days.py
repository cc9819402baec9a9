from scheduler.solver import Contract, Policy, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import agent, roster, solve, tiny_problem, violated_rules

SEVEN_DAYS = Contract(working_days_per_week=7, max_minutes_per_week=7 * 480)


def test_feasible_when_unconstrained():
    problem = tiny_problem(
        agents=(agent("a0", contract=SEVEN_DAYS),),
        policy=Policy(max_consecutive_days=7, days_off_together=0),
    )
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_seven_locked_days_are_infeasible_with_six_max():
    problem = tiny_problem(
        agents=(agent("a0", contract=SEVEN_DAYS),),
        policy=Policy(max_consecutive_days=6, days_off_together=0),
        locked=tuple(ShiftRef("a0", d, "early") for d in range(7)),
    )
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("max_consecutive_days" in c.rules for c in solution.infeasibility.conflicts)


def test_tail_counts_towards_the_run():
    problem = tiny_problem(
        agents=(agent("a0", contract=SEVEN_DAYS),),
        policy=Policy(max_consecutive_days=3, days_off_together=0),
        previous_tail=tuple(ShiftRef("a0", d, "early") for d in (-3, -2, -1)),
        locked=(ShiftRef("a0", 0, "early"),),
    )
    assert solve(problem).status == SolveStatus.INFEASIBLE


def test_validator_flags_long_run():
    problem = tiny_problem(
        agents=(agent("a0", contract=SEVEN_DAYS),),
        policy=Policy(max_consecutive_days=2, days_off_together=0),
    )
    solution = roster(problem, [("a0", d, "early") for d in range(3)])
    assert "max_consecutive_days" in violated_rules(problem, solution)
