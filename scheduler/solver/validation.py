"""Solver-independent validator: one ``check_<rule>`` per registered rule.

``check_roster(problem, solution)`` runs them all; an empty list means the roster is valid. It
needs nothing from the solver, so it also approves swaps and hand edits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from scheduler.solver import evaluate
from scheduler.solver.problem import MINUTES_PER_DAY, Problem, ShiftTemplate
from scheduler.solver.solution import Assignment, Solution

#: Rules reported once per agent (the first window that breaks them), whatever the day.
PER_AGENT_BREACHES = frozenset({"max_nights_per_28_days"})


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    agent_id: str | None = None
    day: int | None = None
    # For rules with a measure (hours, days, rest, nights): which limit (``measure``) and how far
    # past it (``excess``, in the measure's unit), so the same breach in two rosters can be told
    # apart from a worse one: a change that shortens a breach does not add one.
    measure: str = ""
    excess: int = 0

    @property
    def breach(self) -> tuple[str, str | None, int | None, str] | Violation:
        """What stays the same when only the size of the breach changes (a rule checked once
        per agent, over the first window that breaks it, is one breach whatever the window)."""
        if not self.measure:
            return self
        day = None if self.rule in PER_AGENT_BREACHES else self.day
        return (self.rule, self.agent_id, day, self.measure)

    def is_worse_than(self, other: Violation | None) -> bool:
        """A new breach, or the same breach made larger."""
        return other is None or (bool(self.measure) and self.excess > other.excess)


Check = Callable[[Problem, Solution], list[Violation]]


def _shifts(problem: Problem, solution: Solution) -> dict[str, list[tuple[int, ShiftTemplate]]]:
    """Per agent: (day, template) of every shift, the previous tail included, sorted."""
    result: dict[str, list[tuple[int, ShiftTemplate]]] = defaultdict(list)
    for ref in problem.previous_tail:
        if ref.template_id is not None and ref.day < 0 and not problem.horizon.cyclic:
            result[ref.agent_id].append((ref.day, problem.template(ref.template_id)))
    for a in solution.assignments:
        result[a.agent_id].append((a.day, problem.template(a.template_id)))
    for shifts in result.values():
        shifts.sort(key=lambda s: s[0])
    return result


def _worked_days(problem: Problem, solution: Solution) -> dict[str, set[int]]:
    days: dict[str, set[int]] = defaultdict(set)
    for agent_id, shifts in _shifts(problem, solution).items():
        days[agent_id].update(d for d, _ in shifts)
    return days


def check_one_shift_per_day(problem: Problem, solution: Solution) -> list[Violation]:
    seen: set[tuple[str, int]] = set()
    out = []
    for a in solution.assignments:
        if (a.agent_id, a.day) in seen:
            out.append(Violation("one_shift_per_day", "two shifts on one day", a.agent_id, a.day))
        seen.add((a.agent_id, a.day))
    return out


def check_availability(problem: Problem, solution: Solution) -> list[Violation]:
    agents = {a.id: a for a in problem.agents}
    templates = {t.id: t for t in problem.templates}
    out = []
    for a in solution.assignments:
        agent = agents.get(a.agent_id)
        template = templates.get(a.template_id)
        if agent is None or template is None or not 0 <= a.day < problem.horizon.num_days:
            out.append(Violation("availability", "unknown agent, template or day", a.agent_id))
            continue
        if not problem.can_work(agent, a.day, template):
            out.append(Violation("availability", "works while unavailable", a.agent_id, a.day))
        if a.start_minute != template.start_on(a.day) or a.end_minute != template.end_on(a.day):
            out.append(Violation("availability", "times differ from template", a.agent_id, a.day))
        offsets = template.break_offsets(problem.horizon.interval_minutes)
        if offsets:
            if a.break_start_minute is None or a.break_start_minute - a.start_minute not in offsets:
                out.append(Violation("availability", "break outside window", a.agent_id, a.day))
        elif a.break_start_minute is not None:
            out.append(Violation("availability", "break without one", a.agent_id, a.day))
    return out


def check_min_rest_between_shifts(problem: Problem, solution: Solution) -> list[Violation]:
    rest = problem.policy.min_rest_minutes
    total = problem.horizon.total_minutes
    out = []
    for agent_id, shifts in _shifts(problem, solution).items():
        times = [(t.start_on(d), t.end_on(d), d) for d, t in shifts]
        if problem.horizon.cyclic and times:
            times.append((times[0][0] + total, times[0][1] + total, times[0][2]))
        for (_, end, _), (start, _, day) in zip(times, times[1:], strict=False):
            if start - end < rest:
                out.append(
                    Violation(
                        "min_rest_between_shifts",
                        f"rest {start - end} min",
                        agent_id,
                        day,
                        measure="rest minutes below",
                        excess=rest - (start - end),
                    )
                )
    return out


def _runs_too_long(worked: set[int], first: int, last: int, limit: int, cyclic: bool) -> list[int]:
    """Days at which a run of worked days exceeds ``limit``."""
    span = list(range(first, last))
    if cyclic:
        if len(worked) >= len(span):
            return [first] if limit < len(span) else []
        span = span + span
    out = []
    run = 0
    for day in span:
        run = run + 1 if day in worked else 0
        if run > limit:
            out.append(day)
    return sorted(set(out))


def check_max_consecutive_days(problem: Problem, solution: Solution) -> list[Violation]:
    out = []
    worked = _worked_days(problem, solution)
    start = 0 if problem.horizon.cyclic else -31
    for agent in problem.agents:
        limit = problem.max_consecutive_days(agent)
        for day in _runs_too_long(
            worked.get(agent.id, set()),
            start,
            problem.horizon.num_days,
            limit,
            problem.horizon.cyclic,
        ):
            out.append(Violation("max_consecutive_days", f"more than {limit} days", agent.id, day))
    return out


def check_days_off_together(problem: Problem, solution: Solution) -> list[Violation]:
    length = problem.policy.days_off_together
    horizon = problem.horizon
    if length <= 0:
        return []
    worked = _worked_days(problem, solution)
    out = []
    for agent in problem.agents:
        days = worked.get(agent.id, set())
        for week in range(horizon.num_full_weeks):
            week_days = list(horizon.week_days(week))
            last_start = week_days[-1] if horizon.cyclic else week_days[-1] - length + 1
            ok = any(
                all((d % horizon.num_days if horizon.cyclic else d) not in days for d in
                    range(start, start + length))
                for start in range(week_days[0], last_start + 1)
            )  # fmt: skip
            if not ok:
                out.append(
                    Violation("days_off_together", "no consecutive days off", agent.id, week * 7)
                )
    return out


def check_contract_hours(problem: Problem, solution: Solution) -> list[Violation]:
    horizon = problem.horizon
    per_agent: dict[str, list[Assignment]] = defaultdict(list)
    for a in solution.assignments:
        per_agent[a.agent_id].append(a)
    out = []
    for agent in problem.agents:
        contract = agent.contract
        for week in range((horizon.num_days + 6) // 7):
            days = [d for d in horizon.week_days(week) if d < horizon.num_days]
            full = len(days) == 7
            leave = sum(1 for d in days if d in agent.leave_days)
            shifts = [a for a in per_agent[agent.id] if a.day in days]
            work_days = len(shifts)
            minutes = sum(problem.template(a.template_id).paid_minutes for a in shifts)
            max_days = contract.working_days_per_week
            max_minutes = contract.max_minutes_per_week
            problems: list[tuple[str, str, int]] = []  # message, measure, excess
            if work_days > max_days:
                problems.append(
                    (f"{work_days} days > {max_days}", "days above", work_days - max_days)
                )
            if minutes > max_minutes:
                problems.append(
                    (f"{minutes} min > {max_minutes}", "minutes above", minutes - max_minutes)
                )
            if full:
                min_days = max(0, contract.min_working_days_per_week - leave)
                min_minutes = max(
                    0, contract.min_minutes_per_week - leave * contract.max_minutes_per_day
                )
                if work_days < min_days:
                    problems.append(
                        (f"{work_days} days < {min_days}", "days below", min_days - work_days)
                    )
                if minutes < min_minutes:
                    problems.append(
                        (f"{minutes} min < {min_minutes}", "minutes below", min_minutes - minutes)
                    )
            for message, measure, excess in problems:
                out.append(
                    Violation(
                        "contract_hours", message, agent.id, days[0], measure=measure, excess=excess
                    )
                )
    return out


def check_max_nights_per_28_days(problem: Problem, solution: Solution) -> list[Violation]:
    limit = problem.policy.max_nights_per_28_days
    if limit is None:
        return []
    nights: dict[str, set[int]] = defaultdict(set)
    for a in solution.assignments:
        if problem.template(a.template_id).is_night:
            nights[a.agent_id].add(a.day)
    num_days = problem.horizon.num_days
    length = min(28, num_days)
    out = []
    for agent_id, days in nights.items():
        for start in range(0, num_days - length + 1):
            count = sum(1 for d in days if start <= d < start + length)
            if count > limit:
                out.append(
                    Violation(
                        "max_nights_per_28_days",
                        f"{count} nights",
                        agent_id,
                        start,
                        measure="nights above",
                        excess=count - limit,
                    )
                )
                break
    return out


def check_max_weekends_per_28_days(problem: Problem, solution: Solution) -> list[Violation]:
    limit = problem.policy.max_weekends_per_28_days
    if limit is None:
        return []
    weekends = evaluate.weekends_of(problem)
    worked = _worked_days(problem, solution)
    out = []
    for agent in problem.agents:
        days = worked.get(agent.id, set())
        flags = [any(d in days for d in weekend) for weekend in weekends]
        for start in range(0, max(1, len(flags) - 3)):
            if sum(flags[start : start + 4]) > limit:
                out.append(Violation("max_weekends_per_28_days", "too many", agent.id, start))
                break
    return out


def check_supervisor_coverage(problem: Problem, solution: Solution) -> list[Violation]:
    if not problem.policy.supervisor_coverage:
        return []
    supervisors = {a.id for a in problem.agents if a.is_supervisor}
    on_duty: set[int] = set()
    for a in solution.assignments:
        if a.agent_id in supervisors:
            on_duty.update(problem.horizon.intervals_between(a.start_minute, a.end_minute))
    out = []
    for interval, required in enumerate(problem.total_required()):
        if required > 0 and interval not in on_duty:
            minute = interval * problem.horizon.interval_minutes
            day = minute // MINUTES_PER_DAY
            when = problem.horizon.date_of(day).strftime("%b %d")
            clock = f"{minute % MINUTES_PER_DAY // 60:02d}:{minute % 60:02d}"
            out.append(
                Violation(
                    "supervisor_coverage", f"{when} {clock}: no supervisor on duty", None, day
                )
            )
    return out


def check_forward_rotation(problem: Problem, solution: Solution) -> list[Violation]:
    if not problem.policy.forward_rotation:
        return []
    out = []
    num_days = problem.horizon.num_days
    for agent_id, shifts in _shifts(problem, solution).items():
        by_day = dict(shifts)
        for day, template in shifts:
            later = day + 1
            if problem.horizon.cyclic:
                later %= num_days
            nxt = by_day.get(later)
            if nxt is not None and nxt.rotation_class < template.rotation_class:
                out.append(Violation("forward_rotation", "backward rotation", agent_id, later))
    return out


def check_start_time_band(problem: Problem, solution: Solution) -> list[Violation]:
    band = problem.policy.start_band_minutes
    if band is None:
        return []
    starts: dict[tuple[str, int], list[int]] = defaultdict(list)
    for a in solution.assignments:
        starts[(a.agent_id, a.day // 7)].append(problem.template(a.template_id).start_minute)
    return [
        Violation("start_time_band", f"starts spread {max(s) - min(s)} min", agent_id, week * 7)
        for (agent_id, week), s in starts.items()
        if max(s) - min(s) > band
    ]


def check_locked_assignments(problem: Problem, solution: Solution) -> list[Violation]:
    worked = {(a.agent_id, a.day): a.template_id for a in solution.assignments}
    return [
        Violation("locked_assignments", "lock not kept", ref.agent_id, ref.day)
        for ref in problem.locked
        if worked.get((ref.agent_id, ref.day)) != ref.template_id
    ]


def check_notice_window(problem: Problem, solution: Solution) -> list[Violation]:
    policy = problem.policy
    if policy.notice_until_minute <= 0 or policy.allow_changes_in_notice:
        return []
    published = {(ref.agent_id, ref.day): ref.template_id for ref in problem.previous_roster}
    worked = {(a.agent_id, a.day): a.template_id for a in solution.assignments}
    out = []
    for agent in problem.agents:
        for day in range(problem.horizon.num_days):
            if day * MINUTES_PER_DAY >= policy.notice_until_minute:
                break
            now = worked.get((agent.id, day))
            if now is not None and now != published.get((agent.id, day)):
                out.append(Violation("notice_window", "changed inside notice", agent.id, day))
    return out


def check_coverage(problem: Problem, solution: Solution) -> list[Violation]:
    """Reported coverage matches the demand and is achievable by the on-phone agents (every
    set of groups staffed by no more agents than are on the phone and eligible for it)."""
    out = []
    kinds = {a.id: problem.eligible_groups(a) for a in problem.agents}
    on_phone: dict[int, list[frozenset[str]]] = defaultdict(list)
    for a in solution.assignments:
        if kinds.get(a.agent_id):
            for interval in evaluate.on_phone_intervals(problem, a):
                on_phone[interval].append(kinds[a.agent_id])
    staffed: dict[int, dict[str, int]] = defaultdict(dict)
    for row in solution.coverage:
        demand = problem.demand_for(row.skill_group_id)
        if demand is not None and demand.required[row.interval] != row.required:
            out.append(Violation("coverage", f"interval {row.interval} requirement differs"))
        staffed[row.interval][row.skill_group_id] = row.staffed
    group_ids = [g.id for g in problem.skill_groups]
    subsets = [
        frozenset(c) for n in range(1, len(group_ids) + 1) for c in combinations(group_ids, n)
    ]
    for interval, groups in staffed.items():
        for subset in subsets:
            claimed = sum(groups.get(g, 0) for g in subset)
            if not claimed:
                continue
            able = sum(1 for kind in on_phone.get(interval, []) if kind & subset)
            if claimed > able:
                out.append(Violation("coverage", f"interval {interval}: {claimed} > {able}"))
    for a in solution.assignments:
        allocated = sum(minutes for _, minutes in a.allocation)
        available = len(evaluate.on_phone_intervals(problem, a)) * problem.horizon.interval_minutes
        if allocated > available:
            out.append(Violation("coverage", "allocated beyond on-phone time", a.agent_id, a.day))
    return out


def _check_cost(rule: str, expected: int, solution: Solution) -> list[Violation]:
    reported = solution.penalty_total(rule)
    if reported != expected:
        return [Violation(rule, f"reported cost {reported}, recomputed {expected}")]
    return []


def check_preferences(problem: Problem, solution: Solution) -> list[Violation]:
    items = evaluate.preference_penalties(problem, solution.assignments)
    return _check_cost("preferences", sum(p.cost for p in items), solution)


def check_fairness(problem: Problem, solution: Solution) -> list[Violation]:
    items = evaluate.fairness_penalties(problem, solution.assignments)
    return _check_cost("fairness", sum(p.cost for p in items), solution)


def check_changes_vs_previous(problem: Problem, solution: Solution) -> list[Violation]:
    items = evaluate.change_penalties(problem, solution.assignments)
    return _check_cost("changes_vs_previous", sum(p.cost for p in items), solution)


CHECKS: dict[str, Check] = {
    "one_shift_per_day": check_one_shift_per_day,
    "availability": check_availability,
    "min_rest_between_shifts": check_min_rest_between_shifts,
    "max_consecutive_days": check_max_consecutive_days,
    "days_off_together": check_days_off_together,
    "contract_hours": check_contract_hours,
    "max_nights_per_28_days": check_max_nights_per_28_days,
    "max_weekends_per_28_days": check_max_weekends_per_28_days,
    "supervisor_coverage": check_supervisor_coverage,
    "forward_rotation": check_forward_rotation,
    "start_time_band": check_start_time_band,
    "locked_assignments": check_locked_assignments,
    "notice_window": check_notice_window,
    "coverage": check_coverage,
    "preferences": check_preferences,
    "fairness": check_fairness,
    "changes_vs_previous": check_changes_vs_previous,
}


def check_roster(
    problem: Problem, solution: Solution, *, rules: list[str] | None = None
) -> list[Violation]:
    """All violations of the roster in ``solution`` (empty: valid)."""
    violations: list[Violation] = []
    for name, check in CHECKS.items():
        if rules is None or name in rules:
            violations.extend(check(problem, solution))
    return violations
