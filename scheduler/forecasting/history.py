"""Interval history -> a day x interval matrix, the shape every method works on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatMatrix = npt.NDArray[np.float64]

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class DayMatrix:
    """History on a regular grid: one row per calendar day, one column per planning interval.

    Days absent from the input are closed days: their rows are NaN and no method learns from
    them or is scored on them.  Within a day that has data, intervals absent from the input
    had no contacts (0).
    """

    first_day: dt.date
    interval_minutes: int
    volume: FloatMatrix  # days x intervals, NaN on closed days
    aht_seconds: FloatMatrix  # days x intervals, NaN where no handle time is known

    @property
    def days(self) -> int:
        return int(self.volume.shape[0])

    @property
    def intervals_per_day(self) -> int:
        return int(self.volume.shape[1])

    @property
    def dates(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=i) for i in range(self.days)]

    @property
    def open_days(self) -> npt.NDArray[np.bool_]:
        return np.asarray(~np.isnan(self.volume).all(axis=1))

    def head(self, days: int) -> DayMatrix:
        """The first ``days`` days: what a forecast made at that origin may see."""
        return DayMatrix(
            self.first_day, self.interval_minutes, self.volume[:days], self.aht_seconds[:days]
        )


def history_frame(
    starts: pd.Series | pd.DatetimeIndex | list[object],
    volume: npt.ArrayLike,
    aht_seconds: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """A history frame (columns start, volume, aht_seconds) from parallel sequences."""
    frame = pd.DataFrame({"start": pd.to_datetime(pd.Series(starts)).to_numpy()})
    frame["volume"] = np.asarray(volume, dtype=float)
    frame["aht_seconds"] = np.nan if aht_seconds is None else np.asarray(aht_seconds, dtype=float)
    return frame


def day_matrix(history: pd.DataFrame, *, interval_minutes: int) -> DayMatrix:
    """Aggregate interval history of any length (5, 6, 10, 15, 30, 60 min) to the planning grid.

    ``history`` has columns ``start`` (local wall-clock time, naive; an aware time keeps its
    wall-clock reading), ``volume`` and optionally ``aht_seconds`` (averaged weighted by
    volume).  A source interval is credited to the planning interval its start falls in.
    """
    if MINUTES_PER_DAY % interval_minutes:
        raise ValueError("interval_minutes must divide a day")
    if history.empty:
        raise ValueError("history is empty")
    starts = pd.to_datetime(history["start"])
    if getattr(starts.dt, "tz", None) is not None:
        starts = starts.dt.tz_localize(None)
    volume = pd.to_numeric(history["volume"], errors="raise").astype(float).to_numpy()
    if np.any(~np.isfinite(volume)) or np.any(volume < 0):
        raise ValueError("volume must be finite and >= 0")
    if "aht_seconds" in history:
        aht = pd.to_numeric(history["aht_seconds"], errors="coerce").astype(float).to_numpy()
    else:
        aht = np.full(volume.shape, np.nan)
    day_index = starts.dt.normalize()
    first = day_index.min()
    day_number = ((day_index - first) // pd.Timedelta(days=1)).to_numpy().astype(np.int64)
    minute = (starts.dt.hour * 60 + starts.dt.minute).to_numpy()
    slot = (minute // interval_minutes).astype(np.int64)
    days = int(day_number.max()) + 1
    slots = MINUTES_PER_DAY // interval_minutes
    matrix = np.full((days, slots), np.nan)
    open_days = np.unique(day_number)
    matrix[open_days] = 0.0
    np.add.at(matrix, (day_number, slot), volume)
    known = np.isfinite(aht) & (volume > 0)
    work = np.zeros((days, slots))
    counted = np.zeros((days, slots))
    np.add.at(work, (day_number[known], slot[known]), aht[known] * volume[known])
    np.add.at(counted, (day_number[known], slot[known]), volume[known])
    with np.errstate(invalid="ignore", divide="ignore"):
        aht_matrix = np.where(counted > 0, work / counted, np.nan)
    return DayMatrix(first.date(), interval_minutes, matrix, aht_matrix)
