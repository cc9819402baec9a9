"""Entry points: ``solve_roster`` (free rostering) and the Solution it returns."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from scheduler.solver import evaluate
from scheduler.solver.config import SolverConfig
from scheduler.solver.explain import explain_infeasible, precheck
from scheduler.solver.model import build_model, read_assignments
from scheduler.solver.problem import Problem
from scheduler.solver.solution import (
    Assignment,
    Change,
    Figures,
    InfeasibilityReport,
    Solution,
    SolveStatus,
)


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, config: SolverConfig | None = None) -> None:
        super().__init__()
        self.started = started
        self.config = config
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        elapsed = time.monotonic() - self.started
        if self.first is None:
            self.first = elapsed
        if self.config is not None:
            self.config.report(elapsed, self.ObjectiveValue(), self.BestObjectiveBound())


def problem_size(problem: Problem) -> int:
    return len(problem.agents) * problem.horizon.num_days * len(problem.templates)


def solve_roster(problem: Problem, config: SolverConfig | None = None) -> Solution:
    """Solve a roster problem; never prints, never returns sentinels."""
    config = config or SolverConfig()
    mode = config.mode
    if mode == "auto":
        from scheduler.solver.crews import crews_supported

        if problem.horizon.cyclic and crews_supported(problem) is None:
            mode = "crews"
        elif problem_size(problem) <= config.exact_size_limit:
            mode = "exact"
        else:
            mode = "decomposed"
    if mode == "decomposed":
        from scheduler.solver.decomposed import solve_decomposed

        return solve_decomposed(problem, config)
    if mode == "crews":
        from scheduler.solver.crews import solve_cyclic_crews

        return solve_cyclic_crews(problem, config)
    if mode == "rotation":
        from scheduler.solver.rotation import solve_rotation

        return solve_rotation(problem, config)
    return solve_exact(problem, config)


def solve_exact(problem: Problem, config: SolverConfig) -> Solution:
    """One CP-SAT model with every agent, every rule and the full objective."""
    started = time.monotonic()
    conflicts = precheck(problem)
    if conflicts:
        return Solution(
            SolveStatus.INFEASIBLE,
            infeasibility=explain_infeasible(problem, config)
            if config.explain_infeasibility
            else InfeasibilityReport(tuple(conflicts)),
            figures=Figures(seconds=time.monotonic() - started, mode="exact"),
        )
    built = build_model(problem)
    # Start from the published roster (re-solves) or from the weekly-line construction.
    start = {(r.agent_id, r.day): r.template_id for r in problem.previous_roster}
    if not start and not problem.horizon.cyclic:
        from scheduler.solver.lines import LineBuilder

        builder = LineBuilder(problem, config.random_seed)
        builder.build()
        start = {
            (agent_id, day): t.id
            for agent_id, shifts in builder.shifts.items()
            for day, t in shifts.items()
        }
        start.update(
            {
                (a.id, d): None
                for a in problem.agents
                for d in range(problem.horizon.num_days)
                if (a.id, d) not in start
            }
        )
    for (agent_id, day, template_id), var in built.v.x.items():
        if (agent_id, day) in start:
            built.model.add_hint(var, start[(agent_id, day)] == template_id)
    solver = cp_model.CpSolver()
    config.apply(solver)
    callback = _FirstSolution(started, config)
    status = solver.solve(built.model, callback)
    seconds = time.monotonic() - started
    if status == cp_model.INFEASIBLE:
        report = (
            explain_infeasible(problem, config)
            if config.explain_infeasibility
            else InfeasibilityReport(())
        )
        return Solution(
            SolveStatus.INFEASIBLE,
            infeasibility=report,
            figures=Figures(seconds=time.monotonic() - started, mode="exact"),
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(SolveStatus.TIMED_OUT, figures=Figures(seconds=seconds, mode="exact"))
    assignments = read_assignments(problem, built, solver)
    objective = solver.objective_value
    bound = solver.best_objective_bound
    figures = Figures(
        objective=objective,
        bound=bound,
        gap=(objective - bound) / objective if objective else 0.0,
        seconds=seconds,
        first_feasible_seconds=callback.first if callback.first is not None else seconds,
        mode="exact",
    )
    status_out = SolveStatus.OPTIMAL if status == cp_model.OPTIMAL else SolveStatus.FEASIBLE
    return finish(problem, status_out, assignments, figures)


def finish(
    problem: Problem,
    status: SolveStatus,
    assignments: Sequence[Assignment],
    figures: Figures,
) -> Solution:
    """Fill allocation, coverage, penalties and the diff against the published roster."""
    filled, rows = evaluate.with_allocation(problem, assignments)
    penalties = evaluate.all_penalties(problem, filled, rows)
    return Solution(
        status,
        assignments=filled,
        coverage=rows,
        penalties=tuple(penalties),
        figures=figures,
        changes=tuple(roster_diff(problem, filled)),
    )


def roster_diff(problem: Problem, assignments: Sequence[Assignment]) -> list[Change]:
    if not problem.previous_roster:
        return []
    before = {(r.agent_id, r.day): r.template_id for r in problem.previous_roster}
    after = {(a.agent_id, a.day): a.template_id for a in assignments}
    # Agent-days the published roster speaks about (a full roster lists days off too).
    keys = sorted(before)
    return [
        Change(agent_id, day, before.get((agent_id, day)), after.get((agent_id, day)))
        for agent_id, day in keys
        if 0 <= day < problem.horizon.num_days
        and before.get((agent_id, day)) != after.get((agent_id, day))
    ]
