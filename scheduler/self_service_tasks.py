"""Celery interfaces to the self-service services: take ids, call one service."""

from __future__ import annotations

import datetime

from celery import shared_task


@shared_task(name="scheduler.leave_impact_assess", acks_late=True)
def leave_impact_assess_task(request_id: int) -> str:
    """A new leave request's effect on service; automatic approval under the team's policy."""
    from scheduler.services.leave_staffing import leave_impact_assess

    impact = leave_impact_assess(request_id=request_id)
    return impact.decision if impact is not None else "missing"


@shared_task(name="scheduler.self_service_expire")
def self_service_expire_task() -> dict[str, int]:
    """Every 15 minutes: stale swap proposals and open shifts past their start expire."""
    from scheduler.services.open_shifts import open_shifts_expire
    from scheduler.services.swaps import swaps_expire

    return {"swaps": swaps_expire(), "open_shifts": open_shifts_expire()}


@shared_task(name="scheduler.refreshers_propose")
def refreshers_propose_task(today: str | None = None) -> int:
    """Daily: certificate-expiry notices and refresher proposals placed by the engine."""
    from scheduler.services.refreshers import refreshers_propose

    return refreshers_propose(today=datetime.date.fromisoformat(today) if today else None)
