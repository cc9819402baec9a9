from scheduler.solver import Contract, ShiftRef, SolveStatus
from tests.scheduler.solver.builders import agent, roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    problem = tiny_problem()
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_minimum_days_are_worked_even_without_demand():
    contract = Contract(working_days_per_week=5, min_working_days_per_week=5)
    problem = tiny_problem(agents=(agent("a0", contract=contract),), required=0)
    solution = solve(problem)
    assert len(solution.assignments) == 5
    assert violated_rules(problem, solution) == set()


def test_six_locked_days_exceed_five_day_contract():
    problem = tiny_problem(locked=tuple(ShiftRef("a0", d, "early") for d in range(6)))
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    assert any("contract_hours" in c.rules for c in solution.infeasibility.conflicts)


def test_validator_flags_too_many_days():
    problem = tiny_problem()
    solution = roster(problem, [("a0", d, "early") for d in range(6)])
    assert "contract_hours" in violated_rules(problem, solution)
