"""Requirements as the roster engine reads them: scheduled heads per skill group and interval."""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from scheduler.models import Queue, Requirement
from scheduler.models.rosters import PlanningUnit


def unit_queues(unit: PlanningUnit) -> list[Queue]:
    queues = list(unit.queues.filter(is_active=True).prefetch_related("skills"))
    if not queues:
        queues = list(
            Queue.objects.filter(site=unit.site, is_active=True).prefetch_related("skills")
        )
    return queues


def unit_demand(
    *, unit: PlanningUnit, first_day: datetime.date, num_days: int
) -> dict[str, tuple[tuple[str, ...], list[int]]]:
    """Skill group id -> (skills an agent needs, scheduled heads per planning interval).

    A skill group is the set of skills a queue needs; queues needing the same set add up (each
    queue's heads already include its service goal, occupancy cap and shrinkage, so the sum is
    a safe upper bound: see scheduler.erlang's note on the multi-skill approximation). Empty
    when the period has no requirements.
    """
    site = unit.site
    zone = ZoneInfo(site.time_zone)
    interval = site.planning_interval_minutes
    per_day = 1440 // interval
    start = datetime.datetime.combine(first_day, datetime.time(0), tzinfo=zone)
    end = start + datetime.timedelta(days=num_days)
    demand: dict[str, tuple[tuple[str, ...], list[int]]] = {}
    found = False
    for queue in unit_queues(unit):
        skills = tuple(sorted(skill.code for skill in queue.skills.all()))
        if not skills:
            continue
        group_id = "+".join(skills)
        heads = demand.setdefault(group_id, (skills, [0] * (num_days * per_day)))[1]
        rows = Requirement.objects.filter(
            queue=queue, forecast__is_current=True, start_at__gte=start, start_at__lt=end
        ).values_list("start_at", "scheduled_heads")
        by_slot: dict[int, int] = defaultdict(int)
        for moment, value in rows:
            minutes = int((moment.astimezone(zone) - start).total_seconds() // 60)
            by_slot[minutes // interval] = max(by_slot[minutes // interval], int(value))
            found = True
        for slot, value in by_slot.items():
            if 0 <= slot < len(heads):
                heads[slot] += value
    return demand if found else {}
