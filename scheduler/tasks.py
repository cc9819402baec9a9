"""Celery interfaces to the demand services: take ids, call one service."""

from celery import shared_task


@shared_task(name="scheduler.demand_refresh_all")
def demand_refresh_all_task(horizon_days: int = 42) -> dict[str, int]:
    """Nightly: a new forecast version and requirements for every active queue."""
    from .services.demand import demand_refresh_all

    return demand_refresh_all(horizon_days=horizon_days)


@shared_task(name="scheduler.demand_refresh_queue")
def demand_refresh_queue_task(queue_id: int, horizon_days: int = 42) -> int | None:
    """One queue's new forecast version and requirements; returns the forecast id."""
    from .models import Queue
    from .services.demand import demand_refresh

    queue = Queue.objects.select_related("site").filter(pk=queue_id).first()
    if queue is None:
        return None
    forecast = demand_refresh(queue=queue, horizon_days=horizon_days)
    return forecast.pk if forecast is not None else None


@shared_task(name="scheduler.requirements_refresh")
def requirements_refresh_task(queue_id: int) -> int:
    """Recompute the current forecast's requirements of a queue (after an adjustment)."""
    from .models import Queue
    from .services.demand import requirements_refresh

    queue = Queue.objects.select_related("site").filter(pk=queue_id).first()
    return requirements_refresh(queue=queue) if queue is not None else 0
