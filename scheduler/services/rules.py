"""A queue's settings as the pure Erlang package's rules; open hours and shrinkage per
interval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..erlang import Channel as ErlangChannel
from ..erlang import StaffingRules
from ..models import Channel, Queue, ShrinkageRule

MINUTES_PER_DAY = 24 * 60


def staffing_rules(*, queue: Queue) -> StaffingRules:
    return StaffingRules(
        channel=ErlangChannel(queue.channel),
        # One goal share per queue: calls answered within T seconds, or emails within H hours.
        target_service_level=float(
            queue.email_target_percent
            if queue.channel == Channel.EMAIL
            else queue.target_service_level_percent
        )
        / 100.0,
        target_answer_seconds=float(queue.target_answer_seconds),
        max_asa_seconds=float(queue.max_asa_seconds) if queue.max_asa_seconds else None,
        occupancy_cap=float(queue.occupancy_cap_percent) / 100.0,
        patience_seconds=float(queue.patience_seconds) if queue.patience_seconds else None,
        chat_concurrency=int(queue.chat_concurrency) if queue.channel == Channel.CHAT else 1,
        email_response_seconds=(
            float(queue.email_response_hours) * 3600.0
            if queue.channel == Channel.EMAIL and queue.email_response_hours
            else None
        ),
    )


def _local(starts_utc: Sequence[dt.datetime], zone: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(starts_utc), utc=True)).tz_convert(zone)


def open_mask(*, queue: Queue, starts_utc: Sequence[dt.datetime]) -> np.ndarray:
    """True where the queue is open at the interval's start: 24/7 when it has no open hours;
    closed on closure days and on weekdays without open hours."""
    local = _local(starts_utc, queue.site.time_zone)
    weekday = local.day_of_week.to_numpy()
    minute = (local.hour * 60 + local.minute).to_numpy()
    hours = list(queue.open_hours.all())
    if hours:
        mask = np.zeros(len(local), dtype=bool)
        for row in hours:
            opens = row.opens_at.hour * 60 + row.opens_at.minute
            closes = row.closes_at.hour * 60 + row.closes_at.minute or MINUTES_PER_DAY
            mask |= (weekday == row.weekday) & (minute >= opens) & (minute < closes)
    else:
        mask = np.ones(len(local), dtype=bool)
    closed_days = set(queue.closures.values_list("closed_on", flat=True))
    if closed_days:
        mask &= np.array([moment.date() not in closed_days for moment in local], dtype=bool)
    return mask


def shrinkage_for(*, queue: Queue, starts_utc: Sequence[dt.datetime]) -> np.ndarray:
    """Shrinkage (fraction) per interval: the most specific matching rule wins (see
    ShrinkageRule); 0 where no rule matches."""
    local = _local(starts_utc, queue.site.time_zone)
    weekday = local.day_of_week.to_numpy()
    hour = local.hour.to_numpy()
    rules = list(ShrinkageRule.objects.filter(queue=queue)) + list(
        ShrinkageRule.objects.filter(site_id=queue.site_id)
    )

    def specificity(rule: ShrinkageRule) -> int:
        return (
            4 * (rule.queue_id is not None)
            + 2 * (rule.weekday is not None)
            + (rule.start_hour is not None)
        )

    result = np.zeros(len(local))
    for rule in sorted(rules, key=specificity):
        match = np.ones(len(local), dtype=bool)
        if rule.weekday is not None:
            match &= weekday == rule.weekday
        if rule.start_hour is not None and rule.end_hour is not None:
            match &= (hour >= rule.start_hour) & (hour < rule.end_hour)
        result[match] = float(rule.percent) / 100.0
    return result
