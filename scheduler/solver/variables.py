"""The variable container of the CP-SAT model, with query methods the rules use.

``x[agent_id, day, template_id]`` is true when the agent works that template on that day. Only
available combinations get a variable (leave, fixed days off, weekdays, nights and locks are
applied at creation), so rules never see impossible shifts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from scheduler.solver.problem import Agent, Problem, ShiftTemplate

Literal = cp_model.IntVar | bool


@dataclass
class Penalty:
    """A named soft-rule term: ``cost`` per unit of ``expr`` in the objective."""

    rule: str
    expr: Any  # a CP-SAT linear expression or an int
    cost: int
    agent_id: str | None = None
    day: int | None = None
    interval: int | None = None
    detail: str = ""


class RosterVariables:
    def __init__(
        self,
        problem: Problem,
        model: cp_model.CpModel,
        *,
        explain: bool = False,
    ) -> None:
        self.problem = problem
        self.model = model
        self.explain = explain
        self.x: dict[tuple[str, int, str], cp_model.IntVar] = {}
        self._by_agent_day: dict[tuple[str, int], list[tuple[ShiftTemplate, cp_model.IntVar]]] = {}
        self._work: dict[tuple[str, int], cp_model.IntVar] = {}
        self._tail: dict[tuple[str, int], ShiftTemplate] = {}
        self.guards: dict[tuple[str, str | None], cp_model.IntVar] = {}
        self.missing_locks: list[tuple[str, int, str]] = []
        # Agents fixed outside this model (large-neighbourhood search): their on-phone counts
        # per (eligible skill groups, interval) and supervisors on duty per interval.
        self.background_on_phone: dict[tuple[frozenset[str], int], int] = {}
        self.background_supervisors: dict[int, int] = {}
        # Filled by the coverage rule: break-start counts per (day, template, agent type).
        self.break_counts: dict[tuple[int, str, frozenset[str]], dict[int, cp_model.IntVar]] = {}
        # Neighbourhood search: coverage (and supervisor coverage) outside [start, end) minutes
        # is fixed, so those intervals are left out of the model.
        self.coverage_window_minutes: tuple[int, int] | None = None
        self.allocation: dict[tuple[frozenset[str], int, str], cp_model.IntVar] = {}
        self._create()

    # -- creation --------------------------------------------------------------------------
    def _create(self) -> None:
        problem = self.problem
        locks = {(ref.agent_id, ref.day): ref.template_id for ref in problem.locked}
        for ref in problem.previous_tail:
            if ref.template_id is not None and ref.day < 0:
                self._tail[(ref.agent_id, ref.day)] = problem.template(ref.template_id)
        for agent in problem.agents:
            for day in range(problem.horizon.num_days):
                options: list[tuple[ShiftTemplate, cp_model.IntVar]] = []
                locked_key = (agent.id, day)
                for template in problem.templates:
                    if locked_key in locks and locks[locked_key] != template.id:
                        continue
                    if not problem.can_work(agent, day, template):
                        continue
                    var = self.model.new_bool_var(f"x[{agent.id},{day},{template.id}]")
                    self.x[(agent.id, day, template.id)] = var
                    options.append((template, var))
                self._by_agent_day[(agent.id, day)] = options
                work = self.model.new_bool_var(f"work[{agent.id},{day}]")
                self.model.add(work == sum(var for _, var in options))
                self._work[(agent.id, day)] = work
                locked_template = locks.get(locked_key, "")
                if locked_key in locks and locked_template is not None and not options:
                    self.missing_locks.append((agent.id, day, locked_template))

    # -- queries ---------------------------------------------------------------------------
    @property
    def agents(self) -> Sequence[Agent]:
        return self.problem.agents

    @property
    def days(self) -> range:
        return range(self.problem.horizon.num_days)

    def _wrap(self, day: int) -> int | None:
        """A horizon day index for ``day``: wrapped when cyclic, None outside otherwise."""
        num_days = self.problem.horizon.num_days
        if self.problem.horizon.cyclic:
            return day % num_days
        return day if 0 <= day < num_days else None

    def shifts(self, agent_id: str, day: int) -> list[tuple[ShiftTemplate, Literal]]:
        """Possible shifts of an agent on a day: variables inside, the fixed tail before."""
        wrapped = self._wrap(day)
        if wrapped is not None:
            return list(self._by_agent_day.get((agent_id, wrapped), []))
        tail = self._tail.get((agent_id, day))
        return [(tail, True)] if tail is not None else []

    def works(self, agent_id: str, day: int) -> cp_model.IntVar | int:
        """1 when the agent works on ``day`` (a constant for days outside the horizon)."""
        wrapped = self._wrap(day)
        if wrapped is not None:
            return self._work[(agent_id, wrapped)]
        return 1 if (agent_id, day) in self._tail else 0

    def tail_days(self, agent_id: str) -> list[int]:
        return sorted(day for (aid, day) in self._tail if aid == agent_id)

    def covering(
        self, agent_id: str, start_minute: int, end_minute: int
    ) -> Iterable[cp_model.IntVar]:
        """Shift variables of the agent whose span overlaps ``[start, end)``."""
        first = start_minute // 1440 - 2
        last = (end_minute - 1) // 1440
        for day in range(first, last + 1):
            for template, var in self.shifts(agent_id, day):
                if isinstance(var, bool):
                    continue
                if template.start_on(day) < end_minute and template.end_on(day) > start_minute:
                    yield var

    def in_window(self, interval: int) -> bool:
        if self.coverage_window_minutes is None:
            return True
        start, end = self.coverage_window_minutes
        minute = interval * self.problem.horizon.interval_minutes
        return start <= minute < end

    # -- hard-rule guards (assumption literals when explaining infeasibility) ---------------
    def guard(self, rule: str, agent_id: str | None = None) -> list[cp_model.IntVar]:
        """Enforcement literals for a hard-rule group; empty unless explaining."""
        if not self.explain:
            return []
        key = (rule, agent_id)
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"guard[{rule},{agent_id}]")
        return [self.guards[key]]

    def add(self, rule: str, constraint: cp_model.Constraint, agent_id: str | None = None) -> None:
        lits = self.guard(rule, agent_id)
        if lits:
            constraint.only_enforce_if(lits)
