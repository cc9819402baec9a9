"""Reads for HR: leave impacts shown beside leave requests, and work done per agent from the
live roster (hours, nights, weekends)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from scheduler.models.rosters import Activity, Assignment
from scheduler.models.selfservice import LeaveImpact
from staffing.models import Agent

#: Saturday and Sunday (date.weekday()).
WEEKEND_WEEKDAYS = frozenset({5, 6})
#: A shift without a template counts as a night when it starts at or after this hour or before
#: NIGHT_ENDS_HOUR, local time (templates say so themselves with is_night).
NIGHT_STARTS_HOUR = 20
NIGHT_ENDS_HOUR = 5


def leave_impact_figures(*, request_ids: list[int]) -> dict[int, dict]:
    """The assessed effect on service of leave requests, by request id. The caller has already
    scoped the requests to the user; requests never assessed are absent."""
    return {
        impact.request_id: {
            "rostered_days": len(impact.rostered_days or []),
            "worst_service_level": impact.worst_service_level,
            "target_holds": impact.target_holds,
            "decision": impact.decision,
        }
        for impact in LeaveImpact.objects.filter(request_id__in=request_ids)
    }


@dataclass
class WorkDone:
    agent: Agent
    shifts: int = 0
    paid_minutes: int = 0
    nights: int = 0
    weekend_days: int = 0
    weekends: int = 0  # distinct weekends with at least one shift

    @property
    def paid_hours(self) -> Decimal:
        return (Decimal(self.paid_minutes) / 60).quantize(Decimal("0.01"))


def _is_night(row: Assignment) -> bool:
    if row.template is not None:
        return row.template.is_night
    start_hour = timezone.localtime(row.start_at).hour
    return start_hour >= NIGHT_STARTS_HOUR or start_hour < NIGHT_ENDS_HOUR


def work_done_per_agent(
    *, agents: QuerySet[Agent], start_on: datetime.date, end_on: datetime.date
) -> list[WorkDone]:
    """Per agent, the live (published) shifts of the period: paid minutes are the shift's
    length less its break; leave rows do not count. A shift belongs to the day it starts on.
    Active agents are listed even without a shift; agents who left, only if they worked."""
    live = Assignment.objects.filter(is_live=True, day__gte=start_on, day__lte=end_on).exclude(
        activity=Activity.LEAVE
    )
    agent_list = list(
        agents.filter(Q(is_active=True) | Q(pk__in=live.values("agent_id")))
        .select_related("team")
        .order_by("employee_number")
    )
    work = {agent.pk: WorkDone(agent=agent) for agent in agent_list}
    weekends: dict[int, set[datetime.date]] = {agent.pk: set() for agent in agent_list}
    rows = (
        live.filter(agent_id__in=list(work))
        .select_related("template")
        .only("agent_id", "day", "start_at", "end_at", "break_minutes", "template__is_night")
    )
    for row in rows:
        done = work[row.agent_id]
        done.shifts += 1
        length = int((row.end_at - row.start_at).total_seconds() // 60)
        done.paid_minutes += max(length - row.break_minutes, 0)
        if _is_night(row):
            done.nights += 1
        if row.day.weekday() in WEEKEND_WEEKDAYS:
            done.weekend_days += 1
            # the Saturday of that weekend names it
            weekends[row.agent_id].add(row.day - datetime.timedelta(days=row.day.weekday() - 5))
    for agent_id, saturdays in weekends.items():
        work[agent_id].weekends = len(saturdays)
    return [work[agent.pk] for agent in agent_list]
