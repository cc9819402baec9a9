from scheduler.solver import ShiftRef
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    problem = tiny_problem()
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_locks_are_kept_against_coverage():
    # given a lock on a night, when nobody is needed at night
    problem = tiny_problem(locked=(ShiftRef("a1", 4, "night"), ShiftRef("a0", 2, None)))
    solution = solve(problem)
    worked = {(a.agent_id, a.day): a.template_id for a in solution.assignments}
    assert worked[("a1", 4)] == "night"
    assert ("a0", 2) not in worked
    assert violated_rules(problem, solution) == set()


def test_validator_flags_broken_lock():
    problem = tiny_problem(locked=(ShiftRef("a1", 4, "night"),))
    solution = roster(problem, [("a1", 4, "early")])
    assert "locked_assignments" in violated_rules(problem, solution)
