"""The forecasting methods, each on a :class:`DayMatrix` seen up to an origin.

Every method returns a ``horizon_days x intervals`` matrix forecasting the days after the last
day of the history it is given, *as if every day were a regular day of its weekday*; day kinds
(holidays, make-up working days, events) are applied afterwards by :mod:`.forecast`.

- :func:`seasonal_naive` -- the last week repeated; the yardstick.
- :func:`recent_average` -- mean of the last few same-weekday days, outlier days dropped,
  spread over the day by the weekday's intraday profile.
- :func:`top_down` -- log daily totals by Holt-Winters (damped trend, additive weekly
  seasonality) times the weekday's intraday profile.
- :func:`theta_daily` -- daily totals by the Theta method (weekly indices divided out, a
  smoothed level plus half the long-run drift) times the weekday's intraday profile.
- :func:`airline_daily` -- log daily totals by the seasonal "airline" ARIMA(0,1,1)(0,1,1)7
  times the weekday's intraday profile.
- :func:`boosted_correction` -- the recent average times a gradient-boosted correction
  (Poisson objective) learnt from how the recent average missed in the past weeks.
- :func:`intraday_profiles` -- each weekday's share of the day per interval, one-off bursts and
  dips winsorised (:func:`winsorised_shares`), its recent weeks weighted as fitted to how that
  weekday's shape moved (:func:`profile_recency_weight`), shrunk towards the smoothed shape
  of similar weekdays.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .history import DayMatrix, FloatMatrix

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class MethodSettings:
    """Tuning of the methods; defaults chosen by rolling-origin backtest on real bank data."""

    # Same-weekday days averaged by the recent average.
    recent_weeks: int = 8
    # Weight of each same-weekday day relative to the one a week older (1.0 = plain mean).
    recency_weight: float = 1.3
    # Same-weekday days whose normalised intraday shapes make a weekday's profile.
    profile_weeks: int = 8
    # Weight of each of those days' shape relative to the one a week older (1.0 = plain mean),
    # when it is not fitted (below) or the weekday has too little history to fit it.
    profile_recency_weight: float = 1.1
    # Fit each weekday's recency weight to its history: the candidate whose weighted shape of
    # the weeks before best forecast each following week (absolute error in contacts).  A
    # weekday whose shape drifts (a Saturday that reopens at sunset) then follows it closely,
    # while a steady one averages more weeks.
    profile_recency_fitted: bool = True
    profile_recency_candidates: tuple[float, ...] = (1.0, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0, 2.5)
    # Weeks of each weekday's history the recency weight is fitted on (at most).
    profile_fit_weeks: int = 26
    # A day's share of an interval further than this many robust standard deviations from the
    # interval's median share over the profile's days is clipped to that limit (winsorised),
    # so a one-off burst or dip does not shape the interval for weeks.
    profile_clip_sigmas: float = 3.0
    # Weekdays whose profiles differ by less than this (sum of absolute share differences, 0 to
    # 2) are pooled into the shared profile each of them is shrunk towards.
    profile_pool_distance: float = 0.25
    # Share each interval of the pooled profile lends to each neighbour (0 = no smoothing).
    profile_smoothing: float = 0.1
    # The recent average spreads its daily total by the weekday profile (True) rather than
    # averaging each interval on its own, which is noisier.
    recent_average_profiled: bool = True
    # A day whose total is off by more than this factor from its weekday's median is an outlier.
    outlier_ratio: float = 1.35
    # Days of history the Holt-Winters model is fitted on (at most).
    ets_days: int = 364
    # Damped additive trend in the Holt-Winters model of daily totals.
    ets_trend: bool = True
    # The combination also averages the Theta and airline-ARIMA daily-total members
    # (:func:`theta_daily`, :func:`airline_daily`), fitted on the same ``ets_days``.
    daily_model_members: bool = True
    # Weeks of history the boosted correction learns from (at most).
    boost_weeks: int = 26
    boost_trees: int = 150
    boost_learning_rate: float = 0.05
    boost_leaves: int = 15
    boost_min_rows_per_leaf: int = 40
    # "poisson": learn log(actual / recent average), the natural loss for counts, so the
    # correction is a ratio and quiet intervals are not fitted like busy ones; "regression":
    # learn the difference (least squares).
    boost_objective: str = "poisson"
    seed: int = 7
    # Day-of-month rhythm (salary, statement and payment days): learnt only from at least this
    # many days of history, each day of the month shrunk towards "no effect" with the weight
    # of this many observations.
    month_rhythm_min_days: int = 120
    month_rhythm_prior: float = 4.0


def weekday_of(matrix: DayMatrix) -> npt.NDArray[np.int64]:
    first = matrix.first_day.weekday()
    return np.asarray((np.arange(matrix.days) + first) % 7, dtype=np.int64)


def usable_days(matrix: DayMatrix, excluded: BoolArray, settings: MethodSettings) -> BoolArray:
    """Open, regular days whose total is not an outlier against nearby same-weekday days."""
    totals = np.nansum(matrix.volume, axis=1)
    candidate = matrix.open_days & ~excluded
    weekdays = weekday_of(matrix)
    usable = candidate.copy()
    limit = np.log(settings.outlier_ratio)
    for weekday in range(7):
        days = np.flatnonzero(candidate & (weekdays == weekday))
        if days.size < 3:
            continue
        values = totals[days]
        for position, day in enumerate(days):
            neighbours = np.concatenate(
                [values[max(0, position - 4) : position], values[position + 1 : position + 5]]
            )
            median = float(np.median(neighbours))
            if median <= 0:
                continue
            if values[position] <= 0 or abs(np.log(values[position] / median)) > limit:
                usable[day] = False
    return usable


def _reference_totals(
    matrix: DayMatrix, usable: BoolArray
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Each usable day's total and the median of its nearest usable same-weekday days."""
    totals = np.nansum(matrix.volume, axis=1)
    reference = np.full(matrix.days, np.nan)
    weekdays = weekday_of(matrix)
    for weekday in range(7):
        days = np.flatnonzero(usable & (weekdays == weekday))
        if days.size < 3:
            continue
        for position, day in enumerate(days):
            neighbours = np.concatenate(
                [days[max(0, position - 2) : position], days[position + 1 : position + 3]]
            )
            reference[day] = float(np.median(totals[neighbours]))
    return totals, reference


def month_rhythm(
    matrix: DayMatrix, usable: BoolArray, settings: MethodSettings, *, robust: bool = False
) -> npt.NDArray[np.float64]:
    """Multiplicative effect of each day of the month (index 1..31; 1.0 = none).

    Banks see more contacts on salary, statement and payment-due days.  The effect of a day of
    the month is the mean log ratio of its days' totals to nearby days of the same weekday,
    over the last year, shrunk towards no effect so that a few noisy months do not invent one.
    ``robust`` takes the median instead of the mean, for days not yet screened for outliers
    (an outage or an unlisted holiday on one 10th must not move the 10th's effect).
    """
    factors = np.ones(32)
    if matrix.days < settings.month_rhythm_min_days:
        return factors
    totals, reference = _reference_totals(matrix, usable)
    start = max(0, matrix.days - 365)
    days_of_month = np.array([d.day for d in matrix.dates])
    valid = usable & np.isfinite(reference) & (totals > 0)
    valid[:start] = False
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.clip(np.log(totals / reference), -0.7, 0.7)
    for day_of_month in range(1, 32):
        chosen = valid & (days_of_month == day_of_month)
        count = int(chosen.sum())
        if count:
            mean = float(np.median(logs[chosen]) if robust else logs[chosen].mean())
            factors[day_of_month] = np.exp(mean * count / (count + settings.month_rhythm_prior))
    return factors


def _day_factors(matrix: DayMatrix, rhythm: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(rhythm[[d.day for d in matrix.dates]])


def future_month_factors(
    matrix: DayMatrix, rhythm: npt.NDArray[np.float64], horizon_days: int
) -> npt.NDArray[np.float64]:
    first = matrix.first_day + dt.timedelta(days=matrix.days)
    return np.asarray(rhythm[[(first + dt.timedelta(days=i)).day for i in range(horizon_days)]])


def deseasonalised(matrix: DayMatrix, rhythm: npt.NDArray[np.float64]) -> DayMatrix:
    """The matrix with the day-of-month effect divided out."""
    factors = _day_factors(matrix, rhythm)
    return DayMatrix(
        matrix.first_day,
        matrix.interval_minutes,
        matrix.volume / factors[:, None],
        matrix.aht_seconds,
    )


def seasonal_naive(matrix: DayMatrix, horizon_days: int) -> FloatMatrix:
    """Each future day is the latest open day of the same weekday."""
    weekdays = weekday_of(matrix)
    open_days = matrix.open_days
    result = np.zeros((horizon_days, matrix.intervals_per_day))
    for step in range(horizon_days):
        weekday = (matrix.days + step + matrix.first_day.weekday()) % 7
        same = np.flatnonzero(open_days & (weekdays == weekday))
        if same.size:
            result[step] = matrix.volume[same[-1]]
    return result


def _weekday_rows(
    matrix: DayMatrix, usable: BoolArray, weekday: int, count: int, before: int
) -> npt.NDArray[np.int64]:
    weekdays = weekday_of(matrix)
    rows = np.flatnonzero(usable[:before] & (weekdays[:before] == weekday))
    return rows[-count:]


def _recency_mean(block: FloatMatrix, settings: MethodSettings) -> npt.NDArray[np.float64]:
    """Mean of the rows (oldest first), the newest weighted up by ``recency_weight`` per step."""
    weights = settings.recency_weight ** np.arange(block.shape[0], dtype=float)
    return np.asarray(weights @ block / weights.sum())


def _smoothed(profile: npt.NDArray[np.float64], weight: float) -> npt.NDArray[np.float64]:
    """Each interval lends ``weight`` of its share to each neighbour (the ends keep theirs)."""
    if weight <= 0 or profile.size < 3:
        return profile
    result = profile.copy()
    result[1:-1] = (1 - 2 * weight) * profile[1:-1] + weight * (profile[:-2] + profile[2:])
    return result


def _normalised(profile: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    total = float(profile.sum())
    return profile / total if total > 0 else profile


# A weekday's recency weight is fitted only when at least this many weeks can be scored, each
# forecast from at least this many weeks before it.
PROFILE_FIT_MIN_WEEKS = 4


# Shares are winsorised only over at least this many days (a median of fewer says little).
WINSORISE_MIN_DAYS = 4


def winsorised_shares(shares: FloatMatrix, totals: FloatMatrix, sigmas: float) -> FloatMatrix:
    """Each day's interval shares (rows) clipped to ``sigmas`` robust deviations of the median.

    Intraday counts carry more than Poisson noise: a burst after an outage or a mass SMS, a
    TV spot, a dip while the phone system was down.  In a mean of eight shapes one such
    half hour moves that interval's planned share for eight weeks.  Per interval, the scale
    is the larger of the spread of the days' shares (1.4826 x median absolute deviation,
    which a single burst does not inflate) and the Poisson deviation of the median share at
    that day's total, taken as at least one contact (so a quiet night interval, whose median
    day has no contact, keeps the few it gets and is not forecast empty); shares beyond
    ``sigmas`` of it are set to the limit.  A shape that really moves moves the median, so
    it is followed, not clipped.  ``sigmas`` <= 0 leaves the shares as they are.
    """
    if sigmas <= 0 or shares.shape[0] < WINSORISE_MIN_DAYS:
        return shares
    centre = np.median(shares, axis=0)
    spread = 1.4826 * np.median(np.abs(shares - centre), axis=0)
    days_totals = np.maximum(totals, 1.0)
    poisson = np.sqrt(np.maximum(centre[None, :] * days_totals, 1.0)) / days_totals
    limit = sigmas * np.maximum(spread[None, :], poisson)
    return np.asarray(np.clip(shares, centre - limit, centre + limit))


def profile_recency_weight(
    matrix: DayMatrix, usable: BoolArray, weekday: int, settings: MethodSettings
) -> float:
    """The recency weight that best forecast this weekday's intraday shape a week ahead.

    Each of the weekday's recent usable days (after the first few) is forecast by the
    weighted mean shape of the up to ``profile_weeks`` such days before it, scaled to its
    actual total, for every candidate weight; the weight with the least absolute error in
    contacts over those days wins (the first candidate on a tie).  Only days before the
    matrix's end are used, so a forecast made at an origin fits on what it could see.
    """
    if not settings.profile_recency_fitted:
        return settings.profile_recency_weight
    rows = _weekday_rows(matrix, usable, weekday, settings.profile_fit_weeks, matrix.days)
    if rows.size < 2 * PROFILE_FIT_MIN_WEEKS:
        return settings.profile_recency_weight
    block = np.nan_to_num(matrix.volume[rows])
    totals = block.sum(axis=1, keepdims=True)
    shares = np.divide(block, totals, out=np.zeros_like(block), where=totals > 0)
    candidates = np.asarray(settings.profile_recency_candidates, dtype=float)
    errors = np.zeros(candidates.size)
    for target in range(PROFILE_FIT_MIN_WEEKS, rows.size):
        past = shares[max(0, target - settings.profile_weeks) : target]
        weights = candidates[:, None] ** np.arange(past.shape[0], dtype=float)[None, :]
        weights /= weights.sum(axis=1, keepdims=True)
        predicted = totals[target] * (weights @ past)
        errors += np.abs(predicted - block[target]).sum(axis=1)
    return float(candidates[int(np.argmin(errors))])


def intraday_profiles(
    matrix: DayMatrix, usable: BoolArray, settings: MethodSettings
) -> FloatMatrix:
    """Per weekday, the share of the day's contacts in each interval (7 x intervals).

    A weekday's raw profile is the recency-weighted mean of the shapes of its recent usable
    days, the weight fitted per weekday (:func:`profile_recency_weight`).  With a few
    thousand contacts a week those shares are noisy, so each is shrunk towards a smoothed
    profile pooled over the weekdays of similar shape (Monday-Friday in most centres),
    restricted to the intervals the weekday was open in.  The shrinkage weight
    is James-Stein: the raw profile's sampling variance, measured from the day-to-day spread
    of its shapes, against how far it really stands from the pooled one -- so a weekday with
    its own shape keeps it, and no constant depends on the centre's size.
    """
    slots = matrix.intervals_per_day
    raw = np.zeros((7, slots))
    sampling = np.zeros(7)
    open_slots = np.zeros((7, slots), dtype=bool)
    contacts = np.zeros(7)
    fallback = np.flatnonzero(usable)[-7 * settings.profile_weeks :]
    for weekday in range(7):
        rows = _weekday_rows(matrix, usable, weekday, settings.profile_weeks, matrix.days)
        if not rows.size:
            rows = fallback
        if not rows.size:
            continue
        block = np.nan_to_num(matrix.volume[rows])
        totals = block.sum(axis=1, keepdims=True)
        shares = winsorised_shares(
            np.divide(block, totals, out=np.zeros_like(block), where=totals > 0),
            totals,
            settings.profile_clip_sigmas,
        )
        recency = profile_recency_weight(matrix, usable, weekday, settings)
        weights = recency ** np.arange(rows.size, dtype=float)
        weights /= weights.sum()
        raw[weekday] = _normalised(weights @ shares)
        open_slots[weekday] = block.sum(axis=0) > 0
        contacts[weekday] = float(totals.sum())
        concentration = float((weights**2).sum())
        if rows.size >= 2:
            spread = weights @ ((shares - raw[weekday]) ** 2) / (1.0 - concentration)
            sampling[weekday] = float(spread.sum()) * concentration
        else:
            sampling[weekday] = np.nan  # unknown: keep the raw profile
    profiles = raw.copy()
    for weekday in range(7):
        if contacts[weekday] <= 0 or not np.isfinite(sampling[weekday]):
            continue
        distance = np.abs(raw - raw[weekday]).sum(axis=1)
        similar = (contacts > 0) & (distance <= settings.profile_pool_distance)
        pooled = np.average(raw[similar], axis=0, weights=contacts[similar])
        target = _normalised(_smoothed(pooled, settings.profile_smoothing) * open_slots[weekday])
        gap = float(((raw[weekday] - target) ** 2).sum())
        signal = max(gap - sampling[weekday], 0.0)
        keep = signal / (signal + sampling[weekday]) if signal + sampling[weekday] > 0 else 1.0
        profiles[weekday] = _normalised(keep * raw[weekday] + (1.0 - keep) * target)
    return profiles


def weekday_templates(
    matrix: DayMatrix, usable: BoolArray, settings: MethodSettings
) -> tuple[FloatMatrix, FloatMatrix]:
    """Per weekday: mean of recent usable days (7 x intervals) and its intraday profile."""
    means = np.zeros((7, matrix.intervals_per_day))
    for weekday in range(7):
        rows = _weekday_rows(matrix, usable, weekday, settings.recent_weeks, matrix.days)
        if rows.size:
            means[weekday] = _recency_mean(matrix.volume[rows], settings)
    return means, intraday_profiles(matrix, usable, settings)


def _future_weekdays(matrix: DayMatrix, horizon_days: int) -> npt.NDArray[np.int64]:
    start = matrix.days + matrix.first_day.weekday()
    return np.asarray((np.arange(horizon_days) + start) % 7, dtype=np.int64)


def recent_average(
    matrix: DayMatrix, usable: BoolArray, horizon_days: int, settings: MethodSettings
) -> FloatMatrix:
    """Mean of the last ``recent_weeks`` usable days of the same weekday.

    The mean day's total is spread by the weekday's intraday profile
    (``settings.recent_average_profiled``), or kept interval by interval.
    """
    means, profiles = weekday_templates(matrix, usable, settings)
    if settings.recent_average_profiled:
        means = means.sum(axis=1, keepdims=True) * profiles
    return np.asarray(means[_future_weekdays(matrix, horizon_days)])


def cleaned_daily_totals(
    matrix: DayMatrix, usable: BoolArray, settings: MethodSettings
) -> npt.NDArray[np.float64]:
    """Daily totals with unusable days (closed, holidays, outliers, events) replaced.

    The replacement is the median of the nearest usable days of the same weekday, so the
    daily series keeps its weekly rhythm without the disturbances.
    """
    totals = np.nansum(matrix.volume, axis=1)
    weekdays = weekday_of(matrix)
    cleaned = totals.copy()
    for weekday in range(7):
        good = np.flatnonzero(usable & (weekdays == weekday))
        bad = np.flatnonzero(~usable & (weekdays == weekday))
        if not bad.size:
            continue
        if not good.size:
            # A weekday that is never usable (for example always closed) stays as observed.
            cleaned[bad] = np.where(matrix.open_days[bad], totals[bad], 0.0)
            continue
        for day in bad:
            order = np.argsort(np.abs(good - day))[:4]
            cleaned[day] = float(np.median(totals[good[order]]))
    return np.asarray(cleaned)


def top_down(
    matrix: DayMatrix, usable: BoolArray, horizon_days: int, settings: MethodSettings
) -> FloatMatrix:
    """Holt-Winters on log daily totals, spread over the day by the weekday's profile.

    Daily contact totals vary by a factor, not by a fixed amount (a quiet weekend day and a
    busy Monday move by the same percentage), so the model is fitted to ``log(1 + total)``
    with additive weekly seasonality and a damped trend: a level change then scales every
    weekday alike, and the forecast cannot go negative.  A closed weekday (total 0) stays 0
    on that scale, where a multiplicative model on raw totals cannot be fitted at all.  The
    back-transformed forecast is the median of the daily total, the figure that minimises
    absolute error, which is what WAPE scores.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    totals = cleaned_daily_totals(matrix, usable, settings)[-settings.ets_days :]
    _means, profiles = weekday_templates(matrix, usable, settings)
    weekdays = _future_weekdays(matrix, horizon_days)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            np.log1p(np.maximum(totals, 0.0)),
            trend="add" if settings.ets_trend else None,
            damped_trend=settings.ets_trend,
            seasonal="add",
            seasonal_periods=7,
            initialization_method="estimated",
        ).fit()
        daily = np.expm1(np.asarray(model.forecast(horizon_days), dtype=float))
    daily = np.maximum(np.nan_to_num(daily, nan=0.0), 0.0)
    return np.asarray(daily[:, None] * profiles[weekdays])


def _spread_by_profile(
    matrix: DayMatrix,
    usable: BoolArray,
    daily: npt.NDArray[np.float64],
    settings: MethodSettings,
) -> FloatMatrix:
    """Forecast daily totals (one per horizon day) spread over the day by weekday profiles."""
    daily = np.maximum(np.nan_to_num(np.asarray(daily, dtype=float), nan=0.0), 0.0)
    _means, profiles = weekday_templates(matrix, usable, settings)
    return np.asarray(daily[:, None] * profiles[_future_weekdays(matrix, daily.size)])


def theta_daily(
    matrix: DayMatrix, usable: BoolArray, horizon_days: int, settings: MethodSettings
) -> FloatMatrix:
    """Theta method on the cleaned daily totals, spread over the day by the weekday's profile.

    The weekly pattern is divided out as multiplicative indices over the whole fitted span
    (when statsmodels' test finds it significant), and the rest is forecast by simple
    exponential smoothing plus half the span's linear drift.  Its daily totals err
    differently from the Holt-Winters member's (weekday pattern fixed over a year rather
    than re-estimated every week, level smoothed with the weekdays pooled), so averaging the
    two cancels part of the daily-total error that every member otherwise shares -- and the
    daily total, not the intraday shape, is where most of the interval error is.  Theta is
    the classic robust benchmark of the M3/M4 forecasting competitions and has no setting.
    A total below one contact (a closed weekday) counts as one, which the multiplicative
    indices need; a weekday closed for weeks is forecast closed afterwards anyway.
    """
    from statsmodels.tsa.forecasting.theta import ThetaModel

    totals = cleaned_daily_totals(matrix, usable, settings)[-settings.ets_days :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ThetaModel(
            np.maximum(totals, 1.0), period=7, deseasonalize=True, method="multiplicative"
        ).fit()
        daily = np.asarray(fitted.forecast(horizon_days), dtype=float)
    return _spread_by_profile(matrix, usable, daily, settings)


# Seasonal period of the daily totals (a week).
WEEK = 7


def airline_forecast(series: npt.NDArray[np.float64], horizon_days: int) -> npt.NDArray[np.float64]:
    """Forecast of a daily series by ARIMA(0,1,1)(0,1,1)7, the "airline" model.

    The series differenced once by day and once by week is modelled as
    ``(1 + a B)(1 + s B^7)`` times white noise; ``a`` and ``s`` are fitted by conditional
    least squares (the innovations filtered in C by ``lfilter``, a few milliseconds, within
    about 2% of statsmodels' exact likelihood fit, which takes a few hundred), bounded inside
    the invertible region.  Future innovations are zero and the differences are undone.
    """
    from scipy.optimize import minimize
    from scipy.signal import lfilter

    y = np.asarray(series, dtype=float)
    if y.size < 3 * WEEK:
        return np.full(horizon_days, float(y[-WEEK:].mean()) if y.size else 0.0)
    differenced = y[WEEK + 1 :] - y[WEEK:-1] - y[1:-WEEK] + y[: -WEEK - 1]

    def polynomial(params: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        ma = np.zeros(WEEK + 2)
        ma[0], ma[1], ma[WEEK], ma[WEEK + 1] = 1.0, params[0], params[1], params[0] * params[1]
        return ma

    def squares(params: npt.NDArray[np.float64]) -> float:
        residuals = lfilter([1.0], polynomial(params), differenced)
        return float(residuals @ residuals)

    best = minimize(squares, x0=[-0.5, -0.5], method="L-BFGS-B", bounds=[(-0.99, 0.99)] * 2)
    ma = polynomial(best.x)
    residuals = list(lfilter([1.0], ma, differenced))
    values = list(y)
    for _step in range(horizon_days):
        expected = sum(ma[lag] * residuals[-lag] for lag in range(1, WEEK + 2))
        residuals.append(0.0)
        values.append(values[-1] + values[-WEEK] - values[-WEEK - 1] + expected)
    return np.asarray(values[y.size :])


def airline_daily(
    matrix: DayMatrix, usable: BoolArray, horizon_days: int, settings: MethodSettings
) -> FloatMatrix:
    """Airline ARIMA on log daily totals, spread over the day by the weekday's profile.

    Like :func:`top_down` it works on ``log(1 + total)`` (a level change scales every
    weekday alike; a closed weekday stays 0), but the weekly pattern is a seasonal
    difference -- each weekday follows its own recent values, the week-to-week change
    smoothed -- rather than a Holt-Winters state, and the two parameters are fitted by least
    squares.  Its daily-total errors are the least correlated with the other members', which
    is what an equal-weight combination gains from.
    """
    totals = cleaned_daily_totals(matrix, usable, settings)[-settings.ets_days :]
    daily = np.expm1(airline_forecast(np.log1p(np.maximum(totals, 0.0)), horizon_days))
    return _spread_by_profile(matrix, usable, daily, settings)


def _lagged_features(
    matrix: DayMatrix,
    usable: BoolArray,
    day: int,
    weekday: int,
    cutoff: int,
    settings: MethodSettings,
    profiles: FloatMatrix | None,
) -> tuple[FloatMatrix, FloatMatrix] | None:
    """Features of one target day when only days before ``cutoff`` are known.

    The second matrix is the recent average for that day as :func:`recent_average` makes it
    at ``cutoff``: spread by ``profiles`` (the weekday profiles of the days before
    ``cutoff``), or interval by interval when ``profiles`` is None.
    """
    rows = _weekday_rows(matrix, usable, weekday, settings.recent_weeks, cutoff)
    if rows.size < 2:
        return None
    block = matrix.volume[rows]
    mean = _recency_mean(block, settings)
    if profiles is not None:
        mean = mean.sum() * profiles[weekday]
    latest = block[-1]
    spread = block.std(axis=0)
    recent = np.flatnonzero(usable[:cutoff])[-28:]
    older = np.flatnonzero(usable[:cutoff])[-56:-28]
    if recent.size and older.size:
        level = np.nansum(matrix.volume[recent]) / recent.size
        level_before = np.nansum(matrix.volume[older]) / older.size
        trend = level / level_before if level_before > 0 else 1.0
    else:
        trend = 1.0
    intervals = matrix.intervals_per_day
    features = np.column_stack(
        [
            np.arange(intervals, dtype=float),
            np.full(intervals, float(weekday)),
            mean,
            np.full(intervals, mean.sum()),
            latest,
            spread,
            np.full(intervals, trend),
            np.full(intervals, float(cutoff - rows[-1])),
            np.full(intervals, float(day - cutoff)),
        ]
    )
    return features, mean[:, None]


# The boosted correction learns from forecasts of this many days made every this many days.
BOOST_HORIZON_DAYS = 14

# Added to the recent average before taking its log, so intervals it puts at 0 stay finite.
POISSON_FLOOR = 0.1


def boosted_correction(
    matrix: DayMatrix, usable: BoolArray, horizon_days: int, settings: MethodSettings
) -> FloatMatrix:
    """Recent average plus a LightGBM model of its error, learnt on past weeks.

    Training pairs are made as in forecasting: the history is cut into two-week horizons
    ending at the origin (the day after the history), and each usable day's recent-average
    features use only the days before its horizon -- so, as in the forecast being made, the
    first horizon day falls on the origin's weekday, and a horizon step pairs with the same
    weekday in training as ahead.  (Cutting at fixed calendar days instead made the
    correction depend on how the origin happened to fall against them.)  With the
    Poisson objective (default) the model learns the log ratio of the actual to the recent
    average (the average is the init score); otherwise the actual minus the average.  The
    average corrected is the :func:`recent_average` member itself -- spread by the intraday
    profile of the days before each training cutoff when that member is profiled -- so a
    model that learns no correction returns exactly that member.
    """
    import lightgbm

    weekdays = weekday_of(matrix)
    first_train = max(0, matrix.days - 7 * settings.boost_weeks)
    poisson = settings.boost_objective == "poisson"
    profiles_at: dict[int, FloatMatrix | None] = {}

    def profiles_before(cutoff: int) -> FloatMatrix | None:
        """The weekday profiles a recent average made at ``cutoff`` would use (cached)."""
        if not settings.recent_average_profiled:
            return None
        if cutoff not in profiles_at:
            seen = matrix.head(cutoff)
            profiles_at[cutoff] = intraday_profiles(seen, usable[:cutoff], settings)
        return profiles_at[cutoff]

    features: list[FloatMatrix] = []
    targets: list[FloatMatrix] = []
    bases: list[FloatMatrix] = []
    for day in range(first_train, matrix.days):
        if not usable[day]:
            continue
        # Horizons of 1 to 14 days, as in a two-week forecast made on the origin's weekday.
        lag = 1 + (day - matrix.days) % BOOST_HORIZON_DAYS
        cutoff = day - lag + 1
        built = _lagged_features(
            matrix, usable, day, int(weekdays[day]), cutoff, settings, profiles_before(cutoff)
        )
        if built is None:
            continue
        feature_block, mean = built
        features.append(feature_block)
        bases.append(mean)
        targets.append(matrix.volume[day][:, None] - (0.0 if poisson else mean))
    base = recent_average(matrix, usable, horizon_days, settings)
    if len(features) < 4 * 7:
        return base
    params = {
        "objective": "poisson" if poisson else "regression",
        "learning_rate": settings.boost_learning_rate,
        "num_leaves": settings.boost_leaves,
        "min_data_in_leaf": settings.boost_min_rows_per_leaf,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "feature_fraction": 0.9,
        "seed": settings.seed,
        "deterministic": True,
        "num_threads": 1,
        "verbose": -1,
    }
    init_score = np.log(np.vstack(bases).ravel() + POISSON_FLOOR) if poisson else None
    data = lightgbm.Dataset(np.vstack(features), np.vstack(targets).ravel(), init_score=init_score)
    model = lightgbm.train(params, data, num_boost_round=settings.boost_trees)
    future_weekdays = _future_weekdays(matrix, horizon_days)
    result = base.copy()
    for step in range(horizon_days):
        built = _lagged_features(
            matrix,
            usable,
            matrix.days + step,
            int(future_weekdays[step]),
            matrix.days,
            settings,
            profiles_before(matrix.days),
        )
        if built is None:
            continue
        feature_block, mean = built
        if poisson:
            raw = np.asarray(model.predict(feature_block, raw_score=True))
            result[step] = (mean[:, 0] + POISSON_FLOOR) * np.exp(raw) - POISSON_FLOOR
        else:
            result[step] = mean[:, 0] + model.predict(feature_block)
    return np.asarray(np.maximum(result, 0.0))
