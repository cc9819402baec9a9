from dataclasses import replace

from scheduler.solver import Preference, PreferenceKind
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def test_feasible_when_unconstrained():
    prefs = (Preference("a0", PreferenceKind.PREFERRED_DAY_OFF, 3, day=2),)
    problem = tiny_problem(preferences=prefs)
    solution = solve(problem)
    assert solution.penalty_total("preferences") == 0
    assert ("a0", 2) not in {(a.agent_id, a.day) for a in solution.assignments}
    assert violated_rules(problem, solution) == set()


def test_exact_penalty_when_broken():
    # given a single agent needed on day 0 who prefers it off and avoids nights
    prefs = (
        Preference("a0", PreferenceKind.PREFERRED_DAY_OFF, 3, day=0),
        Preference("a0", PreferenceKind.AVOID_NIGHTS, 2),
    )
    problem = tiny_problem(num_agents=1, num_days=1, preferences=prefs)
    solution = solve(problem)
    assert solution.penalty_total("preferences") == 3 * problem.weights.preference
    assert violated_rules(problem, solution) == set()


def test_validator_recomputes_the_cost():
    prefs = (Preference("a0", PreferenceKind.PREFERRED_SHIFT, 1, template_id="early"),)
    problem = tiny_problem(preferences=prefs)
    solution = roster(problem, [("a0", 0, "late")])
    assert solution.penalty_total("preferences") == problem.weights.preference
    assert "preferences" in violated_rules(problem, replace(solution, penalties=()))
