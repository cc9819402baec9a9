"""pyworkforce 0.5.4 on the bank week, side by side with the roster engine.

Run with the separate Python 3.12 environment (pyworkforce needs 3.12+):

    .venv-pyworkforce/bin/python benchmarks/pyworkforce_bank_week.py \
        ../shared/benchmarks/bank-week/requirements_7x48.csv --time-limit 60 [--json]

Steps: MinRequiredResources (how many agents start each hourly 8-hour shift each day), then
MinHoursRoster (named agents: 40 h a week, at most 2 days off) twice, without and with an
11-hour rest rule (non-sequential shift pairs). pyworkforce plans each day separately, so a
shift that runs past midnight is folded into its own day's periods (its coverage wraps within
the day); the engine instead treats the week as one continuous, repeating timeline.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time

from pyworkforce.rostering import MinHoursRoster
from pyworkforce.scheduling import MinRequiredResources

SHIFTS = [f"h{hour:02d}" for hour in range(24)]


def read(path: str) -> list[list[int]]:
    required = [[0] * 48 for _ in range(7)]
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            required[int(row["day"])][int(row["interval"])] = int(row["required"])
    return required


def schedule(required: list[list[int]], time_limit: float) -> dict:
    coverage = {}
    for hour, name in enumerate(SHIFTS):
        periods = [0] * 48
        for k in range(16):
            periods[(hour * 2 + k) % 48] = 1
        coverage[name] = periods
    started = time.monotonic()
    scheduler = MinRequiredResources(
        num_days=7,
        periods=48,
        shifts_coverage=coverage,
        required_resources=required,
        max_period_concurrency=1000,
        max_shift_concurrency=1000,
        max_search_time=time_limit,
        num_search_workers=2,
    )
    solution = scheduler.solve()
    solution["seconds"] = time.monotonic() - started
    return solution


def roster(per_day_shift: dict, agents: int, time_limit: float, rest_rule: bool) -> dict:
    required = {name: [per_day_shift.get((day, name), 0) for day in range(7)] for name in SHIFTS}
    non_sequential = []
    if rest_rule:
        for first in range(24):
            for second in range(24):
                if second * 60 + 1440 - (first * 60 + 480) < 660:
                    non_sequential.append({"origin": SHIFTS[first], "destination": SHIFTS[second]})
    started = time.monotonic()
    model = MinHoursRoster(
        num_days=7,
        resources=[f"agent{i:04d}" for i in range(agents)],
        shifts=SHIFTS,
        shifts_hours=[8] * 24,
        min_working_hours=40,
        banned_shifts=[],
        max_resting=2,
        required_resources=required,
        non_sequential_shifts=non_sequential or None,
        max_search_time=time_limit,
        num_search_workers=2,
    )
    solution = model.solve()
    result = {"status": solution.get("status"), "seconds": round(time.monotonic() - started, 3)}
    if solution.get("status") in ("OPTIMAL", "FEASIBLE"):
        shifts: dict[str, list[tuple[int, int]]] = {}
        for row in solution["resource_shifts"]:
            hour = SHIFTS.index(row["shift"])
            shifts.setdefault(row["resource"], []).append((row["day"], hour))
        short_rest = split_off = 0
        for rows in shifts.values():
            days = {d for d, _ in rows}
            starts = dict(rows)
            for day, hour in rows:
                nxt = (day + 1) % 7
                if nxt in starts and starts[nxt] * 60 + 1440 - (hour * 60 + 480) < 660:
                    short_rest += 1
            off = [d for d in range(7) if d not in days]
            if len(off) >= 2 and not any((d + 1) % 7 in off for d in off):
                split_off += 1
        result.update(
            agent_shifts=len(solution["resource_shifts"]),
            agents_with_shifts=len(shifts),
            rest_gaps_under_11h=short_rest,
            agents_with_split_days_off=split_off,
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    required = read(args.file)
    scheduled = schedule(required, args.time_limit)
    per_day_shift = {
        (row["day"], row["shift"]): row["resources"] for row in scheduled["resources_shifts"]
    }
    agent_shifts = sum(per_day_shift.values())
    agents = math.ceil(agent_shifts / 5)
    figures = {
        "scheduling_status": scheduled["status"],
        "scheduling_seconds": round(scheduled["seconds"], 3),
        "scheduling_agent_shifts": agent_shifts,
        "agents": agents,
        "roster_without_rest_rule": roster(per_day_shift, agents, args.time_limit, False),
        "roster_with_11h_rest_rule": roster(per_day_shift, agents, args.time_limit, True),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
