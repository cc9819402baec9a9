"""Planners' writes: queues, their open hours, closures and shrinkage rules, special events
and forecast adjustments.

Adjustments, open hours, closures and shrinkage rules change the requirements of the current
forecast at once (recomputed after the transaction commits, on the worker); events change the
next forecast version.
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
from ..models import (
    ForecastAdjustment,
    OpenHours,
    Queue,
    QueueClosure,
    ShrinkageRule,
    SpecialEvent,
)

NOT_A_PLANNER = _("Only planners (team leads and admins) change demand data.")
QUEUE_HAS_FORECASTS = _("This queue has forecasts; deactivate it instead of deleting it.")
OPEN_HOURS_OVERLAP = _("These hours overlap the queue's other open hours on this weekday.")
CLOSURE_EXISTS = _("The queue is already closed on this day.")

OPEN_HOURS_FIELDS = ("queue", "weekday", "opens_at", "closes_at")
CLOSURE_FIELDS = ("queue", "closed_on", "reason")
SHRINKAGE_FIELDS = ("site", "queue", "weekday", "start_hour", "end_hour", "percent")

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


def _schedule_refresh_for(queues: Any) -> None:
    """Refresh each distinct queue once (a site-wide rule touches all the site's queues)."""
    seen: set[int] = set()
    for queue in queues:
        if queue is not None and queue.pk not in seen:
            seen.add(queue.pk)
            _schedule_requirements_refresh(queue)


def _assign(instance: Any, names: tuple[str, ...], fields: dict[str, Any]) -> None:
    for name in names:
        if name in fields:
            setattr(instance, name, fields[name])


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


# --- open hours, closures and shrinkage ------------------------------------------------------


def _check_open_hours_overlap(hours: OpenHours) -> None:
    """Two rows of one weekday may not overlap (a closing time of 00:00 means midnight)."""

    def minutes(row: OpenHours) -> tuple[int, int]:
        opens = row.opens_at.hour * 60 + row.opens_at.minute
        closes = row.closes_at.hour * 60 + row.closes_at.minute
        return opens, closes or 24 * 60

    opens, closes = minutes(hours)
    others = OpenHours.objects.filter(queue=hours.queue, weekday=hours.weekday).exclude(pk=hours.pk)
    for other in others:
        other_opens, other_closes = minutes(other)
        if opens < other_closes and other_opens < closes:
            raise ValidationError({"opens_at": [OPEN_HOURS_OVERLAP]})


def _save_open_hours(hours: OpenHours) -> OpenHours:
    hours.full_clean()
    _check_open_hours_overlap(hours)
    hours.save()
    return hours


@transaction.atomic
def open_hours_create(*, actor: Any, **fields: Any) -> OpenHours:
    """Open a queue on a weekday between two times (the first row ends 24/7 opening)."""
    _require_planner(actor)
    hours = OpenHours()
    _assign(hours, OPEN_HOURS_FIELDS, fields)
    _save_open_hours(hours)
    _schedule_refresh_for([hours.queue])
    return hours


@transaction.atomic
def open_hours_update(*, actor: Any, hours: OpenHours, **fields: Any) -> OpenHours:
    _require_planner(actor)
    before = hours.queue
    _assign(hours, OPEN_HOURS_FIELDS, fields)
    _save_open_hours(hours)
    _schedule_refresh_for([before, hours.queue])
    return hours


@transaction.atomic
def open_hours_delete(*, actor: Any, hours: OpenHours) -> None:
    """Remove a row; a queue left without any rows is open 24/7 again."""
    _require_planner(actor)
    queue = hours.queue
    hours.delete()
    _schedule_refresh_for([queue])


def _save_closure(closure: QueueClosure) -> QueueClosure:
    # The unique constraint would report a non-field error; name the field instead.
    clash = QueueClosure.objects.filter(
        queue_id=closure.queue_id, closed_on=closure.closed_on
    ).exclude(pk=closure.pk)
    closure.full_clean(validate_constraints=False)
    if clash.exists():
        raise ValidationError({"closed_on": [CLOSURE_EXISTS]})
    closure.save()
    return closure


@transaction.atomic
def queue_closure_create(*, actor: Any, **fields: Any) -> QueueClosure:
    """Close a queue for a whole day."""
    _require_planner(actor)
    closure = QueueClosure()
    _assign(closure, CLOSURE_FIELDS, fields)
    _save_closure(closure)
    _schedule_refresh_for([closure.queue])
    return closure


@transaction.atomic
def queue_closure_update(*, actor: Any, closure: QueueClosure, **fields: Any) -> QueueClosure:
    _require_planner(actor)
    before = closure.queue
    _assign(closure, CLOSURE_FIELDS, fields)
    _save_closure(closure)
    _schedule_refresh_for([before, closure.queue])
    return closure


@transaction.atomic
def queue_closure_delete(*, actor: Any, closure: QueueClosure) -> None:
    _require_planner(actor)
    queue = closure.queue
    closure.delete()
    _schedule_refresh_for([queue])


def _shrinkage_queues(rule: ShrinkageRule) -> list[Queue]:
    if rule.queue_id is not None:
        return [rule.queue] if rule.queue is not None else []
    if rule.site_id is not None:
        return list(Queue.objects.filter(site_id=rule.site_id).select_related("site"))
    return []


@transaction.atomic
def shrinkage_rule_create(*, actor: Any, **fields: Any) -> ShrinkageRule:
    """Shrinkage for a site or one queue, optionally on a weekday and/or an hour range."""
    _require_planner(actor)
    rule = ShrinkageRule()
    _assign(rule, SHRINKAGE_FIELDS, fields)
    rule.full_clean()
    rule.save()
    _schedule_refresh_for(_shrinkage_queues(rule))
    return rule


@transaction.atomic
def shrinkage_rule_update(*, actor: Any, rule: ShrinkageRule, **fields: Any) -> ShrinkageRule:
    _require_planner(actor)
    before = _shrinkage_queues(rule)
    _assign(rule, SHRINKAGE_FIELDS, fields)
    rule.full_clean()
    rule.save()
    _schedule_refresh_for([*before, *_shrinkage_queues(rule)])
    return rule


@transaction.atomic
def shrinkage_rule_delete(*, actor: Any, rule: ShrinkageRule) -> None:
    _require_planner(actor)
    queues = _shrinkage_queues(rule)
    rule.delete()
    _schedule_refresh_for(queues)


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
