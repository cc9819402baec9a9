from scheduler.solver import ShiftRef, SolveStatus
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    problem = tiny_problem()
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()
    assert len({(a.agent_id, a.day) for a in solution.assignments}) == len(solution.assignments)


def test_two_locked_shifts_on_one_day_are_infeasible():
    problem = tiny_problem(locked=(ShiftRef("a0", 2, "early"), ShiftRef("a0", 2, "late")))
    assert solve(problem).status == SolveStatus.INFEASIBLE


def test_validator_flags_two_shifts_a_day():
    problem = tiny_problem()
    solution = roster(problem, [("a0", 0, "early"), ("a0", 0, "late")])
    assert "one_shift_per_day" in violated_rules(problem, solution)
