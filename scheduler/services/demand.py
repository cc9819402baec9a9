"""Forecasts and requirements: history -> forecast version -> agents required per interval."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from ..erlang import agents_required
from ..forecasting import (
    Adjustment,
    ForecastConfig,
    SpecialDay,
    adjustments_apply,
    day_matrix,
    forecast_make,
)
from ..forecasting.backtest import backtest_matrix
from ..models import (
    Forecast,
    ForecastInterval,
    Queue,
    Requirement,
    SpecialEvent,
)
from ..selectors.demand import history_frame_for_queue
from .rules import open_mask, shrinkage_for, staffing_rules

logger = logging.getLogger(__name__)

NO_HISTORY = _("This queue has no interval history yet: import history before forecasting.")
START_INSIDE_HISTORY = _("The forecast must start after the last day of history (%(day)s).")
HORIZON_RANGE = _("The horizon is between 1 and 366 days.")
FALLBACK_NOTE = _(
    "Too little history for the %(wanted)s method: fell back to %(used)s (%(days)s days of "
    "history)."
)
NO_BACKTEST_NOTE = _("Too little history for a backtest score.")

BACKTEST_HORIZON_DAYS = 14
MAX_HORIZON_DAYS = 366


def forecast_country() -> str | None:
    """Public-holiday calendar for forecasts (ISO code for the `holidays` library)."""
    return getattr(settings, "FORECAST_HOLIDAY_COUNTRY", "CN") or None


def _special_days(queue: Queue) -> list[SpecialDay]:
    zone = queue.site.time_zone
    events = SpecialEvent.objects.filter(Q(queue=queue) | Q(site_id=queue.site_id))
    return [
        SpecialDay(
            name=event.name,
            start=pd.Timestamp(event.start_at).tz_convert(zone).tz_localize(None).to_pydatetime(),
            end=pd.Timestamp(event.end_at).tz_convert(zone).tz_localize(None).to_pydatetime(),
            uplift=float(event.uplift),
        )
        for event in events
    ]


def forecast_generate(
    *,
    queue: Queue,
    actor: Any = None,
    horizon_days: int = 42,
    start_on: dt.date | None = None,
) -> Forecast:
    """Forecast the queue from its history, store it as the new current version with a quick
    backtest score, and compute its requirements.

    With too little history for the full method the forecasting package falls back to a
    simpler one; the version's notes say so.  No history at all is an error.
    """
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ValidationError({"horizon_days": [HORIZON_RANGE]})
    history = history_frame_for_queue(queue=queue)
    if history.empty:
        raise ValidationError({"queue": [NO_HISTORY]})
    last_day = history["start"].iloc[-1].date()
    if start_on is not None and start_on <= last_day:
        raise ValidationError({"start_on": [START_INSIDE_HISTORY % {"day": last_day}]})
    interval = int(queue.site.planning_interval_minutes)
    config = ForecastConfig(
        interval_minutes=interval, horizon_days=horizon_days, country=forecast_country()
    )
    special_days = _special_days(queue)
    result = forecast_make(
        history=history, config=config, special_days=special_days, start_on=start_on
    )
    matrix = day_matrix(history, interval_minutes=interval)
    notes = list(result.notes)
    if result.method != config.method:
        notes.insert(
            0,
            str(
                FALLBACK_NOTE
                % {"wanted": config.method, "used": result.method, "days": matrix.days}
            ),
        )
    interval_wape: float | None = None
    daily_wape: float | None = None
    try:
        score = backtest_matrix(
            matrix,
            horizon_days=min(BACKTEST_HORIZON_DAYS, horizon_days),
            origins=1,
            country=config.country,
            special_days=special_days,
        )
        interval_wape = _finite(score.interval_wape)
        daily_wape = _finite(score.daily_wape)
    except ValueError:
        notes.append(str(NO_BACKTEST_NOTE))

    frame = result.frame
    starts = (
        pd.to_datetime(frame["start"])
        .dt.tz_localize(queue.site.time_zone, ambiguous="NaT", nonexistent="NaT")
        .dt.tz_convert("UTC")
    )
    keep = starts.notna().to_numpy()
    aht = frame["aht_seconds"].to_numpy(dtype=float)
    aht = np.where(np.isfinite(aht) & (aht > 0), aht, float(queue.default_aht_seconds))
    volume = np.nan_to_num(frame["volume"].to_numpy(dtype=float))
    kinds = frame["day_kind"].astype(str).to_numpy()
    moments = list(starts[keep].dt.to_pydatetime())

    with transaction.atomic():
        Queue.objects.select_for_update().filter(pk=queue.pk).first()
        version = (queue.forecasts.aggregate(top=Max("version"))["top"] or 0) + 1
        queue.forecasts.filter(is_current=True).update(is_current=False)
        forecast = Forecast(
            queue=queue,
            version=version,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            method=str(result.method),
            notes=notes,
            start_on=frame["start"].iloc[0].date(),
            horizon_days=horizon_days,
            interval_minutes=interval,
            history_days=matrix.days,
            backtest_interval_wape=interval_wape,
            backtest_daily_wape=daily_wape,
            is_current=True,
        )
        forecast.full_clean()
        forecast.save()
        ForecastInterval.objects.bulk_create(
            [
                ForecastInterval(
                    forecast=forecast,
                    start_at=moment,
                    volume=round(float(vol), 4),
                    aht_seconds=round(float(handle), 2),
                    day_kind=kind,
                )
                for moment, vol, handle, kind in zip(
                    moments, volume[keep], aht[keep], kinds[keep], strict=True
                )
            ],
            batch_size=5000,
        )
        requirement_compute(forecast=forecast)
    return forecast


def _finite(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)


def requirement_compute(*, forecast: Forecast) -> int:
    """Agents required per interval of `forecast`: the queue's adjustments laid over the
    statistical volume, closed intervals at 0, then Erlang by channel with the queue's goal,
    occupancy cap and shrinkage.  Replaces the forecast's requirements; returns their count."""
    queue = forecast.queue
    rows = list(
        forecast.intervals.order_by("start_at").values_list("start_at", "volume", "aht_seconds")
    )
    interval = dt.timedelta(minutes=int(forecast.interval_minutes))
    with transaction.atomic():
        forecast.requirements.all().delete()
        if not rows:
            return 0
        starts = [row[0] for row in rows]
        frame = pd.DataFrame(
            {
                # the adjustments layer works on naive times: UTC wall clock here
                "start": pd.to_datetime(starts, utc=True).tz_localize(None),
                "volume": [row[1] for row in rows],
            }
        )
        adjustments = [
            Adjustment(
                start=_naive_utc(row.start_at),
                end=_naive_utc(row.end_at),
                percent=float(row.percent) if row.percent is not None else None,
                absolute_change=(
                    float(row.absolute_change) if row.absolute_change is not None else None
                ),
                reason=row.reason,
            )
            for row in queue.adjustments.filter(
                start_at__lt=starts[-1] + interval, end_at__gt=starts[0]
            ).order_by("created_at", "id")
        ]
        adjusted = adjustments_apply(frame, adjustments)
        is_open = open_mask(queue=queue, starts_utc=starts)
        volume = np.where(is_open, adjusted["volume"].to_numpy(dtype=float), 0.0)
        aht = np.array([row[2] for row in rows], dtype=float)
        shrinkage = shrinkage_for(queue=queue, starts_utc=starts)
        need = agents_required(
            volume=volume,
            aht_seconds=aht,
            interval_seconds=interval.total_seconds(),
            rules=staffing_rules(queue=queue),
            shrinkage=shrinkage,
        )
        agents = np.where(is_open, need.agents, 0)
        heads = np.where(is_open, need.scheduled_heads, 0)
        base = adjusted["base_volume"].to_numpy(dtype=float)
        Requirement.objects.bulk_create(
            [
                Requirement(
                    forecast=forecast,
                    queue=queue,
                    start_at=starts[i],
                    is_open=bool(is_open[i]),
                    base_volume=round(float(base[i]), 4),
                    volume=round(float(volume[i]), 4),
                    aht_seconds=round(float(aht[i]), 2),
                    workload_erlangs=round(float(need.workload_erlangs[i]), 4),
                    shrinkage=round(float(shrinkage[i]), 4),
                    agents=int(agents[i]),
                    scheduled_heads=int(heads[i]),
                    service_level=round(float(need.service_level[i]), 4),
                    asa_seconds=round(float(need.asa_seconds[i]), 2),
                    occupancy=round(float(need.occupancy[i]), 4),
                )
                for i in range(len(rows))
            ],
            batch_size=5000,
        )
    return len(rows)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def requirements_refresh(*, queue: Queue) -> int:
    """Recompute the requirements of the queue's current forecast (after an adjustment or a
    change of goal, hours or shrinkage); 0 when it has no forecast yet."""
    forecast = queue.forecasts.filter(is_current=True).first()
    return requirement_compute(forecast=forecast) if forecast is not None else 0


def demand_refresh(*, queue: Queue, actor: Any = None, horizon_days: int = 42) -> Forecast | None:
    """A new forecast version and its requirements for one queue; None without history."""
    if not queue.history.exists():
        return None
    return forecast_generate(queue=queue, actor=actor, horizon_days=horizon_days)


def demand_refresh_all(*, horizon_days: int = 42) -> dict[str, int]:
    """Refresh forecasts and requirements of every active queue with history (the nightly
    job). One queue's failure is logged and does not stop the others."""
    counts = {"refreshed": 0, "skipped": 0, "failed": 0}
    for queue in Queue.objects.filter(is_active=True).select_related("site").order_by("code"):
        try:
            forecast = demand_refresh(queue=queue, horizon_days=horizon_days)
        except (ValidationError, ValueError):
            logger.exception("demand refresh failed for queue %s", queue.code)
            counts["failed"] += 1
            continue
        counts["refreshed" if forecast is not None else "skipped"] += 1
    return counts
