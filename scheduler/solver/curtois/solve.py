"""Solve a Curtois & Qu instance: CP-SAT on the full model, then large-neighbourhood search.

Why not CP-SAT alone: on two workers its portfolio holds almost no LNS workers and its bound
barely moves on these models, so past the small instances it stalls well above the best known
values. The approach here:

1. a full-model CP-SAT run for a share of the time (proves the small instances optimal outright
   and gives a first roster on the larger ones);
2. large-neighbourhood search: repeatedly free a part of the roster (a subset of employees over
   the whole horizon, a window of days for every employee, or a few employees over a window),
   fix everything else to the incumbent, hint the incumbent, and let CP-SAT re-optimise the
   part; keep the result when it is no worse. Neighbourhood sizes adapt: they grow while the
   sub-problems are solved to optimality and shrink when they time out.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from ortools.sat.python import cp_model

from .model import BuiltModel, build_model
from .parser import Instance
from .solution import Roster
from .validation import PenaltyCost, objective_penalties


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # a roster proven to have the lowest possible objective
    FEASIBLE = "feasible"  # a roster that meets every hard rule; the time limit stopped the search
    INFEASIBLE = "infeasible"  # proven: no roster meets every hard rule
    TIMED_OUT = "timed_out"  # the time limit passed before any roster was found
    MODEL_INVALID = "model_invalid"  # CP-SAT rejected the model (a bug here, not in the input)


@dataclass(frozen=True)
class SolveConfig:
    time_limit_seconds: float = 60.0
    num_workers: int = 2
    random_seed: int = 0  # fixes CP-SAT's seed and the neighbourhood choices
    # Share of the time limit given to the full model before large-neighbourhood search starts;
    # the search starts earlier if the full model is proven optimal or stalls.
    full_model_share: float = 0.2
    # Longest single neighbourhood solve; short solves mean many neighbourhoods per minute.
    neighbourhood_seconds: float = 3.0
    use_large_neighbourhood_search: bool = True
    log_search_progress: bool = False


@dataclass(frozen=True)
class SolveResult:
    status: SolveStatus
    roster: Roster | None
    objective: int | None
    bound: int | None  # best proven lower bound on the objective, from the full-model run
    seconds: float
    first_solution_seconds: float | None
    neighbourhoods_tried: int = 0
    neighbourhoods_improved: int = 0
    penalties: tuple[PenaltyCost, ...] = field(default_factory=tuple)


Cell = tuple[str, int]  # (employee_id, day)


@dataclass
class _Incumbent:
    values: dict[int, int]  # CP-SAT variable index -> value, for every variable of the model
    objective: int


class _Stopwatch:
    def __init__(self, limit_seconds: float) -> None:
        self.start = time.monotonic()
        self.limit_seconds = limit_seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        return self.limit_seconds - self.elapsed()


def _configure(solver: cp_model.CpSolver, config: SolveConfig, seconds: float, seed: int) -> None:
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.num_workers = config.num_workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = config.log_search_progress


def _values(solver: cp_model.CpSolver, model: cp_model.CpModel) -> dict[int, int]:
    response = solver.response_proto
    return {index: int(response.solution[index]) for index in range(len(model.proto.variables))}


class _FirstSolutionTimer(cp_model.CpSolverSolutionCallback):
    def __init__(self, stopwatch: _Stopwatch) -> None:
        super().__init__()
        self.stopwatch = stopwatch
        self.first_seconds: float | None = None

    def on_solution_callback(self) -> None:
        if self.first_seconds is None:
            self.first_seconds = self.stopwatch.elapsed()


@dataclass
class _NeighbourhoodKind:
    name: str
    choose: Callable[[float], set[Cell]]  # free-share -> cells to free
    free_share: float  # adapted: grows on optimal sub-solves, shrinks on timeouts
    tried: int = 0
    improved: int = 0


class _LargeNeighbourhoodSearch:
    def __init__(
        self,
        instance: Instance,
        built: BuiltModel,
        config: SolveConfig,
        stopwatch: _Stopwatch,
        incumbent: _Incumbent,
    ) -> None:
        self.instance = instance
        self.built = built
        self.config = config
        self.stopwatch = stopwatch
        self.incumbent = incumbent
        self.random = random.Random(config.random_seed)
        self.employee_ids = [e.employee_id for e in instance.employees]
        self.cell_variables: dict[Cell, list[int]] = {}
        for (e, day, _shift), var in built.variables.assigned.items():
            self.cell_variables.setdefault((e, day), []).append(var.index)
        for (e, day), var in built.variables.working.items():
            self.cell_variables[e, day].append(var.index)
        self.kinds = [
            _NeighbourhoodKind("employees", self._employees, 0.3),
            _NeighbourhoodKind("days", self._days, 0.3),
            _NeighbourhoodKind("employees_x_days", self._employees_x_days, 0.3),
        ]
        self.tried = 0
        self.improved = 0

    # neighbourhoods ---------------------------------------------------------------------------

    def _employees(self, share: float) -> set[Cell]:
        count = max(1, round(share * len(self.employee_ids)))
        chosen = self.random.sample(self.employee_ids, min(count, len(self.employee_ids)))
        return {(e, d) for e in chosen for d in self.instance.days}

    def _window(self, length: int) -> range:
        length = max(1, min(length, self.instance.horizon_days))
        first = self.random.randrange(self.instance.horizon_days - length + 1)
        return range(first, first + length)

    def _days(self, share: float) -> set[Cell]:
        window = self._window(round(share * self.instance.horizon_days))
        return {(e, d) for e in self.employee_ids for d in window}

    def _employees_x_days(self, share: float) -> set[Cell]:
        # Split the share evenly (as a square root) between employees and days.
        side = share**0.5
        count = max(1, round(min(1.0, 2 * side) * len(self.employee_ids)))
        chosen = self.random.sample(self.employee_ids, min(count, len(self.employee_ids)))
        window = self._window(round(min(1.0, side / 2) * self.instance.horizon_days) + 1)
        return {(e, d) for e in chosen for d in window}

    # search -----------------------------------------------------------------------------------

    def _solve_neighbourhood(self, free: set[Cell], seconds: float) -> bool:
        """Re-optimise the free cells, keeping a no-worse result; True if proven optimal."""
        model = self.built.model.clone()
        proto = model.proto
        values = self.incumbent.values
        for cell, indices in self.cell_variables.items():
            if cell in free:
                continue
            for index in indices:
                domain = proto.variables[index].domain
                domain[0] = values[index]
                domain[1] = values[index]
        for index, value in values.items():
            proto.solution_hint.vars.append(index)
            proto.solution_hint.values.append(value)
        solver = cp_model.CpSolver()
        _configure(solver, self.config, seconds, self.random.randrange(1 << 30))
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        objective = round(solver.objective_value)
        # Equal moves are kept too: they let the search drift across plateaus.
        if objective <= self.incumbent.objective:
            if objective < self.incumbent.objective:
                self.improved += 1
            self.incumbent = _Incumbent(_values(solver, model), objective)
        return status == cp_model.OPTIMAL

    def run(self) -> _Incumbent:
        while self.stopwatch.remaining() > 0.2:
            kind = self.random.choice(self.kinds)
            free = kind.choose(kind.free_share)
            before = self.incumbent.objective
            seconds = min(self.config.neighbourhood_seconds, self.stopwatch.remaining())
            optimal = self._solve_neighbourhood(free, seconds)
            self.tried += 1
            kind.tried += 1
            if self.incumbent.objective < before:
                kind.improved += 1
            kind.free_share = min(1.0, kind.free_share * 1.15) if optimal else kind.free_share * 0.8
            kind.free_share = max(kind.free_share, 0.02)
        return self.incumbent


def solve(instance: Instance, config: SolveConfig | None = None) -> SolveResult:
    """Find a roster for the instance within the configured time limit."""
    config = config or SolveConfig()
    stopwatch = _Stopwatch(config.time_limit_seconds)
    built = build_model(instance)

    full_seconds = stopwatch.remaining()
    if config.use_large_neighbourhood_search:
        full_seconds *= config.full_model_share
    solver = cp_model.CpSolver()
    _configure(solver, config, full_seconds, config.random_seed)
    timer = _FirstSolutionTimer(stopwatch)
    status = solver.solve(built.model, timer)

    if status == cp_model.INFEASIBLE:
        return SolveResult(SolveStatus.INFEASIBLE, None, None, None, stopwatch.elapsed(), None)
    if status == cp_model.MODEL_INVALID:
        return SolveResult(SolveStatus.MODEL_INVALID, None, None, None, stopwatch.elapsed(), None)
    bound = round(solver.best_objective_bound) if status != cp_model.UNKNOWN else None

    incumbent: _Incumbent | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        incumbent = _Incumbent(_values(solver, built.model), round(solver.objective_value))
    if incumbent is None:
        # No roster yet: keep the full model running for the rest of the time.
        solver = cp_model.CpSolver()
        _configure(solver, config, stopwatch.remaining(), config.random_seed + 1)
        status = solver.solve(built.model, timer)
        if status == cp_model.INFEASIBLE:
            return SolveResult(SolveStatus.INFEASIBLE, None, None, None, stopwatch.elapsed(), None)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return SolveResult(SolveStatus.TIMED_OUT, None, None, None, stopwatch.elapsed(), None)
        incumbent = _Incumbent(_values(solver, built.model), round(solver.objective_value))
        bound = round(solver.best_objective_bound)

    tried = improved = 0
    proven = status == cp_model.OPTIMAL or (bound is not None and bound >= incumbent.objective)
    if config.use_large_neighbourhood_search and not proven:
        search = _LargeNeighbourhoodSearch(instance, built, config, stopwatch, incumbent)
        incumbent = search.run()
        tried, improved = search.tried, search.improved
        proven = bound is not None and bound >= incumbent.objective

    values = incumbent.values
    roster = built.variables.roster(lambda var: values[var.index])
    return SolveResult(
        status=SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        roster=roster,
        objective=incumbent.objective,
        bound=bound,
        seconds=stopwatch.elapsed(),
        first_solution_seconds=timer.first_seconds,
        neighbourhoods_tried=tried,
        neighbourhoods_improved=improved,
        penalties=tuple(objective_penalties(instance, roster)),
    )
