"""Minimal-change repair of a published roster after a change (leave, sickness, departure)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from scheduler.solver.config import SolverConfig
from scheduler.solver.problem import Problem, ShiftRef
from scheduler.solver.solution import Solution
from scheduler.solver.solve import roster_diff, solve_roster


@dataclass(frozen=True)
class RosterChange:
    new_leave: tuple[tuple[str, int], ...] = ()  # (agent_id, day): approved leave or sick day
    agents_leaving: tuple[str, ...] = ()  # agents who left: all their shifts go
    # Minutes from the horizon start before which nothing changes (unless allowed); None
    # keeps the problem's policy.
    notice_until_minute: int | None = None
    allow_changes_in_notice: bool | None = None


def published_refs(solution: Solution, problem: Problem) -> tuple[ShiftRef, ...]:
    """A solution as a published roster: every agent-day, shift or day off."""
    worked = {(a.agent_id, a.day): a.template_id for a in solution.assignments}
    return tuple(
        ShiftRef(agent.id, day, worked.get((agent.id, day)))
        for agent in problem.agents
        for day in range(problem.horizon.num_days)
    )


def repair_roster(
    problem: Problem,
    published: Solution,
    change: RosterChange,
    config: SolverConfig | None = None,
) -> Solution:
    """Re-solve after ``change`` keeping everything else: each changed agent-day costs
    ``weights.change`` and nothing inside the notice window moves. ``Solution.changes`` is
    the diff against ``published``."""
    previous = published_refs(published, problem)
    leave: dict[str, set[int]] = {}
    for agent_id, day in change.new_leave:
        leave.setdefault(agent_id, set()).add(day)
    agents = tuple(
        replace(agent, leave_days=agent.leave_days | frozenset(leave.get(agent.id, set())))
        for agent in problem.agents
        if agent.id not in change.agents_leaving
    )
    policy = problem.policy
    if change.notice_until_minute is not None:
        policy = replace(policy, notice_until_minute=change.notice_until_minute)
    if change.allow_changes_in_notice is not None:
        policy = replace(policy, allow_changes_in_notice=change.allow_changes_in_notice)
    kept = {a.id for a in agents}
    repaired = replace(
        problem,
        agents=agents,
        policy=policy,
        previous_roster=previous,
        locked=tuple(ref for ref in problem.locked if ref.agent_id in kept),
        preferences=tuple(p for p in problem.preferences if p.agent_id in kept),
        off_phone=tuple(o for o in problem.off_phone if o.agent_id in kept),
    )
    # Re-solve only what must change: every agent on the affected days (and the day either
    # side, for rest and runs) is free; everything else is locked as published. If that
    # neighbourhood has no roster, fall back to re-solving everything (changes still cost).
    affected = {day for _, day in change.new_leave}
    affected |= {a.day for a in published.assignments if a.agent_id in change.agents_leaving}
    if affected:
        free_days = {
            d
            for day in affected
            for d in (day - 1, day, day + 1)
            if 0 <= d < problem.horizon.num_days
        }
        locks = {(ref.agent_id, ref.day): ref for ref in repaired.locked}
        for ref in previous:
            if ref.agent_id in kept and ref.day not in free_days:
                locks.setdefault((ref.agent_id, ref.day), ref)
        local = replace(repaired, locked=tuple(locks.values()))
        solution = solve_roster(
            local, replace(config or SolverConfig(), explain_infeasibility=False)
        )
        if solution.has_roster:
            return replace(solution, changes=tuple(roster_diff(repaired, solution.assignments)))
    return solve_roster(repaired, config)
