"""A seeded 24/7 bank center: N agents x days x 15-minute intervals x skill groups.

``python -m scheduler.solver.benchmarks synthetic --agents N --days 28 --interval-minutes 15
--skills 3 --time-limit 120 --seed 1 [--json]``

Demand is shaped like a bank's (quiet nights, morning and afternoon peaks, quieter weekends)
and scaled so the required agent-hours are about 80% of the agents' contracted hours. Every
rule is on: 11 h rest, at most 6 days in a row, 2 days off together each week, 4-5 days a
week, at most 12 nights and 3 weekends per 28 days, a supervisor on duty around the clock,
forward rotation, a 3-hour start band per week, leave, night preferences, fairness with
carried-in history. Prints time to first roster, coverage cost (100 per missing
agent-interval, 1 per extra one), its LP lower bound, the gap, the validator result and peak
memory.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import time
from datetime import date

from scheduler.solver.config import SolverConfig
from scheduler.solver.lp import coverage_cost_lower_bound
from scheduler.solver.problem import (
    Agent,
    Contract,
    Demand,
    FairnessHistory,
    Horizon,
    Policy,
    Preference,
    PreferenceKind,
    Problem,
    ShiftTemplate,
    SkillGroup,
)
from scheduler.solver.solution import Solution
from scheduler.solver.solve import solve_roster
from scheduler.solver.validation import check_roster
from scheduler.solver.weights import Weights

MONDAY = date(2026, 1, 5)
CONTRACT_SHARE = 0.8  # required agent-hours / contracted agent-hours


def _profile(minute: float) -> float:
    """Relative call volume by time of day: nights low, peaks at 10:30 and 15:00."""
    hour = minute / 60
    night = 0.12
    morning = math.exp(-(((hour - 10.5) / 2.2) ** 2))
    afternoon = 0.85 * math.exp(-(((hour - 15.0) / 2.5) ** 2))
    evening = 0.35 * math.exp(-(((hour - 19.5) / 2.0) ** 2))
    return night + morning + afternoon + evening


def synthetic_problem(
    *,
    agents: int,
    days: int = 28,
    interval_minutes: int = 15,
    skills: int = 3,
    seed: int = 1,
) -> Problem:
    rng = random.Random(seed)
    horizon = Horizon(MONDAY, days, interval_minutes)
    skill_names = [f"skill{k}" for k in range(skills)]
    shares = [max(0.1, 0.5 * 0.6**k) for k in range(skills)]
    total_share = sum(shares)
    shares = [s / total_share for s in shares]
    templates = tuple(
        ShiftTemplate(
            f"s{hour:02d}",
            hour * 60,
            480,
            30,
            180,
            300,
            is_night=hour >= 20 or hour < 4,
        )
        for hour in range(24)
    )
    contract = Contract(
        max_minutes_per_day=480,
        max_minutes_per_week=5 * 480,
        working_days_per_week=5,
        min_working_days_per_week=4,
    )
    num_supervisors = max(10, agents // 20)
    roster = []
    history = []
    preferences = []
    for i in range(agents):
        draw = rng.random()
        primary = rng.choices(range(skills), weights=shares)[0]
        if draw < 0.6 or skills == 1:
            chosen = {primary}
        elif draw < 0.9:
            chosen = {primary, rng.randrange(skills)}
        else:
            chosen = set(range(skills))
        is_supervisor = i < num_supervisors
        if is_supervisor:
            chosen = set(range(skills))
        leave: set[int] = set()
        if rng.random() < 0.08:
            start = rng.randrange(days)
            leave.update(d for d in range(start, min(days, start + 5)))
        if rng.random() < 0.2:
            leave.add(rng.randrange(days))
        agent_id = f"agent{i:04d}"
        roster.append(
            Agent(
                agent_id,
                {skill_names[k]: rng.randint(1, 5) for k in sorted(chosen)},
                level="supervisor" if is_supervisor else "agent",
                is_supervisor=is_supervisor,
                contract=Contract(
                    **{
                        **contract.__dict__,
                        "night_eligible": is_supervisor or rng.random() < 0.8,
                    }
                ),
                leave_days=frozenset(leave),
            )
        )
        history.append(
            FairnessHistory(agent_id, nights=rng.randint(0, 4), weekends=rng.randint(0, 2))
        )
        if rng.random() < 0.1:
            preferences.append(Preference(agent_id, PreferenceKind.AVOID_NIGHTS, 2))
    # Demand: 80% of contracted agent-minutes (leave excluded), shaped and split by group.
    contracted = (
        sum((5 * 480) * days / 7 - 480 * len(a.leave_days) * 5 / 7 for a in roster) * CONTRACT_SHARE
    )
    weights_by_interval = []
    for i in range(horizon.num_intervals):
        day, minute = divmod(i * interval_minutes, 1440)
        weekday = horizon.weekday(day)
        factor = 0.6 if weekday >= 5 else (1.1 if weekday == 0 else 1.0)
        weights_by_interval.append(_profile(minute + interval_minutes / 2) * factor)
    scale = contracted / (sum(weights_by_interval) * interval_minutes)
    demands = []
    for k, share in enumerate(shares):
        values = tuple(max(1, round(w * scale * share)) for w in weights_by_interval)
        demands.append(Demand(f"group{k}", values))
    return Problem(
        horizon=horizon,
        templates=templates,
        agents=tuple(roster),
        skill_groups=tuple(
            SkillGroup(f"group{k}", frozenset({skill_names[k]})) for k in range(skills)
        ),
        demands=tuple(demands),
        policy=Policy(
            min_rest_minutes=660,
            max_consecutive_days=6,
            days_off_together=2,
            max_nights_per_28_days=12,
            max_weekends_per_28_days=3,
            supervisor_coverage=True,
            forward_rotation=True,
            start_band_minutes=180,
        ),
        weights=Weights(),
        preferences=tuple(preferences),
        history=tuple(history),
    )


def weeks_without_two_days_off(problem: Problem, solution: Solution) -> float:
    worked: dict[str, set[int]] = {}
    for a in solution.assignments:
        worked.setdefault(a.agent_id, set()).add(a.day)
    total = bad = 0
    for agent in problem.agents:
        days = worked.get(agent.id, set())
        for week in range(problem.horizon.num_full_weeks):
            week_days = list(problem.horizon.week_days(week))
            total += 1
            if not any(d not in days and d + 1 not in days for d in week_days[:-1]):
                bad += 1
    return bad / total if total else 0.0


def run(args: argparse.Namespace) -> dict[str, object]:
    started = time.monotonic()
    problem = synthetic_problem(
        agents=args.agents,
        days=args.days,
        interval_minutes=args.interval_minutes,
        skills=args.skills,
        seed=args.seed,
    )
    built_seconds = time.monotonic() - started
    lp_started = time.monotonic()
    lp_bound = coverage_cost_lower_bound(problem)
    lp_seconds = time.monotonic() - lp_started
    config = SolverConfig(
        # The limit covers everything printed: keep a few seconds for the validation after.
        time_limit_seconds=max(1.0, args.time_limit - (time.monotonic() - started) - 3.0),
        num_workers=2,
        random_seed=args.seed,
        mode=args.mode,
    )
    solve_started = time.monotonic()
    solution = solve_roster(problem, config)
    solve_seconds = time.monotonic() - solve_started
    violations = check_roster(problem, solution)
    cost = sum(100 * row.under + row.over for row in solution.coverage)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    first = solution.figures.first_feasible_seconds
    return {
        "status": solution.status.value,
        "agents": args.agents,
        "days": args.days,
        "mode": solution.figures.mode,
        "first_feasible_seconds": round(built_seconds + lp_seconds + first, 3)
        if first is not None
        else None,
        "solve_first_feasible_seconds": round(first, 3) if first is not None else None,
        "seconds": round(time.monotonic() - started, 3),
        "solve_seconds": round(solve_seconds, 3),
        "lp_seconds": round(lp_seconds, 3),
        "coverage_cost": cost,
        "under_covered_agent_intervals": sum(row.under for row in solution.coverage),
        "over_covered_agent_intervals": sum(row.over for row in solution.coverage),
        "lp_bound": round(lp_bound, 3),
        "gap": round((cost - lp_bound) / lp_bound, 5) if lp_bound else None,
        "weeks_without_two_days_off": round(weeks_without_two_days_off(problem, solution), 5),
        "valid": not violations,
        "violations": len(violations),
        "violated_rules": sorted({v.rule for v in violations}),
        "objective": solution.figures.objective,
        "peak_memory_mb": round(peak_kb / 1024, 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler.solver.benchmarks synthetic")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--interval-minutes", type=int, default=15)
    parser.add_argument("--skills", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", default="decomposed", help="auto, exact or decomposed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>30}: {value}")
    return 0 if figures["valid"] else 1
