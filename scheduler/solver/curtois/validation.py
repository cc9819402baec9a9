"""Solver-independent check of a Curtois & Qu roster and its objective.

Nothing here imports OR-Tools: every hard rule is re-checked from the roster alone (one
``check_<rule>`` per rule of the benchmark README) and the objective is recomputed exactly as the
benchmark defines it, so a bug in the model cannot hide behind its own objective value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .parser import Employee, Instance
from .solution import Roster


@dataclass(frozen=True)
class Violation:
    rule: str  # name of the check_<rule> function without the prefix
    employee_id: str | None
    day: int | None
    message: str


@dataclass(frozen=True)
class PenaltyCost:
    """One soft term of the objective with what it cost in this roster."""

    name: str
    cost: int


@dataclass(frozen=True)
class ValidationReport:
    violations: tuple[Violation, ...]
    objective: int
    penalties: tuple[PenaltyCost, ...]  # only the terms that cost something

    @property
    def valid(self) -> bool:
        return not self.violations


def _working_runs(
    roster: Roster, employee: Employee, horizon_days: int, *, working: bool
) -> Iterator[tuple[int, int]]:
    """Yield (first_day, last_day) of each maximal run of working (or off) days."""
    start: int | None = None
    for day in range(horizon_days):
        if roster.works(employee.employee_id, day) == working:
            if start is None:
                start = day
        elif start is not None:
            yield start, day - 1
            start = None
    if start is not None:
        yield start, horizon_days - 1


def check_roster_shape(instance: Instance, roster: Roster) -> list[Violation]:
    """Assignments name known employees and shifts and fall inside the horizon."""
    employee_ids = {e.employee_id for e in instance.employees}
    shift_ids = set(instance.shift_ids)
    violations = []
    for a in sorted(roster.assignments, key=lambda a: (a.employee_id, a.day, a.shift_id)):
        if a.employee_id not in employee_ids:
            violations.append(Violation("roster_shape", a.employee_id, a.day, "unknown employee"))
        if a.shift_id not in shift_ids:
            violations.append(
                Violation("roster_shape", a.employee_id, a.day, f"unknown shift {a.shift_id}")
            )
        if not 0 <= a.day < instance.horizon_days:
            violations.append(Violation("roster_shape", a.employee_id, a.day, "outside horizon"))
    return violations


def check_one_shift_per_day(instance: Instance, roster: Roster) -> list[Violation]:
    """An employee works at most one shift a day."""
    violations = []
    for employee in instance.employees:
        for day in instance.days:
            shifts = roster.shifts_on(employee.employee_id, day)
            if len(shifts) > 1:
                violations.append(
                    Violation(
                        "one_shift_per_day",
                        employee.employee_id,
                        day,
                        f"{len(shifts)} shifts: {', '.join(shifts)}",
                    )
                )
    return violations


def check_forbidden_successions(instance: Instance, roster: Roster) -> list[Violation]:
    """After shift s on day d, none of the shifts forbidden after s on day d + 1."""
    violations = []
    for employee in instance.employees:
        for day in range(instance.horizon_days - 1):
            for shift_id in roster.shifts_on(employee.employee_id, day):
                forbidden = instance.shift(shift_id).forbidden_next
                for next_id in roster.shifts_on(employee.employee_id, day + 1):
                    if next_id in forbidden:
                        violations.append(
                            Violation(
                                "forbidden_successions",
                                employee.employee_id,
                                day,
                                f"{shift_id} on day {day} followed by {next_id}",
                            )
                        )
    return violations


def check_max_shifts_per_type(instance: Instance, roster: Roster) -> list[Violation]:
    """Per employee and shift type, at most MaxShifts days of that type."""
    violations = []
    for employee in instance.employees:
        for shift_id in instance.shift_ids:
            count = sum(
                shift_id in roster.shifts_on(employee.employee_id, d) for d in instance.days
            )
            limit = employee.max_shifts_of(shift_id, instance.horizon_days)
            if count > limit:
                violations.append(
                    Violation(
                        "max_shifts_per_type",
                        employee.employee_id,
                        None,
                        f"{count} {shift_id} shifts, at most {limit}",
                    )
                )
    return violations


def check_total_minutes(instance: Instance, roster: Roster) -> list[Violation]:
    """Total minutes worked lie between MinTotalMinutes and MaxTotalMinutes."""
    violations = []
    for employee in instance.employees:
        minutes = sum(
            instance.shift(s).length_minutes
            for d in instance.days
            for s in roster.shifts_on(employee.employee_id, d)
        )
        if not employee.min_total_minutes <= minutes <= employee.max_total_minutes:
            violations.append(
                Violation(
                    "total_minutes",
                    employee.employee_id,
                    None,
                    f"{minutes} minutes, allowed {employee.min_total_minutes}"
                    f"-{employee.max_total_minutes}",
                )
            )
    return violations


def check_max_consecutive_shifts(instance: Instance, roster: Roster) -> list[Violation]:
    """No run of working days longer than MaxConsecutiveShifts."""
    violations = []
    for employee in instance.employees:
        for first, last in _working_runs(roster, employee, instance.horizon_days, working=True):
            if last - first + 1 > employee.max_consecutive_shifts:
                violations.append(
                    Violation(
                        "max_consecutive_shifts",
                        employee.employee_id,
                        first,
                        f"{last - first + 1} days worked in a row from day {first},"
                        f" at most {employee.max_consecutive_shifts}",
                    )
                )
    return violations


def check_min_consecutive_shifts(instance: Instance, roster: Roster) -> list[Violation]:
    """A run of working days not touching the horizon's ends lasts MinConsecutiveShifts days."""
    violations = []
    last_day = instance.horizon_days - 1
    for employee in instance.employees:
        for first, last in _working_runs(roster, employee, instance.horizon_days, working=True):
            if first > 0 and last < last_day and last - first + 1 < employee.min_consecutive_shifts:
                violations.append(
                    Violation(
                        "min_consecutive_shifts",
                        employee.employee_id,
                        first,
                        f"{last - first + 1} days worked in a row from day {first},"
                        f" at least {employee.min_consecutive_shifts}",
                    )
                )
    return violations


def check_min_consecutive_days_off(instance: Instance, roster: Roster) -> list[Violation]:
    """A run of days off not touching the horizon's ends lasts MinConsecutiveDaysOff days."""
    violations = []
    last_day = instance.horizon_days - 1
    for employee in instance.employees:
        for first, last in _working_runs(roster, employee, instance.horizon_days, working=False):
            if (
                first > 0
                and last < last_day
                and last - first + 1 < employee.min_consecutive_days_off
            ):
                violations.append(
                    Violation(
                        "min_consecutive_days_off",
                        employee.employee_id,
                        first,
                        f"{last - first + 1} days off in a row from day {first},"
                        f" at least {employee.min_consecutive_days_off}",
                    )
                )
    return violations


def check_max_weekends(instance: Instance, roster: Roster) -> list[Violation]:
    """At most MaxWeekends weekends worked (either day of the weekend counts)."""
    violations = []
    for employee in instance.employees:
        worked = sum(
            any(roster.works(employee.employee_id, d) for d in weekend)
            for weekend in instance.weekends
        )
        if worked > employee.max_weekends:
            violations.append(
                Violation(
                    "max_weekends",
                    employee.employee_id,
                    None,
                    f"{worked} weekends worked, at most {employee.max_weekends}",
                )
            )
    return violations


def check_days_off(instance: Instance, roster: Roster) -> list[Violation]:
    """No shift on the employee's listed days off."""
    return [
        Violation("days_off", employee.employee_id, day, f"works on fixed day off {day}")
        for employee in instance.employees
        for day in sorted(employee.days_off)
        if roster.works(employee.employee_id, day)
    ]


HARD_RULE_CHECKS: tuple[Callable[[Instance, Roster], list[Violation]], ...] = (
    check_roster_shape,
    check_one_shift_per_day,
    check_forbidden_successions,
    check_max_shifts_per_type,
    check_total_minutes,
    check_max_consecutive_shifts,
    check_min_consecutive_shifts,
    check_min_consecutive_days_off,
    check_max_weekends,
    check_days_off,
)


def objective_penalties(instance: Instance, roster: Roster) -> list[PenaltyCost]:
    """Every soft term of the benchmark objective that costs something in this roster."""
    penalties = []
    for r in instance.shift_on_requests:
        if roster.shifts_on(r.employee_id, r.day) != (r.shift_id,):
            penalties.append(
                PenaltyCost(f"shift on request {r.employee_id} day {r.day} {r.shift_id}", r.weight)
            )
    for r in instance.shift_off_requests:
        if r.shift_id in roster.shifts_on(r.employee_id, r.day):
            penalties.append(
                PenaltyCost(f"shift off request {r.employee_id} day {r.day} {r.shift_id}", r.weight)
            )
    for c in instance.cover:
        staffed = sum(
            c.shift_id in roster.shifts_on(e.employee_id, c.day) for e in instance.employees
        )
        if staffed < c.requirement:
            penalties.append(
                PenaltyCost(
                    f"cover under day {c.day} {c.shift_id} ({staffed}/{c.requirement})",
                    c.under_weight * (c.requirement - staffed),
                )
            )
        elif staffed > c.requirement:
            penalties.append(
                PenaltyCost(
                    f"cover over day {c.day} {c.shift_id} ({staffed}/{c.requirement})",
                    c.over_weight * (staffed - c.requirement),
                )
            )
    return penalties


def check_roster(instance: Instance, roster: Roster) -> ValidationReport:
    """Check every hard rule and recompute the objective."""
    violations = [v for check in HARD_RULE_CHECKS for v in check(instance, roster)]
    penalties = objective_penalties(instance, roster)
    return ValidationReport(
        violations=tuple(violations),
        objective=sum(p.cost for p in penalties),
        penalties=tuple(penalties),
    )
