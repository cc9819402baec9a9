"""Changes to a live (published) roster: swaps, claimed open shifts, approved leave.

A published version is never edited: each change writes the next published version with the
change in it and archives the one before, in one transaction, so the history is kept and a
reader sees one version or the other, never a mix.

Checks use the engine's solver-independent validators on the roster as it would be (no
re-solve): only violations the change *adds* refuse it, so a roster that already broke a soft
target elsewhere does not block an unrelated swap.

Locks are always taken in one order (the request row, then agents by id, then the planning
unit, then the roster), which is also the order leave approval takes them, so two operations
never wait on each other in a cycle.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduler import bridge, solver
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
from scheduler.selectors.roster_demand import unit_demand
from scheduler.selectors.roster_service import service_impact
from scheduler.services.errors import Conflict
from staffing.audit import audited
from staffing.models import Agent

NO_LIVE_ROSTER = _("No published roster of %(unit)s covers %(day)s.")
NOT_LIVE = _(
    "This shift belongs to a %(status)s roster: only shifts of the published roster can be "
    "swapped, given away or claimed."
)
SHIFT_CHANGED = _(
    "The shift of %(agent)s on %(day)s changed since the request was made: look at the new "
    "roster and propose again."
)
RULE_REFUSED = _("%(agent)s, %(day)s: %(rule)s: %(message)s")
SKILL_MISSING = _("%(agent)s lacks %(skills)s, which the shift on %(day)s covers.")
COVERAGE_REFUSED = _(
    "Coverage of %(group)s at %(time)s would fall %(missing)s agent(s) short of the requirement "
    "(the site allows %(tolerance)s)."
)
OVERLAP = _("%(agent)s would hold two overlapping shifts.")

#: Rules whose violations are costs, not refusals (coverage is checked against the policy).
SOFT = frozenset({"coverage", "preferences", "fairness", "changes_vs_previous"})
#: Rules about changing a roster against its previous version: a live change is the version.
NOT_FOR_LIVE_CHANGES = frozenset({"locked_assignments", "notice_window"})


@dataclass(frozen=True)
class Cell:
    """What an agent does on a day after a change: a shift's times (and where they came from),
    or leave. ``None`` in a change map means a day off."""

    template: ShiftTemplate | None
    start_at: datetime.datetime
    end_at: datetime.datetime
    break_start_at: datetime.datetime | None = None
    break_minutes: int = 0
    activity: str = Activity.PHONE
    allocation: dict = field(default_factory=dict)

    @classmethod
    def of(cls, row: Assignment) -> Cell:
        return cls(
            template=row.template,
            start_at=row.start_at,
            end_at=row.end_at,
            break_start_at=row.break_start_at,
            break_minutes=row.break_minutes,
            activity=row.activity,
            allocation=dict(row.allocation or {}),
        )

    @classmethod
    def from_template(
        cls, template: ShiftTemplate, day: datetime.date, zone: Any, allocation: dict | None = None
    ) -> Cell:
        start = datetime.datetime.combine(day, template.start_time, tzinfo=zone)
        return cls(
            template=template,
            start_at=start,
            end_at=start + datetime.timedelta(minutes=template.span_minutes),
            break_start_at=(
                start + datetime.timedelta(minutes=template.break_earliest_offset_minutes)
                if template.break_minutes
                else None
            ),
            break_minutes=template.break_minutes,
            allocation=dict(allocation or {}),
        )

    @classmethod
    def leave(cls, day: datetime.date, zone: Any) -> Cell:
        start = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
        return cls(
            template=None,
            start_at=start,
            end_at=start + datetime.timedelta(days=1),
            activity=Activity.LEAVE,
        )

    @property
    def is_work(self) -> bool:
        return self.activity != Activity.LEAVE and self.template is not None


#: (agent pk, day) -> the new cell, or None for a day off
Changes = dict[tuple[int, datetime.date], Cell | None]


def live_roster_on(unit: PlanningUnit, day: datetime.date) -> Roster | None:
    return (
        Roster.objects.filter(
            unit=unit,
            status=RosterStatus.PUBLISHED,
            period_start__lte=day,
            period_end__gte=day,
        )
        .select_related("unit__site")
        .first()
    )


def live_row(agent: Agent, day: datetime.date) -> Assignment | None:
    """The agent's row of the live roster on a day (a shift or leave), if any."""
    return (
        Assignment.objects.filter(agent=agent, day=day, is_live=True)
        .select_related("roster__unit__site", "template", "agent")
        .first()
    )


def lock_agents(agents: Iterable[Agent]) -> dict[int, Agent]:
    ids = sorted({agent.pk for agent in agents})
    return {
        agent.pk: agent
        for agent in Agent.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    }


def lock_live_roster(unit: PlanningUnit, day: datetime.date) -> Roster:
    """Lock the unit, then the published roster of the day (callers hold the agents first)."""
    PlanningUnit.objects.select_for_update(no_key=True).get(pk=unit.pk)
    roster = live_roster_on(unit, day)
    if roster is None:
        raise Conflict(NO_LIVE_ROSTER % {"unit": unit, "day": day}, rule="no_live_roster")
    return (
        Roster.objects.select_for_update(of=("self",))
        .select_related("unit__site")
        .get(pk=roster.pk)
    )


def same_shift(row: Assignment | None, start_at: Any, end_at: Any) -> bool:
    return (
        row is not None
        and row.activity != Activity.LEAVE
        and row.start_at == start_at
        and row.end_at == end_at
    )


def require_unchanged(
    agent: Agent, day: datetime.date, start_at: Any, end_at: Any, roster: Roster
) -> Assignment:
    row = (
        roster.assignments.filter(agent=agent, day=day).select_related("template", "agent").first()
    )
    if row is None or not same_shift(row, start_at, end_at):
        raise Conflict(
            SHIFT_CHANGED % {"agent": agent.employee_number, "day": day}, rule="stale_shift"
        )
    return row


@dataclass
class ChangeCheck:
    """What a change would do: the hard rules it breaks, the coverage it loses beyond the
    tolerance, and the predicted service level of every interval it touches."""

    period: bridge.PeriodProblem
    before: solver.Solution
    after: solver.Solution
    rows_after: list[Assignment]
    violations: list[solver.Violation]
    missing_skills: list[tuple[Agent, datetime.date, list[str]]]
    coverage_drops: list[dict]
    impact: list[dict]

    @property
    def ok(self) -> bool:
        return not (self.violations or self.missing_skills or self.coverage_drops)

    def refusal(self) -> Conflict | None:
        """The first reason to refuse, as a Conflict naming the rule."""
        if self.missing_skills:
            agent, day, skills = self.missing_skills[0]
            return Conflict(
                SKILL_MISSING
                % {"agent": agent.employee_number, "skills": ", ".join(skills), "day": day},
                rule="skills",
            )
        if self.violations:
            first = self.violations[0]
            day = (
                self.period.first_day + datetime.timedelta(days=first.day)
                if first.day is not None
                else "-"
            )
            return Conflict(
                RULE_REFUSED
                % {
                    "agent": first.agent_id or "-",
                    "day": day,
                    "rule": first.rule,
                    "message": first.message,
                },
                rule=first.rule,
            )
        if self.coverage_drops:
            drop = self.coverage_drops[0]
            return Conflict(COVERAGE_REFUSED % drop, rule="coverage")
        return None

    def summary(self) -> dict:
        return {
            "ok": self.ok,
            "violations": [
                {"rule": v.rule, "agent": v.agent_id, "day": v.day, "message": v.message}
                for v in self.violations
            ],
            "missing_skills": [
                {"agent": agent.employee_number, "day": day.isoformat(), "skills": skills}
                for agent, day, skills in self.missing_skills
            ],
            "coverage_drops": self.coverage_drops,
            "intervals": self.impact,
            "target_holds": all(
                row["holds"] or row["after"] >= row["before"] for row in self.impact
            ),
        }


def period_for(roster: Roster) -> bridge.PeriodProblem:
    demand = unit_demand(unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days)
    return bridge.build_period_problem(
        unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days, demand=demand
    )


def _row(roster: Roster, agent: Agent, day: datetime.date, cell: Cell) -> Assignment:
    return Assignment(
        roster=roster,
        agent=agent,
        day=day,
        template=cell.template,
        start_at=cell.start_at,
        end_at=cell.end_at,
        break_start_at=cell.break_start_at,
        break_minutes=cell.break_minutes,
        activity=cell.activity,
        allocation=dict(cell.allocation),
        locked=True,
        source=AssignmentSource.MANUAL,
    )


def _slots(period: bridge.PeriodProblem, cells: Iterable[Cell | Assignment]) -> set[int]:
    interval = period.problem.horizon.interval_minutes
    total = period.problem.horizon.num_intervals
    slots: set[int] = set()
    for cell in cells:
        if cell.activity == Activity.LEAVE or cell.template is None:
            continue
        first = max(0, period.minute_of(cell.start_at) // interval)
        last = min(total, -(-period.minute_of(cell.end_at) // interval))
        slots.update(range(first, last))
    return slots


def live_change_check(
    *,
    roster: Roster,
    changes: Changes,
    agents: dict[int, Agent],
    tolerance: int | None = 0,
    skills_from: dict[tuple[int, datetime.date], dict] | None = None,
    period: bridge.PeriodProblem | None = None,
    rows: list[Assignment] | None = None,
    giving_away: frozenset[int] = frozenset(),
) -> ChangeCheck:
    """Check a change of a published roster with the engine's validators, without solving.

    ``skills_from`` names, per changed cell, the allocation of the shift being handed over:
    the new holder needs every skill of each skill group it covered. ``tolerance`` is how many
    more agents any interval and skill group may fall short after the change (None: no
    coverage check, as for leave, which is decided on service level instead).
    ``giving_away`` names agents who only lose a shift (a give-away): working less than their
    contract is their own choice, so the contract-hours minimum does not refuse it (a lost
    shift cannot break any maximum).
    """
    period = period or period_for(roster)
    if rows is None:
        rows = list(roster.assignments.select_related("agent", "template"))
    before = bridge.solution_from_rows(period, rows)
    rows_after = [row for row in rows if (row.agent_id, row.day) not in changes]
    old_cells = [row for row in rows if (row.agent_id, row.day) in changes]
    for (agent_id, day), cell in changes.items():
        if cell is not None:
            rows_after.append(_row(roster, agents[agent_id], day, cell))
    after = bridge.solution_from_rows(period, rows_after)

    involved = {agents[agent_id].employee_number for agent_id, _ in changes}
    givers = {agents[agent_id].employee_number for agent_id in giving_away}

    def hard(solution: solver.Solution) -> set[solver.Violation]:
        return {
            v
            for v in solver.check_roster(period.problem, solution)
            if v.rule not in SOFT
            and v.rule not in NOT_FOR_LIVE_CHANGES
            and (v.agent_id is None or v.agent_id in involved)
            and not (v.rule == "contract_hours" and v.agent_id in givers)
        }

    # A breach the roster already had is not the change's doing, unless the change makes it
    # larger (a shift claimed by an agent short of their hours shortens the breach).
    known = {v.breach: v for v in hard(before)}
    violations = sorted(
        (v for v in hard(after) if v.is_worse_than(known.get(v.breach))),
        key=lambda v: (v.agent_id or "", v.day if v.day is not None else -1, v.rule),
    )

    missing: list[tuple[Agent, datetime.date, list[str]]] = []
    solver_agents = {a.id: a for a in period.problem.agents}
    for key, allocation in (skills_from or {}).items():
        agent = agents[key[0]]
        held = (
            solver_agents[agent.employee_number].skills
            if agent.employee_number in solver_agents
            else {}
        )
        lacking = sorted(
            {
                skill
                for group_id, minutes in allocation.items()
                if minutes
                for skill in period.groups.get(group_id, tuple(group_id.split("+")))
                if skill not in held
            }
        )
        if lacking:
            missing.append((agent, key[1], lacking))

    drops: list[dict] = []
    if tolerance is not None:
        under_before = {(r.skill_group_id, r.interval): r.under for r in before.coverage}
        interval = period.problem.horizon.interval_minutes
        for row in after.coverage:
            extra = row.under - under_before.get((row.skill_group_id, row.interval), 0)
            if extra > tolerance:
                moment = timezone.localtime(period.at(row.interval * interval), period.zone)
                drops.append(
                    {
                        "group": row.skill_group_id,
                        "time": f"{moment:%Y-%m-%d %H:%M}",
                        "missing": row.under,
                        "tolerance": tolerance,
                    }
                )

    new_cells = [cell for cell in changes.values() if cell is not None]
    impact = service_impact(period, before, after, _slots(period, [*old_cells, *new_cells]))
    return ChangeCheck(
        period=period,
        before=before,
        after=after,
        rows_after=rows_after,
        violations=violations,
        missing_skills=missing,
        coverage_drops=drops,
        impact=impact,
    )


@audited(reason="reason")
def live_change_apply(
    *,
    roster: Roster,
    changes: Changes,
    agents: dict[int, Agent],
    actor: Any,
    reason: str,
    notify_agents: bool = True,
    check: ChangeCheck | None = None,
) -> Roster:
    """Write the next published version with ``changes`` and archive ``roster``.

    The caller holds the locks (agents, unit, roster) inside a transaction and has checked the
    change. New working rows take their allocation from the engine's re-allocation.
    """
    from scheduler.services.rosters import _fairness_rows, _notify_changes, roster_diff

    roster = Roster.objects.select_related("unit__site").get(pk=roster.pk)
    if roster.status != RosterStatus.PUBLISHED:
        raise Conflict(NOT_LIVE % {"status": roster.get_status_display()}, rule="not_published")
    allocations: dict[tuple[str, int], dict] = {}
    if check is not None:
        allocations = {
            (item.agent_id, item.day): dict(item.allocation) for item in check.after.assignments
        }
    version = (
        Roster.objects.filter(unit=roster.unit, period_start=roster.period_start).aggregate(
            top=Max("version")
        )["top"]
        or 0
    ) + 1
    roster.status = RosterStatus.ARCHIVED
    roster.save(update_fields=["status"])
    roster.assignments.update(is_live=False)
    FairnessEntry.objects.filter(roster=roster).delete()
    figures = dict(roster.figures or {})
    figures["live_changes"] = [*figures.get("live_changes", []), reason][-50:]
    new = Roster.objects.create(
        unit=roster.unit,
        period_start=roster.period_start,
        period_end=roster.period_end,
        version=version,
        status=RosterStatus.PUBLISHED,
        based_on=roster,
        created_by=actor,
        published_by=actor,
        published_at=timezone.now(),
        input_fingerprint=roster.input_fingerprint,
        figures=figures,
    )
    copies = []
    for row in roster.assignments.all():
        if (row.agent_id, row.day) in changes:
            continue
        row.pk = None
        row.roster = new
        row.is_live = True
        copies.append(row)
    for (agent_id, day), cell in changes.items():
        if cell is None:
            continue
        row = _row(new, agents[agent_id], day, cell)
        row.is_live = True
        offset = (day - new.period_start).days
        allocation = allocations.get((agents[agent_id].employee_number, offset))
        if allocation is not None:
            row.allocation = allocation
        copies.append(row)
    try:
        with transaction.atomic():
            Assignment.objects.bulk_create(copies, batch_size=2000)
    except IntegrityError as error:
        agent_ids = sorted({agent_id for agent_id, _ in changes})
        names = ", ".join(agents[a].employee_number for a in agent_ids)
        raise Conflict(OVERLAP % {"agent": names}, rule="no_overlap") from error
    FairnessEntry.objects.bulk_create(_fairness_rows(new))
    if notify_agents:
        _notify_changes(new, roster_diff(before=roster, after=new), first_version=False)
    return new
