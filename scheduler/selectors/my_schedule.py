"""An agent's own schedule: live shifts, training sessions and approved leave, by day."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from scheduler.models.rosters import Activity, Assignment, ShiftTemplate
from staffing import readcache
from staffing.models import Agent, Course, LeaveRequest, LeaveType, TrainingRecord, TrainingSession
from staffing.models.leave import LeaveStatus
from staffing.models.training import TrainingStatus


@dataclass
class Day:
    day: datetime.date
    shift: Assignment | None = None
    leave: LeaveRequest | None = None
    training: list[TrainingRecord] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()

    @property
    def break_end(self) -> datetime.datetime | None:
        if self.shift is None or self.shift.break_start_at is None:
            return None
        return self.shift.break_start_at + datetime.timedelta(minutes=self.shift.break_minutes)


def agent_schedule(*, agent: Agent, start_on: datetime.date, end_on: datetime.date) -> list[Day]:
    days = {
        start_on + datetime.timedelta(days=i): Day(start_on + datetime.timedelta(days=i))
        for i in range((end_on - start_on).days + 1)
    }
    for row in Assignment.objects.filter(
        agent=agent, is_live=True, day__gte=start_on, day__lte=end_on
    ).select_related("template"):
        if row.activity != Activity.LEAVE:
            days[row.day].shift = row
    for request in LeaveRequest.objects.filter(
        agent=agent, status=LeaveStatus.APPROVED, start_on__lte=end_on, end_on__gte=start_on
    ).select_related("leave_type"):
        day = max(request.start_on, start_on)
        while day <= min(request.end_on, end_on):
            days[day].leave = request
            day += datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start_on, datetime.time(0), tzinfo=zone)
    last = datetime.datetime.combine(
        end_on + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
    )
    for record in TrainingRecord.objects.filter(
        agent=agent,
        status=TrainingStatus.ENROLLED,
        session__starts_at__gte=first,
        session__starts_at__lt=last,
    ).select_related("session__course"):
        day = timezone.localtime(record.session.starts_at).date()
        if day in days:
            days[day].training.append(record)
    return [days[key] for key in sorted(days)]


def next_shift(*, agent: Agent, now: datetime.datetime | None = None) -> Assignment | None:
    now = now or timezone.now()
    return (
        Assignment.objects.filter(agent=agent, is_live=True, end_at__gt=now)
        .exclude(activity=Activity.LEAVE)
        .select_related("template")
        .order_by("start_at")
        .first()
    )


#: Everything agent_schedule and next_shift read, for the read cache.
SCHEDULE_READS = (
    Assignment,
    ShiftTemplate,
    LeaveRequest,
    LeaveType,
    TrainingRecord,
    TrainingSession,
    Course,
)


def agent_schedule_and_next(
    *, agent: Agent, start_on: datetime.date, end_on: datetime.date
) -> tuple[list[Day], Assignment | None]:
    """``agent_schedule`` and ``next_shift`` together, from the read cache while nothing they
    read was written (staffing.readcache): the page agents open most.

    The cached next shift stays right while time passes until it ends: a shift that starts
    earlier and ends later than now would have been the next one when it was cached."""
    now = timezone.now()
    days, upcoming = readcache.cached(
        "my-schedule",
        parts=(agent.pk, start_on, end_on, timezone.get_current_timezone_name()),
        depends_on=SCHEDULE_READS,
        compute=lambda: (
            agent_schedule(agent=agent, start_on=start_on, end_on=end_on),
            next_shift(agent=agent, now=now),
        ),
    )
    if upcoming is not None and upcoming.end_at <= now:
        upcoming = next_shift(agent=agent, now=now)
    return days, upcoming


def month_grid(days: list[Day]) -> list[list[Day | None]]:
    """Weeks (Monday first) of a month's days, padded with None."""
    if not days:
        return []
    weeks: list[list[Day | None]] = []
    week: list[Day | None] = [None] * days[0].day.weekday()
    for item in days:
        week.append(item)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks
