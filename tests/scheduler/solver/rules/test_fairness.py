from dataclasses import replace

from scheduler.solver import FairnessHistory, Weights
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules

WEIGHTS = Weights(fairness_nights=10, fairness_weekends=0, fairness_holidays=0)


def test_feasible_when_unconstrained():
    problem = tiny_problem(weights=WEIGHTS, from_hour=0, to_hour=24)
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_history_is_counted():
    # given a0 carried 3 nights in and one night needed: someone else works it
    history = (FairnessHistory("a0", nights=3),)
    problem = tiny_problem(
        num_agents=2, num_days=1, weights=WEIGHTS, from_hour=22, to_hour=24, history=history
    )
    solution = solve(problem)
    assert [a.agent_id for a in solution.assignments if a.template_id == "night"] == ["a1"]
    # spread: a0 has 3, a1 has 1 -> 2
    assert solution.penalty_total("fairness") == 2 * WEIGHTS.fairness_nights
    assert violated_rules(problem, solution) == set()


def test_validator_recomputes_the_spread():
    problem = tiny_problem(weights=WEIGHTS)
    solution = roster(problem, [("a0", 0, "night"), ("a0", 1, "night")])
    assert solution.penalty_total("fairness") == 2 * WEIGHTS.fairness_nights
    assert "fairness" in violated_rules(problem, replace(solution, penalties=()))
