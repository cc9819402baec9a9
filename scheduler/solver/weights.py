"""Objective weights, in one place: each field says which trade-off it sets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    # Cost of one agent missing from one interval of one skill group (times the interval's
    # priority). The heaviest term: callers wait when an interval is short.
    under_coverage: int = 100
    # Cost of one agent more than required in one interval: idle paid time. Low, so the
    # engine never leaves a gap to save an over-staffed interval.
    over_coverage: int = 1
    # Multiplier of each preference's own weight; below under-coverage so wishes yield to
    # service, above over-coverage so a wish beats one idle interval.
    preference: int = 5
    # Per unit of spread (max - min over agents, history included) of nights worked.
    fairness_nights: int = 10
    # Per unit of spread of weekends worked.
    fairness_weekends: int = 10
    # Per unit of spread of public holidays worked.
    fairness_holidays: int = 10
    # Per agent-day changed against the published roster (re-solves and repairs): high, so a
    # repair moves few people, but below a handful of uncovered intervals.
    change: int = 300
