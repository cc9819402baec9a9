"""Placing an off-phone activity (a refresher course, a coaching session) inside an agent's
rostered shifts where it costs the least cover.

Pure: reads a Problem and a Solution, returns a placement; the caller books it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.solver.problem import Problem
from scheduler.solver.solution import Solution


@dataclass(frozen=True)
class Placement:
    day: int
    start_minute: int  # from the horizon start, on an interval boundary
    minutes: int
    # Agents staffed above requirement in the tightest interval of the window, in the groups
    # the agent's shift serves (after taking the agent away: 0 means no interval goes short).
    min_surplus: int
    total_surplus: int


def place_off_phone(
    problem: Problem,
    solution: Solution,
    *,
    agent_id: str,
    minutes: int,
    days: Iterable[int],
) -> Placement | None:
    """The window of ``minutes`` inside one of the agent's shifts on ``days`` (outside the
    meal break) whose least-staffed interval has the most agents above requirement in the
    skill groups that shift serves; ties go to the larger total surplus, then the earliest.
    None when the agent has no shift long enough on those days."""
    horizon = problem.horizon
    step = horizon.interval_minutes
    length = -(-minutes // step)
    templates = {template.id: template for template in problem.templates}
    surplus: dict[tuple[str, int], int] = {
        (row.skill_group_id, row.interval): row.staffed - row.required for row in solution.coverage
    }
    wanted = set(days)
    best: tuple[tuple[int, int, int], Placement] | None = None
    for item in solution.assignments:
        if item.agent_id != agent_id or item.day not in wanted:
            continue
        groups = [group for group, spent in item.allocation if spent > 0]
        blocked: set[int] = set()
        if item.break_start_minute is not None:
            template = templates.get(item.template_id)
            break_minutes = template.break_minutes if template else 0
            blocked = set(
                horizon.intervals_between(
                    item.break_start_minute, item.break_start_minute + break_minutes
                )
            )
        slots = [
            slot
            for slot in horizon.intervals_between(item.start_minute, item.end_minute)
            if slot * step >= item.start_minute and (slot + 1) * step <= item.end_minute
        ]
        for first in range(len(slots) - length + 1):
            window = slots[first : first + length]
            if window[-1] - window[0] != length - 1 or blocked.intersection(window):
                continue
            # The agent leaves the phones: each group they serve loses them in the window.
            values = [
                min((surplus.get((group, slot), 0) - 1 for group in groups), default=0)
                for slot in window
            ]
            placement = Placement(
                day=item.day,
                start_minute=window[0] * step,
                minutes=minutes,
                min_surplus=min(values),
                total_surplus=sum(values),
            )
            key = (placement.min_surplus, placement.total_surplus, -placement.start_minute)
            if best is None or key > best[0]:
                best = (key, placement)
    return best[1] if best is not None else None
