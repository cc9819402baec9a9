"""Planners' manual adjustments: a separate layer laid over a statistical forecast.

The base forecast is never edited; :func:`adjustments_apply` returns the adjusted volumes next
to it, so a new forecast version can re-apply the same adjustments and the planner can see what
the statistics said.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Adjustment:
    """A change to the forecast volume on the intervals starting in ``[start, end)``.

    Exactly one of ``percent`` (+10 = ten percent more, -100 = nothing) or ``absolute_change``
    (contacts added over the whole range, negative to remove) is given.  An absolute change is
    spread over the range in proportion to the forecast (evenly where the forecast is zero),
    so the intraday shape is kept.  Adjustments apply in the order given; the result is never
    below zero.
    """

    start: dt.datetime
    end: dt.datetime
    percent: float | None = None
    absolute_change: float | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("an adjustment ends after it starts")
        if (self.percent is None) == (self.absolute_change is None):
            raise ValueError("give exactly one of percent and absolute_change")
        if self.percent is not None and self.percent < -100:
            raise ValueError("percent must be >= -100")


def adjustments_apply(forecast: pd.DataFrame, adjustments: Sequence[Adjustment]) -> pd.DataFrame:
    """Copy of ``forecast`` (columns start, volume, ...) with ``base_volume`` and ``volume``.

    ``base_volume`` is the statistical forecast, ``volume`` the adjusted one.
    """
    result = forecast.copy()
    base = result["volume"].to_numpy(dtype=float)
    result["base_volume"] = base
    adjusted = base.copy()
    starts = pd.to_datetime(result["start"]).to_numpy()
    for adjustment in adjustments:
        inside = (starts >= np.datetime64(adjustment.start)) & (
            starts < np.datetime64(adjustment.end)
        )
        if not inside.any():
            continue
        if adjustment.percent is not None:
            adjusted[inside] *= 1.0 + adjustment.percent / 100.0
        else:
            assert adjustment.absolute_change is not None
            current = adjusted[inside]
            total = current.sum()
            even = np.full(current.shape, 1.0 / current.size)
            weights = current / total if total > 0 else even
            adjusted[inside] = current + adjustment.absolute_change * weights
        np.maximum(adjusted, 0.0, out=adjusted)
    result["volume"] = adjusted
    return result
