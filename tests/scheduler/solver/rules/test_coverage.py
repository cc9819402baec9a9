from dataclasses import replace

from scheduler.solver import Agent, Demand, ShiftTemplate, SkillGroup
from scheduler.solver.solution import CoverageRow
from tests.scheduler.solver.builders import (
    agent,
    demand_profile,
    roster,
    solve,
    tiny_problem,
    violated_rules,
)


def test_feasible_when_unconstrained():
    problem = tiny_problem()
    solution = solve(problem)
    assert solution.has_roster
    assert solution.penalty_total("coverage") == 0
    assert violated_rules(problem, solution) == set()


def test_exact_under_coverage_penalty():
    # given one agent, 2 required 06:00-14:00 on one day: one early shift leaves 8 hours short
    problem = tiny_problem(num_agents=1, num_days=1, required=2, from_hour=6, to_hour=14)
    solution = solve(problem)
    assert solution.penalty_total("coverage") == 8 * problem.weights.under_coverage
    assert solution.figures.objective == 8 * problem.weights.under_coverage


def test_agent_counts_for_one_group_at_a_time():
    # given one agent with two skills and one required in each group
    problem = tiny_problem(num_days=1, required=1, from_hour=6, to_hour=14)
    horizon = problem.horizon
    groups = (SkillGroup("cards", frozenset({"cards"})), SkillGroup("loans", frozenset({"loans"})))
    demands = tuple(Demand(g.id, demand_profile(horizon, 1, 6, 14)) for g in groups)
    both = agent("a0", skills={"cards": 3, "loans": 2})
    problem = replace(problem, agents=(both,), skill_groups=groups, demands=demands)
    solution = solve(problem)
    # then one group is short all 8 hours
    under = sum(row.under for row in solution.coverage)
    assert under == 8
    assert violated_rules(problem, solution) == set()


def test_breaks_are_staggered_to_protect_coverage():
    # given two agents on 9-hour shifts with a 1-hour break in a 3-hour window and 1 required
    template = ShiftTemplate("day", 8 * 60, 480, 60, 180, 300)
    problem = tiny_problem(
        num_agents=2, num_days=1, templates=(template,), from_hour=8, to_hour=17, required=1
    )
    problem = replace(
        problem, agents=tuple(Agent(a.id, a.skills, contract=a.contract) for a in problem.agents)
    )
    solution = solve(problem)
    breaks = sorted(a.break_start_minute for a in solution.assignments)
    assert len(breaks) == 2 and breaks[0] != breaks[1]
    assert solution.penalty_total("coverage") == 7 * problem.weights.over_coverage
    assert violated_rules(problem, solution) == set()


def test_validator_flags_impossible_coverage_claim():
    problem = tiny_problem(num_days=1)
    solution = roster(problem, [])
    fake = replace(solution, coverage=(CoverageRow("retail", 8, 480, 1, 1),))
    assert "coverage" in violated_rules(problem, fake)
