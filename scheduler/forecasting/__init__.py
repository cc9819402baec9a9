"""Interval history -> forecast of volume and handle time (pure: numpy, pandas, statsmodels,
lightgbm; no Django).

Entry points:

- :func:`forecast_make` -- the forecast for a queue: volume and handle time per planning
  interval (15 or 30 minutes) over a horizon (default 6 weeks), with the method used and notes
  (for example a fallback to a simpler method when the history is short).
- :func:`adjustments_apply` -- planners' manual adjustments (percent or absolute change on a
  time range) as a separate layer over a forecast.
- ``scheduler.forecasting.backtest`` (imported on its own so that ``python -m`` runs it
  cleanly): ``backtest_matrix`` / ``backtest_csv`` -- rolling-origin backtest with interval and
  daily WAPE for the chosen method and for seasonal naive.
- :func:`day_matrix` / :func:`history_frame` -- history of any interval length on the planning
  grid.

The default method is an equal-weight combination of five members: three daily-total models
spread over the day by the weekday's intraday profile (Holt-Winters, Theta and the airline
ARIMA, whose daily errors differ), the recent same-weekday average with outlier days dropped,
and a gradient-boosted correction of that average, all fitted with the day-of-month rhythm
divided out.  The intraday profiles are winsorised, so a one-off burst does not shape weeks.
Public holidays and make-up working days come from the `holidays` library (country a
parameter, "CN" by default); planners' events carry a multiplicative uplift.
"""

from .adjustments import Adjustment, adjustments_apply
from .calendar import DayKind, day_kinds
from .forecast import ForecastConfig, ForecastResult, Method, SpecialDay, forecast_make
from .history import DayMatrix, day_matrix, history_frame
from .methods import MethodSettings

__all__ = [
    "Adjustment",
    "DayKind",
    "DayMatrix",
    "ForecastConfig",
    "ForecastResult",
    "Method",
    "MethodSettings",
    "SpecialDay",
    "adjustments_apply",
    "day_kinds",
    "day_matrix",
    "forecast_make",
    "history_frame",
]
