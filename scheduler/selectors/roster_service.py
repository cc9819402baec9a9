"""What a roster gives: coverage per skill group and the predicted service level per queue."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

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


def roster_service_levels(
    roster: Roster, solution: solver.Solution, period: bridge.PeriodProblem
) -> list[QueueService]:
    """Predicted service level per queue with the agents the roster puts on each skill group.

    A group's staffed heads are shared among its queues in proportion to their scheduled heads,
    net of each queue's shrinkage, then Erlang gives the service level (the inverse of the
    requirement computation).
    """
    zone = ZoneInfo(roster.unit.site.time_zone)
    interval_minutes = period.problem.horizon.interval_minutes
    start = datetime.datetime.combine(roster.period_start, datetime.time(0), tzinfo=zone)
    end = start + datetime.timedelta(days=roster.num_days)
    staffed: dict[tuple[str, int], int] = {
        (row.skill_group_id, row.interval): row.staffed for row in solution.coverage
    }
    queues = unit_queues(roster.unit)
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
    result = []
    for queue in queues:
        requirements = rows_by_queue.get(queue.pk)
        if not requirements:
            continue
        group = group_of[queue.pk]
        slots = sorted(requirements)
        volume = np.array([requirements[s].volume for s in slots], dtype=float)
        aht = np.array([requirements[s].aht_seconds for s in slots], dtype=float)
        agents = []
        for s in slots:
            row = requirements[s]
            share = row.scheduled_heads / group_heads[(group, s)] if group_heads[(group, s)] else 0
            heads = staffed.get((group, s), 0) * share
            agents.append(int(np.floor(heads * (1 - row.shrinkage) + 1e-9)))
        rules = staffing_rules(queue=queue)
        prediction = service_predict(
            volume=volume,
            aht_seconds=np.where(aht > 0, aht, queue.default_aht_seconds),
            interval_seconds=interval_minutes * 60,
            agents=np.array(agents),
            rules=rules,
        )
        level = np.asarray(prediction.service_level, dtype=float)
        offered = float(volume.sum())
        weighted = float((level * volume).sum() / offered) if offered else 1.0
        below = int(((level < rules.target_service_level) & (volume > 0)).sum())
        result.append(
            QueueService(
                queue=queue.code,
                offered=round(offered, 1),
                predicted_service_level=round(weighted, 4),
                target_service_level=rules.target_service_level,
                intervals_below_target=below,
            )
        )
    return result


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
