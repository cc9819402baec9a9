"""Hard rules: each adds constraints and returns no penalty.

Every constraint is added through ``v.add(rule_name, ..., agent_id)`` so that, when the model is
infeasible, assumption literals name the conflicting rule and agent.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.solver.problem import MINUTES_PER_DAY, Problem
from scheduler.solver.variables import Penalty, RosterVariables


def _first_day(problem: Problem, lookback: int) -> int:
    """Start of the day loop for pairwise rules: the tail before the horizon unless cyclic."""
    return 0 if problem.horizon.cyclic else -lookback


def _pair_rule(
    rule: str,
    problem: Problem,
    v: RosterVariables,
    model: cp_model.CpModel,
    conflicts,  # type: ignore[no-untyped-def]
    lookahead: int,
) -> None:
    """Forbid, for every agent, a shift on day d together with a conflicting one later."""
    horizon = problem.horizon
    for agent in problem.agents:
        for day in range(_first_day(problem, lookahead), horizon.num_days):
            for template, lit in v.shifts(agent.id, day):
                for offset in range(1, lookahead + 1):
                    later = day + offset
                    if later >= horizon.num_days and not horizon.cyclic:
                        continue
                    bad = [
                        var
                        for other, var in v.shifts(agent.id, later)
                        if conflicts(template, day, other, later)
                    ]
                    bad_vars = [b for b in bad if not isinstance(b, bool)]
                    if not bad_vars or isinstance(lit, bool) and lit is False:
                        continue
                    if isinstance(lit, bool):
                        for var in bad_vars:
                            v.add(rule, model.add(var == 0), agent.id)
                    else:
                        v.add(rule, model.add(lit + sum(bad_vars) <= 1), agent.id)


def min_rest_between_shifts(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """An agent has at least problem.policy.min_rest_minutes off between two shifts.

    Kind: hard.  Why: labour rules; no late-then-early "clopen" pairs.
    Encoding: forbid working both shifts of every too-close pair on the next two days
    (including the previous period's tail, and wrapping when the horizon is cyclic).
    Validator: check_min_rest_between_shifts.
    """
    rest = problem.policy.min_rest_minutes

    def too_close(first, first_day, second, second_day) -> bool:  # type: ignore[no-untyped-def]
        return bool(second.start_on(second_day) - first.end_on(first_day) < rest)

    _pair_rule("min_rest_between_shifts", problem, v, model, too_close, lookahead=2)
    return []


def forward_rotation(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """On consecutive working days the shift class never moves backwards (early, late, night).

    Kind: hard (when policy.forward_rotation).  Why: backward rotation shortens recovery and
    is what occupational-health guidance warns against; a day off resets the order.
    Encoding: forbid (late or night, then early) and (night, then late) on consecutive days.
    Validator: check_forward_rotation.
    """
    if not problem.policy.forward_rotation:
        return []

    def backwards(first, first_day, second, second_day) -> bool:  # type: ignore[no-untyped-def]
        return bool(second.rotation_class < first.rotation_class)

    _pair_rule("forward_rotation", problem, v, model, backwards, lookahead=1)
    return []


def max_consecutive_days(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """An agent works at most max_consecutive_days days in a row (contract or policy).

    Kind: hard.  Why: labour rules and fatigue; the previous period's tail counts.
    Encoding: every window of max + 1 consecutive days holds at most max working days.
    Validator: check_max_consecutive_days.
    """
    horizon = problem.horizon
    for agent in problem.agents:
        limit = problem.max_consecutive_days(agent)
        window = limit + 1
        if horizon.cyclic:
            starts = range(horizon.num_days) if window <= horizon.num_days else range(0)
        else:
            starts = range(-window + 1, horizon.num_days - window + 1)
        for start in starts:
            days = range(start, start + window)
            if not horizon.cyclic and all(d < 0 for d in days):
                continue
            total = sum(v.works(agent.id, d) for d in days)
            if isinstance(total, int):
                continue
            v.add("max_consecutive_days", model.add(total <= limit), agent.id)
    return []


def days_off_together(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """In every full week an agent has policy.days_off_together consecutive days off.

    Kind: hard.  Why: a real weekend for everyone, even when it is not on Saturday-Sunday.
    Encoding: one "block starts here" literal per possible block in the week (blocks may run
    into the next week's first day only when the horizon is cyclic); at least one holds.
    Validator: check_days_off_together.
    """
    length = problem.policy.days_off_together
    horizon = problem.horizon
    if length <= 0:
        return []
    for agent in problem.agents:
        for week in range(horizon.num_full_weeks):
            days = list(horizon.week_days(week))
            last_start = days[-1] if horizon.cyclic else days[-1] - length + 1
            blocks = []
            for start in range(days[0], last_start + 1):
                block = model.new_bool_var(f"off_block[{agent.id},{start}]")
                for d in range(start, start + length):
                    works = v.works(agent.id, d)
                    if isinstance(works, int):
                        if works:
                            model.add(block == 0)
                    else:
                        model.add_implication(block, works.Not())
                blocks.append(block)
            v.add("days_off_together", model.add_bool_or(blocks), agent.id)
    return []


def contract_hours(problem: Problem, v: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Each week an agent works within the contract's days and paid minutes.

    Kind: hard.  Why: contracts; the minimums drop by one day (and a day's minutes) per leave
    day; a partial week at the end has the maximums only.
    Encoding: weekly sums of work days and of paid minutes between the bounds.
    Validator: check_contract_hours.
    """
    horizon = problem.horizon
    weeks = (horizon.num_days + 6) // 7
    for agent in problem.agents:
        contract = agent.contract
        for week in range(weeks):
            days = [d for d in horizon.week_days(week) if d < horizon.num_days]
            full = len(days) == 7
            leave = sum(1 for d in days if d in agent.leave_days)
            work_days = sum(v.works(agent.id, d) for d in days)
            minutes = sum(
                template.paid_minutes * var for d in days for template, var in v.shifts(agent.id, d)
            )
            max_days = contract.working_days_per_week
            max_minutes = contract.max_minutes_per_week
            v.add("contract_hours", model.add(work_days <= max_days), agent.id)
            v.add("contract_hours", model.add(minutes <= max_minutes), agent.id)
            if full:
                min_days = max(0, contract.min_working_days_per_week - leave)
                min_minutes = max(
                    0, contract.min_minutes_per_week - leave * contract.max_minutes_per_day
                )
                if min_days:
                    v.add("contract_hours", model.add(work_days >= min_days), agent.id)
                if min_minutes:
                    v.add("contract_hours", model.add(minutes >= min_minutes), agent.id)
    return []


def _windows(num_days: int, length: int) -> list[range]:
    length = min(length, num_days)
    return [range(s, s + length) for s in range(0, num_days - length + 1)]


def max_nights_per_28_days(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """An agent works at most policy.max_nights_per_28_days nights in any 28 days.

    Kind: hard (when set).  Why: night work is limited for health reasons.
    Encoding: a sum over every 28-day window of the horizon (the whole horizon if shorter).
    Validator: check_max_nights_per_28_days.
    """
    limit = problem.policy.max_nights_per_28_days
    if limit is None:
        return []
    for agent in problem.agents:
        for window in _windows(problem.horizon.num_days, 28):
            nights = [
                var
                for d in window
                for template, var in v.shifts(agent.id, d)
                if template.is_night and not isinstance(var, bool)
            ]
            if len(nights) > limit:
                v.add("max_nights_per_28_days", model.add(sum(nights) <= limit), agent.id)
    return []


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


def max_weekends_per_28_days(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """An agent works at most policy.max_weekends_per_28_days of any 4 consecutive weekends.

    Kind: hard (when set).  Why: everyone gets weekends with family.
    Encoding: a "weekend worked" literal >= each weekend day worked; windows of 4 weekends.
    Validator: check_max_weekends_per_28_days.
    """
    limit = problem.policy.max_weekends_per_28_days
    if limit is None:
        return []
    weekends = weekends_of(problem)
    for agent in problem.agents:
        worked = []
        for days in weekends:
            flag = model.new_bool_var(f"weekend[{agent.id},{days[0]}]")
            for d in days:
                works = v.works(agent.id, d)
                if not isinstance(works, int):
                    model.add_implication(works, flag)
            worked.append(flag)
        for start in range(0, max(1, len(worked) - 3)):
            window = worked[start : start + 4]
            if len(window) > limit:
                v.add("max_weekends_per_28_days", model.add(sum(window) <= limit), agent.id)
    return []


def supervisor_coverage(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """At least one supervisor-level agent is on duty whenever a queue has demand.

    Kind: hard (when policy.supervisor_coverage).  Why: escalations and approvals.
    Encoding: for each interval with demand, the sum of supervisors' shifts spanning it >= 1.
    Validator: check_supervisor_coverage.
    """
    if not problem.policy.supervisor_coverage:
        return []
    supervisors = [a for a in problem.agents if a.is_supervisor]
    total = problem.total_required()
    length = problem.horizon.interval_minutes
    for interval, required in enumerate(total):
        if required <= 0:
            continue
        start = interval * length
        on_duty = [var for a in supervisors for var in v.covering(a.id, start, start + length)]
        if problem.horizon.cyclic:
            end = problem.horizon.total_minutes
            on_duty += [
                var
                for a in supervisors
                for var in v.covering(a.id, start + end, start + end + length)
            ]
        if v.background_supervisors.get(interval, 0) >= 1 or not v.in_window(interval):
            continue
        v.add("supervisor_coverage", model.add(sum(on_duty) >= 1))
    return []


def start_time_band(problem: Problem, v: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Within each week, an agent's shift start times differ by at most the policy band.

    Kind: hard (when policy.start_band_minutes is set).  Why: a stable daily rhythm.
    Encoding: one "band starts at s" literal per week (s among template starts); each shift
    worked needs the week's band to contain its start.
    Validator: check_start_time_band.
    """
    band = problem.policy.start_band_minutes
    if band is None:
        return []
    starts = sorted({t.start_minute for t in problem.templates})
    weeks = (problem.horizon.num_days + 6) // 7
    for agent in problem.agents:
        for week in range(weeks):
            days = [d for d in problem.horizon.week_days(week) if d < problem.horizon.num_days]
            anchors = {s: model.new_bool_var(f"band[{agent.id},{week},{s}]") for s in starts}
            model.add(sum(anchors.values()) <= 1)
            for d in days:
                for template, var in v.shifts(agent.id, d):
                    fitting = [
                        lit for s, lit in anchors.items() if s <= template.start_minute <= s + band
                    ]
                    v.add("start_time_band", model.add(sum(fitting) >= var), agent.id)
    return []


def locked_assignments(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """Locked shifts (and locked days off) stay as the planner set them.

    Kind: hard.  Why: planners pin what was agreed with agents.
    Encoding: only the locked template gets a variable that day, and it is fixed to 1 (a
    locked day off gets no variable at all).
    Validator: check_locked_assignments.
    """
    for ref in problem.locked:
        if ref.template_id is None:
            continue
        var = v.x.get((ref.agent_id, ref.day, ref.template_id))
        if var is None:
            # Not available (leave, weekday, night eligibility): infeasible, named by the guard.
            v.add("locked_assignments", model.add_bool_or([]), ref.agent_id)
        else:
            v.add("locked_assignments", model.add(var == 1), ref.agent_id)
    return []


def notice_window(problem: Problem, v: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Shifts of the published roster that start inside the notice window do not change.

    Kind: hard (when policy.notice_until_minute > 0 and changes there are not allowed).
    Why: agents are told their shifts in advance; a sick colleague is not replaced at no
    notice unless the planner allows it. An agent who became unavailable simply drops out.
    Encoding: inside the window each agent-day keeps its published template or day off.
    Validator: check_notice_window.
    """
    policy = problem.policy
    if policy.notice_until_minute <= 0 or policy.allow_changes_in_notice:
        return []
    published = {(ref.agent_id, ref.day): ref.template_id for ref in problem.previous_roster}
    agent_ids = {a.id for a in problem.agents}
    for day in range(problem.horizon.num_days):
        if day * MINUTES_PER_DAY >= policy.notice_until_minute:
            break
        for agent_id in agent_ids:
            template_id = published.get((agent_id, day))
            works = v.works(agent_id, day)
            if isinstance(works, int):
                continue
            var = v.x.get((agent_id, day, template_id)) if template_id is not None else None
            if template_id is None:
                v.add("notice_window", model.add(works == 0), agent_id)
            elif var is not None:
                v.add("notice_window", model.add(var == 1), agent_id)
            else:
                # The agent cannot work the published shift any more (leave, sick): off.
                v.add("notice_window", model.add(works == 0), agent_id)
    return []


def one_shift_per_day(
    problem: Problem, v: RosterVariables, model: cp_model.CpModel
) -> list[Penalty]:
    """An agent works at most one shift a day.

    Kind: hard.  Why: a roster day is one shift.
    Encoding: structural; the day's work literal is a Boolean equal to the sum of its shifts.
    Validator: check_one_shift_per_day.
    """
    return []


def availability(problem: Problem, v: RosterVariables, model: cp_model.CpModel) -> list[Penalty]:
    """Nobody works on leave, on a fixed day off, a template on a weekday it is not offered,
    a shift longer than the contract's day, or a night without night eligibility.

    Kind: hard.  Why: approved leave and contracts.
    Encoding: structural; such shifts get no variable (Problem.can_work).
    Validator: check_availability.
    """
    return []
