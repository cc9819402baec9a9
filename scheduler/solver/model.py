"""Builds the CP-SAT model of a Problem: variables, every registered rule, the objective."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solver.problem import Problem
from scheduler.solver.rules import HARD_RULES, SOFT_RULES
from scheduler.solver.solution import Assignment
from scheduler.solver.variables import Penalty, RosterVariables


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    v: RosterVariables
    penalties: list[Penalty]


def build_model(
    problem: Problem,
    *,
    explain: bool = False,
    background_on_phone: dict[tuple[frozenset[str], int], int] | None = None,
    background_supervisors: dict[int, int] | None = None,
    skip_rules: frozenset[str] = frozenset(),
    coverage_window_minutes: tuple[int, int] | None = None,
) -> BuiltModel:
    model = cp_model.CpModel()
    v = RosterVariables(problem, model, explain=explain)
    v.background_on_phone = dict(background_on_phone or {})
    v.background_supervisors = dict(background_supervisors or {})
    v.coverage_window_minutes = coverage_window_minutes
    for name, rule in HARD_RULES.items():
        if name not in skip_rules:
            rule(problem, v, model)
    penalties: list[Penalty] = []
    for name, rule in SOFT_RULES.items():
        if name not in skip_rules:
            penalties.extend(rule(problem, v, model))
    model.minimize(sum(p.cost * p.expr for p in penalties))
    return BuiltModel(model, v, penalties)


def read_assignments(
    problem: Problem, built: BuiltModel, solver: cp_model.CpSolver
) -> list[Assignment]:
    """The shifts of a solved model, with break starts handed out from the break counts."""
    v = built.v
    kinds = {a.id: problem.eligible_groups(a) for a in problem.agents}
    working: dict[tuple[int, str, frozenset[str]], list[str]] = defaultdict(list)
    chosen = []
    for (agent_id, day, template_id), var in v.x.items():
        if solver.boolean_value(var):
            chosen.append((agent_id, day, template_id))
            working[(day, template_id, kinds[agent_id])].append(agent_id)
    breaks: dict[tuple[str, int], int] = {}
    for key, agents in working.items():
        counts = v.break_counts.get(key)
        if not counts:
            continue
        day, template_id, _ = key
        template = problem.template(template_id)
        offsets = [o for o, var in sorted(counts.items()) for _ in range(solver.value(var))]
        fallback = template.break_offsets(problem.horizon.interval_minutes)
        for index, agent_id in enumerate(sorted(agents)):
            offset = offsets[index] if index < len(offsets) else fallback[0]
            breaks[(agent_id, day)] = template.start_on(day) + offset
    result = []
    for agent_id, day, template_id in sorted(chosen):
        template = problem.template(template_id)
        break_start = breaks.get((agent_id, day))
        if break_start is None and template.break_minutes:
            offsets = template.break_offsets(problem.horizon.interval_minutes)
            break_start = template.start_on(day) + offsets[0]
        result.append(
            Assignment(
                agent_id,
                day,
                template_id,
                template.start_on(day),
                template.end_on(day),
                break_start,
            )  # fmt: skip
        )
    return result
