from scheduler.solver import Contract, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import agent, roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    problem = tiny_problem()
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_nobody_works_on_leave_or_fixed_days_off():
    agents = (
        agent("a0", leave_days=frozenset({0, 1, 2})),
        agent("a1", fixed_days_off=frozenset({0})),  # day 0 is a Monday
        agent("a2", contract=Contract(night_eligible=False)),
    )
    problem = tiny_problem(agents=agents, from_hour=0, to_hour=24)
    solution = solve(problem)
    assert solution.has_roster
    worked = {(a.agent_id, a.day) for a in solution.assignments}
    assert not {("a0", 0), ("a0", 1), ("a0", 2), ("a1", 0)} & worked
    assert not [a for a in solution.assignments if a.agent_id == "a2" and a.template_id == "night"]


def test_lock_on_leave_is_infeasible_and_explained():
    problem = tiny_problem(
        agents=(agent("a0", leave_days=frozenset({3})),), locked=(ShiftRef("a0", 3, "early"),)
    )
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert "on leave" in solution.infeasibility.conflicts[0].message


def test_validator_flags_work_on_leave():
    problem = tiny_problem(agents=(agent("a0", leave_days=frozenset({3})),))
    solution = roster(problem, [("a0", 3, "early")])
    assert "availability" in violated_rules(problem, solution)
