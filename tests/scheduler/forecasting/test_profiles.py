"""Intraday profiles: shrinkage towards the pooled shape of similar weekdays."""

import datetime as dt

import numpy as np

from scheduler.forecasting import MethodSettings
from scheduler.forecasting.history import DayMatrix
from scheduler.forecasting.methods import (
    intraday_profiles,
    profile_recency_weight,
    winsorised_shares,
)

SLOTS = 48
FIRST_MONDAY = dt.date(2024, 1, 1)


def _shape(open_slot: int, close_slot: int) -> np.ndarray:
    slots = np.arange(SLOTS, dtype=float)
    shape = np.exp(-(((slots - 22.0) / 7.0) ** 2))
    shape[:open_slot] = 0.0
    shape[close_slot:] = 0.0
    return shape / shape.sum()


def _matrix(weeks: int, seed: int) -> tuple[DayMatrix, np.ndarray]:
    """Monday-Friday share one shape; Saturday opens only in the morning; Sunday is closed."""
    rng = np.random.default_rng(seed)
    truth = np.zeros((7, SLOTS))
    truth[:5] = _shape(14, 44)
    truth[5] = _shape(16, 28)
    volume = np.full((weeks * 7, SLOTS), np.nan)
    for day in range(weeks * 7):
        weekday = day % 7
        if weekday < 6:
            volume[day] = rng.poisson(600.0 * truth[weekday])
    return DayMatrix(FIRST_MONDAY, 30, volume, np.full_like(volume, np.nan)), truth


def test_shrinkage_brings_noisy_weekday_profiles_closer_to_the_truth():
    # given 8 weeks of Poisson days with one true shape for Monday to Friday
    matrix, truth = _matrix(weeks=8, seed=3)
    usable = matrix.open_days
    raw_settings = MethodSettings(profile_pool_distance=0.0, profile_smoothing=0.0)
    # when
    raw = intraday_profiles(matrix, usable, raw_settings)
    shrunk = intraday_profiles(matrix, usable, MethodSettings())
    # then the shrunk weekday profiles are nearer the true shape than the raw ones
    raw_error = np.abs(raw[:5] - truth[:5]).sum()
    shrunk_error = np.abs(shrunk[:5] - truth[:5]).sum()
    assert shrunk_error < 0.8 * raw_error
    assert np.allclose(shrunk.sum(axis=1)[:6], 1.0)


def test_a_weekday_with_its_own_shape_keeps_it_and_stays_closed_where_it_was_closed():
    # given Saturday opens 08:00-14:00 while the weekdays run 07:00-22:00
    matrix, truth = _matrix(weeks=8, seed=4)
    # when
    profiles = intraday_profiles(matrix, matrix.open_days, MethodSettings())
    # then Saturday is not pulled towards the weekday shape, and gets nothing after closing
    assert np.abs(profiles[5] - truth[5]).sum() < 0.15
    assert profiles[5][28:].sum() == 0.0


def _drifting_saturday_matrix(weeks: int, seed: int) -> tuple[DayMatrix, np.ndarray]:
    """Monday-Friday keep one shape; Saturday opens at sunset, half an hour later each week.

    The second value is Saturday's true shape in the week after the history.
    """
    rng = np.random.default_rng(seed)
    volume = np.full((weeks * 7, SLOTS), np.nan)
    for day in range(weeks * 7):
        weekday, week = day % 7, day // 7
        if weekday < 5:
            volume[day] = rng.poisson(600.0 * _shape(14, 44))
        elif weekday == 5:
            volume[day] = rng.poisson(300.0 * _saturday_shape(opens=20 + week // 2))
    return DayMatrix(FIRST_MONDAY, 30, volume, np.full_like(volume, np.nan)), _saturday_shape(
        opens=20 + weeks // 2
    )


def _saturday_shape(opens: int) -> np.ndarray:
    shape = np.zeros(SLOTS)
    shape[opens : opens + 6] = [3.0, 2.0, 1.5, 1.0, 1.0, 1.0]
    return shape / shape.sum()


def test_recency_weight_is_fitted_high_for_a_drifting_weekday_and_low_for_a_steady_one():
    # given 20 weeks in which Saturday opens later and later and the weekdays do not change
    matrix, _next_saturday = _drifting_saturday_matrix(weeks=20, seed=5)
    settings = MethodSettings()
    # when
    monday = profile_recency_weight(matrix, matrix.open_days, 0, settings)
    saturday = profile_recency_weight(matrix, matrix.open_days, 5, settings)
    # then Saturday follows its latest weeks and Monday averages many
    assert saturday >= 1.75
    assert monday <= 1.2


def test_fitted_recency_forecasts_a_drifting_weekday_shape_better_than_the_fixed_weight():
    # given Saturday's opening moving later every other week
    matrix, next_saturday = _drifting_saturday_matrix(weeks=20, seed=6)
    fixed = MethodSettings(profile_recency_fitted=False)
    # when
    fitted_profile = intraday_profiles(matrix, matrix.open_days, MethodSettings())[5]
    fixed_profile = intraday_profiles(matrix, matrix.open_days, fixed)[5]
    # then the fitted weight's Saturday is nearer next Saturday's shape
    fitted_error = np.abs(fitted_profile - next_saturday).sum()
    fixed_error = np.abs(fixed_profile - next_saturday).sum()
    assert fitted_error < 0.85 * fixed_error


def test_too_short_a_history_keeps_the_configured_recency_weight():
    # given 6 weeks: too few to score a weight on
    matrix, _truth = _matrix(weeks=6, seed=7)
    settings = MethodSettings(profile_recency_weight=1.3)
    # when / then
    assert profile_recency_weight(matrix, matrix.open_days, 0, settings) == 1.3


def test_a_one_off_burst_does_not_shape_the_interval_for_weeks():
    # given 8 weeks of Poisson days, and one Monday with a burst of 100 extra contacts at 14:00
    matrix, truth = _matrix(weeks=8, seed=5)
    burst_day, burst_slot = 7 * 6, 28
    matrix.volume[burst_day, burst_slot] += 100.0
    usable = matrix.open_days
    # when Monday's profile is its own shapes' mean (no pooling with the other weekdays)
    alone = {"profile_pool_distance": 0.0, "profile_smoothing": 0.0}
    plain = intraday_profiles(matrix, usable, MethodSettings(profile_clip_sigmas=0.0, **alone))
    robust = intraday_profiles(matrix, usable, MethodSettings(**alone))
    # then the plain mean carries the burst into every Monday; the winsorised one does not
    assert plain[0][burst_slot] > 1.25 * truth[0][burst_slot]
    assert abs(robust[0][burst_slot] - truth[0][burst_slot]) < 0.15 * truth[0][burst_slot]


def test_winsorising_keeps_the_few_contacts_of_a_quiet_interval():
    # given an interval whose days mostly have no contact (0.3 a day on average)
    rng = np.random.default_rng(8)
    days, slots = 8, 4
    volume = np.column_stack(
        [rng.poisson(0.3, days), rng.poisson(200.0, (days, slots - 1))]
    ).astype(float)
    totals = volume.sum(axis=1, keepdims=True)
    shares = volume / totals
    # when
    clipped = winsorised_shares(shares, totals, 3.0)
    # then its median of 0 does not clip the contacts it got: it is not forecast empty
    assert np.median(volume[:, 0]) == 0.0
    assert volume[:, 0].sum() > 0
    assert np.allclose(clipped[:, 0], shares[:, 0])
    # and with the clip turned off nothing changes anywhere
    assert np.array_equal(winsorised_shares(shares, totals, 0.0), shares)
