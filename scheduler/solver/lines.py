"""Weekly lines: the constructive start and fast local search of the decomposed mode.

A *weekly line* is one agent's week: the days off as one block (two days, or three when a
day is dropped at either end), and one template on every working day. Lines keep the weekly
rules by construction (days off together, start band, rest inside the week); the rules that
cross weeks (rest, rotation, runs, nights and weekends per 28 days, contract minimums) are
checked per agent by ``agent_valid``.

``LineBuilder.build`` assigns lines week by week, greedily for the residual demand of each
agent's skill groups (supervisors first, drawn to intervals without a supervisor).
``LineBuilder.reinsert`` then repeatedly takes one agent-week out and puts the best valid line
back, or moves one working day: a ruin-and-recreate local search that costs about a
millisecond a move in pure Python. Lines are ranked by an estimate of their gain, and a move
is kept only when the exact residual cost of the days it touches does not rise, so the
residual never rises. Two kinds of moves are aimed rather than drawn at random:

- at a short (group, interval) cell: re-time, move or add one shift of an agent of the group
  so that it spans the cell, or give one of them a new line for the week;
- at an agent-week worked below the contract's days: re-plan it together with the week
  before, whose line often ends in a run the short week cannot extend (with the weekends of
  the 28 days used up, the last week's Monday is lost to the run into Sunday).

Multi-skilled agents are counted per kind and group; a group left short takes over a count
from an over-staffed group, so the residual follows the allocation evaluate.allocate makes.
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
        # On-phone agents of each kind counted for each of its groups, per interval: a line
        # taken out releases its count from the kind's most over-staffed group, and a short
        # group takes over a count from an over-staffed one (so the residual follows the
        # allocation that evaluate.allocate makes at the end, not the order lines came in).
        self.groups = groups
        self.alloc: dict[tuple[str, ...], dict[str, list[int]]] = {
            kind: {g: [0] * horizon.num_intervals for g in kind} for kind in self.kind_list
        }
        self.kinds_with: dict[str, list[tuple[str, ...]]] = {
            g: [kind for kind in self.kind_list if g in kind] for g in groups
        }
        self.agents = {a.id: a for a in problem.agents}
        self.day_move_share = 0.6  # share of moves that move one day instead of a week
        # Share of moves aimed at a short (group, interval) cell while there is one: random
        # moves reach the few short cells of a large roster too rarely (measured at 1,000
        # agents: the short cells left are single peak intervals, fillable by re-timing one
        # shift of an agent working that day).
        self.gap_move_share = 0.3
        self.gap_candidates = 40  # eligible agents tried per short cell
        # Share of moves that re-plan two weeks of an agent whose second week is shorter than
        # the contract allows: the week-by-week lines leave such weeks where the first week's
        # line ends in a run the second cannot extend (measured at 1,000 agents x 28 days: a
        # quarter of the agents worked 4 days in the last week, most after a run into Sunday
        # with their weekends used up, and half the short cells fell in that week).
        self.two_week_share = 0.1
        self.two_week_lines = 16  # first-week lines tried per two-week move
        # Cells (group, interval) with need left, kept up to date by _add and _remove.
        self.short: set[tuple[str, int]] = {
            (g, i) for g, need in self.need.items() for i, value in enumerate(need) if value > 0
        }
        self.by_group: dict[str, list[Agent]] = defaultdict(list)
        for agent in problem.agents:
            if not agent.is_supervisor:
                for g in self.kinds[agent.id]:
                    self.by_group[g].append(agent)
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

    def _count(self, kind: tuple[str, ...], group: str, i: int, amount: int) -> None:
        """Count ``amount`` (+1 or -1) of the kind's on-phone agents for ``group`` at ``i``."""
        self.alloc[kind][group][i] += amount
        need = self.need[group]
        need[i] -= amount
        if amount > 0 and need[i] == 0:
            self.short.discard((group, i))
            self._refresh(group, i)
        elif amount < 0 and need[i] == 1:
            self.short.add((group, i))
            self._refresh(group, i)

    def _rebalance(self, group: str, i: int) -> None:
        """``group`` is short at ``i``: move an agent counted for an over-staffed group there,
        directly or through one other kind (the augmenting paths of evaluate.allocate)."""
        need = self.need
        for kind in self.kinds_with[group]:
            for other in kind:
                if other != group and need[other][i] < 0 and self.alloc[kind][other][i] > 0:
                    self._count(kind, other, i, -1)
                    self._count(kind, group, i, 1)
                    return
        for kind in self.kinds_with[group]:
            for middle in kind:
                if middle == group or not self.alloc[kind][middle][i]:
                    continue
                for second in self.kinds_with[middle]:
                    for other in second:
                        if (
                            other not in (middle, group)
                            and need[other][i] < 0
                            and self.alloc[second][other][i] > 0
                        ):
                            self._count(second, other, i, -1)
                            self._count(second, middle, i, 1)
                            self._count(kind, middle, i, -1)
                            self._count(kind, group, i, 1)
                            return

    def _add(self, agent: Agent, day: int, template: ShiftTemplate) -> None:
        self.shifts[agent.id][day] = template
        kind = self.kinds[agent.id]
        need = self.need
        for i in self._cells(day, template):
            if agent.is_supervisor:
                self.supervisors_on[i] += 1
            if not kind:
                continue
            g = max(kind, key=lambda name: need[name][i])  # noqa: B023
            if need[g][i] <= 0:
                # Surplus here: if another group is short, free a multi-skilled agent of an
                # over-staffed group for it and take their place.
                for short_group in self.groups:
                    if need[short_group][i] > 0 and short_group not in kind:
                        for other_kind in self.kinds_with[short_group]:
                            moved = next(
                                (
                                    h
                                    for h in other_kind
                                    if h in kind and self.alloc[other_kind][h][i] > 0
                                ),
                                None,
                            )
                            if moved is not None:
                                self._count(other_kind, moved, i, -1)
                                self._count(other_kind, short_group, i, 1)
                                g = moved
                                break
                        else:
                            continue
                        break
            self._count(kind, g, i, 1)

    def _remove(self, agent: Agent, day: int) -> None:
        template = self.shifts[agent.id].pop(day)
        if agent.is_supervisor:
            for i in self._cells(day, template):
                self.supervisors_on[i] -= 1
        kind = self.kinds[agent.id]
        if not kind:
            return
        need = self.need
        alloc = self.alloc[kind]
        for i in self._cells(day, template):
            # Release the count from the most over-staffed of the kind's groups.
            g = min(
                (name for name in kind if alloc[name][i] > 0),
                key=lambda name: need[name][i],  # noqa: B023
            )
            self._count(kind, g, i, -1)
            if need[g][i] > 0:
                self._rebalance(g, i)

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
            if self.short and self.rng.random() < self.gap_move_share:
                self._fill_short()
                continue
            if weeks > 1 and self.rng.random() < self.two_week_share:
                self._lengthen_short_week(movable, weeks)
                continue
            if self.rng.random() < self.day_move_share:
                self._move_one_day(agent, days)
                continue
            self._reline(agent, days, accept_equal=True)
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
        cost_before = self._residual_between(days[0] - 1, days[-1] + 1)
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
                if self._residual_between(days[0] - 1, days[-1] + 1) <= cost_before:
                    return
                self._remove(agent, d)  # the estimate misled: keep the day where it was
                break
        self._add(agent, origin, original)

    def _fill_short(self) -> bool:
        """Aim at one short (group, interval) cell: among agents of the group, re-time a shift
        on the cell's day (or the day before) to a template spanning it, move a working day of
        the week there, or add a day within the contract; take the best move that gains on the
        residual cost and keeps every rule. Returns whether a move was made."""
        group, interval = self.rng.choice(sorted(self.short))
        agents = self.by_group.get(group, [])
        if not agents:
            return False
        day = interval // self.per_day
        sample = self.rng.sample(agents, min(self.gap_candidates, len(agents)))
        best: tuple[float, Agent, int | None, int, ShiftTemplate] | None = None
        for agent in sample:
            shifts = self.shifts[agent.id]
            for d in (day, day - 1):
                if d < 0:
                    continue
                options = [
                    t
                    for t in self.problem.templates
                    if interval in self._cells(d, t) and self._can_work(agent, d, t)
                ]
                if not options:
                    continue
                week = self._week_days(d // 7)
                if d in shifts:
                    origins: list[int | None] = [d]
                else:
                    worked = [w for w in week if w in shifts]
                    origins = [*worked, None]
                for origin in origins:
                    current = shifts[origin] if origin is not None else None
                    if origin is not None and current is not None:
                        if interval in self._cells(origin, current):
                            continue  # already spans the cell
                        old = self._day_gain(agent, origin, current)
                    else:
                        old = 0.0
                    for t in options:
                        # The gain of the new shift is read with the origin still in place:
                        # cells they share are counted once too often, which only makes the
                        # estimate cautious; the exact change is checked before accepting.
                        delta = self._day_gain(agent, d, t) - old
                        if delta > 0 and (best is None or delta > best[0]):
                            best = (delta, agent, origin, d, t)
        if best is None:
            # No single shift can move there: give one of the agents a new line for the week
            # (the week's template and days off change together, which crosses the rules
            # that pin single days: forward rotation, the start band).
            idle = [a for a in sample if not self._spans(a, interval, day)]
            if idle:
                return self._reline(self.rng.choice(idle), self._week_days(day // 7))
            return False
        _, agent, origin, d, t = best
        shifts = self.shifts[agent.id]
        trial = dict(shifts)
        if origin is not None:
            del trial[origin]
        trial[d] = t
        if not agent_valid(
            self.problem, agent, trial, self.tail[agent.id], self.weekends, self.locks[agent.id]
        ):
            return False
        before = self.residual_cost_near(agent, d, origin)
        original = shifts.get(origin) if origin is not None else None
        if origin is not None:
            self._remove(agent, origin)
        self._add(agent, d, t)
        if self.residual_cost_near(agent, d, origin) < before:
            return True
        self._remove(agent, d)
        if origin is not None and original is not None:
            self._add(agent, origin, original)
        return False

    def _lengthen_short_week(self, movable: list[Agent], weeks: int) -> bool:
        """Find an agent-week worked below the contract's days (no leave in it) and re-plan
        it together with the week before; keep the pair of lines when the residual falls."""
        for _ in range(20):
            agent = self.rng.choice(movable)
            week = self.rng.randrange(1, weeks)
            days = self._week_days(week)
            shifts = self.shifts[agent.id]
            if len(days) < 7 or any(d in agent.leave_days for d in days):
                continue
            if sum(1 for d in days if d in shifts) < agent.contract.working_days_per_week:
                return self._reline_two(agent, self._week_days(week - 1), days)
        return False

    def _reline_two(self, agent: Agent, first: list[int], second: list[int]) -> bool:
        """Best of a few lines for ``first`` each followed by the best line for ``second``."""
        shifts = self.shifts[agent.id]
        span = first + second
        before = {d: shifts[d] for d in span if d in shifts}
        cost_before = self._residual_between(span[0] - 1, span[-1] + 1)
        for d in before:
            self._remove(agent, d)
        best_cost = cost_before
        best_plan: dict[int, ShiftTemplate] | None = None
        tail, weekends, locks = self.tail[agent.id], self.weekends, self.locks[agent.id]
        # The best lines for the first week alone, and as many drawn from the rest: the line
        # that lets the second week grow is rarely among the first week's best.
        scored = self._scored_lines(agent, first)
        half = self.two_week_lines // 2
        rest = scored[half:]
        lines = scored[:half] + self.rng.sample(rest, min(len(rest), half))
        for _, work, template in lines:
            partial = {d: t for d, t in shifts.items() if d <= first[-1]}
            for d in work:
                partial[d] = template
            if not _valid_until(self.problem, agent, partial, tail, weekends, locks, first[-1]):
                continue
            for d in work:
                self._add(agent, d, template)
            if self._place_best(agent, second):
                cost = self._residual_between(span[0] - 1, span[-1] + 1)
                if cost < best_cost:
                    best_cost = cost
                    best_plan = {d: shifts[d] for d in span if d in shifts}
                for d in second:
                    if d in shifts:
                        self._remove(agent, d)
            for d in work:
                self._remove(agent, d)
        plan = best_plan if best_plan is not None else before
        for d, template in sorted(plan.items()):
            self._add(agent, d, template)
        return best_plan is not None

    def _spans(self, agent: Agent, interval: int, day: int) -> bool:
        shifts = self.shifts[agent.id]
        return any(d in shifts and interval in self._cells(d, shifts[d]) for d in (day, day - 1))

    def _reline(self, agent: Agent, days: list[int], *, accept_equal: bool = False) -> bool:
        """Take the agent's week out and put the best valid line back; keep it only when the
        residual cost of the week falls (or stays, with ``accept_equal``: moves across a
        plateau). The lines are ranked by an estimate, so the exact cost decides."""
        shifts = self.shifts[agent.id]
        before = {d: shifts[d] for d in days if d in shifts}
        cost_before = self._residual_between(days[0] - 1, days[-1] + 1)
        for d in before:
            self._remove(agent, d)
        placed = self._place_best(agent, days)
        cost = self._residual_between(days[0] - 1, days[-1] + 1)
        if placed and (cost < cost_before or (accept_equal and cost == cost_before)):
            return True
        for d in days:
            if d in shifts:
                self._remove(agent, d)
        for d, template in before.items():
            self._add(agent, d, template)
        return False

    def _residual_between(self, first_day: int, last_day: int) -> int:
        first = max(0, first_day * self.per_day)
        last = min(self.problem.horizon.num_intervals, (last_day + 1) * self.per_day)
        return sum(
            100 * value if value > 0 else -value
            for need in self.need.values()
            for value in need[first:last]
        )

    def residual_cost_near(self, agent: Agent, day: int, origin: int | None) -> int:
        """The residual cost on ``day``, ``origin`` and the days around them (what one of the
        agent's shift changes can touch, re-counted agents of other kinds included)."""
        days = {day - 1, day, day + 1}
        if origin is not None:
            days |= {origin - 1, origin, origin + 1}
        total = 0
        last = self.problem.horizon.num_intervals
        for need in self.need.values():
            for d in days:
                first = max(0, d * self.per_day)
                for value in need[first : min(last, first + self.per_day)]:
                    total += 100 * value if value > 0 else -value
        return total

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
