"""The nightly recompute: refresh demand, then re-solve drafts and repair changed rosters."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.utils import timezone

from scheduler import bridge
from scheduler.models.rosters import PlanningUnit, Roster, RosterRun, RosterStatus, RunTrigger
from scheduler.selectors.roster_demand import unit_demand
from scheduler.services import rosters

logger = logging.getLogger(__name__)


def _refresh_demand() -> Any:
    try:
        from scheduler.services.demand import demand_refresh_all
    except ImportError:  # the demand services are not installed in this build
        return None
    return demand_refresh_all()


def run_nightly(*, today: datetime.date | None = None, enqueue: bool = True) -> dict:
    """One run per unit and period whose inputs changed; the rest stands.

    With ``enqueue`` the runs go to the solver queue (workers solve units in parallel);
    without it (no broker) they are solved here, one after the other.
    """
    today = today or timezone.localdate()
    refreshed = _refresh_demand()
    runs: list[RosterRun] = []
    for unit in PlanningUnit.objects.select_related("site").order_by("code"):
        rosters_live = Roster.objects.filter(
            unit=unit,
            period_end__gte=today,
            status__in=[RosterStatus.DRAFT, RosterStatus.PUBLISHED],
        ).order_by("period_start", "status")
        seen: set[datetime.date] = set()
        for roster in rosters_live:
            if roster.period_start in seen:
                continue  # a draft of a published period is re-solved, not repaired
            seen.add(roster.period_start)
            demand = unit_demand(unit=unit, first_day=roster.period_start, num_days=roster.num_days)
            if not demand:
                continue
            period = bridge.build_period_problem(
                unit=unit,
                first_day=roster.period_start,
                num_days=roster.num_days,
                demand=demand,
                locked_from=roster if roster.status == RosterStatus.DRAFT else None,
                previous_version=roster if roster.status == RosterStatus.PUBLISHED else None,
            )
            if period.fingerprint() == roster.input_fingerprint:
                continue
            weeks = max(1, roster.num_days // 7)
            if roster.status == RosterStatus.DRAFT:
                run = rosters.roster_run_request(
                    actor=None,
                    unit=unit,
                    period_start=roster.period_start,
                    weeks=weeks,
                    trigger=RunTrigger.NIGHTLY,
                )
            else:
                run = rosters.roster_run_request(
                    actor=None,
                    unit=unit,
                    period_start=roster.period_start,
                    weeks=weeks,
                    trigger=RunTrigger.REPAIR,
                    base_roster=roster,
                )
            runs.append(run)
    if not enqueue:
        for run in runs:
            rosters.roster_run_execute(run_id=run.pk)
    return {
        "demand_refreshed": refreshed is not None,
        "runs": [run.pk for run in runs],
    }
