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
from scheduler.solver.model import build_model, read_assignments
from scheduler.solver.problem import Agent, Problem, ShiftRef, ShiftTemplate
from scheduler.solver.solution import Assignment, Figures, Solution, SolveStatus
from scheduler.solver.solve import finish

UNDER_GAIN = 101  # construction: one under-covered interval filled, against one over-covered
SUPERVISOR_GAIN = 10_000  # construction: one interval gaining its first supervisor


class _AgentState:
    def __init__(self, problem: Problem, agent: Agent) -> None:
        self.agent = agent
        self.shifts: dict[int, ShiftTemplate] = {}
        for ref in problem.previous_tail:
            if ref.agent_id == agent.id and ref.template_id is not None and ref.day < 0:
                self.shifts[ref.day] = problem.template(ref.template_id)
        self.nights = 0
        self.weekends = 0


def _line_ok(
    problem: Problem,
    state: _AgentState,
    days: list[int],
    work: list[int],
    template: ShiftTemplate,
    locks: dict[int, str | None],
    weekend_index: dict[int, int],
    weekend_flags: dict[int, bool],
) -> bool:
    policy = problem.policy
    agent = state.agent
    contract = agent.contract
    for day, locked in locks.items():
        if locked is None and day in work:
            return False
        if locked is not None and (day not in work or locked != template.id):
            return False
    if len(work) > contract.working_days_per_week:
        return False
    if len(work) * template.paid_minutes > contract.max_minutes_per_week:
        return False
    if len(days) == 7:
        leave = sum(1 for d in days if d in agent.leave_days)
        if len(work) < contract.min_working_days_per_week - leave:
            return False
        minimum = contract.min_minutes_per_week - leave * contract.max_minutes_per_day
        if len(work) * template.paid_minutes < minimum:
            return False
    if not work:
        return True
    first = work[0]
    for back in (1, 2):
        previous = state.shifts.get(first - back)
        if previous is not None:
            if template.start_on(first) - previous.end_on(first - back) < policy.min_rest_minutes:
                return False
            if (
                back == 1
                and policy.forward_rotation
                and template.rotation_class < previous.rotation_class
            ):
                return False
    # Runs: the run reaching into this week, then the line's own runs.
    limit = problem.max_consecutive_days(agent)
    run = 0
    day = days[0] - 1
    while day in state.shifts:
        run += 1
        day -= 1
    worked = set(work)
    for d in days:
        run = run + 1 if d in worked else 0
        if run > limit:
            return False
    if template.is_night and policy.max_nights_per_28_days is not None:
        earlier = sum(
            1 for d, t in state.shifts.items() if t.is_night and days[0] - 27 <= d < days[0]
        )
        if earlier + len(work) > policy.max_nights_per_28_days:
            return False
    if policy.max_weekends_per_28_days is not None:
        indexes = {weekend_index[d] for d in work if d in weekend_index}
        for index in indexes:
            earlier = sum(1 for k in range(index - 3, index) if weekend_flags.get(k))
            if earlier + 1 > policy.max_weekends_per_28_days:
                return False
    return True


def construct(problem: Problem, seed: int) -> list[Assignment]:
    """Weekly lines, greedily, keeping every hard rule except supervisor coverage (which the
    greedy targets first and the search then repairs)."""
    rng = random.Random(seed)
    horizon = problem.horizon
    length = horizon.interval_minutes
    groups = [g.id for g in problem.skill_groups]
    need: dict[str, list[int]] = {}
    for g in groups:
        demand = problem.demand_for(g)
        need[g] = list(demand.required) if demand else [0] * horizon.num_intervals
    kinds = {a.id: tuple(sorted(problem.eligible_groups(a))) for a in problem.agents}
    kind_list = sorted(set(kinds.values()))
    positive = {
        kind: [
            UNDER_GAIN if any(need[g][i] > 0 for g in kind) else 0
            for i in range(len(need[groups[0]]))
        ]
        for kind in kind_list
        if kind
    }
    total_required = problem.total_required()
    no_supervisor = [1 if r > 0 else 0 for r in total_required]
    states = {a.id: _AgentState(problem, a) for a in problem.agents}
    locks: dict[str, dict[int, str | None]] = defaultdict(dict)
    for ref in problem.locked:
        locks[ref.agent_id][ref.day] = ref.template_id
    weekends = evaluate.weekends_of(problem)
    weekend_index = {d: k for k, days in enumerate(weekends) for d in days}
    weekend_flags: dict[str, dict[int, bool]] = defaultdict(dict)
    night_prefs: dict[str, int] = defaultdict(int)
    for pref in problem.preferences:
        if pref.kind == "avoid_nights":
            night_prefs[pref.agent_id] += pref.weight * problem.weights.preference
    spans = {t.id: (t.start_minute // length, t.span_minutes // length) for t in problem.templates}
    per_day = horizon.intervals_per_day
    result: list[Assignment] = []
    num_weeks = (horizon.num_days + 6) // 7
    for week in range(num_weeks):
        days = [d for d in horizon.week_days(week) if d < horizon.num_days]
        order = list(problem.agents)
        rng.shuffle(order)
        order.sort(key=lambda a: (not a.is_supervisor, len(kinds[a.id]) > 1))
        for agent in order:
            state = states[agent.id]
            kind = kinds[agent.id]
            pos = positive.get(kind)
            # Day-template gains on the residual demand.
            gain: dict[tuple[int, str], int] = {}
            for d in days:
                for t in problem.templates:
                    if not problem.can_work(agent, d, t):
                        continue
                    offset, span = spans[t.id]
                    start = d * per_day + offset
                    end = min(start + span, horizon.num_intervals)
                    value = sum(pos[start:end]) - (end - start) if pos else 0
                    if agent.is_supervisor and problem.policy.supervisor_coverage:
                        value += SUPERVISOR_GAIN * sum(no_supervisor[start:end])
                    if t.is_night:
                        value -= night_prefs[agent.id] + problem.weights.fairness_nights * (
                            state.nights
                        )
                    gain[(d, t.id)] = value
            best: tuple[float, list[int], ShiftTemplate] | None = None
            week_locks = {d: locks[agent.id][d] for d in days if d in locks[agent.id]}
            patterns = range(len(days) - 1) if len(days) >= 2 else range(1)
            candidates: list[tuple[list[int], ShiftTemplate]] = []
            for p in patterns:
                off = {days[p], days[p + 1]} if len(days) >= 2 else set()
                for t in problem.templates:
                    full = [d for d in days if d not in off and (d, t.id) in gain]
                    candidates.append((full, t))
                    if len(full) > 1:
                        # One day shorter at either end: resets rotation, spares a night.
                        candidates.append((full[1:], t))
                        candidates.append((full[:-1], t))
            for work, t in candidates:
                if not _line_ok(
                    problem, state, days, work, t, week_locks, weekend_index,
                    weekend_flags[agent.id],
                ):  # fmt: skip
                    continue
                score = sum(gain[(d, t.id)] for d in work) + rng.random()
                if any(d in weekend_index for d in work):
                    score -= problem.weights.fairness_weekends * state.weekends
                if best is None or score > best[0]:
                    best = (score, work, t)
            if best is None:
                continue  # no line keeps the rules: the agent is off this week
            _, work, template = best
            for d in work:
                state.shifts[d] = template
                start = template.start_on(d)
                result.append(Assignment(agent.id, d, template.id, start, template.end_on(d)))
                offset, span = spans[template.id]
                first = d * per_day + offset
                for i in range(first, min(first + span, horizon.num_intervals)):
                    if agent.is_supervisor:
                        no_supervisor[i] = 0
                    if not kind:
                        continue
                    g = max(kind, key=lambda name: need[name][i])  # noqa: B023
                    need[g][i] -= 1
                    if need[g][i] == 0:
                        for other in kind_list:
                            if g in other and other:
                                positive[other][i] = (
                                    UNDER_GAIN if any(need[h][i] > 0 for h in other) else 0
                                )
            if template.is_night:
                state.nights += len(work)
            flagged = {weekend_index[d] for d in work if d in weekend_index}
            for index in flagged:
                weekend_flags[agent.id][index] = True
            state.weekends += len(flagged)
    return evaluate.place_breaks(problem, result)


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
    while time.monotonic() < deadline - 0.5:
        iteration += 1
        week = rng.randrange(num_weeks)
        week_days = [d for d in horizon.week_days(week) if d < horizon.num_days]
        span = min(config.lns_days_per_neighbourhood, len(week_days))
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
        if gaps and supervisors:
            chosen = rng.sample(supervisors, min(len(supervisors), max(2, size // 2)))
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
    deadline = started + config.time_limit_seconds
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
    else:
        assignments = construct(problem, config.random_seed)
    first_feasible = time.monotonic() - started
    assignments, moves = improve(problem, assignments, config, deadline)
    seconds = time.monotonic() - started
    figures = Figures(
        seconds=seconds,
        first_feasible_seconds=first_feasible,
        mode=f"decomposed ({moves} improving neighbourhoods)",
    )
    solution = finish(problem, SolveStatus.FEASIBLE, assignments, figures)
    objective = float(solution.penalty_total())
    return replace(solution, figures=replace(figures, objective=objective))
