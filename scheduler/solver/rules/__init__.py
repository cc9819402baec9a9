"""Business rules of the roster, one function each, in two registries.

A rule is ``rule(problem, v, model) -> list[Penalty]``: hard rules add constraints and return
nothing; soft rules return named penalty terms. ``validation.py`` has a ``check_<rule>`` for
every registered name, and a guard test checks each has its own test file.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.solver.problem import Problem
from scheduler.solver.rules import hard, soft
from scheduler.solver.variables import Penalty, RosterVariables

Rule = Callable[[Problem, RosterVariables, cp_model.CpModel], list[Penalty]]

HARD_RULES: dict[str, Rule] = {
    "one_shift_per_day": hard.one_shift_per_day,
    "availability": hard.availability,
    "min_rest_between_shifts": hard.min_rest_between_shifts,
    "max_consecutive_days": hard.max_consecutive_days,
    "days_off_together": hard.days_off_together,
    "contract_hours": hard.contract_hours,
    "max_nights_per_28_days": hard.max_nights_per_28_days,
    "max_weekends_per_28_days": hard.max_weekends_per_28_days,
    "supervisor_coverage": hard.supervisor_coverage,
    "forward_rotation": hard.forward_rotation,
    "start_time_band": hard.start_time_band,
    "locked_assignments": hard.locked_assignments,
    "notice_window": hard.notice_window,
}

SOFT_RULES: dict[str, Rule] = {
    "coverage": soft.coverage,
    "preferences": soft.preferences,
    "fairness": soft.fairness,
    "changes_vs_previous": soft.changes_vs_previous,
}

__all__ = ["HARD_RULES", "SOFT_RULES", "Rule"]
