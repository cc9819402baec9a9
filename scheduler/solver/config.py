"""Solver settings, passed in by the caller (never read from Django settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class SolverConfig:
    time_limit_seconds: float = 60.0
    num_workers: int = 2  # CP-SAT search workers; the centers' servers have 2 cores
    random_seed: int = 1
    log_search_progress: bool = False
    # "exact": one CP-SAT model of every agent; "decomposed": weekly-line construction, line
    # moves and CP-SAT neighbourhoods; "crews": cyclic week of interchangeable agents;
    # "rotation": multi-week rotating crews. "auto" picks crews for a cyclic week of
    # interchangeable agents, else exact when small, else decomposed.
    mode: str = "auto"
    # agents x days x templates above which "auto" decomposes: measured, one CP-SAT model of
    # 24 agents x 14 days x 24 templates ends 14x above the decomposed result at 20 s.
    exact_size_limit: int = 4_000
    lns_agents_per_neighbourhood: int = 8
    lns_seconds_per_neighbourhood: float = 2.0
    lns_days_per_neighbourhood: int = 3  # consecutive days freed (within one week)
    line_search_share: float = 0.85  # decomposed: time to weekly-line moves before CP-SAT LNS
    # OR-Tools MIP backend for the integer programs with strong LP relaxations (crews).
    mip_backend: str = "CBC"
    # Name the conflicting rules with assumption literals when the model is infeasible.
    explain_infeasibility: bool = True

    # Called as the search goes (seconds elapsed, best objective or None, bound or None), so a
    # caller can show live progress; never part of the result.
    on_progress: Callable[[float, float | None, float | None], None] | None = field(
        default=None, compare=False, repr=False
    )

    def report(self, seconds: float, objective: float | None, bound: float | None) -> None:
        if self.on_progress is not None:
            self.on_progress(seconds, objective, bound)

    def apply(self, solver: cp_model.CpSolver, *, time_limit_seconds: float | None = None) -> None:
        limit = self.time_limit_seconds if time_limit_seconds is None else time_limit_seconds
        solver.parameters.max_time_in_seconds = max(0.01, limit)
        solver.parameters.num_workers = self.num_workers
        solver.parameters.random_seed = self.random_seed
        solver.parameters.log_search_progress = self.log_search_progress
