"""An agent's pages: my schedule, my requests (swaps, give-aways, leave), open shifts, training,
calendar feed and inbox. Views call services and selectors only; a refusal is shown as a
message naming the reason, never as an error page."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from scheduler.models.rosters import Assignment, Notification
from scheduler.models.selfservice import (
    LeavePolicy,
    OpenShift,
    RefresherProposal,
    SwapRequest,
    SwapStatus,
)
from scheduler.selectors.my_schedule import agent_schedule_and_next, month_grid
from scheduler.selectors.self_service import (
    open_shifts_eligible,
    open_shifts_visible_to,
    swap_candidates,
)
from scheduler.services import calendar, notifications, open_shifts, swaps
from scheduler.services.leave_staffing import leave_staffing_effect
from staffing import policy
from staffing.models import Agent, LeaveRequest, LeaveType, TrainingRecord
from staffing.selectors.leave import leave_balances_for_agent
from staffing.services import leave as leave_services

SWAP_PROPOSED = _("Proposal sent to %(agent)s.")
ACCEPTED = _("Done: the swap is %(status)s.")
CLAIMED = _("The shift is yours: it is on your schedule.")
GIVEN = _("Your shift is on the open board; you keep it until someone claims it.")
LEAVE_SENT = _("Leave request sent.")
FEED_REVOKED = _("A new calendar link was made; the old one no longer works.")


def _agent(request: HttpRequest) -> Agent:
    agent = policy.own_agent(request.user)
    if agent is None:
        raise PermissionDenied
    return agent


def _refusal(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, PermissionDenied):
        messages.error(request, str(error) or _("You are not allowed to do this."))
        return
    messages.error(request, " ".join(str(m) for m in error.messages))


def _parse_day(raw: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@login_required
def my_schedule(request: HttpRequest) -> HttpResponse:
    """Next shift first, then a week (default) or a month."""
    agent = _agent(request)
    today = timezone.localdate()
    view = "month" if request.GET.get("view") == "month" else "week"
    anchor = _parse_day(request.GET.get("start"), today)
    if view == "month":
        start = anchor.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        previous = (start - datetime.timedelta(days=1)).replace(day=1)
        following = end + datetime.timedelta(days=1)
    else:
        start = anchor - datetime.timedelta(days=anchor.weekday())
        end = start + datetime.timedelta(days=6)
        previous, following = start - datetime.timedelta(days=7), end + datetime.timedelta(days=1)
    days, upcoming = agent_schedule_and_next(agent=agent, start_on=start, end_on=end)
    context = {
        "agent": agent,
        "view": view,
        "start": start,
        "end": end,
        "previous": previous,
        "following": following,
        "days": days,
        "weeks": month_grid(days) if view == "month" else [],
        "next": upcoming,
        "now": timezone.now(),
        "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "scheduler/me/schedule.html", context)


@login_required
def shift_swap(request: HttpRequest, pk: int) -> HttpResponse:
    """One of my published shifts: the colleagues and shifts a swap or give-away would pass."""
    agent = _agent(request)
    shift = get_object_or_404(
        Assignment.objects.select_related("roster__unit__site", "template", "agent"),
        pk=pk,
        agent=agent,
        is_live=True,
    )
    return render(
        request,
        "scheduler/me/swap.html",
        {"shift": shift, "candidates": swap_candidates(shift=shift)},
    )


@login_required
@require_POST
def swap_propose(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _agent(request)
    shift = get_object_or_404(Assignment.objects.select_related("roster__unit"), pk=pk, agent=agent)
    counterpart = get_object_or_404(Agent, pk=request.POST.get("counterpart") or 0)
    other_id = request.POST.get("counterpart_shift")
    other = (
        get_object_or_404(Assignment.objects.select_related("roster"), pk=other_id)
        if other_id
        else None
    )
    try:
        swaps.swap_propose(
            actor=request.user,
            shift=shift,
            counterpart=counterpart,
            counterpart_shift=other,
            message=request.POST.get("message", "")[:500],
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect("scheduler:shift-swap", pk=pk)
    messages.success(request, SWAP_PROPOSED % {"agent": counterpart.full_name})
    return redirect("scheduler:my-requests")


@login_required
@require_POST
def give_away(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _agent(request)
    shift = get_object_or_404(Assignment.objects.select_related("roster__unit"), pk=pk, agent=agent)
    try:
        open_shifts.open_shift_give_away(actor=request.user, shift=shift)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect("scheduler:shift-swap", pk=pk)
    messages.success(request, GIVEN)
    return redirect("scheduler:my-open-shifts")


@login_required
@require_POST
def swap_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, decline or cancel a swap I am part of."""
    agent = _agent(request)
    swap = get_object_or_404(
        SwapRequest.objects.filter(Q(requester=agent) | Q(counterpart=agent)), pk=pk
    )
    try:
        if action == "accept":
            swap = swaps.swap_accept(actor=request.user, swap=swap)
        elif action == "decline":
            swap = swaps.swap_reject(actor=request.user, swap=swap)
        else:
            swap = swaps.swap_cancel(actor=request.user, swap=swap)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    else:
        messages.success(request, ACCEPTED % {"status": swap.get_status_display().lower()})
    return redirect("scheduler:my-requests")


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    today = timezone.localdate()
    swap_rows = (
        SwapRequest.objects.filter(Q(requester=agent) | Q(counterpart=agent))
        .select_related("requester", "counterpart")
        .order_by("-created_at")[:50]
    )
    context = {
        "agent": agent,
        "incoming": [
            s for s in swap_rows if s.counterpart_id == agent.pk and s.status == SwapStatus.PROPOSED
        ],
        "swaps": swap_rows,
        "leave_requests": LeaveRequest.objects.filter(agent=agent)
        .select_related("leave_type")
        .order_by("-start_on")[:50],
        "balances": leave_balances_for_agent(agent=agent, year=today.year),
        "leave_types": LeaveType.objects.filter(is_active=True).order_by("name"),
        "form": request.session.pop("leave_form", {}),
        "auto_policy": LeavePolicy.objects.filter(team=agent.team_id, auto_approve=True).exists(),
    }
    return render(request, "scheduler/me/requests.html", context)


@login_required
@require_POST
def leave_request(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    data = request.POST
    try:
        leave_type = LeaveType.objects.get(pk=int(data.get("leave_type") or 0), is_active=True)
        start_on = datetime.date.fromisoformat(data.get("start_on", ""))
        end_on = datetime.date.fromisoformat(data.get("end_on", ""))
    except (LeaveType.DoesNotExist, ValueError):
        messages.error(request, _("Choose a leave type and enter both days as YYYY-MM-DD."))
        request.session["leave_form"] = {k: data.get(k, "") for k in ("start_on", "end_on", "note")}
        return redirect("scheduler:my-requests")
    try:
        leave_services.leave_request_create(
            actor=request.user,
            agent=agent,
            leave_type=leave_type,
            start_on=start_on,
            end_on=end_on,
            note=data.get("note", "")[:2000],
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        request.session["leave_form"] = {k: data.get(k, "") for k in ("start_on", "end_on", "note")}
    else:
        messages.success(request, LEAVE_SENT)
    return redirect("scheduler:my-requests")


@login_required
def leave_preview(request: HttpRequest) -> HttpResponse:
    """HTMX: the approval likelihood of the days being typed in, from the staffing effect."""
    agent = _agent(request)
    try:
        start_on = datetime.date.fromisoformat(request.GET.get("start_on", ""))
        end_on = datetime.date.fromisoformat(
            request.GET.get("end_on", "") or request.GET.get("start_on", "")
        )
    except ValueError:
        return render(request, "scheduler/me/_leave_preview.html", {"effect": None})
    if end_on < start_on or (end_on - start_on).days > 62:
        return render(request, "scheduler/me/_leave_preview.html", {"effect": None})
    team_policy = LeavePolicy.objects.filter(team=agent.team_id).first()
    effect = leave_staffing_effect(
        agent=agent,
        start_on=start_on,
        end_on=end_on,
        margin=team_policy.service_level_margin if team_policy else 0.0,
    )
    effect["auto"] = bool(team_policy and team_policy.auto_approve and effect["target_holds"])
    return render(request, "scheduler/me/_leave_preview.html", {"effect": effect})


@login_required
def my_open_shifts(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    mine = (
        OpenShift.objects.filter(from_agent=agent).select_related("template").order_by("-day")[:20]
    )
    return render(
        request,
        "scheduler/me/open_shifts.html",
        {"eligible": open_shifts_eligible(agent=agent), "mine": mine},
    )


@login_required
@require_POST
def open_shift_claim(request: HttpRequest, pk: int) -> HttpResponse:
    _agent(request)
    # another unit's board is unknown here, as in the API: its existence is not revealed
    board = get_object_or_404(open_shifts_visible_to(request.user), pk=pk)
    try:
        open_shifts.open_shift_claim(actor=request.user, board=board)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
        return redirect("scheduler:my-open-shifts")
    messages.success(request, CLAIMED)
    return redirect("scheduler:my-schedule")


@login_required
@require_POST
def open_shift_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _agent(request)
    board = get_object_or_404(OpenShift, pk=pk, from_agent=agent)
    try:
        open_shifts.open_shift_withdraw(actor=request.user, board=board)
    except (ValidationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect("scheduler:my-open-shifts")


@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    from staffing.selectors.training import training_compliance

    today = timezone.localdate()
    records = (
        TrainingRecord.objects.filter(agent=agent)
        .select_related("session__course")
        .order_by("-session__starts_at")
    )
    feed = calendar.calendar_feed_get(actor=request.user, agent=agent)
    return render(
        request,
        "scheduler/me/training.html",
        {
            "records": records,
            "compliance": training_compliance(agent=agent, today=today),
            "refreshers": RefresherProposal.objects.filter(agent=agent).select_related("course"),
            "soon": today + datetime.timedelta(days=60),
            "today": today,
            "feed_url": request.build_absolute_uri(f"/calendar/{feed.token}.ics"),
        },
    )


@login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    calendar.calendar_feed_revoke(actor=request.user, agent=_agent(request))
    messages.success(request, FEED_REVOKED)
    return redirect("scheduler:my-training")


@login_required
def calendar_download(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    response = HttpResponse(
        calendar.agent_calendar(agent=agent).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="shifts-{agent.employee_number}.ics"'
    return response


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")[:100]
    return render(request, "scheduler/me/inbox.html", {"rows": rows})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    notifications.notifications_mark_all_read(user=request.user)
    return redirect("scheduler:inbox")
