"""Solver-independent evaluation of a roster: on-phone time, allocation, coverage, costs.

Used to fill a Solution from any search (CP-SAT model, constructive start, neighbourhood
search) and by the validator, so every figure a Solution reports can be recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from scheduler.solver.problem import PreferenceKind, Problem
from scheduler.solver.solution import Assignment, CoverageRow, PenaltyItem


def weekends_of(problem: Problem) -> list[list[int]]:
    """Horizon days of each weekend (consecutive weekend weekdays), in order."""
    weekend_days = problem.policy.weekend_weekdays
    weekends: list[list[int]] = []
    for day in range(problem.horizon.num_days):
        if problem.horizon.weekday(day) not in weekend_days:
            continue
        if weekends and weekends[-1][-1] == day - 1:
            weekends[-1].append(day)
        else:
            weekends.append([day])
    return weekends


def on_phone_intervals(problem: Problem, assignment: Assignment) -> list[int]:
    """Intervals the agent is on the phone: the shift minus its break and off-phone time."""
    horizon = problem.horizon
    template = problem.template(assignment.template_id)
    away: set[int] = set()
    if assignment.break_start_minute is not None:
        end = assignment.break_start_minute + template.break_minutes
        away.update(horizon.intervals_between(assignment.break_start_minute, end))
    for activity in _activities(problem).get(assignment.agent_id, []):
        start, minutes = activity
        if start < assignment.end_minute and start + minutes > assignment.start_minute:
            away.update(horizon.intervals_between(start, start + minutes))
    return [
        i
        for i in horizon.intervals_between(assignment.start_minute, assignment.end_minute)
        if i not in away
    ]


def _activities(problem: Problem) -> dict[str, list[tuple[int, int]]]:
    result: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for activity in problem.off_phone:
        result[activity.agent_id].append((activity.start_minute, activity.minutes))
    return result


def _max_flow(
    counts: dict[frozenset[str], int], required: dict[str, int]
) -> dict[tuple[frozenset[str], str], int]:
    """Agents of each type to groups, at most ``required`` per group, as many as possible."""
    flow: dict[tuple[frozenset[str], str], int] = defaultdict(int)
    left = dict(counts)
    room = {g: max(0, r) for g, r in required.items()}
    # Augmenting paths on a bipartite graph of a handful of nodes: type -> group, possibly
    # re-routing one type's agent from group g to another group h (path length 3).
    progress = True
    while progress:
        progress = False
        for kind in sorted(left, key=lambda k: (len(k), sorted(k))):
            while left[kind] > 0:
                direct = [g for g in sorted(kind) if room.get(g, 0) > 0]
                if direct:
                    g = max(direct, key=lambda name: room[name])
                    flow[(kind, g)] += 1
                    room[g] -= 1
                    left[kind] -= 1
                    progress = True
                    continue
                moved = False
                for g in sorted(kind):
                    for (other, h), amount in list(flow.items()):
                        if h != g or amount <= 0:
                            continue
                        free = [f for f in sorted(other) if room.get(f, 0) > 0]
                        if free:
                            flow[(other, g)] -= 1
                            flow[(other, free[0])] += 1
                            room[free[0]] -= 1
                            flow[(kind, g)] += 1
                            left[kind] -= 1
                            moved = progress = True
                            break
                    if moved:
                        break
                if not moved:
                    break
    return flow


def allocate(
    problem: Problem, assignments: Sequence[Assignment]
) -> tuple[dict[tuple[str, int], int], dict[tuple[str, int, str], int]]:
    """Allocate on-phone agents to skill groups per interval: under-coverage first, then the
    rest to their first eligible group. Returns staffed per (group, interval) and, per
    (agent, day, group), the minutes allocated."""
    length = problem.horizon.interval_minutes
    kinds = {a.id: problem.eligible_groups(a) for a in problem.agents}
    on_phone: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for assignment in assignments:
        if not kinds.get(assignment.agent_id):
            continue
        for interval in on_phone_intervals(problem, assignment):
            on_phone[interval].append((assignment.agent_id, assignment.day))
    demand = {d.skill_group_id: d.required for d in problem.demands}
    staffed: dict[tuple[str, int], int] = defaultdict(int)
    minutes: dict[tuple[str, int, str], int] = defaultdict(int)
    for interval, people in on_phone.items():
        by_kind: dict[frozenset[str], list[tuple[str, int]]] = defaultdict(list)
        for person in sorted(people):
            by_kind[kinds[person[0]]].append(person)
        required = {g: demand[g][interval] if g in demand else 0 for g in _all_groups(problem)}
        flow = _max_flow({k: len(p) for k, p in by_kind.items()}, required)
        for kind, persons in by_kind.items():
            queue = list(persons)
            for group_id in sorted(kind):
                for _ in range(flow.get((kind, group_id), 0)):
                    agent_id, day = queue.pop()
                    staffed[(group_id, interval)] += 1
                    minutes[(agent_id, day, group_id)] += length
            spare = sorted(kind)[0]
            for agent_id, day in queue:
                staffed[(spare, interval)] += 1
                minutes[(agent_id, day, spare)] += length
    return staffed, minutes


def _all_groups(problem: Problem) -> list[str]:
    return [g.id for g in problem.skill_groups]


def coverage_rows(problem: Problem, staffed: dict[tuple[str, int], int]) -> tuple[CoverageRow, ...]:
    rows = []
    length = problem.horizon.interval_minutes
    for group in problem.skill_groups:
        demand = problem.demand_for(group.id)
        required = demand.required if demand else (0,) * problem.horizon.num_intervals
        for interval, need in enumerate(required):
            rows.append(
                CoverageRow(
                    group.id, interval, interval * length, need, staffed[(group.id, interval)]
                )
            )
    return tuple(rows)


def with_allocation(
    problem: Problem, assignments: Sequence[Assignment]
) -> tuple[tuple[Assignment, ...], tuple[CoverageRow, ...]]:
    """Assignments with their per-group minutes filled in, and the coverage they give."""
    staffed, minutes = allocate(problem, assignments)
    result = []
    for a in assignments:
        summary = tuple(
            (g, minutes[(a.agent_id, a.day, g)])
            for g in _all_groups(problem)
            if minutes.get((a.agent_id, a.day, g))
        )
        result.append(
            Assignment(
                a.agent_id,
                a.day,
                a.template_id,
                a.start_minute,
                a.end_minute,
                a.break_start_minute,
                summary,
            )  # fmt: skip
        )
    return tuple(result), coverage_rows(problem, staffed)


def place_breaks(problem: Problem, assignments: Iterable[Assignment]) -> list[Assignment]:
    """Give each shift a break start in its window where its skill groups are least short, so
    breaks are staggered into over-covered intervals (greedy, one shift at a time).

    Spare capacity of a group in an interval is the on-phone agents able to take it minus its
    requirement, and of all groups together the on-phone agents minus the total requirement;
    a break goes where the smallest spare capacity it touches is largest."""
    horizon = problem.horizon
    kinds = {a.id: tuple(sorted(problem.eligible_groups(a))) for a in problem.agents}
    spare: dict[str, list[int]] = {}
    for group in problem.skill_groups:
        demand = problem.demand_for(group.id)
        required = demand.required if demand else (0,) * horizon.num_intervals
        spare[group.id] = [-r for r in required]
    total = [-r for r in problem.total_required()]
    items = list(assignments)
    for a in items:
        kind = kinds.get(a.agent_id, ())
        for i in horizon.intervals_between(a.start_minute, a.end_minute):
            total[i] += 1
            for g in kind:
                spare[g][i] += 1
    placed = []
    for a in sorted(items, key=lambda s: (s.start_minute, s.agent_id)):
        template = problem.template(a.template_id)
        offsets = template.break_offsets(horizon.interval_minutes)
        if not offsets:
            placed.append(a)
            continue
        kind = kinds.get(a.agent_id, ())

        def score(
            offset: int, a: Assignment = a, template=template, kind=kind
        ) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
            begin = a.start_minute + offset
            cells = list(horizon.intervals_between(begin, begin + template.break_minutes))
            if not cells:
                return (10**9, 10**9, -offset)
            by_group = min((spare[g][i] for g in kind for i in cells), default=10**9)
            return (min(by_group, 0), min(total[i] for i in cells), -offset)

        best = max(offsets, key=score)
        begin = a.start_minute + best
        for i in horizon.intervals_between(begin, begin + template.break_minutes):
            total[i] -= 1
            for g in kind:
                spare[g][i] -= 1
        placed.append(
            Assignment(a.agent_id, a.day, a.template_id, a.start_minute, a.end_minute, begin)
        )
    return placed


def coverage_penalties(problem: Problem, rows: Iterable[CoverageRow]) -> list[PenaltyItem]:
    weights = problem.weights
    items = []
    for row in rows:
        demand = problem.demand_for(row.skill_group_id)
        priority = demand.priority[row.interval] if demand and demand.priority else 1
        if row.under:
            items.append(
                PenaltyItem(
                    "coverage",
                    weights.under_coverage * priority * row.under,
                    interval=row.interval,
                    detail=f"{row.skill_group_id} under",
                )  # fmt: skip
            )
        if row.over:
            items.append(
                PenaltyItem(
                    "coverage",
                    weights.over_coverage * row.over,
                    interval=row.interval,
                    detail=f"{row.skill_group_id} over",
                )  # fmt: skip
            )
    return items


def preference_penalties(problem: Problem, assignments: Iterable[Assignment]) -> list[PenaltyItem]:
    worked = {(a.agent_id, a.day): a for a in assignments}
    items = []
    for pref in problem.preferences:
        cost = problem.weights.preference * pref.weight
        days = [pref.day] if pref.day is not None else range(problem.horizon.num_days)
        for day in days:
            a = worked.get((pref.agent_id, day))
            if pref.kind == PreferenceKind.PREFERRED_DAY_OFF:
                broken = a is not None
            elif pref.kind == PreferenceKind.AVOID_NIGHTS:
                broken = a is not None and problem.template(a.template_id).is_night
            elif pref.day is not None:
                broken = a is None or a.template_id != pref.template_id
            else:
                broken = a is not None and a.template_id != pref.template_id
            if broken:
                items.append(PenaltyItem("preferences", cost, pref.agent_id, day, detail=pref.kind))
    return items


def fairness_penalties(problem: Problem, assignments: Iterable[Assignment]) -> list[PenaltyItem]:
    weights = problem.weights
    agents = list(problem.agents)
    if len(agents) < 2:
        return []
    history = {h.agent_id: h for h in problem.history}
    worked = {(a.agent_id, a.day): a for a in assignments}
    items = []
    if weights.fairness_nights and any(t.is_night for t in problem.templates):
        counts = [
            (history[a.id].nights if a.id in history else 0)
            + sum(
                1
                for d in range(problem.horizon.num_days)
                if (a.id, d) in worked and problem.template(worked[(a.id, d)].template_id).is_night
            )
            for a in agents
            if a.contract.night_eligible
        ]
        if len(counts) >= 2 and max(counts) > min(counts):
            spread = max(counts) - min(counts)
            items.append(
                PenaltyItem("fairness", weights.fairness_nights * spread, detail="nights spread")
            )
    weekends = weekends_of(problem)
    if weights.fairness_weekends and weekends:
        counts = [
            (history[a.id].weekends if a.id in history else 0)
            + sum(1 for days in weekends if any((a.id, d) in worked for d in days))
            for a in agents
        ]
        if max(counts) > min(counts):
            spread = max(counts) - min(counts)
            items.append(
                PenaltyItem(
                    "fairness", weights.fairness_weekends * spread, detail="weekends spread"
                )
            )
    holidays = sorted(d for d in problem.public_holidays if 0 <= d < problem.horizon.num_days)
    if weights.fairness_holidays and holidays:
        counts = [
            (history[a.id].holidays if a.id in history else 0)
            + sum(1 for d in holidays if (a.id, d) in worked)
            for a in agents
        ]
        if max(counts) > min(counts):
            spread = max(counts) - min(counts)
            items.append(
                PenaltyItem(
                    "fairness", weights.fairness_holidays * spread, detail="holidays spread"
                )
            )
    return items


def change_penalties(problem: Problem, assignments: Iterable[Assignment]) -> list[PenaltyItem]:
    if not problem.previous_roster:
        return []
    worked = {(a.agent_id, a.day): a.template_id for a in assignments}
    agent_ids = {a.id for a in problem.agents}
    items = []
    for ref in problem.previous_roster:
        if ref.agent_id not in agent_ids or not 0 <= ref.day < problem.horizon.num_days:
            continue
        if worked.get((ref.agent_id, ref.day)) != ref.template_id:
            items.append(
                PenaltyItem("changes_vs_previous", problem.weights.change, ref.agent_id, ref.day)
            )
    return items


def all_penalties(
    problem: Problem, assignments: Sequence[Assignment], rows: Iterable[CoverageRow]
) -> list[PenaltyItem]:
    return (
        coverage_penalties(problem, rows)
        + preference_penalties(problem, assignments)
        + fairness_penalties(problem, assignments)
        + change_penalties(problem, assignments)
    )
