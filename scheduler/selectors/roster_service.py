"""What a roster gives: coverage per skill group and the predicted service level per queue."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from scheduler import bridge, solver
from scheduler.erlang import service_predict
from scheduler.models import Requirement
from scheduler.models.rosters import Roster
from scheduler.selectors.roster_demand import unit_demand, unit_queues
from scheduler.services.rules import staffing_rules


def roster_evaluate(roster: Roster) -> tuple[bridge.PeriodProblem, solver.Solution]:
    """The stored roster re-read through the engine: allocation, coverage and penalties."""
    demand = unit_demand(unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days)
    period = bridge.build_period_problem(
        unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days, demand=demand
    )
    rows = list(roster.assignments.select_related("agent", "template"))
    return period, bridge.solution_from_rows(period, rows)


@dataclass(frozen=True)
class QueueService:
    queue: str
    offered: float  # contacts over the period
    predicted_service_level: float  # volume-weighted, 0-1
    target_service_level: float
    intervals_below_target: int


@dataclass
class QueueCurve:
    """One queue's requirement rows over a period, ready for the inverse Erlang."""

    code: str
    group: str
    slots: list[int]  # interval numbers from the period's first minute
    volume: np.ndarray
    aht_seconds: np.ndarray
    share: np.ndarray  # the queue's part of its skill group's scheduled heads per slot
    shrinkage: np.ndarray
    rules: Any


def queue_curves(period: bridge.PeriodProblem) -> list[QueueCurve]:
    """The current requirements of the unit's queues over the period, per queue."""
    zone = period.zone
    interval_minutes = period.problem.horizon.interval_minutes
    start = datetime.datetime.combine(period.first_day, datetime.time(0), tzinfo=zone)
    end = start + datetime.timedelta(days=period.num_days)
    queues = unit_queues(period.unit)
    rows_by_queue: dict[int, dict[int, Requirement]] = defaultdict(dict)
    group_heads: dict[tuple[str, int], int] = defaultdict(int)
    group_of: dict[int, str] = {}
    for queue in queues:
        skills = tuple(sorted(skill.code for skill in queue.skills.all()))
        if not skills:
            continue
        group_of[queue.pk] = bridge.group_id_for(skills)
        for row in Requirement.objects.filter(
            queue=queue, forecast__is_current=True, start_at__gte=start, start_at__lt=end
        ):
            slot = int((row.start_at.astimezone(zone) - start).total_seconds() // 60)
            slot //= interval_minutes
            rows_by_queue[queue.pk][slot] = row
            group_heads[(group_of[queue.pk], slot)] += row.scheduled_heads
    curves = []
    for queue in queues:
        requirements = rows_by_queue.get(queue.pk)
        if not requirements:
            continue
        group = group_of[queue.pk]
        slots = sorted(requirements)
        aht = np.array([requirements[s].aht_seconds for s in slots], dtype=float)
        curves.append(
            QueueCurve(
                code=queue.code,
                group=group,
                slots=slots,
                volume=np.array([requirements[s].volume for s in slots], dtype=float),
                aht_seconds=np.where(aht > 0, aht, queue.default_aht_seconds),
                share=np.array(
                    [
                        requirements[s].scheduled_heads / group_heads[(group, s)]
                        if group_heads[(group, s)]
                        else 0.0
                        for s in slots
                    ]
                ),
                shrinkage=np.array([requirements[s].shrinkage for s in slots], dtype=float),
                rules=staffing_rules(queue=queue),
            )
        )
    return curves


def staffed_by_group(solution: solver.Solution) -> dict[tuple[str, int], int]:
    return {(row.skill_group_id, row.interval): row.staffed for row in solution.coverage}


def predicted_levels(
    curve: QueueCurve, staffed: dict[tuple[str, int], int], interval_minutes: int
) -> np.ndarray:
    """Predicted service level per slot of the curve with the heads a roster staffs.

    A group's staffed heads are shared among its queues in proportion to their scheduled
    heads, net of each queue's shrinkage, then Erlang gives the service level (the inverse of
    the requirement computation).
    """
    heads = np.array([staffed.get((curve.group, s), 0) for s in curve.slots], dtype=float)
    agents = np.floor(heads * curve.share * (1 - curve.shrinkage) + 1e-9).astype(int)
    prediction = service_predict(
        volume=curve.volume,
        aht_seconds=curve.aht_seconds,
        interval_seconds=interval_minutes * 60,
        agents=agents,
        rules=curve.rules,
    )
    return np.asarray(prediction.service_level, dtype=float)


def roster_service_levels(
    roster: Roster, solution: solver.Solution, period: bridge.PeriodProblem
) -> list[QueueService]:
    """Predicted service level per queue with the agents the roster puts on each skill group."""
    staffed = staffed_by_group(solution)
    interval_minutes = period.problem.horizon.interval_minutes
    result = []
    for curve in queue_curves(period):
        level = predicted_levels(curve, staffed, interval_minutes)
        offered = float(curve.volume.sum())
        weighted = float((level * curve.volume).sum() / offered) if offered else 1.0
        target = curve.rules.target_service_level
        below = int(((level < target) & (curve.volume > 0)).sum())
        result.append(
            QueueService(
                queue=curve.code,
                offered=round(offered, 1),
                predicted_service_level=round(weighted, 4),
                target_service_level=target,
                intervals_below_target=below,
            )
        )
    return result


def service_impact(
    period: bridge.PeriodProblem,
    before: solver.Solution,
    after: solver.Solution,
    slots: set[int],
) -> list[dict]:
    """Per queue and affected interval: the predicted service level before and after a change
    (a swap, a leave request), the target and whether it still holds."""
    interval_minutes = period.problem.horizon.interval_minutes
    staffed_before, staffed_after = staffed_by_group(before), staffed_by_group(after)
    rows = []
    for curve in queue_curves(period):
        wanted = [i for i, slot in enumerate(curve.slots) if slot in slots and curve.volume[i] > 0]
        if not wanted:
            continue
        level_before = predicted_levels(curve, staffed_before, interval_minutes)
        level_after = predicted_levels(curve, staffed_after, interval_minutes)
        target = float(curve.rules.target_service_level)
        for i in wanted:
            slot = curve.slots[i]
            rows.append(
                {
                    "queue": curve.code,
                    "start": period.at(slot * interval_minutes).isoformat(),
                    "volume": round(float(curve.volume[i]), 1),
                    "before": round(float(level_before[i]), 4),
                    "after": round(float(level_after[i]), 4),
                    "target": target,
                    "holds": bool(level_after[i] >= target - 1e-9),
                }
            )
    rows.sort(key=lambda row: (row["start"], row["queue"]))
    return rows


def roster_summary_lines(roster: Roster) -> list[str]:
    period, solution = roster_evaluate(roster)
    figures = roster.figures or {}
    under = sum(row.under for row in solution.coverage)
    required = sum(row.required for row in solution.coverage)
    lines = [
        f"Roster {roster.unit.code} {roster.period_start}..{roster.period_end} "
        f"v{roster.version} ({roster.status})",
        f"  agents {len(period.problem.agents)}, shifts {len(solution.assignments)}, "
        f"solver {figures.get('status', '?')} in {figures.get('seconds', '?')} s "
        f"(objective {figures.get('objective')}, bound {figures.get('bound')})",
        f"  coverage {100.0 * (required - under) / required if required else 100.0:.1f}% of "
        f"{required} required agent-intervals; {under} short",
    ]
    for item in roster_service_levels(roster, solution, period):
        lines.append(
            f"  {item.queue}: predicted service level {item.predicted_service_level:.1%} "
            f"(target {item.target_service_level:.0%}), "
            f"{item.intervals_below_target} intervals below target, {item.offered:.0f} contacts"
        )
    violations = [v for v in solver.check_roster(period.problem, solution) if v.rule != "coverage"]
    hard = [
        v for v in violations if v.rule not in ("preferences", "fairness", "changes_vs_previous")
    ]
    lines.append(f"  validator: {'valid' if not hard else f'{len(hard)} hard-rule violations'}")
    return lines
