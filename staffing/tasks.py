"""Celery interfaces to staffing services: take plain arguments, call one service."""

import datetime

from celery import shared_task

from .services.leave import leave_entitlements_grant
from .services.training import skills_lapse_expired


@shared_task(name="staffing.skills_lapse_expired")
def skills_lapse_expired_task(today: str | None = None) -> int:
    """Daily: skills whose certificate expired stop counting for scheduling."""
    day = datetime.date.fromisoformat(today) if today else None
    return skills_lapse_expired(today=day)


@shared_task(name="staffing.leave_entitlements_grant")
def leave_entitlements_grant_task(year: int | None = None) -> int:
    """Yearly (1 January): write each agent's statutory and fixed leave grants; idempotent."""
    from django.utils import timezone

    return leave_entitlements_grant(year=year or timezone.localdate().year)
