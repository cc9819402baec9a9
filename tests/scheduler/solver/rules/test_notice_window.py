from dataclasses import replace

from scheduler.solver import Policy, ShiftRef
from tests.scheduler.solver.builders import roster, solve, tiny_problem, violated_rules


def _published(problem):
    return tuple(ShiftRef("a0", d, "early") for d in range(5))


def test_feasible_when_unconstrained():
    problem = tiny_problem(policy=Policy(days_off_together=0, notice_until_minute=2 * 1440))
    problem = replace(problem, previous_roster=_published(problem))
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()


def test_nothing_changes_inside_the_window():
    # given a published roster where a1 is off on days 0-1 and a0 is sick on day 0
    problem = tiny_problem(policy=Policy(days_off_together=0, notice_until_minute=2 * 1440))
    agents = (replace(problem.agents[0], leave_days=frozenset({0})),) + problem.agents[1:]
    published = _published(problem) + (ShiftRef("a1", 0, None), ShiftRef("a1", 1, None))
    problem = replace(problem, agents=agents, previous_roster=published)
    # when
    solution = solve(problem)
    # then nobody replaces a0 on day 0 (inside 48 h), a0 keeps day 1
    worked = {(a.agent_id, a.day): a.template_id for a in solution.assignments}
    assert ("a1", 0) not in worked and ("a1", 1) not in worked
    assert worked[("a0", 1)] == "early"
    assert violated_rules(problem, solution) == set()


def test_validator_flags_change_in_window():
    problem = tiny_problem(policy=Policy(days_off_together=0, notice_until_minute=1440))
    problem = replace(problem, previous_roster=_published(problem))
    solution = roster(problem, [("a0", 0, "late")])
    assert "notice_window" in violated_rules(problem, solution)
