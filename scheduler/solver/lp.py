"""LP relaxations of the pure covering problem (GLOP), for lower bounds.

Both drop the named agents and most rules, so they bound any roster from below:
``shifts_lower_bound`` the agent-shifts needed to cover every interval (templates' weekdays
only), ``coverage_cost_lower_bound`` the coverage cost reachable under the contracts (its
docstring says why it is a true lower bound).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.linear_solver import pywraplp

from scheduler.solver.problem import Problem, ShiftTemplate

# A template any agent may work on any day: "available that day" is can_work with it.
_ANY_DAY_TEMPLATE = ShiftTemplate("any", 0, 0)


def _glop() -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        raise RuntimeError("GLOP is not available")
    return solver


def _usable(problem: Problem) -> list[tuple[int, str]]:
    return [
        (day, t.id)
        for day in range(problem.horizon.num_days)
        for t in problem.templates
        if problem.horizon.weekday(day) in t.weekdays
    ]


def shifts_lower_bound(problem: Problem) -> float:
    """Fewest agent-shifts (fractional) whose spans cover the total requirement."""
    solver = _glop()
    horizon = problem.horizon
    count = {key: solver.NumVar(0, solver.infinity(), f"n{key}") for key in _usable(problem)}
    covering: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    for (day, template_id), var in count.items():
        template = problem.template(template_id)
        for i in horizon.intervals_between(template.start_on(day), template.end_on(day)):
            covering[i].append(var)
    for i, required in enumerate(problem.total_required()):
        if required > 0:
            solver.Add(solver.Sum(covering[i]) >= required)
    solver.Minimize(solver.Sum(list(count.values())))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return float("inf")
    return float(solver.Objective().Value())


def coverage_cost_lower_bound(problem: Problem) -> float:
    """Least coverage cost (weights.under_coverage per missing agent-interval, times the
    interval's priority; over_coverage per extra one) of any roster the rules allow.

    Why it is a lower bound: every roster that meets the hard rules maps onto a feasible point
    of this LP with the same coverage cost, so the LP optimum is at most the cost of the best
    roster. The map: per day and template, the agents working it (``count``); per break start,
    the agents taking their break there; per interval and group, the on-phone agents the
    roster allocates to that group. Each constraint is a sum over agents of a rule every one
    of them keeps:

    - a template is used on a day at most by the agents who may work it then (weekdays, day
      length, night eligibility, leave, fixed days off); per day at most the agents available,
      and per day at most the available night-eligible agents on night templates;
    - per week, work days and paid minutes within the sums of the agents' weekly contract
      bounds (maximums always, minimums on full weeks, less leave as the contract rule does);
    - per 28-day window, nights at most the policy limit times the night-eligible agents;
    - per interval, the on-phone agents (shifts spanning it minus breaks in it) are split over
      the groups, an agent in one group at a time but free to change group between intervals,
      as the model and the evaluation allow; off-phone activities may take agents off it.

    Every agent is pooled as if eligible for every group, and the rest of the rules (rest,
    rotation, runs, supervisors, weekends, start bands, locks) are dropped: both only lower
    the optimum. Breaks are placed fractionally. (A per skill-class version of this LP, with
    weekends and start bands as well, was measured equal on the 1,000-agent synthetic centre
    and took minutes instead of a second, so the pooling costs nothing there.)
    """
    solver = _glop()
    horizon = problem.horizon
    weights = problem.weights
    policy = problem.policy
    length = horizon.interval_minutes
    num_days = horizon.num_days
    agents = [a for a in problem.agents if problem.eligible_groups(a)]
    idle_allowance: dict[int, int] = defaultdict(int)
    for activity in problem.off_phone:
        end = activity.start_minute + activity.minutes
        for i in horizon.intervals_between(activity.start_minute, end):
            idle_allowance[i] += 1

    on_phone: dict[int, list[tuple[float, pywraplp.Variable]]] = defaultdict(list)
    day_total: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    day_nights: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    minutes_by_day: dict[int, list[tuple[int, pywraplp.Variable]]] = defaultdict(list)
    for day in range(num_days):
        available = [a for a in agents if problem.can_work(a, day, _ANY_DAY_TEMPLATE)]
        nights_available = sum(1 for a in available if a.contract.night_eligible)
        for template in problem.templates:
            able = sum(1 for a in agents if problem.can_work(a, day, template))
            if not able:
                continue
            n = solver.NumVar(0, able, "")
            day_total[day].append(n)
            minutes_by_day[day].append((template.paid_minutes, n))
            if template.is_night:
                day_nights[day].append(n)
            start = template.start_on(day)
            for i in horizon.intervals_between(start, start + template.span_minutes):
                on_phone[i].append((1.0, n))
            offsets = template.break_offsets(length)
            if offsets:
                parts = [solver.NumVar(0, able, "") for _ in offsets]
                solver.Add(solver.Sum(parts) == n)
                for offset, part in zip(offsets, parts, strict=True):
                    begin = start + offset
                    for i in horizon.intervals_between(begin, begin + template.break_minutes):
                        on_phone[i].append((-1.0, part))
        if day_total[day]:
            solver.Add(solver.Sum(day_total[day]) <= len(available))
        if day_nights[day]:
            solver.Add(solver.Sum(day_nights[day]) <= nights_available)

    for week in range((num_days + 6) // 7):
        days = [d for d in horizon.week_days(week) if d < num_days]
        terms = [n for d in days for n in day_total[d]]
        if not terms:
            continue
        minutes = [paid * n for d in days for paid, n in minutes_by_day[d]]
        leave = [(a.contract, sum(1 for d in days if d in a.leave_days)) for a in agents]
        solver.Add(
            solver.Sum(terms)
            <= sum(min(c.working_days_per_week, len(days) - off) for c, off in leave)
        )
        solver.Add(solver.Sum(minutes) <= sum(c.max_minutes_per_week for c, _ in leave))
        if len(days) == 7:
            solver.Add(
                solver.Sum(terms)
                >= sum(max(0, c.min_working_days_per_week - off) for c, off in leave)
            )
            solver.Add(
                solver.Sum(minutes)
                >= sum(
                    max(0, c.min_minutes_per_week - off * c.max_minutes_per_day) for c, off in leave
                )
            )

    limit = policy.max_nights_per_28_days
    if limit is not None:
        night_eligible = sum(1 for a in agents if a.contract.night_eligible)
        window = min(28, num_days)
        for first in range(num_days - window + 1):
            nights = [n for d in range(first, first + window) for n in day_nights[d]]
            if nights:
                solver.Add(solver.Sum(nights) <= limit * night_eligible)

    group_ids = [g.id for g in problem.skill_groups]
    supply: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
    for i, terms in on_phone.items():
        parts = [solver.NumVar(0, solver.infinity(), "") for _ in group_ids]
        for group_id, part in zip(group_ids, parts, strict=True):
            supply[(group_id, i)].append(part)
        total = solver.Sum([coefficient * var for coefficient, var in terms])
        if idle_allowance.get(i):
            idle = solver.NumVar(0, idle_allowance[i], "")
            solver.Add(solver.Sum(parts) + idle == total)
        else:
            solver.Add(solver.Sum(parts) == total)

    cost = []
    for demand in problem.demands:
        for i, required in enumerate(demand.required):
            key = (demand.skill_group_id, i)
            under = solver.NumVar(0, max(0, required), "")
            over = solver.NumVar(0, solver.infinity(), "")
            solver.Add(solver.Sum(supply[key]) + under - over == required)
            priority = demand.priority[i] if demand.priority else 1
            cost.append(weights.under_coverage * priority * under + weights.over_coverage * over)
    solver.Minimize(solver.Sum(cost))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return 0.0
    return float(solver.Objective().Value())
