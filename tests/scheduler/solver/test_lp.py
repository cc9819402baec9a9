"""The LP lower bound of the coverage cost: never above a roster the rules allow."""

from __future__ import annotations

from scheduler.solver import Contract, Demand, Horizon, Problem, ShiftTemplate, SkillGroup
from scheduler.solver.lp import coverage_cost_lower_bound
from tests.scheduler.solver.builders import MONDAY, agent, tiny_problem


def _one_day(demands: dict[str, tuple[int, ...]], agents, templates) -> Problem:  # type: ignore[no-untyped-def]
    return Problem(
        horizon=Horizon(MONDAY, 1, 60),
        templates=templates,
        agents=agents,
        skill_groups=tuple(SkillGroup(g, frozenset({g})) for g in demands),
        demands=tuple(Demand(g, values) for g, values in demands.items()),
    )


def test_an_agent_may_change_group_between_intervals():
    # given: one agent with both skills, one shift; group a needs them in its first hours and
    # group b in its last hours. The roster covers both (the agent changes group at noon), so
    # a bound that gives each shift a single group (cost 400 here) would sit above it.
    early = ShiftTemplate("early", 8 * 60, 480)
    a_hours = tuple(1 if 8 <= h < 12 else 0 for h in range(24))
    b_hours = tuple(1 if 12 <= h < 16 else 0 for h in range(24))
    both = agent("both", skills={"a": 3, "b": 3}, contract=Contract(min_working_days_per_week=0))
    problem = _one_day({"a": a_hours, "b": b_hours}, (both,), (early,))

    # when
    bound = coverage_cost_lower_bound(problem)

    # then
    assert bound == 0


def test_night_demand_without_night_eligible_agents_stays_uncovered():
    # given: the only template is a night, and nobody may work nights
    night = ShiftTemplate("night", 22 * 60, 120, is_night=True)
    day_only = agent("day", contract=Contract(night_eligible=False, min_working_days_per_week=0))
    problem = _one_day(
        {"retail": tuple(1 if h >= 22 else 0 for h in range(24))}, (day_only,), (night,)
    )

    # when
    bound = coverage_cost_lower_bound(problem)

    # then: both night hours short, 100 each
    assert bound == 200


def test_agents_on_leave_cover_nothing():
    # given: one agent, on leave every day of the week, and demand from 6:00 to 22:00
    problem = tiny_problem(agents=(agent("away", leave_days=frozenset(range(7))),))

    # when
    bound = coverage_cost_lower_bound(problem)

    # then: every required hour is short
    assert bound == 100 * 16 * 7
