"""Rotation patterns: crews cycle through a multi-week pattern (a week of earlies, a week of
lates, a week of nights, the days off moving), the classic rotating roster.

The horizon is the rotation's cycle (``cyclic``, a whole number of weeks W): a *pattern* is W
weekly lines (days off as one block, one template per week) whose last week runs into its
first. A crew follows a pattern from one of its W weeks (its *offset*), so crew rows are the
pattern shifted by whole weeks and every row repeats on itself. The engine generates the
patterns that keep every per-agent rule (checked with ``lines.agent_valid`` on the cyclic
row), then an integer program over OR-Tools' MIP backend chooses the patterns, offsets and
crew sizes for the coverage objective; named agents take the crew rows and the result goes
through ``check_roster`` like any other roster.

Scope: interchangeable agents (one contract, one skill set), as for ``crews``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from itertools import product
from typing import Any

from ortools.linear_solver import pywraplp

from scheduler.solver import evaluate
from scheduler.solver.config import SolverConfig
from scheduler.solver.crews import interchangeable_reason
from scheduler.solver.lines import agent_valid
from scheduler.solver.problem import Problem, RotationClass, ShiftTemplate
from scheduler.solver.solution import Assignment, Figures, Solution, SolveStatus
from scheduler.solver.solve import finish

Pattern = tuple[tuple[int, str], ...]  # per week: (first day off within the week, template)


def rotation_supported(problem: Problem) -> str | None:
    horizon = problem.horizon
    if not horizon.cyclic or horizon.num_days % 7 or horizon.num_days < 14:
        return "rotation patterns need a cyclic horizon of two or more whole weeks"
    return interchangeable_reason(problem)


def _class_templates(problem: Problem, per_class: int) -> list[list[ShiftTemplate]]:
    """A few templates of each rotation class, spread over the class's start times."""
    by_class: dict[RotationClass, list[ShiftTemplate]] = defaultdict(list)
    for t in sorted(problem.templates, key=lambda t: t.start_minute):
        by_class[t.rotation_class].append(t)
    chosen = []
    for cls in RotationClass:
        items = by_class.get(cls, [])
        if len(items) > per_class:
            step = len(items) / per_class
            items = [items[int(k * step)] for k in range(per_class)]
        chosen.append(items)
    return chosen


def candidate_patterns(problem: Problem, per_class: int = 3) -> list[Pattern]:
    """Forward-rotating patterns (weeks of one class in early -> late -> night order, cycling)
    and single-class patterns, with days off fixed or moving a day a week; only those whose
    rows keep every per-agent rule are returned."""
    weeks = problem.horizon.num_days // 7
    agent = problem.agents[0]
    classes = [c for c in _class_templates(problem, per_class) if c]
    class_orders: list[list[list[ShiftTemplate]]] = []
    for start in range(len(classes)):
        order = [classes[(start + k) % len(classes)] for k in range(weeks)]
        class_orders.append(order)
    for single in classes:
        class_orders.append([single] * weeks)
    weekends = evaluate.weekends_of(problem)
    patterns: list[Pattern] = []
    seen: set[Pattern] = set()
    for order in class_orders:
        for templates in product(*order):
            for first_off in range(6):
                for drift in (0, 1):
                    pattern = tuple(
                        ((first_off + drift * k) % 6, templates[k].id) for k in range(weeks)
                    )
                    if pattern in seen:
                        continue
                    seen.add(pattern)
                    shifts = _row(problem, pattern, 0)
                    total = problem.horizon.num_days
                    tail = {d - total: t for d, t in shifts.items() if d >= total - 3}
                    if agent_valid(problem, agent, shifts, tail, weekends, {}):
                        patterns.append(pattern)
    return patterns


def _row(problem: Problem, pattern: Pattern, offset: int) -> dict[int, ShiftTemplate]:
    """The shifts of a crew that starts the pattern at week ``offset``."""
    weeks = len(pattern)
    shifts = {}
    for week in range(weeks):
        first_off, template_id = pattern[(week + offset) % weeks]
        template = problem.template(template_id)
        for k in range(7):
            if k in (first_off, first_off + 1):
                continue
            day = week * 7 + k
            if problem.can_work(problem.agents[0], day, template):
                shifts[day] = template
    return shifts


def solve_rotation(problem: Problem, config: SolverConfig, per_class: int = 3) -> Solution:
    started = time.monotonic()
    reason = rotation_supported(problem)
    if reason is not None:
        raise ValueError(reason)
    horizon = problem.horizon
    weeks = horizon.num_days // 7
    patterns = candidate_patterns(problem, per_class)
    if not patterns:
        return Solution(SolveStatus.INFEASIBLE, figures=Figures(mode="rotation"))
    num_agents = len(problem.agents)
    solver = pywraplp.Solver.CreateSolver(config.mip_backend) or pywraplp.Solver.CreateSolver(
        "CP_SAT"
    )
    crews: dict[tuple[int, int], Any] = {}
    counts: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for index, pattern in enumerate(patterns):
        for offset in range(weeks):
            var = solver.IntVar(0, num_agents, "")
            crews[(index, offset)] = var
            for day, template in _row(problem, pattern, offset).items():
                counts[(day, template.id)].append(var)
    solver.Add(solver.Sum(list(crews.values())) == num_agents)
    plus: dict[int, list[Any]] = defaultdict(list)
    minus: dict[int, list[Any]] = defaultdict(list)
    length = horizon.interval_minutes
    for (day, template_id), parts in counts.items():
        template = problem.template(template_id)
        for i in horizon.intervals_between(template.start_on(day), template.end_on(day)):
            plus[i].extend(parts)
        offsets = template.break_offsets(length)
        if offsets:
            breaks = [solver.IntVar(0, num_agents, "") for _ in offsets]
            solver.Add(solver.Sum(breaks) == solver.Sum(parts))
            for offset, part in zip(offsets, breaks, strict=True):
                begin = template.start_on(day) + offset
                for i in horizon.intervals_between(begin, begin + template.break_minutes):
                    minus[i].append(part)
    weights = problem.weights
    objective = []
    for i, need in enumerate(problem.total_required()):
        under = solver.NumVar(0, max(0, need), "")
        over = solver.NumVar(0, num_agents, "")
        solver.Add(solver.Sum(plus[i]) - solver.Sum(minus[i]) + under - over == need)
        objective.append(weights.under_coverage * under + weights.over_coverage * over)
    solver.Minimize(solver.Sum(objective))
    solver.SetTimeLimit(int(config.time_limit_seconds * 1000))
    status = solver.Solve()
    seconds = time.monotonic() - started
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        out = (
            SolveStatus.INFEASIBLE
            if status == pywraplp.Solver.INFEASIBLE
            else SolveStatus.TIMED_OUT
        )
        return Solution(out, figures=Figures(seconds=seconds, mode="rotation"))
    agents = iter(problem.agents)
    assignments = []
    for (index, offset), var in sorted(crews.items()):
        for _ in range(round(var.solution_value())):
            agent = next(agents)
            for day, t in sorted(_row(problem, patterns[index], offset).items()):
                assignments.append(Assignment(agent.id, day, t.id, t.start_on(day), t.end_on(day)))
    assignments = evaluate.place_breaks(problem, assignments)
    objective_value = solver.Objective().Value()
    bound = solver.Objective().BestBound()
    figures = Figures(
        objective=objective_value,
        bound=bound,
        gap=(objective_value - bound) / objective_value if objective_value else 0.0,
        seconds=seconds,
        first_feasible_seconds=seconds,
        mode=f"rotation ({len(patterns)} patterns)",
    )
    final = SolveStatus.OPTIMAL if status == pywraplp.Solver.OPTIMAL else SolveStatus.FEASIBLE
    return finish(problem, final, assignments, figures)
