"""Pages for planners: queues, forecast against actual, requirement curve per day."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import policy
from ..models import Forecast, ForecastAdjustment, Queue, SpecialEvent
from ..selectors.demand import forecast_current, queue_day_curves
from ..services.demand import forecast_generate
from .charts import line_chart

FORECAST_READY = _("Forecast version %(version)s is ready.")
ADJUSTMENT_INPUT = _("Enter the day, the start and end times (HH:MM) and a number.")
ADJUSTMENT_SAVED = _("Adjustment saved; the requirements are being recomputed.")


def _require_reader(request: HttpRequest) -> None:
    if not policy.can_read_demand(request.user):
        raise PermissionDenied


@login_required
def queue_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    queues = Queue.objects.select_related("site").filter(is_active=True)
    current = {f.queue_id: f for f in Forecast.objects.filter(is_current=True, queue__in=queues)}
    rows = [(queue, current.get(queue.pk)) for queue in queues]
    return render(request, "scheduler/queue_list.html", {"rows": rows})


@login_required
def queue_day(request: HttpRequest, pk: int) -> HttpResponse:
    """One queue and day: actual and forecast contacts, and the heads required."""
    _require_reader(request)
    queue = get_object_or_404(Queue.objects.select_related("site"), pk=pk)
    forecast = forecast_current(queue=queue)
    default_day = forecast.start_on if forecast else timezone.localdate()
    try:
        day = (
            dt.date.fromisoformat(request.GET.get("day", ""))
            if request.GET.get("day")
            else default_day
        )
    except ValueError:
        day = default_day
    curves = queue_day_curves(queue=queue, day=day)
    labels = [moment.strftime("%H:%M") for moment in curves.starts]
    every = max(len(labels) // 12, 1)
    volume_chart = line_chart(
        x_labels=labels,
        series=[
            (str(_("Actual")), curves.actual, "#1b1f24", False, False),
            (str(_("Forecast")), curves.forecast, "#0b62c4", True, False),
            (str(_("Forecast with adjustments")), curves.adjusted, "#d1242f", False, False),
        ],
        every=every,
    )
    heads_chart = line_chart(
        x_labels=labels,
        series=[
            (
                str(_("Scheduled heads")),
                [float(h) if h is not None else None for h in curves.heads],
                "#0b62c4",
                False,
                True,
            ),
            (
                str(_("Productive agents")),
                [float(a) if a is not None else None for a in curves.agents],
                "#1a7f37",
                True,
                True,
            ),
        ],
        every=every,
    )
    context = {
        "queue": queue,
        "forecast": forecast,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "volume_chart": volume_chart,
        "heads_chart": heads_chart,
        "totals": {
            "actual": sum(v for v in curves.actual if v is not None)
            if any(v is not None for v in curves.actual)
            else None,
            "forecast": sum(v for v in curves.adjusted if v is not None)
            if any(v is not None for v in curves.adjusted)
            else None,
            "peak_heads": max((h for h in curves.heads if h is not None), default=None),
        },
        "can_plan": policy.can_plan_demand(request.user),
        "events": _day_events(queue, day),
        "adjustments": _day_adjustments(queue, day),
    }
    return render(request, "scheduler/queue_day.html", context)


def _day_bounds(queue: Queue, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(queue.site.time_zone)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def _day_events(queue: Queue, day: dt.date) -> Any:
    start, end = _day_bounds(queue, day)
    return SpecialEvent.objects.filter(
        Q(queue=queue) | Q(queue__isnull=True, site=queue.site),
        start_at__lt=end,
        end_at__gt=start,
    ).order_by("start_at")


def _day_adjustments(queue: Queue, day: dt.date) -> Any:
    start, end = _day_bounds(queue, day)
    return ForecastAdjustment.objects.filter(
        queue=queue, start_at__lt=end, end_at__gt=start
    ).order_by("start_at")


@login_required
@require_POST
def queue_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """Lay a manual adjustment (a percentage or a number of contacts) over a time range of a
    day; the requirements follow after commit."""
    from decimal import Decimal, InvalidOperation

    from ..services.planning import forecast_adjustment_create

    if not policy.can_plan_demand(request.user):
        raise PermissionDenied
    queue = get_object_or_404(Queue.objects.select_related("site"), pk=pk)
    data = request.POST
    back = f"{reverse('scheduler:queue-day', args=[queue.pk])}?day={data.get('day', '')}"
    try:
        day = dt.date.fromisoformat(data.get("day", ""))
        start_time = dt.time.fromisoformat(data.get("start", ""))
        end_time = dt.time.fromisoformat(data.get("end", ""))
        amount = Decimal(data.get("amount", ""))
    except (ValueError, InvalidOperation):
        messages.error(request, ADJUSTMENT_INPUT)
        return redirect(back)
    start, _end = _day_bounds(queue, day)
    start_at = start.replace(hour=start_time.hour, minute=start_time.minute)
    end_at = start.replace(hour=end_time.hour, minute=end_time.minute)
    if end_time == dt.time(0):
        end_at = start + dt.timedelta(days=1)
    try:
        forecast_adjustment_create(
            actor=request.user,
            queue=queue,
            start_at=start_at,
            end_at=end_at,
            reason=data.get("reason", "")[:200],
            percent=amount if data.get("kind") == "percent" else None,
            absolute_change=int(amount) if data.get("kind") == "absolute" else None,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, ADJUSTMENT_SAVED)
    return redirect(back)


@login_required
@require_POST
def queue_forecast(request: HttpRequest, pk: int) -> HttpResponse:
    if not policy.can_plan_demand(request.user):
        raise PermissionDenied
    queue = get_object_or_404(Queue.objects.select_related("site"), pk=pk)
    try:
        forecast = forecast_generate(queue=queue, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("scheduler:queue-day", pk=queue.pk)
    messages.success(request, FORECAST_READY % {"version": forecast.version})
    return redirect(f"{reverse('scheduler:queue-day', args=[queue.pk])}?day={forecast.start_on}")
