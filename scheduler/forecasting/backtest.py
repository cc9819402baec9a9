"""Rolling-origin backtest: how well would the forecast have done in the recent past?

Each origin sees only the days before it; its horizon is scored against what happened.  The
last horizon ends on the last day of the history and earlier origins step back by
``step_days``.  Closed days (absent from the history) are not scored.  Accuracy is WAPE, the
sum of absolute errors over the sum of actuals, per origin at interval level and on daily
totals, then averaged over the origins; the seasonal naive forecast (last week repeated) is
scored on the same days for comparison.

Runs without Django::

    python -m scheduler.forecasting.backtest --csv FILE --interval-minutes 30 \
        --horizon-days 14 --origins 4 --step-days 14 --json

where FILE has columns ``start`` and ``calls`` (or ``volume``) at any interval length.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .forecast import Method, SpecialDay, forecast_matrix
from .history import DayMatrix, FloatMatrix, day_matrix
from .methods import MethodSettings, seasonal_naive


@dataclass(frozen=True)
class OriginScore:
    origin_on: str  # first forecast day (ISO date)
    interval_wape: float
    daily_wape: float
    naive_interval_wape: float
    naive_daily_wape: float
    method: str
    fit_seconds: float  # fit and predict of the chosen method at this origin


@dataclass(frozen=True)
class BacktestResult:
    interval_wape: float  # fractions: 0.19 is 19%
    daily_wape: float
    naive_interval_wape: float
    naive_daily_wape: float
    method: str
    seconds: float  # wall time of the whole backtest
    interval_minutes: int
    horizon_days: int
    origins: list[OriginScore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wape(actual: FloatMatrix, predicted: FloatMatrix) -> float:
    """Weighted absolute percentage error as a fraction (NaN when there is nothing to score)."""
    total = float(np.sum(actual))
    if total <= 0:
        return float("nan")
    return float(np.sum(np.abs(actual - predicted)) / total)


def backtest_matrix(
    matrix: DayMatrix,
    *,
    horizon_days: int = 14,
    origins: int = 4,
    step_days: int = 14,
    country: str | None = "CN",
    method: Method = Method.COMBINATION,
    settings: MethodSettings | None = None,
    special_days: Sequence[SpecialDay] = (),
) -> BacktestResult:
    """Rolling-origin backtest on a day matrix (see the module docstring)."""
    if horizon_days < 1 or origins < 1 or step_days < 1:
        raise ValueError("horizon_days, origins and step_days must be >= 1")
    began = time.perf_counter()
    scores: list[OriginScore] = []
    notes: list[str] = []
    methods: list[str] = []
    for k in reversed(range(origins)):
        origin = matrix.days - horizon_days - k * step_days
        if origin < 1:
            raise ValueError(
                f"too little history for {origins} origins of {horizon_days} days "
                f"{step_days} days apart"
            )
        seen = matrix.head(origin)
        actual = matrix.volume[origin : origin + horizon_days]
        scored = ~np.isnan(actual).all(axis=1)
        fit_began = time.perf_counter()
        predicted, used, origin_notes, _kinds = forecast_matrix(
            seen,
            horizon_days=horizon_days,
            country=country,
            method=method,
            settings=settings,
            special_days=special_days,
        )
        fit_seconds = time.perf_counter() - fit_began
        naive = seasonal_naive(seen, horizon_days)
        actual_open = np.nan_to_num(actual[scored])
        origin_on = (seen.first_day + pd.Timedelta(days=origin)).isoformat()
        scores.append(
            OriginScore(
                origin_on=str(origin_on)[:10],
                interval_wape=wape(actual_open, predicted[scored]),
                daily_wape=wape(actual_open.sum(axis=1), predicted[scored].sum(axis=1)),
                naive_interval_wape=wape(actual_open, naive[scored]),
                naive_daily_wape=wape(actual_open.sum(axis=1), naive[scored].sum(axis=1)),
                method=str(used),
                fit_seconds=fit_seconds,
            )
        )
        methods.append(str(used))
        notes.extend(n for n in origin_notes if n not in notes)

    def mean(name: str) -> float:
        values = [getattr(s, name) for s in scores if not np.isnan(getattr(s, name))]
        return float(np.mean(values)) if values else float("nan")

    return BacktestResult(
        interval_wape=mean("interval_wape"),
        daily_wape=mean("daily_wape"),
        naive_interval_wape=mean("naive_interval_wape"),
        naive_daily_wape=mean("naive_daily_wape"),
        method=methods[-1] if len(set(methods)) == 1 else "+".join(dict.fromkeys(methods)),
        seconds=time.perf_counter() - began,
        interval_minutes=matrix.interval_minutes,
        horizon_days=horizon_days,
        origins=scores,
        notes=notes,
    )


def read_history_csv(path: str) -> pd.DataFrame:
    """A ``start,calls`` (or ``start,volume[,aht_seconds]``) file as a history frame."""
    frame = pd.read_csv(path)
    if "start" not in frame.columns:
        raise ValueError(f"{path}: a 'start' column is required")
    if "volume" not in frame.columns:
        if "calls" not in frame.columns:
            raise ValueError(f"{path}: a 'calls' or 'volume' column is required")
        frame = frame.rename(columns={"calls": "volume"})
    frame["start"] = pd.to_datetime(frame["start"], format="ISO8601")
    if frame["start"].duplicated().any():
        raise ValueError(f"{path}: duplicated interval starts")
    return frame


def backtest_csv(
    path: str,
    *,
    interval_minutes: int = 30,
    horizon_days: int = 14,
    origins: int = 4,
    step_days: int = 14,
    country: str | None = "CN",
) -> dict[str, object]:
    """What ``manage.py forecast_backtest --csv FILE ... --json`` prints, as a dict."""
    began = time.perf_counter()
    history = read_history_csv(path)
    matrix = day_matrix(history, interval_minutes=interval_minutes)
    result = backtest_matrix(
        matrix,
        horizon_days=horizon_days,
        origins=origins,
        step_days=step_days,
        country=country,
    )
    payload = result.as_dict()
    payload["seconds"] = time.perf_counter() - began
    return payload


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--csv", required=True, help="file with columns start,calls")
    parser.add_argument("--interval-minutes", type=int, default=30)
    parser.add_argument("--horizon-days", type=int, default=14)
    parser.add_argument("--origins", type=int, default=4)
    parser.add_argument("--step-days", type=int, default=14)
    parser.add_argument("--country", default="CN", help="holiday calendar; 'none' turns it off")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    country = None if args.country.lower() in ("", "none") else args.country
    try:
        payload = backtest_csv(
            args.csv,
            interval_minutes=args.interval_minutes,
            horizon_days=args.horizon_days,
            origins=args.origins,
            step_days=args.step_days,
            country=country,
        )
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(payload))
        return 0
    print(f"method {payload['method']}, {payload['seconds']:.1f} s")
    print(f"{'':12}{'interval WAPE':>15}{'daily WAPE':>12}")
    print(f"{'forecast':12}{payload['interval_wape']:>15.1%}{payload['daily_wape']:>12.1%}")
    print(
        f"{'naive':12}{payload['naive_interval_wape']:>15.1%}{payload['naive_daily_wape']:>12.1%}"
    )
    for note in payload["notes"]:  # type: ignore[attr-defined]
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
