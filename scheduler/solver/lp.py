"""LP relaxations of the pure covering problem (GLOP), for lower bounds.

Both ignore the named agents and every rule except the templates' weekdays, so they bound any
roster from below: ``shifts_lower_bound`` the agent-shifts needed to cover every interval,
``coverage_cost_lower_bound`` the coverage cost reachable with the contracted shifts.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.linear_solver import pywraplp

from scheduler.solver.problem import Problem


def _glop() -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        raise RuntimeError("GLOP is not available")
    return solver


def _usable(problem: Problem) -> list[tuple[int, str]]:
    return [
        (day, t.id)
        for day in range(problem.horizon.num_days)
        for t in problem.templates
        if problem.horizon.weekday(day) in t.weekdays
    ]


def shifts_lower_bound(problem: Problem) -> float:
    """Fewest agent-shifts (fractional) whose spans cover the total requirement."""
    solver = _glop()
    horizon = problem.horizon
    count = {key: solver.NumVar(0, solver.infinity(), f"n{key}") for key in _usable(problem)}
    covering: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    for (day, template_id), var in count.items():
        template = problem.template(template_id)
        for i in horizon.intervals_between(template.start_on(day), template.end_on(day)):
            covering[i].append(var)
    for i, required in enumerate(problem.total_required()):
        if required > 0:
            solver.Add(solver.Sum(covering[i]) >= required)
    solver.Minimize(solver.Sum(list(count.values())))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return float("inf")
    return float(solver.Objective().Value())


def coverage_cost_lower_bound(problem: Problem) -> float:
    """Least coverage cost (weights.under_coverage per missing agent-interval, over_coverage
    per extra one) with at most the contracted agent-shifts, breaks placed fractionally and
    every shift usable by any skill group (a relaxation of who may take which work)."""
    solver = _glop()
    horizon = problem.horizon
    weights = problem.weights
    length = horizon.interval_minutes
    weeks = horizon.num_days / 7
    capacity = sum(
        max(0.0, a.contract.working_days_per_week * weeks - len(a.leave_days))
        for a in problem.agents
    )
    minimum = sum(
        max(0.0, a.contract.min_working_days_per_week * weeks - len(a.leave_days))
        for a in problem.agents
    )
    groups = [d.skill_group_id for d in problem.demands]
    supply: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
    removed: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
    all_counts = []
    for day, template_id in _usable(problem):
        template = problem.template(template_id)
        offsets = template.break_offsets(length)
        for group in groups:
            n = solver.NumVar(0, solver.infinity(), "")
            all_counts.append(n)
            for i in horizon.intervals_between(template.start_on(day), template.end_on(day)):
                supply[(group, i)].append(n)
            if offsets:
                parts = [solver.NumVar(0, solver.infinity(), "") for _ in offsets]
                solver.Add(solver.Sum(parts) == n)
                for offset, part in zip(offsets, parts, strict=True):
                    begin = template.start_on(day) + offset
                    for i in horizon.intervals_between(begin, begin + template.break_minutes):
                        removed[(group, i)].append(part)
    solver.Add(solver.Sum(all_counts) <= capacity)
    solver.Add(solver.Sum(all_counts) >= minimum)
    cost = []
    for demand in problem.demands:
        for i, required in enumerate(demand.required):
            key = (demand.skill_group_id, i)
            under = solver.NumVar(0, max(0, required), "")
            over = solver.NumVar(0, solver.infinity(), "")
            solver.Add(
                solver.Sum(supply[key]) - solver.Sum(removed[key]) + under - over == required
            )
            priority = demand.priority[i] if demand.priority else 1
            cost.append(weights.under_coverage * priority * under + weights.over_coverage * over)
    solver.Minimize(solver.Sum(cost))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return 0.0
    return float(solver.Objective().Value())
