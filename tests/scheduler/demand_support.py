"""Small demand fixtures for the scheduler tests: queues and synthetic interval history."""

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.models import IntervalHistory, Queue
from staffing.models import Site, Skill
from tests.factories import SiteFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def make_queue(
    code: str = "hotline",
    *,
    site: Site | None = None,
    skills: tuple[str, ...] = ("voice",),
    **extra: Any,
) -> Queue:
    site = site or SiteFactory(code="sh")
    queue = Queue.objects.create(site=site, code=code, name=code.title(), **extra)
    queue.skills.set(Skill.objects.filter(code__in=skills))
    return queue


def daily_shape(slot: int, slots: int) -> float:
    """A day with a morning and an afternoon peak, quiet at night."""
    hour = 24 * slot / slots
    return math.exp(-(((hour - 10.5) / 2.5) ** 2)) + 0.7 * math.exp(-(((hour - 15.5) / 2.0) ** 2))


def seed_history(
    queue: Queue, *, first_on: dt.date, days: int, daily_calls: float = 480.0, aht: float = 240.0
) -> int:
    """Deterministic history (no noise) at the site's planning interval, written directly."""
    zone = ZoneInfo(queue.site.time_zone)
    minutes = int(queue.site.planning_interval_minutes)
    slots = 24 * 60 // minutes
    total = sum(daily_shape(i, slots) for i in range(slots))
    rows = []
    for day in range(days):
        date = first_on + dt.timedelta(days=day)
        level = 0.6 if date.weekday() >= 5 else 1.0
        midnight = dt.datetime.combine(date, dt.time(), tzinfo=zone)
        for slot in range(slots):
            rows.append(
                IntervalHistory(
                    queue=queue,
                    start_at=midnight + dt.timedelta(minutes=minutes * slot),
                    offered=round(daily_calls * level * daily_shape(slot, slots) / total),
                    aht_seconds=aht,
                )
            )
    IntervalHistory.objects.bulk_create(rows)
    return len(rows)


def csv_text(
    rows: list[tuple], header: str = "start,offered,handled,abandoned,aht_seconds"
) -> bytes:
    lines = [header] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()
