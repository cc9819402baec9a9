"""Synthetic contact-center history for tests: weekly and intraday shape, Chinese calendar."""

import datetime as dt

import numpy as np
import pandas as pd

from scheduler.forecasting import DayKind, day_kinds

# Relative level of Monday..Sunday, and of a public holiday.
WEEKDAY_LEVEL = [1.25, 1.1, 1.0, 1.0, 1.05, 0.55, 0.45]
HOLIDAY_LEVEL = 0.2


def intraday_shape(interval_minutes: int) -> np.ndarray:
    hours = np.arange(0, 24, interval_minutes / 60)
    shape = np.exp(-(((hours - 10.5) / 2.2) ** 2)) + 0.7 * np.exp(-(((hours - 15.5) / 2.0) ** 2))
    return shape / shape.sum()


def synthetic_history(
    first_on: dt.date,
    days: int,
    *,
    daily_calls: float = 4000.0,
    interval_minutes: int = 30,
    seed: int = 1,
    closed_weekdays: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Poisson counts per interval; days on a closed weekday are absent (closed days)."""
    rng = np.random.default_rng(seed)
    shape = intraday_shape(interval_minutes)
    dates = [first_on + dt.timedelta(days=i) for i in range(days)]
    kinds = day_kinds(dates, country="CN")
    rows = []
    for date in dates:
        if date.weekday() in closed_weekdays:
            continue
        if kinds[date] == DayKind.HOLIDAY:
            level = HOLIDAY_LEVEL
        elif kinds[date] == DayKind.MAKEUP_WORKDAY:
            level = 1.05
        else:
            level = WEEKDAY_LEVEL[date.weekday()]
        counts = rng.poisson(daily_calls * level * shape)
        starts = pd.date_range(
            pd.Timestamp(date), periods=shape.size, freq=pd.Timedelta(minutes=interval_minutes)
        )
        rows.append(pd.DataFrame({"start": starts, "volume": counts.astype(float)}))
    frame = pd.concat(rows, ignore_index=True)
    frame["aht_seconds"] = 240.0 + 20.0 * rng.standard_normal(len(frame))
    return frame
