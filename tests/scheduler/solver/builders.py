"""Tiny problems for the solver tests: a week, a few agents, three 8-hour templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from scheduler.solver import (
    Agent,
    Assignment,
    Contract,
    Demand,
    Horizon,
    Policy,
    Problem,
    ShiftTemplate,
    SkillGroup,
    Solution,
    SolverConfig,
    SolveStatus,
    Weights,
    check_roster,
    solve_roster,
)
from scheduler.solver.solution import Figures
from scheduler.solver.solve import finish

MONDAY = date(2026, 1, 5)
EARLY = ShiftTemplate("early", 6 * 60, 480)
LATE = ShiftTemplate("late", 14 * 60, 480)
NIGHT = ShiftTemplate("night", 22 * 60, 480, is_night=True)
TEMPLATES = (EARLY, LATE, NIGHT)
FAST = SolverConfig(time_limit_seconds=10, num_workers=2, random_seed=1, mode="exact")


def agent(agent_id: str, **fields: Any) -> Agent:
    contract = fields.pop("contract", Contract(working_days_per_week=5))
    return Agent(agent_id, skills=fields.pop("skills", {"retail": 3}), contract=contract, **fields)


def demand_profile(
    horizon: Horizon, required: int, from_hour: int = 6, to_hour: int = 22
) -> tuple[int, ...]:
    per_hour = 60 // horizon.interval_minutes
    values = []
    for i in range(horizon.num_intervals):
        hour = (i % horizon.intervals_per_day) // per_hour
        values.append(required if from_hour <= hour < to_hour else 0)
    return tuple(values)


def tiny_problem(
    num_agents: int = 3,
    num_days: int = 7,
    required: int = 1,
    from_hour: int = 6,
    to_hour: int = 22,
    templates: tuple[ShiftTemplate, ...] = TEMPLATES,
    policy: Policy | None = None,
    weights: Weights | None = None,
    agents: tuple[Agent, ...] | None = None,
    **fields: Any,
) -> Problem:
    horizon = fields.pop("horizon", Horizon(MONDAY, num_days, 60))
    agents = agents or tuple(agent(f"a{i}") for i in range(num_agents))
    demand = Demand("retail", demand_profile(horizon, required, from_hour, to_hour))
    return Problem(
        horizon=horizon,
        templates=templates,
        agents=agents,
        skill_groups=(SkillGroup("retail", frozenset({"retail"})),),
        demands=(demand,),
        policy=policy or Policy(days_off_together=0),
        weights=weights or Weights(fairness_nights=0, fairness_weekends=0, fairness_holidays=0),
        **fields,
    )


def with_policy(problem: Problem, **changes: Any) -> Problem:
    return replace(problem, policy=replace(problem.policy, **changes))


def solve(problem: Problem) -> Solution:
    return solve_roster(problem, FAST)


def roster(problem: Problem, shifts: list[tuple[str, int, str]]) -> Solution:
    """A hand-made roster (breaks at the window start), filled like a solver result."""
    assignments = []
    for agent_id, day, template_id in shifts:
        template = problem.template(template_id)
        offsets = template.break_offsets(problem.horizon.interval_minutes)
        assignments.append(
            Assignment(
                agent_id,
                day,
                template_id,
                template.start_on(day),
                template.end_on(day),
                template.start_on(day) + offsets[0] if offsets else None,
            )
        )
    return finish(problem, SolveStatus.FEASIBLE, assignments, Figures())


def violated_rules(problem: Problem, solution: Solution) -> set[str]:
    return {v.rule for v in check_roster(problem, solution)}
