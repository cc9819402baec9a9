"""Bank week: a real bank's week of half-hourly demand, rostered with named agents.

``python -m scheduler.solver.benchmarks bank-week FILE --time-limit 60 [--json]``

8-hour shifts starting on the hour, 11 h rest, 5 shifts a week in one block (so the 2 days off
are together), the week repeating (the last night runs into day 0, rest wraps around). The
crew model (scheduler.solver.crews) sizes the crews with coverage hard and the fewest agents,
then the roster of those named agents is checked with check_roster.

Side by side: pyworkforce 0.5.4 on the same file, in its own Python 3.12 environment:
``.venv-pyworkforce/bin/python benchmarks/pyworkforce_bank_week.py FILE``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from datetime import date

from scheduler.solver.config import SolverConfig
from scheduler.solver.crews import solve_cyclic_crews
from scheduler.solver.lp import shifts_lower_bound
from scheduler.solver.problem import (
    Agent,
    Contract,
    Demand,
    Horizon,
    Policy,
    Problem,
    ShiftTemplate,
    SkillGroup,
)
from scheduler.solver.solution import Solution
from scheduler.solver.solve import finish
from scheduler.solver.validation import check_roster
from scheduler.solver.weights import Weights

SUNDAY = date(2026, 1, 4)  # day 0 of the file is a Sunday


def read_requirements(path: str) -> tuple[int, ...]:
    required = [0] * (7 * 48)
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            required[int(row["day"]) * 48 + int(row["interval"])] = int(row["required"])
    return tuple(required)


def bank_week_problem(required: tuple[int, ...], num_agents: int) -> Problem:
    templates = tuple(ShiftTemplate(f"h{hour:02d}", hour * 60, 480) for hour in range(24))
    contract = Contract(
        max_minutes_per_day=480,
        max_minutes_per_week=5 * 480,
        working_days_per_week=5,
        min_working_days_per_week=5,
    )
    agents = tuple(
        Agent(f"agent{i:04d}", {"service": 3}, contract=contract) for i in range(num_agents)
    )
    return Problem(
        horizon=Horizon(SUNDAY, 7, 30, cyclic=True),
        templates=templates,
        agents=agents,
        skill_groups=(SkillGroup("service", frozenset({"service"})),),
        demands=(Demand("service", required),),
        policy=Policy(min_rest_minutes=660, max_consecutive_days=6, days_off_together=2),
        weights=Weights(fairness_nights=0, fairness_weekends=0, fairness_holidays=0),
    )


def run(path: str, time_limit: float, seed: int) -> dict[str, object]:
    started = time.monotonic()
    required = read_requirements(path)
    lp_bound = shifts_lower_bound(bank_week_problem(required, 1))
    # Crew sizing: coverage hard, fewest agents, at most 10% above the bound's head count.
    ceiling = math.ceil(round(lp_bound, 6) * 1.1 / 5)
    config = SolverConfig(
        time_limit_seconds=max(1.0, time_limit - (time.monotonic() - started)),
        num_workers=2,
        random_seed=seed,
    )
    sized = solve_cyclic_crews(bank_week_problem(required, ceiling), config, size_crews=True)
    seconds = time.monotonic() - started
    if not sized.has_roster:
        return {"status": sized.status.value, "seconds": seconds, "lp_bound": lp_bound}
    # The roster names the first N agents: validate it as the roster of exactly those N.
    num_agents = len({a.agent_id for a in sized.assignments})
    problem = bank_week_problem(required, num_agents)
    solution = finish(problem, sized.status, sized.assignments, sized.figures)
    violations = check_roster(problem, solution)
    agent_shifts = len(solution.assignments)
    return {
        "status": solution.status.value,
        "agents": num_agents,
        "agent_shifts": agent_shifts,
        "lp_bound": round(lp_bound, 3),
        "shifts_above_lp_bound": round(agent_shifts / lp_bound - 1, 5) if lp_bound else None,
        "first_feasible_seconds": round(seconds, 3),
        "seconds": round(time.monotonic() - started, 3),
        "under_covered_intervals": sum(1 for row in solution.coverage if row.under),
        "over_covered_agent_intervals": sum(row.over for row in solution.coverage),
        "min_rest_hours": problem.policy.min_rest_minutes / 60,
        "min_rest_hours_in_roster": _min_rest_hours(problem, solution),
        "shifts_per_agent": sorted(set(_shifts_per_agent(solution).values())),
        "valid": not violations,
        "violations": len(violations),
        "pyworkforce": ".venv-pyworkforce/bin/python benchmarks/pyworkforce_bank_week.py FILE",
    }


def _shifts_per_agent(solution: Solution) -> dict[str, int]:
    counts: dict[str, int] = {}
    for a in solution.assignments:
        counts[a.agent_id] = counts.get(a.agent_id, 0) + 1
    return counts


def _min_rest_hours(problem: Problem, solution: Solution) -> float:
    total = problem.horizon.total_minutes
    per_agent: dict[str, list[tuple[int, int]]] = {}
    for a in solution.assignments:
        per_agent.setdefault(a.agent_id, []).append((a.start_minute, a.end_minute))
    gaps = []
    for shifts in per_agent.values():
        shifts.sort()
        shifts.append((shifts[0][0] + total, shifts[0][1] + total))
        gaps += [b[0] - a[1] for a, b in zip(shifts, shifts[1:], strict=False)]
    return min(gaps) / 60 if gaps else 0.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler.solver.benchmarks bank-week")
    parser.add_argument("file")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.file, args.time_limit, args.seed)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>30}: {value}")
    return 0 if figures.get("valid") else 1
