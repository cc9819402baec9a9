"""History -> forecast of volume and handle time per planning interval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

from .calendar import DayKind, day_kinds
from .history import DayMatrix, FloatMatrix, day_matrix
from .methods import (
    BoolArray,
    MethodSettings,
    airline_daily,
    boosted_correction,
    deseasonalised,
    future_month_factors,
    month_rhythm,
    recent_average,
    seasonal_naive,
    theta_daily,
    top_down,
    usable_days,
    weekday_of,
    weekday_templates,
)


class Method(StrEnum):
    # equal-weight mean of top-down, recent average, boosted (and Theta, airline ARIMA)
    COMBINATION = "combination"
    RECENT_AVERAGE = "recent_average"  # mean of recent same-weekday days, outliers dropped
    SEASONAL_NAIVE = "seasonal_naive"  # last week repeated
    DAILY_MEAN = "daily_mean"  # mean day of the little history there is


# History needed by each method, in days; with less, the next simpler method is used.
MIN_DAYS_COMBINATION = 8 * 7
MIN_DAYS_RECENT_AVERAGE = 3 * 7
MIN_DAYS_SEASONAL_NAIVE = 7


@dataclass(frozen=True)
class SpecialDay:
    """A planner-entered event (statement day, salary day, campaign, outage) with an uplift.

    Intervals in ``[start, end)`` are multiplied by ``uplift`` (1.3 = 30% more contacts).  The
    same events in the history are left out of the regular-day statistics so they do not
    distort them.
    """

    name: str
    start: dt.datetime
    end: dt.datetime
    uplift: float

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a special day ends after it starts")
        if self.uplift < 0:
            raise ValueError("uplift must be >= 0")


@dataclass(frozen=True)
class ForecastConfig:
    interval_minutes: int = 30
    horizon_days: int = 42
    # Public-holiday calendar (ISO country code of the `holidays` library); None turns it off.
    country: str | None = "CN"
    method: Method = Method.COMBINATION  # the most elaborate method allowed
    settings: MethodSettings = field(default_factory=MethodSettings)


@dataclass(frozen=True)
class ForecastResult:
    """The forecast, and how it was made.

    ``frame`` has one row per planning interval of the horizon: ``start`` (naive local time),
    ``volume``, ``aht_seconds`` and ``day_kind`` (regular, holiday, makeup_workday, event).
    """

    frame: pd.DataFrame
    method: Method
    notes: list[str]


def forecast_make(
    *,
    history: pd.DataFrame,
    config: ForecastConfig | None = None,
    special_days: Sequence[SpecialDay] = (),
    start_on: dt.date | None = None,
) -> ForecastResult:
    """Forecast volume and handle time per interval for ``config.horizon_days`` days.

    ``history`` has columns ``start``, ``volume`` and optionally ``aht_seconds``, at any interval
    length; days absent from it are closed days.  The horizon starts the day after the last
    history day, or on ``start_on`` (later days in between are forecast and dropped).
    """
    config = config or ForecastConfig()
    matrix = day_matrix(history, interval_minutes=config.interval_minutes)
    gap = 0
    if start_on is not None:
        last = matrix.first_day + dt.timedelta(days=matrix.days - 1)
        gap = (start_on - last).days - 1
        if gap < 0:
            raise ValueError("the forecast must start after the history")
    volume, method, notes, kinds = forecast_matrix(
        matrix,
        horizon_days=config.horizon_days + gap,
        country=config.country,
        method=config.method,
        settings=config.settings,
        special_days=special_days,
    )
    aht = forecast_aht(matrix, config.horizon_days + gap, config.settings)
    volume, aht, kinds = volume[gap:], aht[gap:], kinds[gap:]
    first = matrix.first_day + dt.timedelta(days=matrix.days + gap)
    starts = pd.date_range(
        pd.Timestamp(first),
        periods=config.horizon_days * matrix.intervals_per_day,
        freq=pd.Timedelta(minutes=config.interval_minutes),
    )
    frame = pd.DataFrame(
        {
            "start": starts,
            "volume": volume.ravel(),
            "aht_seconds": aht.ravel(),
            "day_kind": np.repeat(np.asarray(kinds, dtype=object), matrix.intervals_per_day),
        }
    )
    return ForecastResult(frame=frame, method=method, notes=notes)


def _event_mask(
    dates: Sequence[dt.date], interval_minutes: int, special_days: Sequence[SpecialDay]
) -> FloatMatrix:
    """Uplift factor per day and interval (1 where no event)."""
    slots = 24 * 60 // interval_minutes
    factor = np.ones((len(dates), slots))
    if not special_days or not dates:
        return factor
    origin = dt.datetime.combine(dates[0], dt.time())
    step = dt.timedelta(minutes=interval_minutes)
    for event in special_days:
        first = int((event.start - origin) // step)
        last = int(-((origin - event.end) // step))  # ceil
        first, last = max(first, 0), min(last, len(dates) * slots)
        if first < last:
            flat = factor.reshape(-1)
            flat[first:last] *= event.uplift
    return factor


def forecast_matrix(
    matrix: DayMatrix,
    *,
    horizon_days: int,
    country: str | None = "CN",
    method: Method = Method.COMBINATION,
    settings: MethodSettings | None = None,
    special_days: Sequence[SpecialDay] = (),
) -> tuple[FloatMatrix, Method, list[str], list[str]]:
    """Volume forecast (horizon x intervals), the method used, notes and each day's kind."""
    settings = settings or MethodSettings()
    notes: list[str] = []
    history_dates = matrix.dates
    future_dates = [
        matrix.first_day + dt.timedelta(days=matrix.days + i) for i in range(horizon_days)
    ]
    kinds = day_kinds(history_dates + future_dates, country=country)
    past_events = _event_mask(history_dates, matrix.interval_minutes, special_days)
    future_events = _event_mask(future_dates, matrix.interval_minutes, special_days)
    special_past = np.array([kinds[d] != DayKind.REGULAR for d in history_dates])
    special_past |= (past_events != 1.0).any(axis=1)

    open_days = int(matrix.open_days.sum())
    chosen = method
    span = matrix.days
    if chosen == Method.COMBINATION and span < MIN_DAYS_COMBINATION:
        chosen = Method.RECENT_AVERAGE
        notes.append(
            f"Only {span} days of history (the combination needs {MIN_DAYS_COMBINATION}): "
            "used the recent same-weekday average."
        )
    if chosen == Method.RECENT_AVERAGE and span < MIN_DAYS_RECENT_AVERAGE:
        chosen = Method.SEASONAL_NAIVE
        notes.append(
            f"Only {span} days of history (the recent average needs {MIN_DAYS_RECENT_AVERAGE}): "
            "repeated the last week."
        )
    if chosen == Method.SEASONAL_NAIVE and span < MIN_DAYS_SEASONAL_NAIVE:
        chosen = Method.DAILY_MEAN
        notes.append(f"Only {span} days of history: every day forecast as the mean open day.")
    if open_days == 0:
        raise ValueError("history has no open day")

    usable, rhythm = _usable_and_rhythm(matrix, special_past, settings)
    if chosen in (Method.COMBINATION, Method.RECENT_AVERAGE) and np.any(rhythm != 1.0):
        # Fit on the history with the day-of-month rhythm divided out, then put it back.
        steady = deseasonalised(matrix, rhythm)
        future_rhythm = future_month_factors(matrix, rhythm, horizon_days)[:, None]
        notes.append("Day-of-month rhythm (salary and statement days) learnt from the history.")
    else:
        steady = matrix
        future_rhythm = np.ones((horizon_days, 1))
    if chosen == Method.COMBINATION:
        parts = [
            top_down(steady, usable, horizon_days, settings),
            recent_average(steady, usable, horizon_days, settings),
            boosted_correction(steady, usable, horizon_days, settings),
        ]
        if settings.daily_model_members:
            # Two more daily-total models whose errors differ from Holt-Winters' (see
            # theta_daily and airline_daily): the daily total is the shared error.
            parts += [
                theta_daily(steady, usable, horizon_days, settings),
                airline_daily(steady, usable, horizon_days, settings),
            ]
        forecast = np.mean(parts, axis=0) * future_rhythm
    elif chosen == Method.RECENT_AVERAGE:
        forecast = recent_average(steady, usable, horizon_days, settings) * future_rhythm
    elif chosen == Method.SEASONAL_NAIVE:
        forecast = seasonal_naive(matrix, horizon_days)
    else:
        mean_day = np.nanmean(matrix.volume[matrix.open_days], axis=0)
        forecast = np.tile(mean_day, (horizon_days, 1))

    forecast = _closed_weekdays(matrix, forecast, notes)
    day_kind_labels = [str(kinds[d]) for d in future_dates]
    if country:
        forecast = _apply_day_kinds(
            matrix,
            usable,
            forecast,
            [kinds[d] for d in history_dates],
            [kinds[d] for d in future_dates],
            settings,
            notes,
        )
    forecast = forecast * future_events
    for index in np.flatnonzero((future_events != 1.0).any(axis=1)):
        day_kind_labels[index] = "event"
    return np.asarray(np.maximum(forecast, 0.0)), chosen, notes, day_kind_labels


def _usable_and_rhythm(
    matrix: DayMatrix, excluded: BoolArray, settings: MethodSettings
) -> tuple[BoolArray, npt.NDArray[np.float64]]:
    """The days the methods learn from, and the day-of-month rhythm, in two passes.

    A salary or statement day can be 30-50% above its weekday, so an outlier screen against
    nearby same-weekday days alone drops it, and a rhythm learnt only from the days that
    survive never sees the surge.  So the rhythm is first estimated robustly (median) from
    every open regular day, the days are then screened with it divided out -- a surge the
    rhythm explains is a regular day; an outage or an unlisted holiday is still dropped -- and
    the rhythm is learnt again from the screened days.
    """
    candidates = matrix.open_days & ~excluded
    first = month_rhythm(matrix, candidates, settings, robust=True)
    usable = usable_days(deseasonalised(matrix, first), excluded, settings)
    return usable, month_rhythm(matrix, usable, settings)


def _closed_weekdays(matrix: DayMatrix, forecast: FloatMatrix, notes: list[str]) -> FloatMatrix:
    """A weekday closed on each of its last four occurrences is forecast closed (0)."""
    weekdays = weekday_of(matrix)
    horizon = forecast.shape[0]
    future = (np.arange(horizon) + matrix.days + matrix.first_day.weekday()) % 7
    result = forecast.copy()
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    for weekday in range(7):
        recent = np.flatnonzero(weekdays == weekday)[-4:]
        if recent.size == 4 and not matrix.open_days[recent].any():
            result[future == weekday] = 0.0
            notes.append(f"{names[weekday]} was closed in the last 4 weeks: forecast closed.")
    return result


def _apply_day_kinds(
    matrix: DayMatrix,
    usable: BoolArray,
    forecast: FloatMatrix,
    past_kinds: list[DayKind],
    future_kinds: list[DayKind],
    settings: MethodSettings,
    notes: list[str],
) -> FloatMatrix:
    """Holidays: the weekday's forecast scaled by the holidays' level and shape in history.

    Make-up working days: the mean forecast of the nearest regular Monday-Friday days.
    Without holidays in the history, a holiday is forecast like the quietest weekday.
    """
    result = forecast.copy()
    horizon = forecast.shape[0]
    future_weekdays = (np.arange(horizon) + matrix.days + matrix.first_day.weekday()) % 7
    regular_workdays = np.flatnonzero(
        (future_weekdays < 5) & np.array([k == DayKind.REGULAR for k in future_kinds])
    )
    means, profiles = weekday_templates(matrix, usable, settings)
    for step in np.flatnonzero(np.array([k == DayKind.MAKEUP_WORKDAY for k in future_kinds])):
        if regular_workdays.size:
            nearest = regular_workdays[np.argsort(np.abs(regular_workdays - step))[:5]]
            result[step] = forecast[nearest].mean(axis=0)
        else:
            result[step] = means[:5].mean(axis=0)
    holidays_ahead = np.flatnonzero(np.array([k == DayKind.HOLIDAY for k in future_kinds]))
    if not holidays_ahead.size:
        return result
    ratio, profile, seen = _holiday_pattern(matrix, usable, past_kinds)
    if seen < 2:
        weekday_totals = means.sum(axis=1)
        quietest = int(np.argmin(np.where(weekday_totals > 0, weekday_totals, np.inf)))
        notes.append(
            "Fewer than 2 public holidays in the history: holidays forecast like the quietest "
            "weekday."
        )
        for step in holidays_ahead:
            total = forecast[step].sum()
            base = means[future_weekdays[step]].sum()
            # Scale the quietest weekday by how the forecast for this weekday moved vs its mean.
            level = total / base if base > 0 else 1.0
            result[step] = means[quietest] * level
        return result
    notes.append(
        f"Public holidays forecast at {ratio:.0%} of a regular day of the same weekday "
        f"(learnt from {seen} holidays in the history)."
    )
    for step in holidays_ahead:
        result[step] = forecast[step].sum() * ratio * profile
    return result


def _holiday_pattern(
    matrix: DayMatrix, usable: BoolArray, past_kinds: list[DayKind]
) -> tuple[float, npt.NDArray[np.float64], int]:
    """Median ratio of a holiday's total to nearby regular same-weekday days, mean shape."""
    weekdays = weekday_of(matrix)
    totals = np.nansum(matrix.volume, axis=1)
    ratios: list[float] = []
    shapes: list[npt.NDArray[np.float64]] = []
    for day, kind in enumerate(past_kinds):
        if kind != DayKind.HOLIDAY:
            continue
        same = np.flatnonzero(usable & (weekdays == weekdays[day]))
        if same.size < 2:
            continue
        nearest = same[np.argsort(np.abs(same - day))[:4]]
        reference = float(np.median(totals[nearest]))
        if reference <= 0:
            continue
        # A holiday absent from the history was a closed day: ratio 0.
        ratios.append(float(totals[day]) / reference if matrix.open_days[day] else 0.0)
        if matrix.open_days[day] and totals[day] > 0:
            shapes.append(matrix.volume[day] / totals[day])
    if not ratios:
        return 1.0, np.full(matrix.intervals_per_day, 1.0 / matrix.intervals_per_day), 0
    if shapes:
        profile = np.mean(shapes, axis=0)
    else:
        profile = np.full(matrix.intervals_per_day, 1.0 / matrix.intervals_per_day)
    return float(np.median(ratios)), profile, len(ratios)


def forecast_aht(matrix: DayMatrix, horizon_days: int, settings: MethodSettings) -> FloatMatrix:
    """Handle time per interval: volume-weighted mean of recent same-weekday intervals.

    Thin intervals are pulled towards the weekday's overall handle time (a weighted shrinkage
    with the weight of 20 contacts), so a single long call at 03:00 does not set the plan.
    NaN everywhere when the history has no handle times.
    """
    weekdays = weekday_of(matrix)
    slots = matrix.intervals_per_day
    known = np.isfinite(matrix.aht_seconds) & (np.nan_to_num(matrix.volume) > 0)
    if not known.any():
        return np.full((horizon_days, slots), np.nan)
    work = np.where(known, matrix.aht_seconds * np.nan_to_num(matrix.volume), 0.0)
    counts = np.where(known, np.nan_to_num(matrix.volume), 0.0)
    overall = work.sum() / counts.sum()
    weeks = settings.profile_weeks
    by_weekday = np.zeros((7, slots))
    for weekday in range(7):
        rows = np.flatnonzero(weekdays == weekday)[-weeks:]
        slot_work = work[rows].sum(axis=0)
        slot_count = counts[rows].sum(axis=0)
        day_mean = slot_work.sum() / slot_count.sum() if slot_count.sum() > 0 else overall
        prior_weight = 20.0
        by_weekday[weekday] = (slot_work + prior_weight * day_mean) / (slot_count + prior_weight)
    future = (np.arange(horizon_days) + matrix.days + matrix.first_day.weekday()) % 7
    return np.asarray(by_weekday[future])
