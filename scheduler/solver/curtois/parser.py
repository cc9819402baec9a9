"""Read a Curtois & Qu staff-rostering instance into frozen dataclasses.

The format (Curtois & Qu, 2014) is a text file of ``SECTION_<NAME>`` blocks with comma-separated
rows; ``#`` starts a comment line. Days are integers from 0 (a Monday). Everything here keeps the
benchmark's own string ids for shifts and employees, never list positions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

WEEKEND_DAYS = (5, 6)  # Saturday and Sunday, as offsets in a week that starts on day 0 (Monday)


class InstanceFormatError(ValueError):
    """The file does not follow the benchmark format; the message names the line."""


@dataclass(frozen=True)
class ShiftType:
    shift_id: str
    length_minutes: int
    # Shift ids that may not be worked on the day after this shift (from the 14 h rest rule).
    forbidden_next: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Employee:
    employee_id: str
    # Most days the employee may work each shift type (0 = never); absent ids are unlimited.
    max_shifts: Mapping[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int
    days_off: frozenset[int] = frozenset()

    def max_shifts_of(self, shift_id: str, horizon_days: int) -> int:
        return self.max_shifts.get(shift_id, horizon_days)


@dataclass(frozen=True)
class ShiftRequest:
    """A wish to work (on-request) or not to work (off-request) one shift on one day."""

    employee_id: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class CoverRequirement:
    day: int
    shift_id: str
    requirement: int
    under_weight: int  # cost per employee missing below the requirement
    over_weight: int  # cost per employee above the requirement


@dataclass(frozen=True)
class Instance:
    name: str
    horizon_days: int
    shifts: tuple[ShiftType, ...]
    employees: tuple[Employee, ...]
    shift_on_requests: tuple[ShiftRequest, ...] = ()
    shift_off_requests: tuple[ShiftRequest, ...] = ()
    cover: tuple[CoverRequirement, ...] = ()
    _shift_by_id: dict[str, ShiftType] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_shift_by_id", {s.shift_id: s for s in self.shifts})

    @property
    def days(self) -> range:
        return range(self.horizon_days)

    @property
    def shift_ids(self) -> tuple[str, ...]:
        return tuple(s.shift_id for s in self.shifts)

    @property
    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """Days of each weekend that starts inside the horizon (weekend w = 7w+5 and 7w+6)."""
        result = []
        for week_start in range(0, self.horizon_days, 7):
            days = tuple(week_start + o for o in WEEKEND_DAYS if week_start + o < self.horizon_days)
            if days:
                result.append(days)
        return tuple(result)

    def shift(self, shift_id: str) -> ShiftType:
        return self._shift_by_id[shift_id]


def _rows(lines: Iterable[str]) -> dict[str, list[tuple[int, list[str]]]]:
    """Group non-comment lines under their section header, keeping line numbers for errors."""
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections.setdefault(current, [])
            continue
        if current is None:
            raise InstanceFormatError(f"line {number}: data before any SECTION_ header")
        sections[current].append((number, [cell.strip() for cell in line.split(",")]))
    return sections


def _int(cell: str, number: int) -> int:
    try:
        return int(cell)
    except ValueError:
        raise InstanceFormatError(f"line {number}: expected an integer, got {cell!r}") from None


def _check_width(cells: list[str], width: int, number: int) -> None:
    if len(cells) < width:
        raise InstanceFormatError(f"line {number}: expected {width} fields, got {len(cells)}")


def _split_bar(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def parse_instance_text(text: str, *, name: str = "instance") -> Instance:
    """Parse the text of one instance file."""
    sections = _rows(text.splitlines())

    horizon_rows = sections.get("SECTION_HORIZON", [])
    if len(horizon_rows) != 1:
        raise InstanceFormatError("SECTION_HORIZON must hold exactly one number")
    horizon_days = _int(horizon_rows[0][1][0], horizon_rows[0][0])

    shifts = []
    for number, cells in sections.get("SECTION_SHIFTS", []):
        _check_width(cells, 2, number)
        forbidden = frozenset(_split_bar(cells[2])) if len(cells) > 2 else frozenset()
        shifts.append(ShiftType(cells[0], _int(cells[1], number), forbidden))
    shift_ids = {s.shift_id for s in shifts}
    for shift in shifts:
        unknown = shift.forbidden_next - shift_ids
        if unknown:
            raise InstanceFormatError(f"shift {shift.shift_id}: unknown successors {unknown}")

    days_off: dict[str, set[int]] = {}
    for number, cells in sections.get("SECTION_DAYS_OFF", []):
        days_off.setdefault(cells[0], set()).update(_int(c, number) for c in cells[1:] if c)

    employees = []
    for number, cells in sections.get("SECTION_STAFF", []):
        _check_width(cells, 8, number)
        max_shifts = {}
        for item in _split_bar(cells[1]):
            shift_id, _, limit = item.partition("=")
            if shift_id not in shift_ids:
                raise InstanceFormatError(f"line {number}: unknown shift {shift_id!r}")
            max_shifts[shift_id] = _int(limit, number)
        employees.append(
            Employee(
                employee_id=cells[0],
                max_shifts=max_shifts,
                max_total_minutes=_int(cells[2], number),
                min_total_minutes=_int(cells[3], number),
                max_consecutive_shifts=_int(cells[4], number),
                min_consecutive_shifts=_int(cells[5], number),
                min_consecutive_days_off=_int(cells[6], number),
                max_weekends=_int(cells[7], number),
                days_off=frozenset(days_off.get(cells[0], ())),
            )
        )
    employee_ids = {e.employee_id for e in employees}
    unknown_off = set(days_off) - employee_ids
    if unknown_off:
        raise InstanceFormatError(f"SECTION_DAYS_OFF names unknown employees {unknown_off}")

    def requests(section: str) -> tuple[ShiftRequest, ...]:
        result = []
        for number, cells in sections.get(section, []):
            _check_width(cells, 4, number)
            request = ShiftRequest(
                cells[0], _int(cells[1], number), cells[2], _int(cells[3], number)
            )
            if request.employee_id not in employee_ids or request.shift_id not in shift_ids:
                raise InstanceFormatError(f"line {number}: unknown employee or shift")
            result.append(request)
        return tuple(result)

    cover = []
    for number, cells in sections.get("SECTION_COVER", []):
        _check_width(cells, 5, number)
        if cells[1] not in shift_ids:
            raise InstanceFormatError(f"line {number}: unknown shift {cells[1]!r}")
        cover.append(
            CoverRequirement(
                day=_int(cells[0], number),
                shift_id=cells[1],
                requirement=_int(cells[2], number),
                under_weight=_int(cells[3], number),
                over_weight=_int(cells[4], number),
            )
        )

    return Instance(
        name=name,
        horizon_days=horizon_days,
        shifts=tuple(shifts),
        employees=tuple(employees),
        shift_on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
        shift_off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
        cover=tuple(cover),
    )


def parse_instance(path: str | Path) -> Instance:
    """Read an instance file; the instance is named after the file (``Instance1``)."""
    path = Path(path)
    return parse_instance_text(path.read_text(encoding="utf-8"), name=path.stem)
