"""Soft rules: each returns named penalty terms; weights come from ``problem.weights``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from scheduler.solver.problem import PreferenceKind, Problem
from scheduler.solver.rules.hard import weekends_of
from scheduler.solver.variables import Penalty, RosterVariables


def coverage(problem: Problem, v: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Every interval has the agents each skill group requires, and not many more.

    Kind: soft.  Why: the service level; under-coverage is the heaviest term.
    Encoding: agents with the same eligible skill groups form a type; per type and interval
    the on-phone count (shifts spanning it, minus breaks and off-phone time) is split over the
    type's groups with integer allocation variables, so an agent counts for one group at a
    time. Breaks are counted per (day, template, type) and break start, so the solver staggers
    them where coverage needs it. Penalties: under (times the interval priority) and over.
    Validator: check_coverage.
    """
    horizon = problem.horizon
    weights = problem.weights
    length = horizon.interval_minutes
    types: dict[str, frozenset[str]] = {}
    for agent in problem.agents:
        groups = problem.eligible_groups(agent)
        if groups:
            types[agent.id] = groups
    plus: dict[tuple[frozenset[str], int], list[Any]] = defaultdict(list)
    minus: dict[tuple[frozenset[str], int], list[Any]] = defaultdict(list)
    size: dict[frozenset[str], int] = defaultdict(int)
    working: dict[tuple[int, str, frozenset[str]], list[cp_model.IntVar]] = defaultdict(list)
    for kind in types.values():
        size[kind] += 1
    for (agent_id, day, template_id), var in v.x.items():
        kind_or_none = types.get(agent_id)
        if kind_or_none is None:
            continue
        template = problem.template(template_id)
        start = template.start_on(day)
        for interval in horizon.intervals_between(start, start + template.span_minutes):
            plus[(kind_or_none, interval)].append(var)
        working[(day, template_id, kind_or_none)].append(var)
    for (day, template_id, kind), xs in working.items():
        template = problem.template(template_id)
        offsets = template.break_offsets(length)
        if not offsets:
            continue
        counts = {
            offset: model.new_int_var(0, len(xs), f"breaks[{day},{template_id},{offset}]")
            for offset in offsets
        }
        model.add(sum(counts.values()) == sum(xs))
        v.break_counts[(day, template_id, kind)] = counts
        for offset, count in counts.items():
            begin = template.start_on(day) + offset
            for interval in horizon.intervals_between(begin, begin + template.break_minutes):
                minus[(kind, interval)].append(count)
    for activity in problem.off_phone:
        kind_or_none = types.get(activity.agent_id)
        if kind_or_none is None:
            continue
        end = activity.start_minute + activity.minutes
        for minute in range(activity.start_minute, end, length):
            interval = horizon.interval_of(minute)
            for var in v.covering(activity.agent_id, minute, minute + length):
                minus[(kind_or_none, interval)].append(var)

    staffed: dict[tuple[str, int], list[Any]] = defaultdict(list)
    fixed: dict[tuple[frozenset[str], int], int] = {}
    kinds = set(types.values()) | {k for k, _ in v.background_on_phone}
    for kind in kinds:
        for interval in range(horizon.num_intervals):
            background = v.background_on_phone.get((kind, interval), 0)
            terms = plus.get((kind, interval), [])
            if not terms or not v.in_window(interval):
                # Only fixed agents here: a constant (the background) or nothing.
                if background and v.in_window(interval):
                    fixed[(kind, interval)] = background
                continue
            on_phone: Any = sum(terms) - sum(minus.get((kind, interval), [])) + background
            if len(kind) == 1:
                (group_id,) = kind
                staffed[(group_id, interval)].append(on_phone)
                continue
            upper = size[kind] + background
            parts = []
            for group_id in sorted(kind):
                part = model.new_int_var(0, upper, f"alloc[{interval},{group_id}]")
                v.allocation[(kind, interval, group_id)] = part
                staffed[(group_id, interval)].append(part)
                parts.append(part)
            model.add(sum(parts) == on_phone)

    for (kind, interval), background in fixed.items():
        # Fixed agents where no free agent of their kind works: still split over groups.
        if len(kind) == 1:
            (group_id,) = kind
            staffed[(group_id, interval)].append(background)
            continue
        parts = []
        for group_id in sorted(kind):
            part = model.new_int_var(0, background, f"alloc[{interval},{group_id}]")
            staffed[(group_id, interval)].append(part)
            parts.append(part)
        model.add(sum(parts) == background)

    penalties: list[Penalty] = []
    for group in problem.skill_groups:
        demand = problem.demand_for(group.id)
        if demand is None:
            continue
        for interval, required in enumerate(demand.required):
            if not v.in_window(interval):
                continue
            priority = demand.priority[interval] if demand.priority else 1
            terms = staffed.get((group.id, interval), [])
            if not terms:
                if required > 0:
                    penalties.append(
                        Penalty(
                            "coverage",
                            required,
                            weights.under_coverage * priority,
                            interval=interval,
                            detail=f"{group.id} under",
                        )
                    )
                continue
            supply: Any = sum(terms)
            cap = (
                len(problem.agents)
                + required
                + sum(count for (_, i), count in v.background_on_phone.items() if i == interval)
            )
            under = model.new_int_var(0, max(0, required), f"under[{group.id},{interval}]")
            over = model.new_int_var(0, cap, f"over[{group.id},{interval}]")
            model.add(supply + under - over == required)
            penalties.append(
                Penalty(
                    "coverage",
                    under,
                    weights.under_coverage * priority,
                    interval=interval,
                    detail=f"{group.id} under",
                )
            )
            penalties.append(
                Penalty(
                    "coverage",
                    over,
                    weights.over_coverage,
                    interval=interval,
                    detail=f"{group.id} over",
                )
            )
    return penalties


def preferences(problem: Problem, v: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Agents get their preferred shifts and days off, and avoid nights when they ask to.

    Kind: soft.  Why: retention; cost is weights.preference times the preference's weight.
    Encoding: preferred shift on a day: penalty when the day is worked on another template (or
    not worked); without a day: each day worked on another template; preferred day off: the
    day's work literal; avoid nights: each night shift worked.
    Validator: check_preferences.
    """
    penalties: list[Penalty] = []
    agent_ids = {a.id for a in problem.agents}
    for pref in problem.preferences:
        if pref.agent_id not in agent_ids:
            continue
        cost = problem.weights.preference * pref.weight
        days = [pref.day] if pref.day is not None else list(v.days)
        for day in days:
            shifts = v.shifts(pref.agent_id, day)
            if pref.kind == PreferenceKind.PREFERRED_DAY_OFF:
                expr: Any = v.works(pref.agent_id, day)
            elif pref.kind == PreferenceKind.AVOID_NIGHTS:
                expr = sum(var for t, var in shifts if t.is_night)
            elif pref.day is not None:
                expr = 1 - sum(var for t, var in shifts if t.id == pref.template_id)
            else:
                expr = sum(var for t, var in shifts if t.id != pref.template_id)
            if isinstance(expr, int) and expr == 0:
                continue
            penalties.append(
                Penalty(
                    "preferences", expr, cost, agent_id=pref.agent_id, day=day, detail=pref.kind
                )
            )
    return penalties


def fairness_counts(problem: Problem) -> dict[str, list[int]]:
    """The days each fairness measure counts: nights are per shift, the others per day."""
    weekend_days = [d for days in weekends_of(problem) for d in days]
    return {
        "weekends": weekend_days,
        "holidays": sorted(d for d in problem.public_holidays if 0 <= d < problem.horizon.num_days),
    }


def fairness(problem: Problem, v: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Nights, weekends and public holidays are shared evenly, counting earlier periods.

    Kind: soft.  Why: perceived fairness is the first complaint about rosters.
    Encoding: per measure, count per agent (history + this period) between a min and a max
    variable; the spread max - min costs the measure's weight. Nights count night-eligible
    agents only; a weekend counts once however many of its days are worked.
    Validator: check_fairness.
    """
    weights = problem.weights
    history = {h.agent_id: h for h in problem.history}
    penalties: list[Penalty] = []
    agents = list(problem.agents)
    if len(agents) < 2:
        return penalties
    weekend_groups = weekends_of(problem)
    measures: list[tuple[str, int, list[tuple[int, Any]]]] = []
    if weights.fairness_nights and any(t.is_night for t in problem.templates):
        rows: list[tuple[int, Any]] = []
        for agent in agents:
            if not agent.contract.night_eligible:
                continue
            carried = history[agent.id].nights if agent.id in history else 0
            count = sum(var for d in v.days for t, var in v.shifts(agent.id, d) if t.is_night)
            rows.append((carried, count))
        measures.append(("nights", weights.fairness_nights, rows))
    if weights.fairness_weekends and weekend_groups:
        rows = []
        for agent in agents:
            carried = history[agent.id].weekends if agent.id in history else 0
            flags = []
            for days in weekend_groups:
                flag = model.new_bool_var("")
                for d in days:
                    works = v.works(agent.id, d)
                    if not isinstance(works, int):
                        model.add_implication(works, flag)
                flags.append(flag)
            rows.append((carried, sum(flags)))
        measures.append(("weekends", weights.fairness_weekends, rows))
    holidays = fairness_counts(problem)["holidays"]
    if weights.fairness_holidays and holidays:
        rows = []
        for agent in agents:
            carried = history[agent.id].holidays if agent.id in history else 0
            rows.append((carried, sum(v.works(agent.id, d) for d in holidays)))
        measures.append(("holidays", weights.fairness_holidays, rows))
    for name, weight, rows in measures:
        if len(rows) < 2:
            continue
        top = max(c for c, _ in rows) + problem.horizon.num_days
        high = model.new_int_var(0, top, f"fair_max[{name}]")
        low = model.new_int_var(0, top, f"fair_min[{name}]")
        for carried, count in rows:
            model.add(high >= carried + count)
            model.add(low <= carried + count)
        penalties.append(Penalty("fairness", high - low, weight, detail=f"{name} spread"))
    return penalties


def changes_vs_previous(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """A re-solve keeps the published roster wherever it can.

    Kind: soft.  Why: agents plan their lives around the published roster.
    Encoding: per agent-day of the published roster, 1 - x[published template] (or the day's
    work literal for a published day off) costs weights.change.
    Validator: check_changes_vs_previous.
    """
    if not problem.previous_roster:
        return []
    penalties: list[Penalty] = []
    agent_ids = {a.id for a in problem.agents}
    published = {(ref.agent_id, ref.day): ref.template_id for ref in problem.previous_roster}
    for agent_id in sorted(agent_ids):
        for day in v.days:
            if (agent_id, day) not in published:
                continue
            template_id = published[(agent_id, day)]
            if template_id is None:
                expr: Any = v.works(agent_id, day)
            else:
                var = v.x.get((agent_id, day, template_id))
                expr = 1 - var if var is not None else 1
            penalties.append(
                Penalty(
                    "changes_vs_previous", expr, problem.weights.change, agent_id=agent_id, day=day
                )
            )
    return penalties
