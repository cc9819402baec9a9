"""Aggregation to the planning grid, closed days, adjustments and the backtest command."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from scheduler.forecasting import (
    Adjustment,
    adjustments_apply,
    day_matrix,
    history_frame,
)
from scheduler.forecasting.backtest import backtest_matrix, main, wape

from .synthetic import synthetic_history


def test_six_minute_history_aggregates_to_half_hours_with_weighted_handle_time():
    starts = pd.date_range("2024-03-04 09:00", periods=5, freq="6min")
    history = history_frame(starts, [1, 2, 3, 4, 0], [100, 200, 300, 400, 999])
    matrix = day_matrix(history, interval_minutes=30)
    assert matrix.volume[0, 18] == 10
    assert matrix.aht_seconds[0, 18] == pytest.approx((100 + 400 + 900 + 1600) / 10)
    assert matrix.volume[0, 19] == 0


def test_days_absent_from_history_are_closed():
    starts = list(pd.date_range("2024-03-04", periods=48, freq="30min")) + list(
        pd.date_range("2024-03-06", periods=48, freq="30min")
    )
    matrix = day_matrix(history_frame(starts, np.ones(96)), interval_minutes=30)
    assert matrix.open_days.tolist() == [True, False, True]


def test_negative_volume_is_rejected():
    history = history_frame(pd.date_range("2024-03-04", periods=2, freq="30min"), [1, -1])
    with pytest.raises(ValueError, match="volume"):
        day_matrix(history, interval_minutes=30)


def test_closed_days_are_not_scored():
    history = synthetic_history(dt.date(2024, 5, 6), 12 * 7, closed_weekdays=(6,))
    result = backtest_matrix(
        day_matrix(history, interval_minutes=30),
        horizon_days=7,
        origins=2,
        step_days=7,
        country=None,
    )
    assert np.isfinite(result.interval_wape)
    assert np.isfinite(result.naive_daily_wape)


def test_wape_is_a_fraction_of_actuals():
    assert wape(np.array([10.0, 10.0]), np.array([8.0, 13.0])) == pytest.approx(0.25)


def test_adjustments_are_a_layer_over_the_base_forecast():
    # given a flat forecast of 10 contacts per half hour over a day
    forecast = pd.DataFrame(
        {"start": pd.date_range("2024-10-08", periods=48, freq="30min"), "volume": 10.0}
    )
    campaign = Adjustment(
        start=dt.datetime(2024, 10, 8, 9), end=dt.datetime(2024, 10, 8, 11), percent=20
    )
    outage = Adjustment(
        start=dt.datetime(2024, 10, 8, 14),
        end=dt.datetime(2024, 10, 8, 15),
        absolute_change=100,
    )
    # when
    adjusted = adjustments_apply(forecast, [campaign, outage])
    # then
    by_time = adjusted.set_index("start")
    assert (adjusted["base_volume"] == 10.0).all()
    assert by_time.loc["2024-10-08 09:30", "volume"] == pytest.approx(12.0)
    assert by_time.loc["2024-10-08 14:30", "volume"] == pytest.approx(60.0)
    assert by_time.loc["2024-10-08 11:00", "volume"] == pytest.approx(10.0)
    assert adjusted["volume"].sum() == pytest.approx(480 + 4 * 2 + 100)


def test_adjustment_needs_exactly_one_kind_of_change():
    with pytest.raises(ValueError, match="exactly one"):
        Adjustment(start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 1, 2))


def test_backtest_command_prints_json_fractions(tmp_path, capsys):
    # given a start,calls file at 10-minute intervals
    history = synthetic_history(dt.date(2024, 5, 6), 12 * 7, interval_minutes=10, daily_calls=900)
    path = tmp_path / "calls.csv"
    history.rename(columns={"volume": "calls"})[["start", "calls"]].to_csv(path, index=False)
    # when
    code = main(
        [
            "--csv",
            str(path),
            "--interval-minutes",
            "30",
            "--horizon-days",
            "7",
            "--origins",
            "2",
            "--step-days",
            "7",
            "--json",
        ]
    )
    # then
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    for key in ["interval_wape", "daily_wape", "naive_interval_wape", "naive_daily_wape"]:
        assert 0.0 < payload[key] < 1.0
    assert payload["method"] == "combination"
    assert payload["seconds"] > 0
