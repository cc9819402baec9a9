"""Planners' writes: queues, special events and forecast adjustments.

Adjustments change the requirements of the current forecast at once (recomputed after the
transaction commits, on the worker); events change the next forecast version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from staffing.models import Site, Skill

from .. import policy
from ..models import ForecastAdjustment, Queue, SpecialEvent

NOT_A_PLANNER = _("Only planners (team leads and admins) change demand data.")
QUEUE_HAS_FORECASTS = _("This queue has forecasts; deactivate it instead of deleting it.")

QUEUE_FIELDS = (
    "site",
    "code",
    "name",
    "channel",
    "target_service_level_percent",
    "target_answer_seconds",
    "max_asa_seconds",
    "email_response_hours",
    "email_target_percent",
    "default_aht_seconds",
    "chat_concurrency",
    "patience_seconds",
    "occupancy_cap_percent",
    "is_active",
)


def _require_planner(actor: Any) -> None:
    if not policy.can_plan_demand(actor):
        raise PermissionDenied(NOT_A_PLANNER)


def _schedule_requirements_refresh(queue: Queue) -> None:
    from ..tasks import requirements_refresh_task

    transaction.on_commit(lambda: requirements_refresh_task.delay(queue.pk))


# --- queues --------------------------------------------------------------------------------


@transaction.atomic
def queue_create(*, actor: Any, skills: list[Skill] | None = None, **fields: Any) -> Queue:
    _require_planner(actor)
    queue = Queue(**{name: fields[name] for name in QUEUE_FIELDS if name in fields})
    queue.full_clean()
    queue.save()
    queue.skills.set(skills or [])
    return queue


@transaction.atomic
def queue_update(
    *, actor: Any, queue: Queue, skills: list[Skill] | None = None, **fields: Any
) -> Queue:
    _require_planner(actor)
    for name in QUEUE_FIELDS:
        if name in fields:
            setattr(queue, name, fields[name])
    queue.full_clean()
    queue.save()
    if skills is not None:
        queue.skills.set(skills)
    _schedule_requirements_refresh(queue)
    return queue


@transaction.atomic
def queue_delete(*, actor: Any, queue: Queue) -> None:
    _require_planner(actor)
    if queue.forecasts.exists():
        raise ValidationError({"queue": [QUEUE_HAS_FORECASTS]})
    queue.delete()


# --- special events ------------------------------------------------------------------------


@transaction.atomic
def special_event_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    start_at: dt.datetime,
    end_at: dt.datetime,
    uplift: Decimal,
    queue: Queue | None = None,
    site: Site | None = None,
) -> SpecialEvent:
    _require_planner(actor)
    event = SpecialEvent(
        name=name,
        kind=kind,
        start_at=start_at,
        end_at=end_at,
        uplift=uplift,
        queue=queue,
        site=site,
        created_by=actor if actor.is_authenticated else None,
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def special_event_update(*, actor: Any, event: SpecialEvent, **fields: Any) -> SpecialEvent:
    _require_planner(actor)
    for name in ("name", "kind", "start_at", "end_at", "uplift", "queue", "site"):
        if name in fields:
            setattr(event, name, fields[name])
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def special_event_delete(*, actor: Any, event: SpecialEvent) -> None:
    _require_planner(actor)
    event.delete()


# --- adjustments ---------------------------------------------------------------------------


@transaction.atomic
def forecast_adjustment_create(
    *,
    actor: Any,
    queue: Queue,
    start_at: dt.datetime,
    end_at: dt.datetime,
    reason: str,
    percent: Decimal | None = None,
    absolute_change: int | None = None,
) -> ForecastAdjustment:
    """Lay a planner's change over the queue's forecasts; the current requirements follow."""
    _require_planner(actor)
    adjustment = ForecastAdjustment(
        queue=queue,
        start_at=start_at,
        end_at=end_at,
        percent=percent,
        absolute_change=absolute_change,
        reason=reason,
        created_by=actor if actor.is_authenticated else None,
    )
    adjustment.full_clean()
    adjustment.save()
    _schedule_requirements_refresh(queue)
    return adjustment


@transaction.atomic
def forecast_adjustment_delete(*, actor: Any, adjustment: ForecastAdjustment) -> None:
    _require_planner(actor)
    queue = adjustment.queue
    adjustment.delete()
    _schedule_requirements_refresh(queue)
