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


def test_a_breach_is_measured_so_a_shorter_one_is_not_worse():
    # given: a five-day contract, and weeks of three and of four shifts
    from scheduler.solver.validation import check_contract_hours

    contract = Contract(working_days_per_week=5, min_working_days_per_week=5)
    problem = tiny_problem(agents=(agent("a0", contract=contract),), required=0)

    def breach(days: int):  # type: ignore[no-untyped-def]
        found = check_contract_hours(
            problem, roster(problem, [("a0", d, "early") for d in range(days)])
        )
        return next(v for v in found if v.measure == "days below")

    three, four = breach(3), breach(4)
    # then: the same breach (same key), two days short against one
    assert three.breach == four.breach
    assert (three.excess, four.excess) == (2, 1)
    assert not four.is_worse_than(three)
    assert three.is_worse_than(four)
    assert four.is_worse_than(None)
