"""The combination's members on their own: top-down and the boosted correction."""

import datetime as dt

import numpy as np

from scheduler.forecasting import MethodSettings
from scheduler.forecasting.history import DayMatrix
from scheduler.forecasting.methods import (
    airline_daily,
    boosted_correction,
    recent_average,
    theta_daily,
    top_down,
)

SLOTS = 48
FIRST_MONDAY = dt.date(2024, 1, 1)


def _shape() -> np.ndarray:
    slots = np.arange(SLOTS, dtype=float)
    shape = np.exp(-(((slots - 22.0) / 7.0) ** 2))
    shape[:14] = 0.0
    shape[44:] = 0.0
    return shape / shape.sum()


def _matrix(daily: np.ndarray, seed: int) -> DayMatrix:
    """Poisson days with the given daily totals (NaN: a closed day, absent from the history)."""
    rng = np.random.default_rng(seed)
    volume = np.full((daily.size, SLOTS), np.nan)
    for day, total in enumerate(daily):
        if np.isfinite(total):
            volume[day] = rng.poisson(total * _shape())
    return DayMatrix(FIRST_MONDAY, 30, volume, np.full_like(volume, np.nan))


def test_top_down_scales_every_weekday_alike_after_a_level_change_with_a_closed_sunday():
    # given 20 weeks of Monday-Friday 4000 contacts, Saturday 400, Sunday closed, and then
    # 3 weeks with everything 50% busier
    week = np.array([4000.0, 4000.0, 4000.0, 4000.0, 4000.0, 400.0, np.nan])
    daily = np.concatenate([np.tile(week, 20), np.tile(week * 1.5, 3)])
    matrix = _matrix(daily, seed=5)
    # when
    forecast = top_down(matrix, matrix.open_days, 14, MethodSettings()).sum(axis=1)
    # then the weekdays and the quiet Saturday grow by the same half
    assert np.allclose(forecast[:5], 6000.0, rtol=0.08)
    assert np.allclose(forecast[5], 600.0, rtol=0.15)
    # and the closed Sunday stays closed (a model on raw totals, which a closed day forces to
    # additive seasonality, leaked the level change into it: about 100 contacts)
    assert forecast[6] < 1.0


def test_boosted_correction_that_learns_nothing_is_the_recent_average_member():
    # given 26 weeks of noisy days around a weekly pattern
    rng = np.random.default_rng(11)
    week = np.array([2000.0, 1800.0, 1700.0, 1700.0, 1600.0, 600.0, 300.0])
    daily = np.tile(week, 26) * rng.lognormal(0.0, 0.08, 26 * 7)
    matrix = _matrix(daily, seed=6)
    usable = matrix.open_days
    inert = MethodSettings(boost_trees=1, boost_learning_rate=1e-12)
    # when the model is trained but its correction is negligible
    boosted = boosted_correction(matrix, usable, 14, inert)
    # then the boosted member is exactly the recent average it corrects (profiled), not the
    # noisier interval-by-interval average
    assert np.allclose(boosted, recent_average(matrix, usable, 14, inert), rtol=1e-6)
    # and with the default settings the model does correct it
    settings = MethodSettings()
    learnt = boosted_correction(matrix, usable, 14, settings)
    assert not np.allclose(learnt, recent_average(matrix, usable, 14, settings), rtol=1e-3)


def test_boosted_correction_depends_on_the_days_before_the_origin_not_on_the_calendar():
    # given 60 weeks of noisy days around a weekly pattern, and the same history without its
    # first week (older than anything the correction or its features look at)
    rng = np.random.default_rng(12)
    week = np.array([2000.0, 1800.0, 1700.0, 1700.0, 1600.0, 600.0, 300.0])
    daily = np.tile(week, 60) * rng.lognormal(0.0, 0.08, 60 * 7)
    matrix = _matrix(daily, seed=7)
    shorter = DayMatrix(
        matrix.first_day + dt.timedelta(days=7),
        matrix.interval_minutes,
        matrix.volume[7:],
        matrix.aht_seconds[7:],
    )
    settings = MethodSettings()
    # when
    full = boosted_correction(matrix, matrix.open_days, 14, settings)
    trimmed = boosted_correction(shorter, shorter.open_days, 14, settings)
    # then the training forecasts are cut at the same days before the origin, so the two
    # agree (cut at fixed calendar days, the dropped week moved every cut by a week)
    assert np.allclose(full, trimmed)


def test_daily_model_members_follow_a_level_change_and_keep_a_closed_sunday_closed():
    # given 20 weeks of Monday-Friday 4000 contacts, Saturday 400, Sunday closed, and then
    # 3 weeks with everything 50% busier
    week = np.array([4000.0, 4000.0, 4000.0, 4000.0, 4000.0, 400.0, np.nan])
    daily = np.concatenate([np.tile(week, 20), np.tile(week * 1.5, 3)])
    matrix = _matrix(daily, seed=5)
    for member in (theta_daily, airline_daily):
        # when
        forecast = member(matrix, matrix.open_days, 14, MethodSettings()).sum(axis=1)
        # then both the weekdays and the quiet Saturday move towards the new level
        assert np.all(forecast[:5] > 4400.0), member.__name__
        assert np.all(forecast[:5] < 6600.0), member.__name__
        assert 440.0 < forecast[5] < 660.0, member.__name__
        # and the closed Sunday gets (next to) nothing
        assert forecast[6] < 5.0, member.__name__
