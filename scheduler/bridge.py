"""The only place that turns database rows into solver input, and solver output into rows.

Time zones are converted here, once: inside the solver a minute is counted from 00:00 of the
period's first day in the site's zone.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum

from scheduler import solver
from scheduler.models.rosters import (
    Activity,
    Assignment,
    AssignmentSource,
    FairnessEntry,
    PlanningUnit,
    Roster,
    RosterStatus,
    ShiftTemplate,
)
from staffing.models import Agent, TrainingRecord
from staffing.models.organisation import SUPERVISOR_LEVELS
from staffing.models.training import TrainingStatus
from staffing.selectors.leave import leave_approved_for_days
from staffing.selectors.training import agent_skills_valid_on
from staffing.workdays import is_public_holiday

#: How many earlier periods count towards fairness of nights, weekends and holidays.
FAIRNESS_PERIODS = 3
#: Days of the previous roster carried in so rest and consecutive-day rules hold across it.
TAIL_DAYS = 7


@dataclass
class PeriodProblem:
    """A solver problem with the maps back to database rows."""

    problem: solver.Problem
    unit: PlanningUnit
    zone: ZoneInfo
    agents: dict[str, Agent]  # solver id (employee number) -> Agent row
    templates: dict[str, ShiftTemplate]  # solver id (code) -> template row
    groups: dict[str, tuple[str, ...]]  # skill group id -> skill codes an agent needs (all)
    leave: dict[str, set[int]] = field(default_factory=dict)

    @property
    def first_day(self) -> datetime.date:
        return self.problem.horizon.first_day

    @property
    def num_days(self) -> int:
        return self.problem.horizon.num_days

    def at(self, minute: int) -> datetime.datetime:
        """Aware datetime of a solver minute."""
        midnight = datetime.datetime.combine(self.first_day, datetime.time(0), tzinfo=self.zone)
        return midnight + datetime.timedelta(minutes=minute)

    def minute_of(self, moment: datetime.datetime) -> int:
        midnight = datetime.datetime.combine(self.first_day, datetime.time(0), tzinfo=self.zone)
        return int((moment.astimezone(self.zone) - midnight).total_seconds() // 60)

    def fingerprint(self) -> str:
        """Stable hash of every input: a redelivered or repeated solve of the same input is
        recognised and written once."""
        from dataclasses import replace

        # Locks and the version being replaced are not inputs of the demand and the rules.
        inputs = replace(self.problem, previous_roster=(), locked=())
        text = json.dumps(asdict(inputs), default=_json_default, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def _json_default(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def group_id_for(skill_codes: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    return "+".join(sorted(skill_codes))


def group_skill(group_id: str) -> str:
    """The synthetic skill an agent holds when they have every skill of the group: the engine
    lets an agent with any skill of a group serve it, our queues need all of them."""
    return f"group:{group_id}"


def unit_agents(
    unit: PlanningUnit, first_day: datetime.date, last_day: datetime.date
) -> list[Agent]:
    return list(
        Agent.objects.filter(team__in=unit.teams.all(), hire_date__lte=last_day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first_day))
        .filter(Q(is_active=True) | Q(left_on__gte=first_day))
        .select_related("contract", "team")
        .order_by("employee_number")
    )


def _solver_template(row: ShiftTemplate) -> solver.ShiftTemplate:
    start = row.start_time.hour * 60 + row.start_time.minute
    return solver.ShiftTemplate(
        id=row.code,
        start_minute=start,
        paid_minutes=row.paid_minutes,
        break_minutes=row.break_minutes,
        break_earliest_offset_minutes=row.break_earliest_offset_minutes,
        break_latest_offset_minutes=row.break_latest_offset_minutes,
        weekdays=frozenset(row.weekdays) if row.weekdays else solver.problem.ALL_WEEKDAYS,
        is_night=row.is_night,
    )


def _contract(agent: Agent) -> solver.Contract:
    contract = agent.contract
    per_day = int(contract.hours_per_day * 60)
    per_week = int(contract.hours_per_week * 60)
    return solver.Contract(
        max_minutes_per_day=per_day,
        max_minutes_per_week=per_week,
        # Contracted hours are owed: a full week is worked unless leave reduces it.
        min_minutes_per_week=per_week,
        working_days_per_week=contract.working_days_per_week,
        min_working_days_per_week=contract.working_days_per_week,
        max_consecutive_days=contract.max_consecutive_working_days,
        night_eligible=contract.night_work_allowed,
    )


def roster_refs(roster: Roster, period: PeriodProblem) -> tuple[solver.ShiftRef, ...]:
    """A stored roster as solver shift references (a day with no shift is a day off)."""
    worked: dict[tuple[str, int], str | None] = {}
    for row in roster.assignments.exclude(activity=Activity.LEAVE).select_related(
        "agent", "template"
    ):
        day = (row.day - period.first_day).days
        if row.agent.employee_number in period.agents and 0 <= day < period.num_days:
            worked[(row.agent.employee_number, day)] = row.template.code if row.template else None
    return tuple(
        solver.ShiftRef(agent_id, day, worked.get((agent_id, day)))
        for agent_id in period.agents
        for day in range(period.num_days)
    )


def build_period_problem(
    *,
    unit: PlanningUnit,
    first_day: datetime.date,
    num_days: int,
    demand: dict[str, tuple[tuple[str, ...], list[int]]],
    locked_from: Roster | None = None,
    previous_version: Roster | None = None,
) -> PeriodProblem:
    """Everything the engine needs for one unit and period.

    ``demand`` maps a skill group id to (the skills an agent needs, scheduled heads per
    interval of the period): see scheduler.selectors for how it is read from requirements.
    """
    site = unit.site
    zone = ZoneInfo(site.time_zone)
    last_day = first_day + datetime.timedelta(days=num_days - 1)
    horizon = solver.Horizon(
        first_day=first_day, num_days=num_days, interval_minutes=site.planning_interval_minutes
    )
    template_rows = {t.code: t for t in ShiftTemplate.objects.filter(site=site, is_active=True)}
    agents = unit_agents(unit, first_day, last_day)
    by_number = {agent.employee_number: agent for agent in agents}
    groups = {group_id: tuple(skills) for group_id, (skills, _) in demand.items()}

    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for row in agent_skills_valid_on(agent_ids=[a.pk for a in agents], day=first_day):
        skills[row.agent_id][row.skill.code] = row.proficiency

    leave: dict[str, set[int]] = defaultdict(set)
    for request in leave_approved_for_days(
        agent_ids=[a.pk for a in agents], start_on=first_day, end_on=last_day
    ):
        day = max(request.start_on, first_day)
        while day <= min(request.end_on, last_day):
            leave[request.agent.employee_number].add((day - first_day).days)
            day += datetime.timedelta(days=1)
    for agent in agents:
        # Days before hiring or after leaving are not available either.
        for offset in range(num_days):
            day = first_day + datetime.timedelta(days=offset)
            if day < agent.hire_date or (agent.left_on and day > agent.left_on):
                leave[agent.employee_number].add(offset)

    solver_agents = []
    for agent in agents:
        held = dict(skills.get(agent.pk, {}))
        for group_id, needed in groups.items():
            if needed and all(code in held for code in needed):
                held[group_skill(group_id)] = min(held[code] for code in needed)
        solver_agents.append(
            solver.Agent(
                id=agent.employee_number,
                skills=held,
                level=agent.level,
                is_supervisor=agent.level in SUPERVISOR_LEVELS,
                contract=_contract(agent),
                leave_days=frozenset(leave.get(agent.employee_number, set())),
            )
        )

    skill_groups = tuple(
        solver.SkillGroup(id=group_id, skills=frozenset({group_skill(group_id)}))
        for group_id in sorted(groups)
    )
    demands = tuple(
        solver.Demand(skill_group_id=group_id, required=tuple(demand[group_id][1]))
        for group_id in sorted(groups)
    )
    templates = tuple(_solver_template(row) for row in template_rows.values())

    period = PeriodProblem(
        problem=solver.Problem(
            horizon=horizon,
            templates=templates,
            agents=(),
            skill_groups=skill_groups,
            demands=demands,
        ),
        unit=unit,
        zone=zone,
        agents=by_number,
        templates=template_rows,
        groups=groups,
        leave=dict(leave),
    )

    off_phone = []
    records = TrainingRecord.objects.filter(
        agent__in=agents,
        status=TrainingStatus.ENROLLED,
        session__starts_at__gte=period.at(0),
        session__starts_at__lt=period.at(num_days * 1440),
    ).select_related("session", "agent")
    for record in records:
        start = period.minute_of(record.session.starts_at)
        minutes = int((record.session.ends_at - record.session.starts_at).total_seconds() // 60)
        off_phone.append(
            solver.OffPhoneActivity(
                id=f"training-{record.pk}",
                agent_id=record.agent.employee_number,
                start_minute=start,
                minutes=minutes,
                kind=solver.ActivityKind.TRAINING,
            )
        )

    tail: list[solver.ShiftRef] = []
    previous = (
        Roster.objects.filter(unit=unit, status=RosterStatus.PUBLISHED, period_end__lt=first_day)
        .order_by("-period_end")
        .first()
    )
    if previous is not None and (first_day - previous.period_end).days == 1:
        for row in (
            previous.assignments.filter(day__gte=first_day - datetime.timedelta(days=TAIL_DAYS))
            .exclude(activity=Activity.LEAVE)
            .select_related("agent", "template")
        ):
            if row.agent.employee_number in by_number and row.template is not None:
                tail.append(
                    solver.ShiftRef(
                        row.agent.employee_number,
                        (row.day - first_day).days,
                        row.template.code,
                    )
                )

    history = []
    recent = (
        FairnessEntry.objects.filter(agent__in=agents, period_start__lt=first_day)
        .values("agent__employee_number")
        .annotate(nights=Sum("nights"), weekends=Sum("weekends"), holidays=Sum("holidays"))
    )
    for row in recent:
        history.append(
            solver.FairnessHistory(
                agent_id=row["agent__employee_number"],
                nights=row["nights"] or 0,
                weekends=row["weekends"] or 0,
                holidays=row["holidays"] or 0,
            )
        )

    locked: list[solver.ShiftRef] = []
    if locked_from is not None:
        for row in locked_from.assignments.filter(locked=True).select_related("agent", "template"):
            if row.agent.employee_number in by_number:
                locked.append(
                    solver.ShiftRef(
                        row.agent.employee_number,
                        (row.day - first_day).days,
                        None
                        if row.activity == Activity.LEAVE or row.template is None
                        else row.template.code,
                    )
                )

    demands = _drop_uncoverable(horizon, templates, tail, demands)
    holidays = frozenset(
        offset
        for offset in range(num_days)
        if is_public_holiday(first_day + datetime.timedelta(days=offset))
    )
    policy = solver.Policy(
        min_rest_minutes=unit.min_rest_hours * 60,
        days_off_together=unit.days_off_together,
        supervisor_coverage=unit.supervisor_coverage
        and any(agent.is_supervisor for agent in solver_agents),
    )
    problem = solver.Problem(
        horizon=horizon,
        templates=period.problem.templates,
        agents=tuple(solver_agents),
        skill_groups=skill_groups,
        demands=demands,
        policy=policy,
        off_phone=tuple(sorted(off_phone, key=lambda o: o.id)),
        locked=tuple(locked),
        previous_tail=tuple(sorted(tail, key=lambda r: (r.agent_id, r.day))),
        history=tuple(sorted(history, key=lambda h: h.agent_id)),
        public_holidays=holidays,
    )
    period.problem = problem
    if previous_version is not None:
        period.problem = solver_problem_with_previous(period, previous_version)
    return period


def _drop_uncoverable(
    horizon: solver.Horizon,
    templates: tuple[solver.ShiftTemplate, ...],
    tail: list[solver.ShiftRef],
    demands: tuple[solver.Demand, ...],
) -> tuple[solver.Demand, ...]:
    """Zero the demand of intervals no shift of this period can reach.

    With no previous roster carried in, the first hours of day 0 could only be covered by a
    night shift of the day before; that cover belongs to the previous period, so neither the
    coverage cost nor the supervisor rule should count those intervals here.
    """
    coverable = [False] * horizon.num_intervals
    shifts = [(day, template) for day in range(horizon.num_days) for template in templates]
    by_id = {template.id: template for template in templates}
    shifts += [(ref.day, by_id[ref.template_id]) for ref in tail if ref.template_id in by_id]
    for day, template in shifts:
        for interval in horizon.intervals_between(template.start_on(day), template.end_on(day)):
            coverable[interval] = True
    if all(coverable):
        return demands
    return tuple(
        solver.Demand(
            skill_group_id=item.skill_group_id,
            required=tuple(value if coverable[i] else 0 for i, value in enumerate(item.required)),
            priority=item.priority,
        )
        for item in demands
    )


def solver_problem_with_previous(period: PeriodProblem, roster: Roster) -> solver.Problem:
    from dataclasses import replace

    return replace(period.problem, previous_roster=roster_refs(roster, period))


def _activity_for(allocation: tuple[tuple[str, int], ...]) -> str:
    if not allocation:
        return Activity.PHONE
    group_id = max(allocation, key=lambda item: item[1])[0]
    skills = set(group_id.split("+"))
    if "chat" in skills:
        return Activity.CHAT
    if "email" in skills:
        return Activity.EMAIL
    return Activity.PHONE


def assignments_from_solution(
    period: PeriodProblem, solution: solver.Solution, roster: Roster
) -> list[Assignment]:
    """Unsaved Assignment rows for a solved period, plus a leave row per leave day."""
    rows: list[Assignment] = []
    locked = {(ref.agent_id, ref.day) for ref in period.problem.locked}
    for item in solution.assignments:
        template = period.templates[item.template_id]
        rows.append(
            Assignment(
                roster=roster,
                agent=period.agents[item.agent_id],
                day=period.first_day + datetime.timedelta(days=item.day),
                template=template,
                start_at=period.at(item.start_minute),
                end_at=period.at(item.end_minute),
                break_start_at=(
                    period.at(item.break_start_minute)
                    if item.break_start_minute is not None
                    else None
                ),
                break_minutes=template.break_minutes,
                activity=_activity_for(item.allocation),
                allocation=dict(item.allocation),
                locked=(item.agent_id, item.day) in locked,
                source=AssignmentSource.SOLVER,
            )
        )
    for agent_id, days in period.leave.items():
        agent = period.agents[agent_id]
        for offset in sorted(days):
            day = period.first_day + datetime.timedelta(days=offset)
            if day < agent.hire_date or (agent.left_on and day > agent.left_on):
                continue
            rows.append(
                Assignment(
                    roster=roster,
                    agent=agent,
                    day=day,
                    template=None,
                    start_at=period.at(offset * 1440),
                    end_at=period.at((offset + 1) * 1440),
                    activity=Activity.LEAVE,
                    source=AssignmentSource.SOLVER,
                )
            )
    return rows


def solution_from_rows(period: PeriodProblem, rows: list[Assignment]) -> solver.Solution:
    """A stored (or edited) roster as a solver Solution, so the engine's validators check it."""
    items = []
    for row in rows:
        if row.activity == Activity.LEAVE or row.template is None:
            continue
        start = period.minute_of(row.start_at)
        items.append(
            solver.Assignment(
                agent_id=row.agent.employee_number,
                day=(row.day - period.first_day).days,
                template_id=row.template.code,
                start_minute=start,
                end_minute=period.minute_of(row.end_at),
                break_start_minute=(
                    period.minute_of(row.break_start_at) if row.break_start_at else None
                ),
                allocation=tuple(sorted((row.allocation or {}).items())),
            )
        )
    from scheduler.solver.solution import Figures
    from scheduler.solver.solve import finish

    # A stored shift keeps the template it was given, even one deactivated (or recoded) since:
    # the engine must still know it to read the shift, though it plans no new ones with it.
    known = {template.id for template in period.problem.templates}
    retired = {
        row.template.code: row.template
        for row in rows
        if row.template is not None and row.template.code not in known
    }
    problem = period.problem
    if retired:
        problem = replace(
            problem,
            templates=problem.templates + tuple(_solver_template(t) for t in retired.values()),
        )
    # Allocation, coverage and penalties are recomputed by the engine from the shifts alone.
    return finish(problem, solver.SolveStatus.FEASIBLE, items, Figures(mode="stored"))
