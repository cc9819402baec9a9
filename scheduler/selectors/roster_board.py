"""The roster board: agents by day for a roster, with totals; a fixed number of queries
whatever the number of agents (the board of 200 agents x 28 days is one screen)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from scheduler.models.rosters import Activity, Assignment, Roster
from scheduler.models.selfservice import OpenShift, OpenShiftStatus
from staffing.models import Agent, AgentSkill, TrainingRecord
from staffing.models.organisation import Level
from staffing.models.training import TrainingStatus
from staffing.workdays import is_public_holiday


@dataclass
class BoardCell:
    day: datetime.date
    row: Assignment | None = None
    changed: bool = False
    training: bool = False


@dataclass
class BoardRow:
    agent: Agent
    cells: list[BoardCell]
    training_days: set[datetime.date] = field(default_factory=set)
    hours: float = 0.0
    nights: int = 0
    weekends: int = 0


@dataclass
class Board:
    roster: Roster
    days: list[datetime.date]
    rows: list[BoardRow]
    heads_per_day: list[int]
    open_per_day: list[int]
    holidays: set[datetime.date]
    skills: list[tuple[str, str]]
    levels: list[tuple[str, str]]


def roster_board(
    *,
    roster: Roster,
    agents: QuerySet[Agent],
    skill: str | None = None,
    level: str | None = None,
    changed: set[tuple[int, str]] | None = None,
) -> Board:
    days = roster.days()
    index = {day: i for i, day in enumerate(days)}
    everyone = agents
    if skill:
        agents = agents.filter(skills__skill__code=skill)
    if level:
        agents = agents.filter(level=level)
    agent_list = list(
        agents.select_related("team").order_by("team__code", "employee_number").distinct()
    )
    changed = changed or set()
    rows = {
        agent.pk: BoardRow(
            agent=agent,
            cells=[
                BoardCell(day=day, changed=(agent.pk, day.isoformat()) in changed) for day in days
            ],
        )
        for agent in agent_list
    }
    weekend_seen: dict[int, set[tuple[int, int]]] = defaultdict(set)
    heads = [0] * len(days)
    for cell in roster.assignments.filter(agent_id__in=list(rows)).select_related("template"):
        row = rows[cell.agent_id]
        row.cells[index[cell.day]].row = cell
        if cell.activity == Activity.LEAVE or cell.template is None:
            continue
        heads[index[cell.day]] += 1
        paid = (cell.end_at - cell.start_at).total_seconds() / 3600 - cell.break_minutes / 60
        row.hours += paid
        if cell.template.is_night:
            row.nights += 1
        if cell.day.weekday() >= 5:
            weekend_seen[cell.agent_id].add(cell.day.isocalendar()[:2])
    for agent_id, weeks in weekend_seen.items():
        rows[agent_id].weekends = len(weeks)
    first = roster.period_start
    last = roster.period_end + datetime.timedelta(days=1)
    for record in TrainingRecord.objects.filter(
        agent_id__in=list(rows),
        status=TrainingStatus.ENROLLED,
        session__starts_at__date__gte=first,
        session__starts_at__date__lt=last,
    ).select_related("session"):
        day = record.session.starts_at.date()
        rows[record.agent_id].training_days.add(day)
        if day in index:
            rows[record.agent_id].cells[index[day]].training = True
    open_per_day = [0] * len(days)
    for board_day in OpenShift.objects.filter(
        unit=roster.unit, status=OpenShiftStatus.OPEN, day__gte=first, day__lte=roster.period_end
    ).values_list("day", flat=True):
        open_per_day[index[board_day]] += 1
    skills = sorted(
        set(AgentSkill.objects.filter(agent__in=everyone).values_list("skill__code", "skill__name"))
    )
    return Board(
        roster=roster,
        days=days,
        rows=list(rows.values()),
        heads_per_day=heads,
        open_per_day=open_per_day,
        holidays={day for day in days if is_public_holiday(day)},
        skills=skills,
        levels=sorted(
            {
                (code, str(dict(Level.choices).get(code, code)))
                for code in everyone.values_list("level", flat=True)
            }
        ),
    )


def board_cell_label(cell: Any) -> str:
    if cell is None:
        return ""
    if cell.activity == Activity.LEAVE:
        return "leave"
    return cell.template.code if cell.template else cell.activity
