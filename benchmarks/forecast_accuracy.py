"""Forecast accuracy on the real Anonymous Bank 1999 data, and fit+predict time.

Run from the project root:  .venv/bin/python benchmarks/forecast_accuracy.py [CSV] [--robustness]
Default CSV: ../shared/datasets/anonymous-bank-1999/calls_6min.csv (read in place, never copied).
Setup (issue 3): 30-minute intervals, 14-day horizon, 4 rolling origins 14 days apart, the last
horizon ending on the file's last day (1999-12-31); default configuration, the same that
`manage.py forecast_backtest --csv FILE` uses.
Targets: interval WAPE <= 19.0%, daily WAPE <= 12% (seasonal naive: 26.1% / 14.8%); fit and
predict for one queue, one year, 14-day horizon <= 2 s.

``--robustness`` also prints the same default on other origins and horizons (8 origins; every
week from April; 7- and 28-day horizons), so that a change is not judged on four origins alone.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CSV = ROOT.parent / "shared" / "datasets" / "anonymous-bank-1999" / "calls_6min.csv"


# (horizon days, origins, step days): other windows of the same year for the robustness check
ROBUSTNESS = ((14, 8, 14), (14, 34, 7), (7, 40, 7), (28, 10, 21))


def main(argv: list[str]) -> int:
    robustness = "--robustness" in argv
    argv = [arg for arg in argv if arg != "--robustness"]
    path = Path(argv[0]) if argv else DEFAULT_CSV
    if not path.exists():
        print(f"{path} not found; pass the CSV path as the first argument.")
        return 1
    began = time.perf_counter()
    from scheduler.forecasting import ForecastConfig, forecast_make
    from scheduler.forecasting.backtest import backtest_csv, read_history_csv

    import_seconds = time.perf_counter() - began
    result = backtest_csv(str(path), interval_minutes=30, horizon_days=14, origins=4, step_days=14)
    print(f"data: {path}")
    print(f"method: {result['method']}; backtest took {result['seconds']:.1f} s")
    print(f"{'':16}{'interval WAPE':>14}{'daily WAPE':>12}")
    print(
        f"{'forecast':16}{result['interval_wape']:>14.2%}{result['daily_wape']:>12.2%}"
        "   (targets <= 19.0% / 12%)"
    )
    print(
        f"{'seasonal naive':16}{result['naive_interval_wape']:>14.2%}"
        f"{result['naive_daily_wape']:>12.2%}"
    )
    for origin in result["origins"]:  # type: ignore[attr-defined]
        print(
            f"  origin {origin['origin_on']}: {origin['interval_wape']:.1%} / "
            f"{origin['daily_wape']:.1%}   naive {origin['naive_interval_wape']:.1%} / "
            f"{origin['naive_daily_wape']:.1%}"
        )
    for note in result["notes"]:  # type: ignore[attr-defined]
        print(f"  note: {note}")

    if robustness:
        from scheduler.forecasting import day_matrix
        from scheduler.forecasting.backtest import backtest_matrix

        matrix = day_matrix(read_history_csv(str(path)), interval_minutes=30)
        for horizon, count, step in ROBUSTNESS:
            check = backtest_matrix(matrix, horizon_days=horizon, origins=count, step_days=step)
            print(
                f"robustness: horizon {horizon} d, {count} origins {step} d apart: "
                f"{check.interval_wape:.2%} / {check.daily_wape:.2%}   naive "
                f"{check.naive_interval_wape:.2%} / {check.naive_daily_wape:.2%}"
            )

    history = read_history_csv(str(path))
    config = ForecastConfig(interval_minutes=30, horizon_days=14)
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        forecast_make(history=history, config=config)
        timings.append(time.perf_counter() - began)
    print(
        f"fit+predict, one queue, {history['start'].dt.date.nunique()} days of "
        f"interval history, 14-day horizon: best {min(timings):.2f} s, first {timings[0]:.2f} s "
        f"(target <= 2 s; library imports {import_seconds:.2f} s once per process)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
