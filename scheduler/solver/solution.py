"""The typed result of a solve: status, assignments, coverage, penalties, figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven best for the objective
    FEASIBLE = "feasible"  # a valid roster, not proven best within the limit
    INFEASIBLE = "infeasible"  # no roster satisfies the hard rules; see Solution.infeasibility
    TIMED_OUT = "timed_out"  # the limit ran out before any roster was found


@dataclass(frozen=True)
class Assignment:
    agent_id: str
    day: int
    template_id: str
    start_minute: int  # from the horizon start
    end_minute: int
    break_start_minute: int | None = None
    # Minutes spent on each skill group during the shift: ((skill_group_id, minutes), ...).
    allocation: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CoverageRow:
    skill_group_id: str
    interval: int
    start_minute: int
    required: int
    staffed: int

    @property
    def under(self) -> int:
        return max(0, self.required - self.staffed)

    @property
    def over(self) -> int:
        return max(0, self.staffed - self.required)


@dataclass(frozen=True)
class PenaltyItem:
    rule: str
    cost: int
    agent_id: str | None = None
    day: int | None = None
    interval: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Conflict:
    """One reason the hard rules cannot all hold."""

    rules: tuple[str, ...]
    message: str
    days: tuple[int, ...] = ()
    agent_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class InfeasibilityReport:
    conflicts: tuple[Conflict, ...]
    # Cheapest relaxations found: each names a rule group whose removal makes it feasible.
    relaxations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    agent_id: str
    day: int
    before: str | None  # template id, None = day off
    after: str | None


@dataclass(frozen=True)
class Figures:
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None  # (objective - bound) / objective
    seconds: float = 0.0
    first_feasible_seconds: float | None = None
    lp_bound: float | None = None  # LP bound of the coverage cost, when computed
    mode: str = ""


@dataclass(frozen=True)
class Solution:
    status: SolveStatus
    assignments: tuple[Assignment, ...] = ()
    coverage: tuple[CoverageRow, ...] = ()
    penalties: tuple[PenaltyItem, ...] = ()
    figures: Figures = field(default_factory=Figures)
    infeasibility: InfeasibilityReport | None = None
    changes: tuple[Change, ...] = ()  # diff against Problem.previous_roster

    @property
    def has_roster(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def penalty_total(self, rule: str | None = None) -> int:
        return sum(p.cost for p in self.penalties if rule is None or p.rule == rule)

    def coverage_cost(self, under_weight: int = 100, over_weight: int = 1) -> int:
        return sum(under_weight * row.under + over_weight * row.over for row in self.coverage)

    def by_agent_day(self) -> dict[tuple[str, int], Assignment]:
        return {(a.agent_id, a.day): a for a in self.assignments}
