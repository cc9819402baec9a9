"""Scheduler reacts to staffing events (staffing never imports scheduler)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction

from staffing import signals as staffing_signals

logger = logging.getLogger(__name__)


def repair_after_leave(sender: Any, request_id: int, **kwargs: Any) -> None:
    """Approved leave on rostered days triggers a minimal-change repair of the live roster."""
    from scheduler.models.rosters import Roster, RosterStatus
    from scheduler.services.rosters import roster_repair_request
    from staffing.models import LeaveRequest

    request = LeaveRequest.objects.select_related("agent").get(pk=request_id)
    rosters = Roster.objects.filter(
        unit__teams=request.agent.team_id,
        status=RosterStatus.PUBLISHED,
        period_start__lte=request.end_on,
        period_end__gte=request.start_on,
    ).distinct()
    for roster in rosters:
        days = []
        day = max(request.start_on, roster.period_start)
        while day <= min(request.end_on, roster.period_end):
            days.append((request.agent.employee_number, day))
            day += datetime.timedelta(days=1)
        rostered = roster.assignments.filter(
            agent=request.agent, day__in=[d for _, d in days], template__isnull=False
        ).exists()
        if not rostered:
            continue
        with transaction.atomic():
            run = roster_repair_request(actor=None, roster=roster, new_leave=days)
        logger.info("leave %s: repair run %s for roster %s", request_id, run.pk, roster.pk)


def connect() -> None:
    staffing_signals.leave_approved.connect(repair_after_leave, dispatch_uid="scheduler-leave")
