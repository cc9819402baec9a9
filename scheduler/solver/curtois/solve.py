"""Solve a Curtois & Qu instance: CP-SAT on the full model, then large-neighbourhood search.

What matters on these models (measured on Instances 1-4 and on synthetic instances of the
size of Instances 5-12, 2 shared cores):

- the linear relaxation of the run rules is weak unless CP-SAT linearises every constraint
  (``linearization_level=2``): with it Instances 2 and 3 are proven optimal in seconds, while
  the default two-worker portfolio leaves the bound at a fraction of the optimum. The full
  model therefore runs the ``max_lp`` worker plus CP-SAT's own LNS at the default level
  (level 2 for every worker was worse on larger instances);
- small sub-problems (a few employees over the whole horizon, every employee over a week) are
  solved to optimality in tens of milliseconds by one worker at level 2, against seconds to
  timeouts with the default portfolio.

The approach:

1. a full-model CP-SAT run for a share of the time, stopped early once it stalls (proves the
   small instances optimal outright and gives a good first roster on the larger ones: the
   neighbourhoods descend much faster from there than from a first feasible roster);
2. large-neighbourhood search: repeatedly free a part of the roster (a subset of employees over
   the whole horizon, a window of days for every employee, half the employees over a longer
   window, or the whole roster with a cap on changed assignments; windows are centred on
   costly days half of the time), fix everything else to the incumbent, hint the incumbent,
   and let a single CP-SAT worker re-optimise the part; keep the result when it is no worse.
   One sub-solve runs per configured worker, in threads (CP-SAT releases the GIL), and every
   sub-solve result is a complete roster, so whichever finishes is compared with the current
   incumbent. Neighbourhood sizes adapt (grow while sub-problems are solved to optimality,
   shrink on timeouts) and kinds are drawn by their recent success.

Tried and dropped: running the full model on one core for the whole time beside the
neighbourhoods on the other. It proves Instance 4 optimal within the minute, but on the larger
synthetic instances it ended 5-10% worse at 60 s (the neighbourhoods start from a poor first
roster and get half the cores).

With more than one worker the search is not reproducible run to run even with a fixed seed
(thread timing decides which neighbourhood result lands first); with one worker it is, up to
time limits.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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
    # Share of the time limit given to the full model before large-neighbourhood search starts
    # (earlier when the full model is proven optimal).
    full_model_share: float = 0.25
    # ...and it stops early once it has a roster and has not improved it for this share of the
    # time limit: on mid-sized instances the neighbourhoods improve much faster than it does.
    full_model_stall_share: float = 0.05
    # Longest single neighbourhood solve; short solves mean many neighbourhoods per minute.
    neighbourhood_seconds: float = 2.0
    # CP-SAT linearisation of single-worker solves (the neighbourhoods): 2 puts the run clauses
    # into the LP, which is what makes the sub-problem proofs fast on this benchmark.
    linearization_level: int = 2
    use_large_neighbourhood_search: bool = True
    # Models with at most this many shift literals get the full model for the whole time, no
    # neighbourhoods: measured on Instance 4 (560 literals, 2 busy cores), the full model alone
    # reached the optimum 1716 in 60 s while the stall-stopped full model plus neighbourhoods
    # ended at 1718-1719 (the stall rule stops it between two late improvements).
    full_model_only_literals: int = 600
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
    # Value of every variable of the model, by CP-SAT variable index (a list, not a dict: the
    # largest instances have over a million variables and several incumbents are alive).
    values: list[int]
    objective: int


class _Stopwatch:
    def __init__(self, limit_seconds: float) -> None:
        self.start = time.monotonic()
        self.limit_seconds = limit_seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        return self.limit_seconds - self.elapsed()


# Above this many variables (the 364-day, 150-employee instances) the full model runs CP-SAT's
# default portfolio: the max_lp worker's LP was measured at 12 GB and no roster in 10 minutes on
# a synthetic instance of that size.
LARGE_MODEL_VARIABLES = 200_000


def _configure(
    solver: cp_model.CpSolver,
    config: SolveConfig,
    seconds: float,
    seed: int,
    *,
    workers: int,
    large: bool = False,
) -> None:
    parameters = solver.parameters
    parameters.max_time_in_seconds = max(seconds, 0.01)
    parameters.num_workers = workers
    parameters.random_seed = seed
    parameters.log_search_progress = config.log_search_progress
    if large:
        return
    if workers > 1:
        # One full-model worker with the complete LP (max_lp is linearisation level 2); the
        # other threads go to CP-SAT's own LNS and first-solution heuristics, which keep the
        # default, cheaper LP (level 2 for them too was measured worse on larger instances).
        parameters.subsolvers.append("max_lp")
    else:
        parameters.linearization_level = config.linearization_level


def _first_roster(
    built: BuiltModel, config: SolveConfig, stopwatch: _Stopwatch
) -> tuple[cp_model.CpSolverStatus, list[int] | None]:
    """Any roster meeting the hard rules, ignoring the objective.

    Why: on the largest instances the optimisation model finds no first roster in 10 minutes
    while the pure feasibility problem is solved in under a minute; on small ones this costs
    milliseconds. The roster then hints the optimisation.
    """
    model = built.model.clone()
    model.clear_objective()
    solver = cp_model.CpSolver()
    _configure(
        solver,
        config,
        stopwatch.remaining(),
        config.random_seed,
        workers=config.num_workers,
        large=True,
    )
    solver.parameters.stop_after_first_solution = True
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, _values(solver, model)
    return status, None


def _values(solver: cp_model.CpSolver, model: cp_model.CpModel) -> list[int]:
    return list(solver.response_proto.solution)[: len(model.proto.variables)]


class _FullModelWatch(cp_model.CpSolverSolutionCallback):
    """Times the first roster and stops the full-model run once it stalls."""

    def __init__(self, stopwatch: _Stopwatch, stall_seconds: float | None) -> None:
        super().__init__()
        self.stopwatch = stopwatch
        self.stall_seconds = stall_seconds
        self.first_seconds: float | None = None
        self.last_improvement_seconds: float | None = None
        self._done = threading.Event()

    def on_solution_callback(self) -> None:
        now = self.stopwatch.elapsed()
        if self.first_seconds is None:
            self.first_seconds = now
        self.last_improvement_seconds = now

    def solve(self, solver: cp_model.CpSolver, model: cp_model.CpModel) -> cp_model.CpSolverStatus:
        """Run the solver, stopping it from a watcher thread when the search stalls."""
        self._done.clear()
        watcher = threading.Thread(target=self._watch, args=(solver,), daemon=True)
        watcher.start()
        try:
            return solver.solve(model, self)
        finally:
            self._done.set()
            watcher.join()

    def _watch(self, solver: cp_model.CpSolver) -> None:
        while not self._done.wait(0.1):
            last = self.last_improvement_seconds
            if (
                self.stall_seconds is not None
                and last is not None
                and self.stopwatch.elapsed() - last > self.stall_seconds
            ):
                solver.stop_search()
                return


@dataclass(frozen=True)
class _Neighbourhood:
    free: set[Cell]  # cells re-optimised; every other cell keeps the incumbent's value
    # Local branching: at most this many shift assignments may change (None = no limit).
    max_changes: int | None = None


@dataclass
class _NeighbourhoodKind:
    name: str
    choose: Callable[[float], _Neighbourhood]  # size (0-1] -> what to free
    size: float  # adapted: grows after sub-solves proven optimal, shrinks after timeouts
    # Recent success rate (moving average of "improved the incumbent"); kinds are drawn in
    # proportion to it, so a kind that stops paying off on an instance fades out.
    success: float = 0.5
    tried: int = 0
    improved: int = 0


class _LargeNeighbourhoodSearch:
    # Size bounds of a neighbourhood (share of the roster's dimension it frees).
    MIN_SIZE = 0.02
    # Growth after a sub-problem solved to optimality, shrink after one that timed out.
    GROW = 1.1
    SHRINK = 0.85
    # Share of windows centred on a costly day instead of placed uniformly.
    TARGETED_SHARE = 0.5
    # Kind selection: weight of the latest outcome in the success average, and the floor that
    # keeps every kind in play.
    SUCCESS_MEMORY = 0.2
    MIN_SUCCESS = 0.05

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
            self.cell_variables.setdefault((e, day), []).append(var.index)
        self.kinds = [
            _NeighbourhoodKind("employees", self._employees, 0.3),
            _NeighbourhoodKind("days", self._days, 0.3),
            _NeighbourhoodKind("block", self._block, 0.3),
            _NeighbourhoodKind("local_branching", self._local_branching, 0.3),
        ]
        self.day_costs = self._day_costs()
        self.tried = 0
        self.improved = 0

    def _day_costs(self) -> list[int]:
        """What each day costs in the incumbent (cover lines and requests of that day)."""
        values = self.incumbent.values
        assigned = self.built.variables.assigned

        def works_shift(employee_id: str, day: int, shift_id: str) -> int:
            var = assigned.get((employee_id, day, shift_id))
            return values[var.index] if var is not None else 0

        costs = [0] * self.instance.horizon_days
        for c in self.instance.cover:
            staffed = sum(works_shift(e, c.day, c.shift_id) for e in self.employee_ids)
            shortfall = c.requirement - staffed
            costs[c.day] += (
                c.under_weight * shortfall if shortfall > 0 else -c.over_weight * shortfall
            )
        for r in self.instance.shift_on_requests:
            costs[r.day] += r.weight * (1 - works_shift(r.employee_id, r.day, r.shift_id))
        for r in self.instance.shift_off_requests:
            costs[r.day] += r.weight * works_shift(r.employee_id, r.day, r.shift_id)
        return costs

    # neighbourhoods ---------------------------------------------------------------------------

    def _some_employees(self, count: int) -> list[str]:
        count = max(1, min(count, len(self.employee_ids)))
        return self.random.sample(self.employee_ids, count)

    def _window(self, length: int) -> range:
        """A window of days, centred on a day picked by its cost half of the time."""
        horizon = self.instance.horizon_days
        length = max(2, min(length, horizon))
        if self.random.random() < self.TARGETED_SHARE and any(self.day_costs):
            centre = self.random.choices(range(horizon), weights=self.day_costs)[0]
            first = min(max(0, centre - length // 2), horizon - length)
        else:
            first = self.random.randrange(horizon - length + 1)
        return range(first, first + length)

    def _employees(self, size: float) -> _Neighbourhood:
        """A few employees over the whole horizon: reshapes their runs and requests."""
        chosen = self._some_employees(round(size * len(self.employee_ids)))
        return _Neighbourhood({(e, d) for e in chosen for d in self.instance.days})

    def _days(self, size: float) -> _Neighbourhood:
        """Every employee over a window of days: re-balances cover locally."""
        window = self._window(round(size * self.instance.horizon_days))
        return _Neighbourhood({(e, d) for e in self.employee_ids for d in window})

    def _block(self, size: float) -> _Neighbourhood:
        """Half the employees over a window: swaps between employees across more days."""
        chosen = self._some_employees(round(len(self.employee_ids) / 2))
        window = self._window(round(2 * size * self.instance.horizon_days))
        return _Neighbourhood({(e, d) for e in chosen for d in window})

    def _local_branching(self, size: float) -> _Neighbourhood:
        """The whole roster, but only a few assignments may change: escapes the plateaus that
        the structured neighbourhoods all see as optimal (a move touching many employees and
        days a little)."""
        return _Neighbourhood(set(self.cell_variables), max_changes=max(4, round(size * 60)))

    # search -----------------------------------------------------------------------------------

    def _solve_neighbourhood(
        self, incumbent: _Incumbent, neighbourhood: _Neighbourhood, seconds: float, seed: int
    ) -> tuple[_Incumbent | None, bool]:
        """Re-optimise the free cells of `incumbent` (runs in a worker thread).

        Returns the complete roster found (None if none) and whether it is proven optimal for
        the neighbourhood.
        """
        model = self.built.model.clone()
        proto = model.proto
        values = incumbent.values
        free = neighbourhood.free
        for cell, indices in self.cell_variables.items():
            if cell in free:
                continue
            for index in indices:
                domain = proto.variables[index].domain
                domain[0] = values[index]
                domain[1] = values[index]
        if neighbourhood.max_changes is not None:
            changes = [
                model.get_bool_var_from_proto_index(var.index)
                if values[var.index] == 0
                else model.get_bool_var_from_proto_index(var.index).negated()
                for var in self.built.variables.assigned.values()
            ]
            model.add(sum(changes) <= neighbourhood.max_changes)
        model.clear_hints()  # the base model carries the first roster's hint
        proto.solution_hint.vars.extend(range(len(values)))
        proto.solution_hint.values.extend(values)
        solver = cp_model.CpSolver()
        _configure(solver, self.config, seconds, seed, workers=1)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        found = _Incumbent(_values(solver, model), round(solver.objective_value))
        return found, status == cp_model.OPTIMAL

    def _submit(
        self, pool: ThreadPoolExecutor
    ) -> tuple[Future[tuple[_Incumbent | None, bool]], _NeighbourhoodKind]:
        weights = [max(k.success, self.MIN_SUCCESS) for k in self.kinds]
        kind = self.random.choices(self.kinds, weights=weights)[0]
        neighbourhood = kind.choose(kind.size)
        seconds = min(self.config.neighbourhood_seconds, self.stopwatch.remaining())
        seed = self.random.randrange(1 << 30)
        future = pool.submit(
            self._solve_neighbourhood, self.incumbent, neighbourhood, seconds, seed
        )
        return future, kind

    def run(self) -> _Incumbent:
        threads = max(1, self.config.num_workers)
        if len(self.built.model.proto.variables) > LARGE_MODEL_VARIABLES:
            threads = 1  # each thread holds a copy of the model: memory first on the largest

        with ThreadPoolExecutor(max_workers=threads) as pool:
            running = dict(self._submit(pool) for _ in range(threads))
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    kind = running.pop(future)
                    found, optimal = future.result()
                    self.tried += 1
                    kind.tried += 1
                    improved = found is not None and found.objective < self.incumbent.objective
                    # Equal moves are kept too: they let the search drift across plateaus.
                    if found is not None and found.objective <= self.incumbent.objective:
                        if improved:
                            self.improved += 1
                            kind.improved += 1
                        self.incumbent = found
                        self.day_costs = self._day_costs()
                    kind.success += self.SUCCESS_MEMORY * (float(improved) - kind.success)
                    kind.size *= self.GROW if optimal else self.SHRINK
                    kind.size = min(1.0, max(kind.size, self.MIN_SIZE))
                    if self.stopwatch.remaining() > 0.2:
                        new_future, new_kind = self._submit(pool)
                        running[new_future] = new_kind
        return self.incumbent


def solve(instance: Instance, config: SolveConfig | None = None) -> SolveResult:
    """Find a roster for the instance within the configured time limit."""
    config = config or SolveConfig()
    stopwatch = _Stopwatch(config.time_limit_seconds)
    built = build_model(instance)
    large = len(built.model.proto.variables) > LARGE_MODEL_VARIABLES

    first_status, first_values = _first_roster(built, config, stopwatch)
    first_seconds = stopwatch.elapsed()
    if first_status == cp_model.INFEASIBLE:
        return SolveResult(SolveStatus.INFEASIBLE, None, None, None, stopwatch.elapsed(), None)
    if first_values is None:
        return SolveResult(SolveStatus.TIMED_OUT, None, None, None, stopwatch.elapsed(), None)
    if large:
        # Hinting it on smaller instances was measured to hurt: the full model then clings to
        # a poor roster (Synth8-like: 278 instead of 183 at 60 s).
        built.model.proto.solution_hint.vars.extend(range(len(first_values)))
        built.model.proto.solution_hint.values.extend(first_values)

    use_lns = (
        config.use_large_neighbourhood_search
        and len(built.variables.assigned) > config.full_model_only_literals
    )
    full_seconds = stopwatch.remaining()
    if use_lns:
        full_seconds *= config.full_model_share
    solver = cp_model.CpSolver()
    _configure(
        solver, config, full_seconds, config.random_seed, workers=config.num_workers, large=large
    )
    stall_seconds = config.full_model_stall_share * config.time_limit_seconds if use_lns else None
    timer = _FullModelWatch(stopwatch, stall_seconds)
    status = timer.solve(solver, built.model)

    if status == cp_model.INFEASIBLE:
        return SolveResult(SolveStatus.INFEASIBLE, None, None, None, stopwatch.elapsed(), None)
    if status == cp_model.MODEL_INVALID:
        return SolveResult(SolveStatus.MODEL_INVALID, None, None, None, stopwatch.elapsed(), None)
    bound = round(solver.best_objective_bound) if status != cp_model.UNKNOWN else None

    incumbent: _Incumbent | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        incumbent = _Incumbent(_values(solver, built.model), round(solver.objective_value))
    if incumbent is None:
        # The full model found nothing better in its share: start from the first roster, its
        # objective recomputed from the roster (its cover slack variables are not minimal).
        first = built.variables.roster(lambda var: first_values[var.index])
        objective = sum(p.cost for p in objective_penalties(instance, first))
        incumbent = _Incumbent(first_values, objective)

    tried = improved = 0
    proven = status == cp_model.OPTIMAL or (bound is not None and bound >= incumbent.objective)
    if use_lns and not proven:
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
        first_solution_seconds=first_seconds,
        neighbourhoods_tried=tried,
        neighbourhoods_improved=improved,
        penalties=tuple(objective_penalties(instance, roster)),
    )
