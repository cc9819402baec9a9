from dataclasses import replace

from scheduler.solver import ShiftRef
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    published = tuple(ShiftRef("a0", d, "early") for d in range(5))
    problem = tiny_problem(previous_roster=published)
    solution = solve(problem)
    assert solution.penalty_total("changes_vs_previous") == 0
    assert solution.changes == ()
    assert violated_rules(problem, solution) == set()


def test_exact_penalty_when_a_change_is_forced():
    # given a published early on day 0 for a0, who is now on leave
    published = (ShiftRef("a0", 0, "early"), ShiftRef("a1", 0, None))
    problem = tiny_problem(num_agents=2, num_days=1, previous_roster=published, to_hour=14)
    problem = replace(
        problem,
        agents=(replace(problem.agents[0], leave_days=frozenset({0})), problem.agents[1]),
    )
    solution = solve(problem)
    # then a1 takes the early: two agent-days change
    assert solution.penalty_total("changes_vs_previous") == 2 * problem.weights.change
    assert len(solution.changes) == 2
    assert violated_rules(problem, solution) == set()


def test_validator_recomputes_the_cost():
    problem = tiny_problem(previous_roster=(ShiftRef("a0", 0, "early"),))
    solution = roster(problem, [("a0", 0, "late")])
    assert "changes_vs_previous" in violated_rules(problem, replace(solution, penalties=()))
