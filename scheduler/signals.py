"""Scheduler reacts to staffing events (staffing never imports scheduler)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from staffing import signals as staffing_signals


def strike_leave_from_live(sender: Any, request_id: int, **kwargs: Any) -> None:
    """In the approving transaction: leave days become leave on the live roster, and a
    minimal-change repair of the lost cover is queued (it runs after commit)."""
    from scheduler.services.leave_staffing import leave_strike_from_live

    leave_strike_from_live(request_id=request_id)


def assess_leave(sender: Any, request_id: int, **kwargs: Any) -> None:
    """A new request: its effect on service is assessed by a task (automatic approval)."""
    from scheduler.self_service_tasks import leave_impact_assess_task

    transaction.on_commit(lambda: leave_impact_assess_task.delay(request_id))


def leave_decided(sender: Any, request_id: int, **kwargs: Any) -> None:
    from scheduler.services.leave_staffing import leave_decision_notify

    leave_decision_notify(request_id=request_id)


def leave_cancelled(sender: Any, request_id: int, **kwargs: Any) -> None:
    from scheduler.services.leave_staffing import leave_restore_on_live

    leave_restore_on_live(request_id=request_id)


def rostered_days(
    sender: Any, agent_id: int, start_on: Any, end_on: Any, **kwargs: Any
) -> dict[Any, bool]:
    """For leave counted in working days: the days the live roster covers for the agent, and
    whether each holds a shift (leave rows count as not working)."""
    import datetime

    from scheduler.models.rosters import Activity, Assignment, Roster, RosterStatus
    from staffing.models import Agent

    team_id = Agent.objects.filter(pk=agent_id).values_list("team_id", flat=True).first()
    covered: dict[Any, bool] = {}
    for roster in Roster.objects.filter(
        unit__teams=team_id,
        status=RosterStatus.PUBLISHED,
        period_start__lte=end_on,
        period_end__gte=start_on,
    ).distinct():
        day = max(start_on, roster.period_start)
        while day <= min(end_on, roster.period_end):
            covered[day] = False
            day += datetime.timedelta(days=1)
    if covered:
        for day in (
            Assignment.objects.filter(agent_id=agent_id, is_live=True, day__in=list(covered))
            .exclude(activity=Activity.LEAVE)
            .values_list("day", flat=True)
        ):
            covered[day] = True
    return covered


def leave_impacts(sender: Any, request_ids: list[int], **kwargs: Any) -> dict[int, dict]:
    """Answers the HR leave page: the assessed service figures of the requests it lists."""
    from scheduler.selectors.hr_reports import leave_impact_figures

    return leave_impact_figures(request_ids=request_ids)


def connect() -> None:
    staffing_signals.leave_days_rostered.connect(
        rostered_days, dispatch_uid="scheduler-leave-days-rostered"
    )
    staffing_signals.leave_taking_effect.connect(
        strike_leave_from_live, dispatch_uid="scheduler-leave-strike"
    )
    staffing_signals.leave_requested.connect(assess_leave, dispatch_uid="scheduler-leave-assess")
    staffing_signals.leave_approved.connect(leave_decided, dispatch_uid="scheduler-leave-approved")
    staffing_signals.leave_rejected.connect(leave_decided, dispatch_uid="scheduler-leave-rejected")
    staffing_signals.leave_cancelled.connect(
        leave_cancelled, dispatch_uid="scheduler-leave-cancelled"
    )
    staffing_signals.leave_impacts_wanted.connect(
        leave_impacts, dispatch_uid="scheduler-leave-impacts"
    )
