"""Team lead pages: rosters (generate with live progress, board, edit a cell, publish, diff,
coverage) and the approvals queue (swaps and leave, each with its service-level figures)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from scheduler.api.roster_views import rosters_visible_to, units_visible_to
from scheduler.models.rosters import (
    Assignment,
    PlanningUnit,
    Roster,
    RosterRun,
    RosterStatus,
    ShiftTemplate,
)
from scheduler.models.selfservice import LeaveImpact, OpenShift, SwapRequest, SwapStatus
from scheduler.selectors.roster_board import roster_board, roster_cell_version
from scheduler.selectors.roster_service import roster_evaluate, roster_service_levels
from scheduler.selectors.self_service import swaps_visible_to
from scheduler.services import rosters as roster_services
from scheduler.services import swaps
from staffing import policy, readcache
from staffing.models import (
    Agent,
    AgentSkill,
    LeaveRequest,
    Skill,
    Team,
    TrainingRecord,
    TrainingSession,
)
from staffing.models.leave import LeaveStatus
from staffing.services import leave as leave_services
from staffing.versions import STALE_RECORD, record_version

from .charts import line_chart


def _cells_html(board: Any, editable: bool) -> None:
    """Pre-render the board's cells: 200 agents x 28 days is 5,600 cells, too many for the
    template engine's per-tag cost; each cell is built once here, escaped."""
    leave_label = escape(str(_("Leave")))
    training_label = escape(str(_("training")))
    for row in board.rows:
        parts = []
        for cell in row.cells:
            attributes = ' class="changed"' if cell.changed else ""
            data = (
                f' data-agent="{row.agent.pk}" data-day="{cell.day.isoformat()}"'
                f' data-name="{escape(row.agent.full_name)}" data-version="{cell.version}"'
            )
            if cell.kind == "off":
                label, style, title, klass = "–", "", "", "cell off"
            elif cell.kind == "leave":
                label, style, title, klass = leave_label, "", "", "cell leave"
            else:
                label = cell.start
                style = f' style="background:{escape(cell.color)}"'
                title = f"{cell.start}–{cell.end}" + (
                    f" · {training_label}" if cell.training else ""
                )
                klass = "cell train" if cell.training else "cell"
            title_attr = f' title="{title}"' if title else ""
            if editable:
                inner = (
                    f'<button type="button" class="{klass}"{style}{title_attr}{data}>'
                    f"{label}</button>"
                )
            else:
                inner = f'<span class="{klass}"{style}{title_attr}>{label}</span>'
            parts.append(f"<td{attributes}>{inner}</td>")
        row.html = mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


RUN_QUEUED = _("The roster is being generated; this page follows its progress.")
PUBLISHED = _("Version %(version)s is published; agents whose shifts changed were told.")
CELL_SAVED = _("Saved and locked: the engine's checks passed.")


def _planner(request: HttpRequest) -> None:
    if not (policy.is_hr_or_admin(request.user) or policy.led_team_ids(request.user)):
        raise PermissionDenied


def _roster_for_planner(request: HttpRequest, pk: int) -> Roster:
    _planner(request)
    roster = get_object_or_404(rosters_visible_to(request.user), pk=pk)
    if not roster_services.can_plan(request.user, roster.unit):
        raise PermissionDenied
    return roster


def _board_agents(request: HttpRequest, roster: Roster):  # type: ignore[no-untyped-def]
    agents = Agent.objects.filter(team__in=roster.unit.teams.all(), is_active=True)
    if not policy.is_hr_or_admin(request.user):
        agents = agents.filter(team__in=policy.led_team_ids(request.user))
    return agents


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    _planner(request)
    units = [
        unit
        for unit in units_visible_to(request.user)
        if roster_services.can_plan(request.user, unit)
    ]
    rosters = (
        Roster.objects.filter(unit__in=units)
        .exclude(status=RosterStatus.ARCHIVED)
        .select_related("unit")
        .order_by("unit__code", "-period_start", "-version")
    )
    runs = (
        RosterRun.objects.filter(unit__in=units).select_related("unit").order_by("-created_at")[:10]
    )
    today = timezone.localdate()
    return render(
        request,
        "scheduler/lead/roster_list.html",
        {
            "units": units,
            "rosters": rosters,
            "runs": runs,
            "next_monday": today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7),
        },
    )


@login_required
@require_POST
def roster_generate(request: HttpRequest) -> HttpResponse:
    _planner(request)
    unit = get_object_or_404(units_visible_to(request.user), pk=request.POST.get("unit") or 0)
    try:
        start = datetime.date.fromisoformat(request.POST.get("period_start", ""))
        weeks = int(request.POST.get("weeks") or 4)
    except ValueError:
        messages.error(request, _("Enter the first day as YYYY-MM-DD and the weeks as a number."))
        return redirect("scheduler:roster-list")
    try:
        with transaction.atomic():
            run = roster_services.roster_run_request(
                actor=request.user, unit=unit, period_start=start, weeks=weeks
            )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("scheduler:roster-list")
    messages.info(request, RUN_QUEUED)
    return redirect("scheduler:run-detail", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress; the progress block reloads itself every two seconds while running."""
    _planner(request)
    units = [u for u in units_visible_to(request.user) if roster_services.can_plan(request.user, u)]
    run = get_object_or_404(
        RosterRun.objects.select_related("unit", "result"), pk=pk, unit__in=units
    )
    template = (
        "scheduler/lead/_run_progress.html"
        if request.headers.get("HX-Request")
        else "scheduler/lead/run_detail.html"
    )
    return render(request, template, {"run": run, "active": run.status in ("queued", "running")})


#: Everything the board reads, for the read cache (staffing.readcache).
BOARD_READS = (
    Assignment,
    Agent,
    AgentSkill,
    Skill,
    TrainingRecord,
    TrainingSession,
    OpenShift,
    ShiftTemplate,
    Roster,
    PlanningUnit,
    Team,
)


@dataclass(frozen=True)
class BoardPage:
    """The board as the page shows it: the rendered table and what the forms around it list."""

    table: str
    days: list[datetime.date]
    agents: list[tuple[int, str]]
    first_version: str
    skills: list[tuple[str, str]]
    levels: list[tuple[str, str]]
    versions: list[Roster]
    templates: list[ShiftTemplate]
    teams: list[Team]


def _board_page(request: HttpRequest, roster: Roster, filters: dict[str, Any]) -> BoardPage:
    changed: set[tuple[int, str]] = set()
    if roster.based_on_id:
        changed = {
            (row["agent"], row["day"])
            for row in roster_services.roster_diff(before=roster.based_on, after=roster)
        }
    board = roster_board(
        roster=roster, agents=_board_agents(request, roster), changed=changed, **filters
    )
    editable = roster.status == RosterStatus.DRAFT
    _cells_html(board, editable)
    return BoardPage(
        table=render_to_string("scheduler/lead/_board_table.html", {"board": board}),
        days=board.days,
        agents=[(row.agent.pk, row.agent.full_name) for row in board.rows],
        first_version=board.rows[0].cells[0].version if board.rows and board.days else "",
        skills=board.skills,
        levels=board.levels,
        versions=list(
            Roster.objects.filter(unit=roster.unit, period_start=roster.period_start).order_by(
                "-version"
            )
        ),
        templates=list(
            ShiftTemplate.objects.filter(site=roster.unit.site, is_active=True).order_by(
                "start_time"
            )
        ),
        teams=list(roster.unit.teams.order_by("code")),
    )


@login_required
def roster_board_page(request: HttpRequest, pk: int) -> HttpResponse:
    roster = _roster_for_planner(request, pk)
    filters = {
        "skill": request.GET.get("skill") or None,
        "level": request.GET.get("level") or None,
        "team": int(request.GET["team"]) if request.GET.get("team", "").isdigit() else None,
    }
    # A lead sees their own teams' rows, HR and admins every team's.
    scope = (
        ("all",)
        if policy.is_hr_or_admin(request.user)
        else ("teams", tuple(sorted(policy.led_team_ids(request.user))))
    )
    # Team leads reread the board all day; it changes only when something it shows is
    # written. Rendered in the reader's language and zone.
    page = readcache.cached(
        "roster-board",
        parts=(
            roster.pk,
            scope,
            tuple(sorted(filters.items())),
            get_language(),
            timezone.get_current_timezone_name(),
        ),
        depends_on=BOARD_READS,
        compute=lambda: _board_page(request, roster, filters),
    )
    return render(
        request,
        "scheduler/lead/board.html",
        {
            "roster": roster,
            "board": page,
            "editable": roster.status == RosterStatus.DRAFT,
            "skill": request.GET.get("skill", ""),
            "level": request.GET.get("level", ""),
            "team": request.GET.get("team", ""),
        },
    )


@login_required
@require_POST
def roster_cell(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one agent's day on a draft; refused with the broken rule named."""
    roster = _roster_for_planner(request, pk)
    try:
        agent_id = int(request.POST.get("agent") or 0)
        day = datetime.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Choose an agent and a day."))
        return redirect("scheduler:roster-board", pk=pk)
    stale = False
    try:
        with transaction.atomic():
            # the lock assignment_set takes too: no edit of this draft between check and write
            Roster.objects.select_for_update().get(pk=roster.pk)
            current = roster_cell_version(roster=roster, agent_id=agent_id, day=day)
            stale = request.POST.get("version") != current
            if not stale:
                roster_services.assignment_set(
                    actor=request.user,
                    roster=roster,
                    agent_id=agent_id,
                    day=day,
                    template_code=request.POST.get("template") or None,
                )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if stale:
            # the board it redirects to shows the cell as it is now, with its new version
            messages.error(request, STALE_RECORD)
        else:
            messages.success(request, CELL_SAVED)
    return redirect(f"{reverse('scheduler:roster-board', args=[pk])}#agent-{agent_id}")


@login_required
@require_POST
def roster_publish(request: HttpRequest, pk: int) -> HttpResponse:
    roster = _roster_for_planner(request, pk)
    try:
        roster = roster_services.roster_publish(actor=request.user, roster=roster)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, PUBLISHED % {"version": roster.version})
    return redirect("scheduler:roster-board", pk=roster.pk)


@login_required
def roster_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """Per day: required against scheduled per skill group, predicted service per queue."""
    roster = _roster_for_planner(request, pk)
    try:
        day = (
            datetime.date.fromisoformat(request.GET.get("day", ""))
            if request.GET.get("day")
            else roster.period_start
        )
    except ValueError:
        day = roster.period_start
    day = min(max(day, roster.period_start), roster.period_end)
    period, solution = roster_evaluate(roster)
    interval = period.problem.horizon.interval_minutes
    per_day = 1440 // interval
    offset = (day - roster.period_start).days
    groups: dict[str, dict[str, list[float]]] = {}
    below: list[dict] = []
    for row in solution.coverage:
        if not offset * per_day <= row.interval < (offset + 1) * per_day:
            continue
        series = groups.setdefault(
            row.skill_group_id, {"required": [0.0] * per_day, "staffed": [0.0] * per_day}
        )
        slot = row.interval - offset * per_day
        series["required"][slot] = row.required
        series["staffed"][slot] = row.staffed
        if row.under:
            below.append(
                {
                    "group": row.skill_group_id,
                    "time": timezone.localtime(period.at(row.interval * interval), period.zone),
                    "required": row.required,
                    "staffed": row.staffed,
                }
            )
    labels = [
        f"{(slot * interval) // 60:02d}:{(slot * interval) % 60:02d}" for slot in range(per_day)
    ]
    charts = [
        (
            group,
            line_chart(
                x_labels=labels,
                series=[
                    (str(_("Required")), values["required"], "#b42318", False, False),
                    (str(_("Scheduled")), values["staffed"], "#0b62c4", False, False),
                ],
                every=max(per_day // 12, 1),
            ),
        )
        for group, values in sorted(groups.items())
    ]
    # per queue and interval of the day: the predicted service level, below target flagged
    from scheduler.selectors.roster_service import predicted_levels, queue_curves, staffed_by_group

    staffed = staffed_by_group(solution)
    first_slot, last_slot = offset * per_day, (offset + 1) * per_day
    queue_rows: list[dict] = []
    for curve in queue_curves(period):
        levels = predicted_levels(curve, staffed, interval)
        target = float(curve.rules.target_service_level)
        for position, slot in enumerate(curve.slots):
            if first_slot <= slot < last_slot and curve.volume[position] > 0:
                level = float(levels[position])
                if level < target:
                    queue_rows.append(
                        {
                            "queue": curve.code,
                            "time": timezone.localtime(period.at(slot * interval), period.zone),
                            "level": level,
                            "target": target,
                            "volume": float(curve.volume[position]),
                        }
                    )
    queue_rows.sort(key=lambda row: (row["time"], row["queue"]))
    return render(
        request,
        "scheduler/lead/coverage.html",
        {
            "roster": roster,
            "day": day,
            "days": roster.days(),
            "charts": charts,
            "below": below,
            "service": roster_service_levels(roster, solution, period),
            "queue_below": queue_rows,
        },
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Swaps accepted by both agents and pending leave, each with its service figures."""
    _planner(request)
    everyone = policy.is_hr_or_admin(request.user)
    led = policy.led_team_ids(request.user)
    swap_rows = SwapRequest.objects.filter(status=SwapStatus.ACCEPTED).select_related(
        "requester", "counterpart"
    )
    leave_rows = LeaveRequest.objects.filter(status=LeaveStatus.PENDING).select_related(
        "agent__team", "leave_type"
    )
    if not everyone:
        swap_rows = swap_rows.filter(Q(requester__team__in=led) & Q(counterpart__team__in=led))
        leave_rows = leave_rows.filter(agent__team__in=led).exclude(agent__user=request.user)
    impacts = {i.request_id: i for i in LeaveImpact.objects.filter(request__in=leave_rows)}
    swap_list = list(swap_rows.order_by("requester_start_at"))
    for swap in swap_list:
        # the version decided on: a request changed after the page was shown is not decided
        swap.version = record_version(swap)
    return render(
        request,
        "scheduler/lead/approvals.html",
        {
            "swaps": swap_list,
            "leave": [
                (row, impacts.get(row.pk), record_version(row))
                for row in leave_rows.order_by("start_on")
            ],
        },
    )


@login_required
@require_POST
def approval_decide(request: HttpRequest, kind: str, pk: int, decision: str) -> HttpResponse:
    _planner(request)
    comment = request.POST.get("comment", "")[:500]
    submitted = request.POST.get("version")
    try:
        # the request is locked first (the services' lock order; its row only, as the services
        # do) and its version compared with the one the page showed in the same transaction: a
        # request changed since is not decided
        with transaction.atomic():
            if kind == "swap":
                # only swaps of the lead's teams: another team's is unknown, as in the API
                visible = get_object_or_404(swaps_visible_to(request.user), pk=pk)
                swap = SwapRequest.objects.select_for_update(no_key=True).get(pk=visible.pk)
                if not submitted or submitted != record_version(swap):
                    raise ValidationError(STALE_RECORD)
                if decision == "approve":
                    swaps.swap_approve(actor=request.user, swap=swap, comment=comment)
                else:
                    swaps.swap_reject(actor=request.user, swap=swap, comment=comment)
            else:
                visible = get_object_or_404(policy.leave_requests_visible_to(request.user), pk=pk)
                leave = LeaveRequest.objects.select_for_update(no_key=True).get(pk=visible.pk)
                if not submitted or submitted != record_version(leave):
                    raise ValidationError(STALE_RECORD)
                if decision == "approve":
                    leave_services.leave_request_approve(
                        actor=request.user, request=leave, comment=comment
                    )
                else:
                    leave_services.leave_request_reject(
                        actor=request.user, request=leave, comment=comment
                    )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Decision saved; the agents were told."))
    return redirect("scheduler:approvals")
