"""Requirements as the roster engine reads them: scheduled heads per skill group and interval."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.erlang import SkillQueue, skill_group_requirements
from scheduler.models import Queue, Requirement
from scheduler.models.rosters import PlanningUnit
from scheduler.services.rules import staffing_rules


def unit_queues(unit: PlanningUnit) -> list[Queue]:
    """The queues a unit covers: its own list, or every active queue of its site."""
    queues = list(unit.queues.filter(is_active=True).prefetch_related("skills"))
    if not queues:
        queues = list(
            Queue.objects.filter(site=unit.site, is_active=True).prefetch_related("skills")
        )
    return sorted(queues, key=lambda queue: queue.code)


def unit_demand(
    *, unit: PlanningUnit, first_day: datetime.date, num_days: int
) -> dict[str, tuple[tuple[str, ...], list[int]]]:
    """Skill group id -> (skills an agent needs, scheduled heads per planning interval).

    Queues needing the same set of skills form a group and are pooled the way
    ``scheduler.erlang.skill_group_requirements`` documents (voice queues share agents; chat
    and email add their own). Volumes come from each queue's current forecast with the
    planners' adjustments, as stored in its requirements. Empty when the period has none.
    """
    site = unit.site
    zone = ZoneInfo(site.time_zone)
    interval = site.planning_interval_minutes
    size = num_days * (1440 // interval)
    start = datetime.datetime.combine(first_day, datetime.time(0), tzinfo=zone)
    end = start + datetime.timedelta(days=num_days)
    members: list[SkillQueue] = []
    for queue in unit_queues(unit):
        skills = frozenset(skill.code for skill in queue.skills.all())
        if not skills:
            continue
        rows = list(
            Requirement.objects.filter(
                queue=queue, forecast__is_current=True, start_at__gte=start, start_at__lt=end
            ).values_list("start_at", "volume", "aht_seconds", "shrinkage", "is_open")
        )
        if not rows:
            continue
        volume = np.zeros(size)
        aht = np.full(size, float(queue.default_aht_seconds))
        shrinkage = np.zeros(size)
        for moment, value, handle, shrink, is_open in rows:
            slot = int((moment.astimezone(zone) - start).total_seconds() // 60) // interval
            if 0 <= slot < size:
                volume[slot] = value if is_open else 0.0
                aht[slot] = handle if handle > 0 else queue.default_aht_seconds
                shrinkage[slot] = shrink
        members.append(
            SkillQueue(
                queue_id=queue.code,
                skills=skills,
                volume=volume,
                aht_seconds=aht,
                rules=staffing_rules(queue=queue),
                shrinkage=shrinkage,
            )
        )
    if not members:
        return {}
    groups = skill_group_requirements(queues=members, interval_seconds=interval * 60)
    return {
        "+".join(sorted(skills)): (
            tuple(sorted(skills)),
            [int(value) for value in result.scheduled_heads],
        )
        for skills, result in groups.items()
    }
