"""Reads of demand data: queues, history as a frame, requirements, per skill group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from staffing.models import Site

from ..erlang import SkillQueue, skill_group_requirements
from ..models import Forecast, IntervalHistory, Queue, Requirement
from ..services.rules import staffing_rules

UNKNOWN_QUEUE = _("Unknown queue: %(code)s")


def queue_get_by_code(*, code: str) -> Queue:
    queue = Queue.objects.select_related("site").filter(code=code).first()
    if queue is None:
        raise ValidationError({"queue": [UNKNOWN_QUEUE % {"code": code}]})
    return queue


def history_frame_for_queue(
    *, queue: Queue, start_at: dt.datetime | None = None, end_at: dt.datetime | None = None
) -> pd.DataFrame:
    """The queue's history as the forecasting package wants it: columns start (naive, in the
    site's local time), volume, aht_seconds."""
    rows = IntervalHistory.objects.filter(queue=queue)
    if start_at is not None:
        rows = rows.filter(start_at__gte=start_at)
    if end_at is not None:
        rows = rows.filter(start_at__lt=end_at)
    values = list(rows.order_by("start_at").values_list("start_at", "offered", "aht_seconds"))
    frame = pd.DataFrame(values, columns=["start", "volume", "aht_seconds"])
    if frame.empty:
        return frame
    frame["start"] = (
        pd.to_datetime(frame["start"], utc=True)
        .dt.tz_convert(queue.site.time_zone)
        .dt.tz_localize(None)
    )
    frame["volume"] = frame["volume"].astype(float)
    frame["aht_seconds"] = pd.to_numeric(frame["aht_seconds"], errors="coerce").astype(float)
    return frame


def forecast_current(*, queue: Queue) -> Forecast | None:
    return Forecast.objects.filter(queue=queue, is_current=True).first()


def requirement_list(
    *,
    queue: Queue | None = None,
    site: Site | None = None,
    start_at: dt.datetime | None = None,
    end_at: dt.datetime | None = None,
) -> QuerySet[Requirement]:
    """Requirements of each queue's current forecast, filtered."""
    rows = Requirement.objects.filter(forecast__is_current=True).select_related("queue")
    if queue is not None:
        rows = rows.filter(queue=queue)
    if site is not None:
        rows = rows.filter(queue__site=site)
    if start_at is not None:
        rows = rows.filter(start_at__gte=start_at)
    if end_at is not None:
        rows = rows.filter(start_at__lt=end_at)
    return rows.order_by("queue__code", "start_at")


@dataclass(frozen=True)
class SkillGroupInterval:
    """What a roster must cover for one skill group in one interval."""

    start_at: dt.datetime  # aware, UTC
    agents: int  # productive agents on the phones
    scheduled_heads: int  # agents to roster, after shrinkage


def requirement_by_skill_group(
    *, site: Site, start_at: dt.datetime, end_at: dt.datetime
) -> dict[frozenset[str], list[SkillGroupInterval]]:
    """Heads needed per skill group (queues needing the same set of skill codes) and interval.

    Uses each active queue's current forecast with adjustments (as stored in its requirements)
    and the pooling approximation documented in `scheduler.erlang`: voice queues of a group
    share agents; chat and email add their own; no credit across groups.  Every interval of
    [start_at, end_at) on the site's grid appears, with 0 where nothing is forecast.
    """
    interval = dt.timedelta(minutes=int(site.planning_interval_minutes))
    first = _floor(start_at, interval)
    grid_size = max(0, int(-((first - end_at) // interval)))
    grid = [first + i * interval for i in range(grid_size)]
    if not grid:
        return {}
    queues = list(
        Queue.objects.filter(site=site, is_active=True).prefetch_related("skills").order_by("code")
    )
    members: list[SkillQueue] = []
    for queue in queues:
        rows = list(
            requirement_list(queue=queue, start_at=first, end_at=end_at).values_list(
                "start_at", "volume", "aht_seconds", "shrinkage", "is_open"
            )
        )
        if not rows:
            continue
        volume = np.zeros(grid_size)
        aht = np.full(grid_size, float(queue.default_aht_seconds))
        shrinkage = np.zeros(grid_size)
        for when, vol, handle, shrink, is_open in rows:
            slot = int((when - first) // interval)
            if 0 <= slot < grid_size:
                volume[slot] = vol if is_open else 0.0
                aht[slot] = handle
                shrinkage[slot] = shrink
        members.append(
            SkillQueue(
                queue_id=queue.code,
                skills=frozenset(skill.code for skill in queue.skills.all()),
                volume=volume,
                aht_seconds=aht,
                rules=staffing_rules(queue=queue),
                shrinkage=shrinkage,
            )
        )
    groups = skill_group_requirements(queues=members, interval_seconds=interval.total_seconds())
    return {
        skills: [
            SkillGroupInterval(
                start_at=grid[i],
                agents=int(result.agents[i]),
                scheduled_heads=int(result.scheduled_heads[i]),
            )
            for i in range(grid_size)
        ]
        for skills, result in sorted(groups.items(), key=lambda item: sorted(item[0]))
    }


def _floor(moment: dt.datetime, interval: dt.timedelta) -> dt.datetime:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return epoch + ((moment - epoch) // interval) * interval


@dataclass(frozen=True)
class DayCurves:
    """One queue's day, for the plots: per interval start (local), actual, forecast, adjusted
    forecast and heads required (None where unknown)."""

    queue: Queue
    day: dt.date
    starts: list[dt.datetime]
    actual: list[float | None]
    forecast: list[float | None]
    adjusted: list[float | None]
    heads: list[int | None]
    agents: list[int | None]


def queue_day_curves(*, queue: Queue, day: dt.date) -> DayCurves:
    zone = ZoneInfo(queue.site.time_zone)
    interval = dt.timedelta(minutes=int(queue.site.planning_interval_minutes))
    begin = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    count = int((end - begin) // interval)
    starts = [(begin + i * interval).astimezone(zone) for i in range(count)]

    def slot(moment: dt.datetime) -> int:
        return int((moment - begin) // interval)

    actual: list[float | None] = [None] * count
    for when, offered in IntervalHistory.objects.filter(
        queue=queue, start_at__gte=begin, start_at__lt=end
    ).values_list("start_at", "offered"):
        actual[slot(when)] = float(offered)
    forecast: list[float | None] = [None] * count
    current = forecast_current(queue=queue)
    if current is not None:
        for when, volume in current.intervals.filter(
            start_at__gte=begin, start_at__lt=end
        ).values_list("start_at", "volume"):
            forecast[slot(when)] = volume
    adjusted: list[float | None] = [None] * count
    heads: list[int | None] = [None] * count
    agents: list[int | None] = [None] * count
    row: Any
    for row in requirement_list(queue=queue, start_at=begin, end_at=end).values_list(
        "start_at", "volume", "scheduled_heads", "agents"
    ):
        index = slot(row[0])
        adjusted[index], heads[index], agents[index] = row[1], row[2], row[3]
    return DayCurves(queue, day, starts, actual, forecast, adjusted, heads, agents)
