"""HR pages: leave requests across teams, balances and the ledger, training and skills.

Interfaces only: reads go through staffing.selectors, writes through staffing.services, and
who may do what is asked of staffing.policy. Team leads use the leave queue for their own teams;
everything else is HR's and admins'. The staffing impact of a leave request is the scheduler's
data: it arrives through staffing.selectors.leave.leave_impacts_for_requests (a signal the
scheduler answers), so staffing still never imports scheduler.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import policy
from ..models import Agent, LeaveRequest, Team, TrainingRecord
from ..models.leave import LeaveStatus
from ..selectors.leave import (
    leave_balances_for_agent,
    leave_balances_for_requests,
    leave_balances_table,
    leave_impacts_for_requests,
    leave_ledger_for_agent,
    leave_requests_filter,
)
from ..selectors.training import (
    agent_skills_table,
    certificates_expiring,
    course_catalogue,
    training_session_records,
    training_sessions_list,
)
from ..services.leave import leave_ledger_adjust, leave_request_approve, leave_request_reject
from ..services.training import training_record_complete, training_record_enroll
from ..versions import record_version, version_is_current
from .hr_forms import (
    AgentFilterForm,
    EnrolForm,
    LeaveDecisionForm,
    LeaveFilterForm,
    LedgerAdjustForm,
    ResultForm,
)

PAGE_SIZE = 50
#: Certificates expiring within this many days are listed for HR to book refreshers.
EXPIRY_WINDOW_DAYS = 60
#: Sessions that ended this long ago still show, so HR can record their results.
SESSIONS_LOOKBACK_DAYS = 60

LEAVE_APPROVED = _("The leave of %(name)s from %(start)s to %(end)s is approved.")
LEAVE_REJECTED = _("The leave of %(name)s from %(start)s to %(end)s is rejected.")
LEDGER_ADJUSTED = _("%(days)s days of %(type)s written to the ledger of %(name)s.")
AGENT_ENROLLED = _("%(name)s is enrolled.")
RESULT_RECORDED = _("The result of %(name)s is recorded.")


def _require_hr_or_admin(request: HttpRequest) -> None:
    if not policy.is_hr_or_admin(request.user):
        raise PermissionDenied


def _require_leave_decider(request: HttpRequest) -> None:
    """HR, admins (read only: policy lets only HR and team leads decide) and team leads."""
    if not (policy.is_hr_or_admin(request.user) or policy.is_team_lead(request.user)):
        raise PermissionDenied


def _page(request: HttpRequest, rows: Any) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _add_service_errors(form: Any, error: ValidationError) -> None:
    """Service errors next to the form: on the field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _agents_filtered(request: HttpRequest, form: AgentFilterForm) -> QuerySet[Agent]:
    agents = policy.agents_visible_to(request.user).order_by("employee_number")
    if form.is_valid():
        if form.cleaned_data["team"]:
            agents = agents.filter(team=form.cleaned_data["team"])
        if form.cleaned_data["level"]:
            agents = agents.filter(level=form.cleaned_data["level"])
        if form.cleaned_data["search"]:
            term = form.cleaned_data["search"]
            agents = agents.filter(
                Q(full_name__icontains=term) | Q(employee_number__icontains=term)
            )
    return agents


# --- leave --------------------------------------------------------------------------------


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    """Leave requests across the teams the user may see; pending first by default."""
    _require_leave_decider(request)
    user = request.user
    teams = (
        Team.objects.all()
        if policy.is_hr_or_admin(user)
        else Team.objects.filter(pk__in=policy.led_team_ids(user))
    )
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = LeaveStatus.PENDING
    form = LeaveFilterForm(data, teams=teams)
    requests = policy.leave_requests_visible_to(user)
    if form.is_valid():
        requests = leave_requests_filter(
            queryset=requests,
            status=form.cleaned_data["status"],
            team_id=form.cleaned_data["team"].pk if form.cleaned_data["team"] else None,
            leave_type_id=(
                form.cleaned_data["leave_type"].pk if form.cleaned_data["leave_type"] else None
            ),
            start_on=form.cleaned_data["start_on"],
            end_on=form.cleaned_data["end_on"],
        )
    else:
        requests = requests.none()
    page = _page(request, requests.order_by("start_on", "id"))
    page_requests: list[LeaveRequest] = list(page.object_list)
    balances = leave_balances_for_requests(requests=page_requests)
    impacts = leave_impacts_for_requests(request_ids=[r.pk for r in page_requests])
    rows = [
        {
            "request": leave,
            "balance": balances.get(leave.pk),
            "impact": impacts.get(leave.pk),
            "note": leave.note if policy.can_view_leave_note(user, leave) else None,
            "can_decide": leave.status == LeaveStatus.PENDING
            and policy.can_decide_leave(user, leave),
            "version": record_version(leave),
        }
        for leave in page_requests
    ]
    return render(
        request,
        "staffing/hr/leave_list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": _query_without_page(request),
            "decision_form": LeaveDecisionForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def leave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request with balance, note and staffing impact; approve or reject it here."""
    _require_leave_decider(request)
    user = request.user
    leave = get_object_or_404(policy.leave_requests_visible_to(user), pk=pk)
    can_decide = leave.status == LeaveStatus.PENDING and policy.can_decide_leave(user, leave)
    form = LeaveDecisionForm(request.POST or None)
    status = 200
    stale = False
    if request.method == "POST":
        if not policy.can_decide_leave(user, leave):
            raise PermissionDenied
        if form.is_valid():
            service = (
                leave_request_approve
                if form.cleaned_data["decision"] == "approve"
                else leave_request_reject
            )
            try:
                with transaction.atomic():
                    # the version shown is compared with the row locked and the decision is
                    # written in the same transaction: a stale page never overwrites
                    locked = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
                    stale = not version_is_current(
                        form=form,
                        submitted=request.POST.get("version"),
                        current=record_version(locked),
                    )
                    if not stale:
                        service(actor=user, request=leave, comment=form.cleaned_data["comment"])
            except ValidationError as error:
                _add_service_errors(form, error)
            if not form.errors:
                template = (
                    LEAVE_APPROVED if form.cleaned_data["decision"] == "approve" else LEAVE_REJECTED
                )
                messages.success(
                    request,
                    template
                    % {"name": leave.agent.full_name, "start": leave.start_on, "end": leave.end_on},
                )
                return redirect("hr:leave-list")
        status = 409 if stale else 400
        # the current values are shown, with the version to decide on them
        leave.refresh_from_db()
        can_decide = leave.status == LeaveStatus.PENDING
    balances = leave_balances_for_requests(requests=[leave])
    impacts = leave_impacts_for_requests(request_ids=[leave.pk])
    return render(
        request,
        "staffing/hr/leave_detail.html",
        {
            "leave": leave,
            "balance": balances.get(leave.pk),
            "impact": impacts.get(leave.pk),
            "note": leave.note if policy.can_view_leave_note(user, leave) else None,
            "reason": (
                leave.get_reason_category_display()
                if policy.can_view_leave_note(user, leave)
                else None
            ),
            "can_decide": can_decide,
            "form": form,
            "version": record_version(leave),
        },
        status=status,
    )


# --- balances and the ledger --------------------------------------------------------------


@login_required
def balance_list(request: HttpRequest) -> HttpResponse:
    _require_hr_or_admin(request)
    form = AgentFilterForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    page = _page(request, _agents_filtered(request, form))
    table = leave_balances_table(
        agents=Agent.objects.filter(pk__in=[a.pk for a in page.object_list])
        .select_related("team")
        .order_by("employee_number"),
        year=year,
    )
    return render(
        request,
        "staffing/hr/balance_list.html",
        {"form": form, "table": table, "page": page, "query": _query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agent_balances(request: HttpRequest, pk: int) -> HttpResponse:
    """One agent's balances and every ledger movement of a year; HR adjusts here."""
    _require_hr_or_admin(request)
    agent = get_object_or_404(policy.agents_visible_to(request.user), pk=pk)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    form = LedgerAdjustForm(request.POST or None, initial={"year": year})
    status = 200
    if request.method == "POST":
        if not policy.can_edit_hr_data(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                entry = leave_ledger_adjust(
                    actor=request.user,
                    agent=agent,
                    leave_type=form.cleaned_data["leave_type"],
                    year=form.cleaned_data["year"],
                    days=form.cleaned_data["days"],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    LEDGER_ADJUSTED
                    % {"days": entry.days, "type": entry.leave_type.name, "name": agent.full_name},
                )
                return redirect(
                    reverse("hr:agent-balances", args=[agent.pk]) + f"?year={entry.year}"
                )
        status = 400
    return render(
        request,
        "staffing/hr/agent_balances.html",
        {
            "agent": agent,
            "year": year,
            "balances": leave_balances_for_agent(agent=agent, year=year),
            "ledger": leave_ledger_for_agent(agent=agent, year=year),
            "form": form,
            "can_adjust": policy.can_edit_hr_data(request.user),
        },
        status=status,
    )


# --- training and skills ------------------------------------------------------------------


@login_required
def training_overview(request: HttpRequest) -> HttpResponse:
    """The course catalogue and the sessions from the recent past on."""
    _require_hr_or_admin(request)
    since = timezone.now() - datetime.timedelta(days=SESSIONS_LOOKBACK_DAYS)
    return render(
        request,
        "staffing/hr/training.html",
        {
            "courses": course_catalogue(),
            "sessions": training_sessions_list(since=since),
            "lookback_days": SESSIONS_LOOKBACK_DAYS,
        },
    )


def _render_session(
    request: HttpRequest,
    session: Any,
    *,
    enrol_form: EnrolForm | None = None,
    failed_record_id: int | None = None,
    failed_form: ResultForm | None = None,
    status: int = 200,
) -> HttpResponse:
    records = list(training_session_records(session=session))
    rows = [
        {
            "record": record,
            "form": failed_form
            if record.pk == failed_record_id
            else ResultForm(prefix=f"record-{record.pk}"),
            "version": record_version(record),
        }
        for record in records
    ]
    return render(
        request,
        "staffing/hr/session.html",
        {
            "session": session,
            "rows": rows,
            "places_taken": sum(1 for r in records if r.status != "no_show"),
            "enrol_form": enrol_form or EnrolForm(),
            "can_edit": policy.can_edit_hr_data(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_session(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's participants with their results; enrol an agent."""
    _require_hr_or_admin(request)
    session = get_object_or_404(training_sessions_list(), pk=pk)
    if request.method == "GET":
        return _render_session(request, session)
    if not policy.can_edit_hr_data(request.user):
        raise PermissionDenied
    form = EnrolForm(request.POST)
    if form.is_valid():
        agent = form.cleaned_data["agent"]
        try:
            training_record_enroll(actor=request.user, agent=agent, session=session)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, AGENT_ENROLLED % {"name": agent.full_name})
            return redirect("hr:training-session", pk=session.pk)
    return _render_session(request, session, enrol_form=form, status=400)


@login_required
@require_POST
def training_result(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a participant's result (a pass grants the course's skills)."""
    _require_hr_or_admin(request)
    record = get_object_or_404(TrainingRecord.objects.select_related("agent", "session"), pk=pk)
    if not policy.can_edit_hr_data(request.user):
        raise PermissionDenied
    form = ResultForm(request.POST, prefix=f"record-{record.pk}")
    stale = False
    if form.is_valid():
        try:
            with transaction.atomic():
                locked = TrainingRecord.objects.select_for_update().get(pk=record.pk)
                stale = not version_is_current(
                    form=form, submitted=request.POST.get("version"), current=record_version(locked)
                )
                if not stale:
                    training_record_complete(
                        actor=request.user,
                        record=record,
                        status=form.cleaned_data["status"],
                        score=form.cleaned_data["score"],
                        completed_on=form.cleaned_data["completed_on"],
                    )
        except ValidationError as error:
            _add_service_errors(form, error)
        if not form.errors:
            messages.success(request, RESULT_RECORDED % {"name": record.agent.full_name})
            return redirect("hr:training-session", pk=record.session_id)
    # the session as it is now: the record's current values and version
    session = get_object_or_404(training_sessions_list(), pk=record.session_id)
    return _render_session(
        request,
        session,
        failed_record_id=record.pk,
        failed_form=form,
        status=409 if stale else 400,
    )


@login_required
def certificates_expiring_list(request: HttpRequest) -> HttpResponse:
    _require_hr_or_admin(request)
    today = timezone.localdate()
    records = certificates_expiring(
        today=today,
        within_days=EXPIRY_WINDOW_DAYS,
        queryset=policy.scoped_by_agent(request.user, TrainingRecord.objects.all()),
    ).select_related("agent__team")
    return render(
        request,
        "staffing/hr/expiring.html",
        {"records": records, "today": today, "window_days": EXPIRY_WINDOW_DAYS},
    )


@login_required
def skill_list(request: HttpRequest) -> HttpResponse:
    """Agents' levels and the skills valid today."""
    _require_hr_or_admin(request)
    form = AgentFilterForm(request.GET or None)
    page = _page(request, _agents_filtered(request, form))
    rows = agent_skills_table(
        agents=Agent.objects.filter(pk__in=[a.pk for a in page.object_list])
        .select_related("team")
        .order_by("employee_number"),
        day=timezone.localdate(),
    )
    return render(
        request,
        "staffing/hr/skills.html",
        {"form": form, "rows": rows, "page": page, "query": _query_without_page(request)},
    )
