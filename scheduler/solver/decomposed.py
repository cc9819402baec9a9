"""Large problems: a constructive start of weekly lines, then large-neighbourhood search.

1. Construction (``construct``): week by week, each agent gets a *weekly line* (the days off
   as one block, the same template on the working days) chosen greedily for the residual
   demand of the agent's skill groups, among the lines that keep every hard rule given the
   agent's earlier weeks (rest, runs, rotation, nights, weekends, contract, locks).
   Supervisors go first each week, drawn to the intervals no supervisor covers yet.
2. Large-neighbourhood search (``improve``): a few agents and one week are freed; the rest of
   the roster becomes fixed background coverage; the exact CP-SAT model (every rule, the
   objective, break placement) re-optimises the neighbourhood starting from the current
   roster as a hint. Better neighbourhoods replace the current roster.

Memory and time stay proportional to the neighbourhood, not to agents x days x templates.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from scheduler.solver import evaluate
from scheduler.solver.config import SolverConfig
from scheduler.solver.lines import LineBuilder
from scheduler.solver.model import build_model, read_assignments
from scheduler.solver.problem import Agent, Problem, ShiftRef
from scheduler.solver.rules import HARD_RULES
from scheduler.solver.solution import (
    Assignment,
    Conflict,
    Figures,
    InfeasibilityReport,
    Solution,
    SolveStatus,
)
from scheduler.solver.solve import finish
from scheduler.solver.validation import check_roster


def construct(problem: Problem, seed: int, *, search_seconds: float = 0.0) -> list[Assignment]:
    """Weekly lines built greedily, then ``search_seconds`` of ruin-and-recreate moves."""
    builder = LineBuilder(problem, seed)
    builder.build()
    if search_seconds > 0:
        builder.reinsert(time.monotonic() + search_seconds)
    return builder.assignments()


def _on_phone_counts(
    problem: Problem, assignments: list[Assignment]
) -> tuple[dict[tuple[frozenset[str], int], int], dict[int, int]]:
    kinds = {a.id: problem.eligible_groups(a) for a in problem.agents}
    supervisors = {a.id for a in problem.agents if a.is_supervisor}
    counts: dict[tuple[frozenset[str], int], int] = defaultdict(int)
    on_duty: dict[int, int] = defaultdict(int)
    for a in assignments:
        kind = kinds[a.agent_id]
        if kind:
            for i in evaluate.on_phone_intervals(problem, a):
                counts[(kind, i)] += 1
        if a.agent_id in supervisors:
            for i in problem.horizon.intervals_between(a.start_minute, a.end_minute):
                on_duty[i] += 1
    return counts, on_duty


def improve(
    problem: Problem,
    assignments: list[Assignment],
    config: SolverConfig,
    deadline: float,
) -> tuple[list[Assignment], int]:
    """Large-neighbourhood search until ``deadline``; returns the roster and the number of
    improving moves."""
    rng = random.Random(config.random_seed)
    horizon = problem.horizon
    by_agent: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_agent[a.agent_id].append(a)
    counts, on_duty = _on_phone_counts(problem, assignments)
    kinds = {a.id: problem.eligible_groups(a) for a in problem.agents}
    supervisors = [a for a in problem.agents if a.is_supervisor]
    num_weeks = (horizon.num_days + 6) // 7
    moves = 0
    iteration = 0
    total_required = problem.total_required()
    kind_set = {kind for kind in kinds.values() if kind}
    while time.monotonic() < deadline - 0.5:
        iteration += 1
        target_interval: int | None = None
        # Mostly around an interval with fewer agents on the phone than required in all.
        short = [
            i
            for i in rng.sample(range(horizon.num_intervals), min(400, horizon.num_intervals))
            if total_required[i] > sum(counts.get((kind, i), 0) for kind in kind_set)
        ]
        supervisor_gaps = [
            i
            for i, required in enumerate(total_required)
            if problem.policy.supervisor_coverage and required > 0 and on_duty.get(i, 0) == 0
        ]
        if supervisor_gaps:
            # A hard rule is broken: free the supervisors around the first gap.
            target_day = rng.choice(supervisor_gaps) // horizon.intervals_per_day
            week = target_day // 7
        elif short and rng.random() < 0.7:
            target_interval = short[0]
            target_day = target_interval // horizon.intervals_per_day
            week = target_day // 7
        else:
            target_day = None
            week = rng.randrange(num_weeks)
        week_days = [d for d in horizon.week_days(week) if d < horizon.num_days]
        span = min(config.lns_days_per_neighbourhood, len(week_days))
        if target_day is not None:
            position = week_days.index(target_day)
            low = max(0, min(position - span // 2, len(week_days) - span))
            days = week_days[low : low + span]
        else:
            first_day = rng.randrange(len(week_days) - span + 1)
            days = week_days[first_day : first_day + span]
        size = min(config.lns_agents_per_neighbourhood, len(problem.agents))
        gaps = [
            i
            for i in range(
                days[0] * horizon.intervals_per_day, (days[-1] + 1) * horizon.intervals_per_day
            )
            if problem.policy.supervisor_coverage
            and total_required[i] > 0
            and on_duty.get(i, 0) == 0
        ]
        pool = list(problem.agents)
        chosen: list[Agent] = []
        if supervisor_gaps and supervisors:
            chosen = rng.sample(supervisors, min(len(supervisors), max(size, 12)))
        elif gaps and supervisors:
            chosen = rng.sample(supervisors, min(len(supervisors), max(2, size // 2)))
        if target_interval is not None and not chosen:
            # Free mostly the agents who could fill the gap by moving their shift a little;
            # random agents rarely work near one short interval.
            near = _agents_near(problem, by_agent, kinds, target_interval, set(days), rng)
            chosen = near[: max(1, (size * 3) // 4)]
        # Agents of one kind swap work best together: draw around a random agent's kind.
        anchor = rng.choice(pool)
        same = [a for a in pool if kinds[a.id] == kinds[anchor.id] and a not in chosen]
        rng.shuffle(same)
        chosen += same[: max(1, size - len(chosen)) // 2]
        others = [a for a in pool if a not in chosen]
        chosen += rng.sample(others, max(0, min(len(others), size - len(chosen))))
        free_ids = {a.id for a in chosen}
        free_assignments = [a for agent_id in free_ids for a in by_agent[agent_id]]
        sub_counts, sub_duty = _on_phone_counts(problem, free_assignments)
        background = {k: v - sub_counts.get(k, 0) for k, v in counts.items()}
        background = {k: v for k, v in background.items() if v}
        duty = {k: v - sub_duty.get(k, 0) for k, v in on_duty.items()}
        locked = []
        worked = {(a.agent_id, a.day): a.template_id for a in free_assignments}
        day_set = set(days)
        for agent in chosen:
            for d in range(horizon.num_days):
                if d not in day_set:
                    locked.append(ShiftRef(agent.id, d, worked.get((agent.id, d))))
        previous_tail = tuple(r for r in problem.previous_tail if r.agent_id in free_ids)
        sub = replace(
            problem,
            agents=tuple(chosen),
            locked=tuple(r for r in problem.locked if r.agent_id in free_ids) + tuple(locked),
            previous_tail=previous_tail,
            preferences=tuple(p for p in problem.preferences if p.agent_id in free_ids),
            off_phone=tuple(o for o in problem.off_phone if o.agent_id in free_ids),
            history=tuple(h for h in problem.history if h.agent_id in free_ids),
            previous_roster=tuple(r for r in problem.previous_roster if r.agent_id in free_ids),
        )
        window = (max(0, days[0] - 1) * 1440, min(horizon.num_days, days[-1] + 2) * 1440)

        try:
            built = build_model(
                sub,
                background_on_phone=background,
                background_supervisors=duty,
                coverage_window_minutes=window,
                # Fairness is a spread over all agents: a handful of them cannot judge it.
                skip_rules=frozenset({"fairness"}),
            )
        except (ValueError, KeyError):
            continue
        for (agent_id, day, template_id), var in built.v.x.items():
            built.model.add_hint(var, worked.get((agent_id, day)) == template_id)
        # Shifts outside the freed days keep their breaks too.
        current_breaks: dict[tuple[int, str, frozenset[str], int], int] = defaultdict(int)
        for a in free_assignments:
            if a.break_start_minute is not None and a.day not in day_set:
                offset = a.break_start_minute - a.start_minute
                current_breaks[(a.day, a.template_id, kinds[a.agent_id], offset)] += 1
        for (day, template_id, kind), parts in built.v.break_counts.items():
            if day not in day_set:
                for offset, part in parts.items():
                    built.model.add(part == current_breaks[(day, template_id, kind, offset)])
        # The current neighbourhood's cost, to accept only improvements; its full solution
        # (breaks, allocation) becomes a complete hint for the search.
        current = _hinted_objective(built, config)
        solver = cp_model.CpSolver()
        limit = min(config.lns_seconds_per_neighbourhood, deadline - time.monotonic() - 0.2)
        if limit <= 0.1:
            break
        config.apply(solver, time_limit_seconds=limit)
        solver.parameters.random_seed = config.random_seed + iteration
        solver.parameters.cp_model_probing_level = 0  # probing costs seconds; the hint helps more
        status = solver.solve(built.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        if current is not None and solver.objective_value > current + 1e-6:
            continue
        kept = {(a.agent_id, a.day): a for a in free_assignments if a.day not in day_set}
        new = [kept.get((a.agent_id, a.day), a) for a in read_assignments(sub, built, solver)]
        for a in free_assignments:
            by_agent[a.agent_id] = []
        for a in new:
            by_agent[a.agent_id].append(a)
        new_counts, new_duty = _on_phone_counts(problem, new)
        for key, value in sub_counts.items():
            counts[key] -= value
        for key, value in new_counts.items():
            counts[key] = counts.get(key, 0) + value
        for interval, value in sub_duty.items():
            on_duty[interval] -= value
        for interval, value in new_duty.items():
            on_duty[interval] = on_duty.get(interval, 0) + value
        moves += 1
    return [a for rows in by_agent.values() for a in rows], moves


# The line moves stop before their share of the time when a tenth of the remaining time
# gains less than this share of the cost: one agent at a time they stall (measured at 1,000
# agents, after about half the time), and the CP-SAT neighbourhoods, which move several agents
# together, then improve faster.
LINE_SEARCH_STALL_SHARE = 0.0025


def _line_search(builder: LineBuilder, deadline: float, left: float) -> int:
    """Line moves until ``deadline`` or until they stall; returns the number of moves."""
    window = max(1.0, left * 0.1)
    moves = 0
    before = builder.residual_cost()
    while time.monotonic() < deadline:
        moves += builder.reinsert(min(deadline, time.monotonic() + window))
        after = builder.residual_cost()
        if before - after < LINE_SEARCH_STALL_SHARE * before:
            break
        before = after
    return moves


def _agents_near(
    problem: Problem,
    by_agent: dict[str, list[Assignment]],
    kinds: dict[str, frozenset[str]],
    interval: int,
    days: set[int],
    rng: random.Random,
) -> list[Agent]:
    """Agents of a skill group short at ``interval``, nearest first: those whose shift on a
    freed day ends shortly before the interval or starts shortly after it (a small re-timing
    fills the gap while their other intervals are usually over-covered)."""
    horizon = problem.horizon
    minute = interval * horizon.interval_minutes
    needed = {
        g.id
        for g in problem.skill_groups
        if (demand := problem.demand_for(g.id)) is not None and demand.required[interval] > 0
    }
    jitter = 4 * horizon.interval_minutes  # draws differ between neighbourhoods of one gap
    scored: list[tuple[float, Agent]] = []
    for agent in problem.agents:
        if not kinds[agent.id] & needed:
            continue
        nearest: float | None = None
        for a in by_agent[agent.id]:
            if a.day not in days:
                continue
            if a.start_minute <= minute < a.end_minute:
                # Already covering: worth freeing only to make room for a neighbour.
                distance = float(horizon.interval_minutes * 8)
            else:
                distance = float(min(abs(a.start_minute - minute), abs(minute - a.end_minute)))
            nearest = distance if nearest is None else min(nearest, distance)
        if nearest is None or nearest > 12 * 60:
            continue
        scored.append((nearest + rng.random() * jitter, agent))
    scored.sort(key=lambda item: item[0])
    return [agent for _, agent in scored]


def _hinted_objective(built, config: SolverConfig) -> float | None:  # type: ignore[no-untyped-def]
    """The neighbourhood's cost with its shifts as they are (breaks re-optimised); on success
    every variable's value becomes the hint."""
    solver = cp_model.CpSolver()
    config.apply(solver, time_limit_seconds=2.0)
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = solver.response_proto.solution
    model = built.model
    model.clear_hints()
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    return float(solver.objective_value)


def solve_decomposed(problem: Problem, config: SolverConfig) -> Solution:
    started = time.monotonic()
    # Keep a little time to fill coverage and penalties at the end.
    reserve = min(5.0, 0.04 * config.time_limit_seconds)
    deadline = started + config.time_limit_seconds - reserve
    if problem.previous_roster:
        # Repair at scale: start from the published roster minus what became impossible.
        agents = {a.id: a for a in problem.agents}
        start: list[Assignment] = []
        for ref in problem.previous_roster:
            agent = agents.get(ref.agent_id)
            if agent is None or ref.template_id is None:
                continue
            template = problem.template(ref.template_id)
            if problem.can_work(agent, ref.day, template):
                start.append(
                    Assignment(
                        agent.id,
                        ref.day,
                        template.id,
                        template.start_on(ref.day),
                        template.end_on(ref.day),
                    )  # fmt: skip
                )
        assignments = evaluate.place_breaks(problem, start)
        first_feasible = time.monotonic() - started
        moves = 0
    else:
        builder = LineBuilder(problem, config.random_seed)
        builder.build()
        builder.repair_supervisors(started + config.time_limit_seconds * 0.25)
        first_feasible = time.monotonic() - started
        # Most of the time to the fast line moves, the rest to CP-SAT neighbourhoods (which
        # also place breaks and weigh preferences exactly).
        left = deadline - time.monotonic()
        moves = _line_search(builder, time.monotonic() + left * config.line_search_share, left)
        builder.repair_supervisors(deadline)
        assignments = builder.assignments()
    config.report(time.monotonic() - started, None, None)
    assignments, lns_moves = improve(problem, assignments, config, deadline)
    seconds = time.monotonic() - started
    figures = Figures(
        seconds=seconds,
        first_feasible_seconds=first_feasible,
        mode=f"decomposed ({moves} line moves, {lns_moves} improving neighbourhoods)",
    )
    solution = finish(problem, SolveStatus.FEASIBLE, assignments, figures)
    objective = float(solution.penalty_total())
    solution = replace(solution, figures=replace(figures, objective=objective))
    # A heuristic start can miss a hard rule (say, too few supervisors for round-the-clock
    # cover): never hand such a roster out as feasible.
    broken = check_roster(problem, solution, rules=sorted(HARD_RULES))
    if broken:
        conflicts = tuple(
            Conflict(
                (v.rule,),
                v.message,
                (v.day,) if v.day is not None else (),
                (v.agent_id,) if v.agent_id else (),
            )  # fmt: skip
            for v in broken[:50]
        )
        return Solution(
            SolveStatus.TIMED_OUT,
            figures=replace(figures, seconds=time.monotonic() - started),
            infeasibility=InfeasibilityReport(
                conflicts, ("no valid roster found within the limit; try the exact mode",)
            ),
        )
    return solution
