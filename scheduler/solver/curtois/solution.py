"""A roster for a Curtois & Qu instance: who works which shift on which day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Assignment:
    employee_id: str
    day: int
    shift_id: str


@dataclass(frozen=True)
class Roster:
    """A set of assignments; a day with no assignment is a day off.

    Kept as a flat set (not one shift per cell) so that a roster breaking "one shift a day" can
    still be represented and reported by the validator.
    """

    assignments: frozenset[Assignment]
    _by_cell: dict[tuple[str, int], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_cell: dict[tuple[str, int], list[str]] = {}
        for a in sorted(self.assignments, key=lambda a: (a.employee_id, a.day, a.shift_id)):
            by_cell.setdefault((a.employee_id, a.day), []).append(a.shift_id)
        object.__setattr__(self, "_by_cell", {k: tuple(v) for k, v in by_cell.items()})

    @classmethod
    def from_grid(cls, grid: Mapping[str, Iterable[str | None]]) -> Roster:
        """Build from ``{employee_id: [shift_id or None per day]}``."""
        return cls(
            frozenset(
                Assignment(employee_id, day, shift_id)
                for employee_id, row in grid.items()
                for day, shift_id in enumerate(row)
                if shift_id is not None
            )
        )

    def shifts_on(self, employee_id: str, day: int) -> tuple[str, ...]:
        """Every shift the employee holds that day (more than one only in a broken roster)."""
        return self._by_cell.get((employee_id, day), ())

    def shift_on(self, employee_id: str, day: int) -> str | None:
        shifts = self.shifts_on(employee_id, day)
        return shifts[0] if shifts else None

    def works(self, employee_id: str, day: int) -> bool:
        return (employee_id, day) in self._by_cell

    def grid(self, employee_ids: Iterable[str], horizon_days: int) -> dict[str, list[str | None]]:
        return {e: [self.shift_on(e, d) for d in range(horizon_days)] for e in employee_ids}
