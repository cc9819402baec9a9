"""The roster board: agents by day for a roster, with totals; a fixed number of queries
whatever the number of agents (the board of 200 agents x 28 days is one screen)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from scheduler.models.rosters import Activity, Roster
from scheduler.models.selfservice import OpenShift, OpenShiftStatus
from staffing.models import Agent, AgentSkill, TrainingRecord
from staffing.models.organisation import Level
from staffing.models.training import TrainingStatus
from staffing.versions import values_version
from staffing.workdays import is_public_holiday


@dataclass
class BoardCell:
    """One agent-day. ``kind`` is "off", "leave" or "shift"; times are in the current zone."""

    day: datetime.date
    kind: str = "off"
    start: str = ""  # HH:MM
    end: str = ""
    color: str = ""
    changed: bool = False
    training: bool = False
    version: str = ""  # of the cell's rows as shown: an edit from a stale board is refused


@dataclass
class BoardRow:
    agent: Agent
    cells: list[BoardCell]
    training_days: set[datetime.date] = field(default_factory=set)
    hours: float = 0.0
    nights: int = 0
    weekends: int = 0
    html: str = ""  # the row's cells, rendered by the view


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


#: What a cell's version covers. Setting a cell replaces its rows, so the ids alone change on
#: every edit; the values make the version readable on its own.
CELL_VERSION_FIELDS = ("id", "activity", "template_id", "start_at", "end_at")


def _cell_version(rows: list[tuple]) -> str:
    return values_version([value for row in sorted(rows) for value in row])


def roster_cell_version(*, roster: Roster, agent_id: int, day: datetime.date) -> str:
    """The version of one agent-day of a roster, equal to the board's for the same rows."""
    rows = roster.assignments.filter(agent_id=agent_id, day=day).values_list(*CELL_VERSION_FIELDS)
    return _cell_version(list(rows))


def roster_board(
    *,
    roster: Roster,
    agents: QuerySet[Agent],
    skill: str | None = None,
    level: str | None = None,
    changed: set[tuple[int, str]] | None = None,
    team: int | None = None,
) -> Board:
    days = roster.days()
    index = {day: i for i, day in enumerate(days)}
    everyone = agents
    if skill:
        agents = agents.filter(skills__skill__code=skill)
    if level:
        agents = agents.filter(level=level)
    if team:
        agents = agents.filter(team_id=team)
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
    zone = timezone.get_current_timezone()
    clock: dict[datetime.datetime, str] = {}

    def hhmm(moment: datetime.datetime) -> str:
        # Many shifts share a start: convert each distinct moment once.
        if moment not in clock:
            clock[moment] = f"{moment.astimezone(zone):%H:%M}"
        return clock[moment]

    # Plain values, not model instances: 5,600 rows for a 200-agent, 4-week board.
    fields = (
        "id",
        "agent_id",
        "day",
        "activity",
        "start_at",
        "end_at",
        "break_minutes",
        "template__color",
        "template__is_night",
        "template_id",
    )
    cell_rows: dict[tuple[int, datetime.date], list[tuple]] = defaultdict(list)
    for (
        row_id,
        agent_id,
        day,
        activity,
        start_at,
        end_at,
        break_minutes,
        color,
        night,
        template,
    ) in roster.assignments.filter(agent_id__in=list(rows)).values_list(*fields):
        row = rows[agent_id]
        cell = row.cells[index[day]]
        cell_rows[(agent_id, day)].append((row_id, activity, template, start_at, end_at))
        if activity == Activity.LEAVE or template is None:
            cell.kind = "leave"
            continue
        cell.kind, cell.start, cell.end = "shift", hhmm(start_at), hhmm(end_at)
        cell.color = color or "#4c78a8"
        heads[index[day]] += 1
        row.hours += (end_at - start_at).total_seconds() / 3600 - break_minutes / 60
        if night:
            row.nights += 1
        if day.weekday() >= 5:
            weekend_seen[agent_id].add(day.isocalendar()[:2])
    for agent_id, weeks in weekend_seen.items():
        rows[agent_id].weekends = len(weeks)
    for agent_id, board_row in rows.items():
        for cell in board_row.cells:
            cell.version = _cell_version(cell_rows.get((agent_id, cell.day), []))
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
