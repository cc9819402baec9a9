"""Weekly lines: the constructive start and fast local search of the decomposed mode.

A *weekly line* is one agent's week: the days off as one block (two days, or three when a
day is dropped at either end), and one template on every working day. Lines keep the weekly
rules by construction (days off together, start band, rest inside the week); the rules that
cross weeks (rest, rotation, runs, nights and weekends per 28 days, contract minimums) are
checked per agent by ``agent_valid``.

``LineBuilder.build`` assigns lines week by week, greedily for the residual demand of each
agent's skill groups (supervisors first, drawn to intervals without a supervisor).
``LineBuilder.reinsert`` then repeatedly takes one agent-week out and puts the best valid line
back (the current one is always a candidate, so the residual cost never rises): a
ruin-and-recreate local search that costs about a millisecond a move in pure Python.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from scheduler.solver import evaluate
from scheduler.solver.problem import Agent, Problem, ShiftTemplate
from scheduler.solver.solution import Assignment

UNDER_GAIN = 101  # one under-covered interval filled is worth this many over-covered ones
SUPERVISOR_GAIN = 10_000  # one interval gaining its first supervisor


def agent_valid(
    problem: Problem,
    agent: Agent,
    shifts: dict[int, ShiftTemplate],
    tail: dict[int, ShiftTemplate],
    weekends: list[list[int]],
    locks: dict[int, str | None],
) -> bool:
    """Every per-agent hard rule over the whole horizon (the solver-free fast path of
    validation.check_roster for one agent)."""
    policy = problem.policy
    horizon = problem.horizon
    contract = agent.contract
    for day, template_id in locks.items():
        current = shifts.get(day)
        if (current.id if current else None) != template_id:
            return False
    every = {**tail, **shifts}
    ordered = sorted(every)
    for first, second in zip(ordered, ordered[1:], strict=False):
        a, b = every[first], every[second]
        if b.start_on(second) - a.end_on(first) < policy.min_rest_minutes:
            return False
        if policy.forward_rotation and second == first + 1 and b.rotation_class < a.rotation_class:
            return False
    limit = problem.max_consecutive_days(agent)
    run = 0
    previous = None
    for day in ordered:
        run = run + 1 if previous is not None and day == previous + 1 else 1
        if run > limit:
            return False
        previous = day
    together = policy.days_off_together
    for week in range((horizon.num_days + 6) // 7):
        days = [d for d in horizon.week_days(week) if d < horizon.num_days]
        worked = [d for d in days if d in shifts]
        minutes = sum(shifts[d].paid_minutes for d in worked)
        if len(worked) > contract.working_days_per_week:
            return False
        if minutes > contract.max_minutes_per_week:
            return False
        if len(days) == 7:
            leave = sum(1 for d in days if d in agent.leave_days)
            if len(worked) < contract.min_working_days_per_week - leave:
                return False
            if minutes < contract.min_minutes_per_week - leave * contract.max_minutes_per_day:
                return False
            if together > 0 and not any(
                all(d not in shifts for d in range(start, start + together))
                for start in range(days[0], days[-1] - together + 2)
            ):
                return False
        if policy.start_band_minutes is not None and worked:
            starts = [shifts[d].start_minute for d in worked]
            if max(starts) - min(starts) > policy.start_band_minutes:
                return False
    if policy.max_nights_per_28_days is not None:
        nights = sorted(d for d, t in shifts.items() if t.is_night)
        length = min(28, horizon.num_days)
        for start in range(0, horizon.num_days - length + 1):
            inside = sum(1 for d in nights if start <= d < start + length)
            if inside > policy.max_nights_per_28_days:
                return False
    if policy.max_weekends_per_28_days is not None:
        flags = [any(d in shifts for d in days) for days in weekends]
        for start in range(0, max(1, len(flags) - 3)):
            if sum(flags[start : start + 4]) > policy.max_weekends_per_28_days:
                return False
    return True


class LineBuilder:
    def __init__(self, problem: Problem, seed: int) -> None:
        self.problem = problem
        self.rng = random.Random(seed)
        horizon = problem.horizon
        self.length = horizon.interval_minutes
        self.per_day = horizon.intervals_per_day
        groups = [g.id for g in problem.skill_groups]
        self.need: dict[str, list[int]] = {}
        for g in groups:
            demand = problem.demand_for(g)
            self.need[g] = list(demand.required) if demand else [0] * horizon.num_intervals
        self.kinds = {a.id: tuple(sorted(problem.eligible_groups(a))) for a in problem.agents}
        self.kind_list = sorted({k for k in self.kinds.values() if k})
        self.positive = {
            kind: [
                UNDER_GAIN if any(self.need[g][i] > 0 for g in kind) else 0
                for i in range(horizon.num_intervals)
            ]
            for kind in self.kind_list
        }
        total = problem.total_required()
        self.open = [r > 0 for r in total]
        self.supervisors_on = [0] * horizon.num_intervals
        self.shifts: dict[str, dict[int, ShiftTemplate]] = {a.id: {} for a in problem.agents}
        self.tail: dict[str, dict[int, ShiftTemplate]] = defaultdict(dict)
        for ref in problem.previous_tail:
            if ref.template_id is not None and ref.day < 0:
                self.tail[ref.agent_id][ref.day] = problem.template(ref.template_id)
        self.locks: dict[str, dict[int, str | None]] = defaultdict(dict)
        for ref in problem.locked:
            self.locks[ref.agent_id][ref.day] = ref.template_id
        self.weekends = evaluate.weekends_of(problem)
        self.weekend_index = {d: k for k, days in enumerate(self.weekends) for d in days}
        self.night_cost: dict[str, int] = defaultdict(int)
        for pref in problem.preferences:
            if pref.kind == "avoid_nights":
                self.night_cost[pref.agent_id] += pref.weight * problem.weights.preference
        self.spans = {t.id: (t.start_minute // self.length, t.span_minutes // self.length)
                      for t in problem.templates}  # fmt: skip
        # Which group each agent-day-interval was counted for, to take a line out again.
        self.counted: dict[tuple[str, int], list[tuple[int, str]]] = {}
        self.agents = {a.id: a for a in problem.agents}
        self.day_move_share = 0.6  # share of moves that move one day instead of a week
        self._available: dict[tuple[str, int, str], bool] = {}
        self._cell_cache: dict[tuple[int, str], range] = {}

    def _can_work(self, agent: Agent, day: int, template: ShiftTemplate) -> bool:
        key = (agent.id, day, template.id)
        known = self._available.get(key)
        if known is None:
            known = self._available[key] = self.problem.can_work(agent, day, template)
        return known

    # -- residual demand ---------------------------------------------------------------------
    def _cells(self, day: int, template: ShiftTemplate) -> range:
        key = (day, template.id)
        cells = self._cell_cache.get(key)
        if cells is None:
            offset, span = self.spans[template.id]
            first = day * self.per_day + offset
            cells = range(first, min(first + span, self.problem.horizon.num_intervals))
            self._cell_cache[key] = cells
        return cells

    def _refresh(self, group: str, i: int) -> None:
        for kind in self.kind_list:
            if group in kind:
                self.positive[kind][i] = UNDER_GAIN if any(self.need[g][i] > 0 for g in kind) else 0

    def _add(self, agent: Agent, day: int, template: ShiftTemplate) -> None:
        self.shifts[agent.id][day] = template
        kind = self.kinds[agent.id]
        counted = []
        for i in self._cells(day, template):
            if agent.is_supervisor:
                self.supervisors_on[i] += 1
            if not kind:
                continue
            g = max(kind, key=lambda name: self.need[name][i])  # noqa: B023
            self.need[g][i] -= 1
            counted.append((i, g))
            if self.need[g][i] == 0:
                self._refresh(g, i)
        self.counted[(agent.id, day)] = counted

    def _remove(self, agent: Agent, day: int) -> None:
        template = self.shifts[agent.id].pop(day)
        if agent.is_supervisor:
            for i in self._cells(day, template):
                self.supervisors_on[i] -= 1
        for i, g in self.counted.pop((agent.id, day), []):
            self.need[g][i] += 1
            if self.need[g][i] == 1:
                self._refresh(g, i)

    # -- lines -----------------------------------------------------------------------------
    def _scored_lines(
        self, agent: Agent, days: list[int]
    ) -> list[tuple[float, list[int], ShiftTemplate]]:
        problem = self.problem
        kind = self.kinds[agent.id]
        pos = self.positive.get(kind)
        supervising = agent.is_supervisor and problem.policy.supervisor_coverage
        weights = problem.weights
        nights_so_far = sum(1 for t in self.shifts[agent.id].values() if t.is_night)
        gain: dict[tuple[int, str], float] = {}
        night_penalty = self.night_cost[agent.id] + weights.fairness_nights * nights_so_far
        for d in days:
            for t in problem.templates:
                if not self._can_work(agent, d, t):
                    continue
                cells = self._cells(d, t)
                value = float(sum(pos[cells.start : cells.stop]) - len(cells)) if pos else 0.0
                if supervising:
                    value += SUPERVISOR_GAIN * sum(
                        1 for i in cells if self.open[i] and self.supervisors_on[i] == 0
                    )
                if t.is_night:
                    value -= night_penalty
                gain[(d, t.id)] = value
        lines = []
        patterns = range(len(days) - 1) if len(days) >= 2 else range(1)
        random = self.rng.random
        for t in problem.templates:
            usable = [(d, gain[(d, t.id)]) for d in days if (d, t.id) in gain]
            if not usable:
                continue
            for p in patterns:
                off = (days[p], days[p + 1]) if len(days) >= 2 else ()
                full = [d for d, _ in usable if d not in off]
                if not full:
                    continue
                total = sum(value for d, value in usable if d not in off)
                lines.append((total + random(), full, t))
                if len(full) > 1:
                    # One day shorter at either end: resets rotation, spares a night.
                    lines.append((total - gain[(full[0], t.id)] + random(), full[1:], t))
                    lines.append((total - gain[(full[-1], t.id)] + random(), full[:-1], t))
        lines.sort(key=lambda line: -line[0])
        return lines

    def _place_best(self, agent: Agent, days: list[int], max_checks: int = 60) -> bool:
        shifts = self.shifts[agent.id]
        for checks, (_, work, template) in enumerate(self._scored_lines(agent, days)):
            if checks >= max_checks:
                break
            trial = dict(shifts)
            for d in work:
                trial[d] = template
            if agent_valid(
                self.problem, agent, trial, self.tail[agent.id], self.weekends,
                self.locks[agent.id],
            ):  # fmt: skip
                for d in work:
                    self._add(agent, d, template)
                return True
        return False

    def _week_days(self, week: int) -> list[int]:
        horizon = self.problem.horizon
        return [d for d in horizon.week_days(week) if d < horizon.num_days]

    def build(self) -> None:
        """Week by week, each agent's best valid line for what is still uncovered. Later
        weeks are empty while building, so validity is checked against the weeks so far."""
        horizon = self.problem.horizon
        for week in range((horizon.num_days + 6) // 7):
            days = self._week_days(week)
            order = list(self.problem.agents)
            self.rng.shuffle(order)
            order.sort(key=lambda a: (not a.is_supervisor, len(self.kinds[a.id]) > 1))
            for agent in order:
                self._place_best_partial(agent, days)

    def _place_best_partial(self, agent: Agent, days: list[int]) -> None:
        """During the build only the weeks up to this one exist: check them alone."""
        last = days[-1]
        saved = self.problem
        shifts = self.shifts[agent.id]
        for checks, (_, work, template) in enumerate(self._scored_lines(agent, days)):
            if checks >= 1000:
                break
            trial = dict(shifts)
            for d in work:
                trial[d] = template
            if _valid_until(saved, agent, trial, self.tail[agent.id], self.weekends,
                            self.locks[agent.id], last):  # fmt: skip
                for d in work:
                    self._add(agent, d, template)
                return

    def reinsert(self, deadline: float) -> int:
        """Ruin and recreate one agent-week at a time until the deadline; returns moves."""
        horizon = self.problem.horizon
        weeks = (horizon.num_days + 6) // 7
        movable = [a for a in self.problem.agents if not a.is_supervisor]
        moves = 0
        while time.monotonic() < deadline and movable:
            agent = self.rng.choice(movable)
            days = self._week_days(self.rng.randrange(weeks))
            moves += 1
            if self.rng.random() < self.day_move_share:
                self._move_one_day(agent, days)
                continue
            before = {d: self.shifts[agent.id][d] for d in days if d in self.shifts[agent.id]}
            for d in before:
                self._remove(agent, d)
            if not self._place_best(agent, days):
                for d, template in before.items():
                    self._add(agent, d, template)
        return moves

    def _day_gain(self, agent: Agent, day: int, template: ShiftTemplate) -> float:
        pos = self.positive.get(self.kinds[agent.id])
        cells = self._cells(day, template)
        value = float(sum(pos[cells.start : cells.stop]) - len(cells)) if pos else 0.0
        if template.is_night:
            value -= self.night_cost[agent.id]
        return value

    def _move_one_day(self, agent: Agent, days: list[int], max_checks: int = 30) -> None:
        """Move one working day of the week to another template and/or another free day of
        the week (the lines' single template becomes a start band)."""
        shifts = self.shifts[agent.id]
        worked = [d for d in days if d in shifts]
        if not worked:
            return
        origin = self.rng.choice(worked)
        original = shifts[origin]
        self._remove(agent, origin)
        options = []
        for d in days:
            if d in shifts:
                continue
            for t in self.problem.templates:
                if self._can_work(agent, d, t):
                    options.append((self._day_gain(agent, d, t) + self.rng.random(), d, t))
        options.sort(key=lambda option: -option[0])
        for _, d, t in options[:max_checks]:
            if d == origin and t.id == original.id:
                break
            trial = dict(shifts)
            trial[d] = t
            if agent_valid(
                self.problem, agent, trial, self.tail[agent.id], self.weekends,
                self.locks[agent.id],
            ):  # fmt: skip
                self._add(agent, d, t)
                return
        self._add(agent, origin, original)

    def residual_cost(self) -> int:
        """The coverage cost as the lines count it: 100 per agent-interval short (each group
        on its own), 1 per agent-interval over."""
        return sum(
            100 * value if value > 0 else -value for need in self.need.values() for value in need
        )

    def _gap_count(self) -> int:
        return sum(
            1 for i, is_open in enumerate(self.open) if is_open and self.supervisors_on[i] == 0
        )

    def repair_supervisors(self, deadline: float) -> int:
        """Close intervals without a supervisor: move one of a supervisor's days (or add one
        within the contract) so that it spans the gap, when the rules allow and fewer gaps
        remain. Returns the gaps left."""
        if not self.problem.policy.supervisor_coverage:
            return 0
        supervisors = [a for a in self.problem.agents if a.is_supervisor]
        gaps = self._gap_count()
        stalled: set[int] = set()
        while gaps and time.monotonic() < deadline:
            targets = [
                i
                for i, is_open in enumerate(self.open)
                if is_open and self.supervisors_on[i] == 0 and i not in stalled
            ]
            if not targets:
                break
            target = targets[0]
            if not self._close_gap(target, supervisors, gaps):
                stalled.add(target)
            gaps = self._gap_count()
        return gaps

    def _close_gap(self, interval: int, supervisors: list[Agent], gaps: int) -> bool:
        problem = self.problem
        day_of_gap = interval // self.per_day
        order = list(supervisors)
        self.rng.shuffle(order)
        for agent in order:
            shifts = self.shifts[agent.id]
            for day in (day_of_gap, day_of_gap - 1):
                if not 0 <= day < problem.horizon.num_days:
                    continue
                week = self._week_days(day // 7)
                origins: list[int | None] = [None] + [d for d in week if d in shifts]
                for template in problem.templates:
                    if interval not in self._cells(day, template):
                        continue
                    if not problem.can_work(agent, day, template):
                        continue
                    for origin in origins:
                        if origin is None and day in shifts:
                            continue
                        if origin is not None and day in shifts and origin != day:
                            continue
                        trial = dict(shifts)
                        if origin is not None:
                            del trial[origin]
                        trial[day] = template
                        if not agent_valid(
                            problem, agent, trial, self.tail[agent.id], self.weekends,
                            self.locks[agent.id],
                        ):  # fmt: skip
                            continue
                        before = dict(shifts)
                        if origin is not None:
                            self._remove(agent, origin)
                        self._add(agent, day, template)
                        if self._gap_count() < gaps:
                            return True
                        self._remove(agent, day)
                        for d, t in before.items():
                            if d not in shifts:
                                self._add(agent, d, t)
        return False

    def assignments(self) -> list[Assignment]:
        result = []
        for agent_id, shifts in self.shifts.items():
            for day, t in sorted(shifts.items()):
                result.append(Assignment(agent_id, day, t.id, t.start_on(day), t.end_on(day)))
        return evaluate.place_breaks(self.problem, result)


def _valid_until(
    problem: Problem,
    agent: Agent,
    shifts: dict[int, ShiftTemplate],
    tail: dict[int, ShiftTemplate],
    weekends: list[list[int]],
    locks: dict[int, str | None],
    last_day: int,
) -> bool:
    """agent_valid on the horizon cut after ``last_day`` (weeks not built yet are ignored)."""
    from dataclasses import replace

    cut = last_day + 1
    if cut >= problem.horizon.num_days:
        return agent_valid(problem, agent, shifts, tail, weekends, locks)
    short = _short_problem(problem, cut)
    return agent_valid(
        short,
        replace(agent, leave_days=frozenset(d for d in agent.leave_days if d < cut)),
        shifts,
        tail,
        [w for w in weekends if w[-1] < cut],
        {d: v for d, v in locks.items() if d < cut},
    )


_SHORT: dict[tuple[int, int], Problem] = {}


def _short_problem(problem: Problem, num_days: int) -> Problem:
    """The problem's first ``num_days`` days (rules only; demand and agents are not used)."""
    from dataclasses import replace

    key = (id(problem), num_days)
    if key not in _SHORT:
        if len(_SHORT) > 32:
            _SHORT.clear()
        horizon = replace(problem.horizon, num_days=num_days)
        _SHORT[key] = replace(
            problem,
            horizon=horizon,
            demands=tuple(
                replace(d, required=d.required[: horizon.num_intervals], priority=None)
                for d in problem.demands
            ),
        )
    return _SHORT[key]
