"""Pages for planners: queues, forecast against actual, requirement curve per day."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import policy
from ..models import Forecast, Queue
from ..selectors.demand import forecast_current, queue_day_curves
from ..services.demand import forecast_generate
from .charts import line_chart

FORECAST_READY = _("Forecast version %(version)s is ready.")


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
    }
    return render(request, "scheduler/queue_day.html", context)


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
