"""CP-SAT model of a Curtois & Qu instance: one function per rule of the benchmark.

Hard rules add constraints and return nothing; soft rules return their penalty terms with
readable names, so a solution can say which request or cover line cost what. The weights of the
soft terms come from the instance itself (the benchmark fixes them), so there is no ``Weights``
object here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .parser import Employee, Instance
from .solution import Assignment, Roster


@dataclass(frozen=True)
class Penalty:
    """A soft term: ``weight * expression`` is added to the objective."""

    name: str
    weight: int
    expression: cp_model.LinearExprT


class RosterVariables:
    """The decision variables, addressed by employee id, day and shift id.

    A shift literal exists only where the employee could work that shift that day: none for a
    shift type the employee may never work (MaxShifts 0) or on a fixed day off. On the largest
    instances (150 employees x 364 days x up to 32 shift types) this keeps the model buildable;
    the rules treat a missing literal as the constant 0, and max_shifts_per_type and days_off
    document why it is missing.
    """

    def __init__(self, instance: Instance, model: cp_model.CpModel) -> None:
        self.instance = instance
        self.assigned: dict[tuple[str, int, str], cp_model.IntVar] = {}
        self.working: dict[tuple[str, int], cp_model.IntVar] = {}
        for employee in instance.employees:
            e = employee.employee_id
            allowed = [
                s
                for s in instance.shift_ids
                if employee.max_shifts_of(s, instance.horizon_days) > 0
            ]
            for day in instance.days:
                self.working[e, day] = model.new_bool_var(f"work[{e},{day}]")
                if day in employee.days_off:
                    continue
                for shift_id in allowed:
                    self.assigned[e, day, shift_id] = model.new_bool_var(f"x[{e},{day},{shift_id}]")

    def can_work(self, employee_id: str, day: int, shift_id: str) -> bool:
        return (employee_id, day, shift_id) in self.assigned

    def shift(self, employee_id: str, day: int, shift_id: str) -> cp_model.IntVar:
        """The shift literal; only where can_work() holds."""
        return self.assigned[employee_id, day, shift_id]

    def shift_or_zero(self, employee_id: str, day: int, shift_id: str) -> cp_model.IntVar | int:
        """The shift literal, or 0 where the employee can never work that shift that day."""
        return self.assigned.get((employee_id, day, shift_id), 0)

    def works(self, employee_id: str, day: int) -> cp_model.IntVar:
        return self.working[employee_id, day]

    def day_shifts(self, employee_id: str, day: int) -> list[cp_model.IntVar]:
        return [
            self.assigned[employee_id, day, s]
            for s in self.instance.shift_ids
            if (employee_id, day, s) in self.assigned
        ]

    def roster(self, value: Callable[[cp_model.IntVar], int]) -> Roster:
        """Read a roster from a solver (pass ``solver.value``) or any variable valuation."""
        return Roster(
            frozenset(
                Assignment(e, day, shift_id)
                for (e, day, shift_id), var in self.assigned.items()
                if value(var)
            )
        )


# --- hard rules -------------------------------------------------------------------------------


def one_shift_per_day(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """An employee works at most one shift a day.

    Kind: hard.  Encoding: the shift literals of a day sum to the day's "works" literal.
    Validator: check_one_shift_per_day.
    """
    for employee in instance.employees:
        for day in instance.days:
            e = employee.employee_id
            model.add(sum(x.day_shifts(e, day)) == x.works(e, day))


def forbidden_successions(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """After shift s on day d, none of the shifts listed for s may be worked on day d + 1.

    Kind: hard.  Why: the benchmark's 14-hour minimum rest.
    Encoding: s on day d plus all its forbidden successors on day d + 1 is at most one (stronger
    than pairwise clauses since the successors exclude each other anyway).
    Validator: check_forbidden_successions.
    """
    for employee in instance.employees:
        e = employee.employee_id
        for day in range(instance.horizon_days - 1):
            for shift in instance.shifts:
                if not x.can_work(e, day, shift.shift_id):
                    continue
                followers = [
                    x.shift(e, day + 1, t)
                    for t in sorted(shift.forbidden_next)
                    if x.can_work(e, day + 1, t)
                ]
                if followers:
                    model.add(x.shift(e, day, shift.shift_id) + sum(followers) <= 1)


def max_shifts_per_type(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """Per employee and shift type, at most MaxShifts days of that type (0 = never).

    Kind: hard.  Encoding: a cardinality constraint; MaxShifts 0 creates no literal at all
    (see RosterVariables).  Validator: check_max_shifts_per_type.
    """
    for employee in instance.employees:
        e = employee.employee_id
        for shift_id in instance.shift_ids:
            limit = employee.max_shifts_of(shift_id, instance.horizon_days)
            shifts = [x.shift(e, d, shift_id) for d in instance.days if x.can_work(e, d, shift_id)]
            if len(shifts) > limit:
                model.add(sum(shifts) <= limit)


def total_minutes(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """The minutes an employee works over the horizon lie between their contract's bounds.

    Kind: hard.  Validator: check_total_minutes.
    """
    for employee in instance.employees:
        e = employee.employee_id
        minutes = sum(
            s.length_minutes * x.shift(e, d, s.shift_id)
            for d in instance.days
            for s in instance.shifts
            if x.can_work(e, d, s.shift_id)
        )
        model.add_linear_constraint(minutes, employee.min_total_minutes, employee.max_total_minutes)


def max_consecutive_shifts(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """No employee works more than MaxConsecutiveShifts days in a row.

    Kind: hard.  Encoding: every window of MaxConsecutiveShifts + 1 days holds a day off.
    Validator: check_max_consecutive_shifts.
    """
    for employee in instance.employees:
        e = employee.employee_id
        limit = employee.max_consecutive_shifts
        for start in range(instance.horizon_days - limit):
            model.add(sum(x.works(e, d) for d in range(start, start + limit + 1)) <= limit)


def _forbid_short_runs(
    instance: Instance,
    employee: Employee,
    x: RosterVariables,
    model: cp_model.CpModel,
    *,
    minimum: int,
    working: bool,
) -> None:
    """Forbid runs of `working` (or off) days shorter than `minimum` with the opposite on both
    sides inside the horizon: for each start and short length, one clause."""
    e = employee.employee_id

    def of_kind(day: int) -> cp_model.LiteralT:
        """True when the day is of the run's kind: worked for shift runs, off for off-runs."""
        return x.works(e, day) if working else x.works(e, day).negated()

    def not_of_kind(day: int) -> cp_model.LiteralT:
        return x.works(e, day).negated() if working else x.works(e, day)

    # A run of `length` days from `first` exists iff the day before and the day after are not of
    # the kind and every day inside is: the clause forbids exactly that.
    for length in range(1, minimum):
        for first in range(1, instance.horizon_days - length):
            after = first + length
            clause = [of_kind(first - 1)]
            clause += [not_of_kind(d) for d in range(first, after)]
            clause.append(of_kind(after))
            model.add_bool_or(clause)


def min_consecutive_shifts(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """A run of working days between two days off lasts at least MinConsecutiveShifts days.

    Kind: hard.  Runs touching the first or last day of the horizon are exempt.
    Encoding: one clause per (start, too-short length) forbidding off, work..., off.
    Validator: check_min_consecutive_shifts.
    """
    for employee in instance.employees:
        _forbid_short_runs(
            instance, employee, x, model, minimum=employee.min_consecutive_shifts, working=True
        )


def min_consecutive_days_off(
    instance: Instance, x: RosterVariables, model: cp_model.CpModel
) -> None:
    """A run of days off between two working days lasts at least MinConsecutiveDaysOff days.

    Kind: hard.  Runs touching the first or last day of the horizon are exempt.
    Encoding: one clause per (start, too-short length) forbidding work, off..., work.
    Validator: check_min_consecutive_days_off.
    """
    for employee in instance.employees:
        _forbid_short_runs(
            instance, employee, x, model, minimum=employee.min_consecutive_days_off, working=False
        )


def max_weekends(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """An employee works at most MaxWeekends weekends (Saturday or Sunday counts).

    Kind: hard.  Encoding: a "weekend worked" literal per weekend, equal to the OR of its days.
    Validator: check_max_weekends.
    """
    for employee in instance.employees:
        e = employee.employee_id
        worked = []
        for index, weekend in enumerate(instance.weekends):
            literal = model.new_bool_var(f"weekend[{e},{index}]")
            days = [x.works(e, d) for d in weekend]
            model.add_max_equality(literal, days)
            worked.append(literal)
        if employee.max_weekends < len(worked):
            model.add(sum(worked) <= employee.max_weekends)


def days_off(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> None:
    """No shift on the employee's fixed days off.

    Kind: hard.  Encoding: no shift literal exists on a day off (see RosterVariables) and the
    day's "works" literal is 0.  Validator: check_days_off.
    """
    for employee in instance.employees:
        for day in sorted(employee.days_off):
            if 0 <= day < instance.horizon_days:
                model.add(x.works(employee.employee_id, day) == 0)


HARD_RULES: tuple[Callable[[Instance, RosterVariables, cp_model.CpModel], None], ...] = (
    one_shift_per_day,
    forbidden_successions,
    max_shifts_per_type,
    total_minutes,
    max_consecutive_shifts,
    min_consecutive_shifts,
    min_consecutive_days_off,
    max_weekends,
    days_off,
)


# --- soft rules -------------------------------------------------------------------------------


def shift_on_requests(
    instance: Instance, x: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """An employee asked to work a given shift on a given day; missing it costs its weight."""
    return [
        Penalty(
            f"shift on request {r.employee_id} day {r.day} {r.shift_id}",
            r.weight,
            1 - x.shift_or_zero(r.employee_id, r.day, r.shift_id),
        )
        for r in instance.shift_on_requests
    ]


def shift_off_requests(
    instance: Instance, x: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """An employee asked not to work a given shift on a given day; working it costs its weight."""
    return [
        Penalty(
            f"shift off request {r.employee_id} day {r.day} {r.shift_id}",
            r.weight,
            x.shift_or_zero(r.employee_id, r.day, r.shift_id),
        )
        for r in instance.shift_off_requests
    ]


def cover(instance: Instance, x: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Each (day, shift) wants a number of employees; each one missing or extra costs.

    Encoding: staffed - requirement = over - under with both non-negative; minimising the
    weighted sum makes at most one of them positive.
    """
    penalties = []
    employees = len(instance.employees)
    for c in instance.cover:
        staffed = sum(
            x.shift(e.employee_id, c.day, c.shift_id)
            for e in instance.employees
            if x.can_work(e.employee_id, c.day, c.shift_id)
        )
        under = model.new_int_var(0, c.requirement, f"under[{c.day},{c.shift_id}]")
        over = model.new_int_var(0, employees, f"over[{c.day},{c.shift_id}]")
        model.add(staffed - c.requirement == over - under)
        penalties.append(Penalty(f"cover under day {c.day} {c.shift_id}", c.under_weight, under))
        penalties.append(Penalty(f"cover over day {c.day} {c.shift_id}", c.over_weight, over))
    return penalties


SOFT_RULES: tuple[Callable[[Instance, RosterVariables, cp_model.CpModel], list[Penalty]], ...] = (
    shift_on_requests,
    shift_off_requests,
    cover,
)


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    variables: RosterVariables
    penalties: list[Penalty]

    def objective_expression(self) -> cp_model.LinearExprT:
        return sum(p.weight * p.expression for p in self.penalties)


def build_model(instance: Instance) -> BuiltModel:
    """The full model: every hard rule, and the weighted soft terms as the objective."""
    model = cp_model.CpModel()
    x = RosterVariables(instance, model)
    for hard_rule in HARD_RULES:
        hard_rule(instance, x, model)
    penalties = [p for soft_rule in SOFT_RULES for p in soft_rule(instance, x, model)]
    built = BuiltModel(model, x, penalties)
    model.minimize(built.objective_expression())
    return built
