"""Forecasts on synthetic history: accuracy, calendar, events, fallbacks."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from scheduler.forecasting import (
    ForecastConfig,
    Method,
    SpecialDay,
    day_matrix,
    forecast_make,
)
from scheduler.forecasting.backtest import backtest_matrix

from .synthetic import synthetic_history


def daily_totals(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(frame["start"].dt.date)["volume"].sum()


def test_combination_beats_seasonal_naive_on_a_seasonal_series():
    # given 20 weeks of noisy weekly and intraday seasonality, no holidays in the scored weeks
    history = synthetic_history(dt.date(2024, 5, 6), 20 * 7)
    matrix = day_matrix(history, interval_minutes=30)
    # when
    result = backtest_matrix(matrix, horizon_days=7, origins=2, step_days=7, country="CN")
    # then
    assert result.method == "combination"
    assert result.interval_wape < result.naive_interval_wape
    assert result.daily_wape < result.naive_daily_wape


def test_national_day_is_forecast_low_and_makeup_day_like_a_weekday():
    # given history through 2024-09-27, which holds the spring, Qingming, May Day, Dragon Boat
    # and Mid-Autumn holidays
    history = synthetic_history(dt.date(2024, 1, 1), 271)
    config = ForecastConfig(horizon_days=28, interval_minutes=30, country="CN")
    # when
    result = forecast_make(history=history, config=config)
    totals = daily_totals(result.frame)
    # then National Day (Tue 1 October) is far below the Tuesday after (8 October)
    assert totals[dt.date(2024, 10, 1)] < 0.4 * totals[dt.date(2024, 10, 8)]
    # and the make-up working Saturday (12 October) is like a weekday, not a Saturday
    assert totals[dt.date(2024, 10, 12)] > 1.5 * totals[dt.date(2024, 10, 19)]
    kinds = result.frame.groupby(result.frame["start"].dt.date)["day_kind"].first()
    assert kinds[dt.date(2024, 10, 1)] == "holiday"
    assert kinds[dt.date(2024, 10, 12)] == "makeup_workday"


def test_without_calendar_a_holiday_is_just_its_weekday():
    history = synthetic_history(dt.date(2024, 1, 1), 271)
    config = ForecastConfig(horizon_days=14, country=None)
    totals = daily_totals(forecast_make(history=history, config=config).frame)
    assert totals[dt.date(2024, 10, 1)] == pytest.approx(totals[dt.date(2024, 10, 8)], rel=0.25)


def test_special_day_uplift_multiplies_its_intervals():
    history = synthetic_history(dt.date(2024, 5, 6), 10 * 7)
    config = ForecastConfig(horizon_days=14, country=None)
    salary_day = SpecialDay(
        name="salary day",
        start=dt.datetime(2024, 7, 22, 9, 0),
        end=dt.datetime(2024, 7, 22, 12, 0),
        uplift=1.5,
    )
    plain = forecast_make(history=history, config=config).frame
    lifted = forecast_make(history=history, config=config, special_days=[salary_day]).frame
    inside = (lifted["start"] >= salary_day.start) & (lifted["start"] < salary_day.end)
    assert np.allclose(lifted.loc[inside, "volume"], 1.5 * plain.loc[inside, "volume"])
    assert np.allclose(lifted.loc[~inside, "volume"], plain.loc[~inside, "volume"])
    assert set(lifted.loc[inside, "day_kind"]) == {"event"}


@pytest.mark.parametrize(
    ("days", "method"),
    [(30, Method.RECENT_AVERAGE), (10, Method.SEASONAL_NAIVE), (3, Method.DAILY_MEAN)],
)
def test_too_little_history_falls_back_and_says_so(days, method):
    history = synthetic_history(dt.date(2024, 5, 6), days)
    result = forecast_make(history=history, config=ForecastConfig(horizon_days=7))
    assert result.method == method
    assert any("days of history" in note for note in result.notes)
    assert len(result.frame) == 7 * 48
    assert (result.frame["volume"] >= 0).all()


def test_forecast_has_every_interval_of_the_horizon_with_handle_time():
    history = synthetic_history(dt.date(2024, 5, 6), 10 * 7, interval_minutes=15)
    config = ForecastConfig(interval_minutes=15, horizon_days=42, country=None)
    result = forecast_make(history=history, config=config)
    assert len(result.frame) == 42 * 96
    assert result.frame["start"].iloc[0] == pd.Timestamp("2024-07-15")
    assert result.frame["aht_seconds"].between(200, 280).all()


def test_a_weekday_always_closed_is_forecast_closed():
    history = synthetic_history(dt.date(2024, 5, 6), 10 * 7, closed_weekdays=(6,))
    result = forecast_make(history=history, config=ForecastConfig(horizon_days=14, country=None))
    totals = daily_totals(result.frame)
    sundays = [day for day in totals.index if day.weekday() == 6]
    assert all(totals[day] == 0 for day in sundays)
    assert any("closed" in note for note in result.notes)


def test_forecast_can_start_later_than_the_day_after_history():
    history = synthetic_history(dt.date(2024, 5, 6), 10 * 7)
    result = forecast_make(
        history=history,
        config=ForecastConfig(horizon_days=7, country=None),
        start_on=dt.date(2024, 7, 22),
    )
    assert result.frame["start"].iloc[0] == pd.Timestamp("2024-07-22")
    assert len(result.frame) == 7 * 48


def test_a_salary_day_surge_is_learnt_not_dropped_as_an_outlier():
    # given 30 weeks where the 10th of each month brings 50% more contacts (no calendar)
    history = synthetic_history(dt.date(2024, 1, 1), 30 * 7, seed=3)
    salary_day = history["start"].dt.day == 10
    history.loc[salary_day, "volume"] = np.round(history.loc[salary_day, "volume"] * 1.5)
    config = ForecastConfig(interval_minutes=30, horizon_days=28, country=None)
    # when (the horizon runs from 2024-07-29 and holds 2024-08-10, a Saturday)
    result = forecast_make(history=history, config=config)
    # then the 10th is forecast well above the Saturdays a week before and after it (the
    # effect is shrunk towards none with 7 months seen; before the fix it was dropped: 1.0)
    totals = daily_totals(result.frame)
    before, after = totals[dt.date(2024, 8, 3)], totals[dt.date(2024, 8, 17)]
    assert totals[dt.date(2024, 8, 10)] > 1.2 * (before + after) / 2
