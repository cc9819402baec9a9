"""Leave against staffing: what a leave request does to service, automatic approval under the
team's policy, and the live roster following approved and cancelled leave."""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from scheduler.models.rosters import Activity, Roster, RosterStatus
from scheduler.models.selfservice import LeaveImpact, LeavePolicy
from scheduler.services import live
from scheduler.services.notifications import Kind, notify
from staffing.models import Agent, LeaveRequest
from staffing.models.leave import LeaveStatus

logger = logging.getLogger(__name__)


class Decision:
    AUTO_APPROVED = "auto_approved"  # the system approved it under the team's policy
    QUEUED = "queued"  # waits for the team lead or HR, with the figures
    NOT_PENDING = "not_pending"  # decided before the assessment ran
    REFUSED_BY_RULES = "refused_by_rules"  # approval failed (balance moved): left pending


def _live_rosters(agent: Agent, start_on: datetime.date, end_on: datetime.date) -> list[Roster]:
    return list(
        Roster.objects.filter(
            unit__teams=agent.team_id,
            status=RosterStatus.PUBLISHED,
            period_start__lte=end_on,
            period_end__gte=start_on,
        )
        .select_related("unit__site")
        .distinct()
    )


def _days(start_on: datetime.date, end_on: datetime.date, roster: Roster) -> list[datetime.date]:
    first, last = max(start_on, roster.period_start), min(end_on, roster.period_end)
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def leave_staffing_effect(
    *, agent: Agent, start_on: datetime.date, end_on: datetime.date, margin: float = 0.0
) -> dict:
    """The predicted service level of each interval the agent is rostered in during the
    leave, with and without them, and whether every queue's target still holds.

    An interval already below target before the leave counts as holding when the leave does
    not make it worse (the agent was not staffing it)."""
    rostered: list[str] = []
    intervals: list[dict] = []
    for roster in _live_rosters(agent, start_on, end_on):
        rows = {
            row.day: row
            for row in roster.assignments.filter(
                agent=agent, day__in=_days(start_on, end_on, roster)
            )
        }
        changes: live.Changes = {
            (agent.pk, day): None
            for day, row in rows.items()
            if row.activity != Activity.LEAVE and row.template_id is not None
        }
        if not changes:
            continue
        rostered.extend(day.isoformat() for _, day in changes)
        check = live.live_change_check(
            roster=roster, changes=changes, agents={agent.pk: agent}, tolerance=None
        )
        intervals.extend(check.impact)
    for row in intervals:
        row["holds"] = bool(
            row["after"] >= row["target"] - margin - 1e-9 or row["after"] >= row["before"]
        )
    worst = min((row["after"] for row in intervals), default=None)
    return {
        "rostered_days": sorted(rostered),
        "intervals": intervals,
        "target_holds": all(row["holds"] for row in intervals),
        "worst_service_level": worst,
        "intervals_below_target": sum(1 for row in intervals if not row["holds"]),
    }


def leave_impact_assess(*, request_id: int) -> LeaveImpact | None:
    """Record a pending request's effect on service; approve it when the team's policy says
    so and the target holds, else queue it for the team lead or HR with the figures."""
    from staffing.services.leave import leave_request_approve

    request = (
        LeaveRequest.objects.select_related("agent__team", "agent__user", "leave_type")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return None
    team_policy = LeavePolicy.objects.filter(team=request.agent.team).first()
    margin = team_policy.service_level_margin if team_policy else 0.0
    effect = leave_staffing_effect(
        agent=request.agent, start_on=request.start_on, end_on=request.end_on, margin=margin
    )
    impact, _created = LeaveImpact.objects.update_or_create(
        request=request,
        defaults={
            "rostered_days": effect["rostered_days"],
            "intervals": effect["intervals"],
            "target_holds": effect["target_holds"],
            "worst_service_level": effect["worst_service_level"],
        },
    )
    if request.status != LeaveStatus.PENDING:
        impact.decision = Decision.NOT_PENDING
        impact.save(update_fields=["decision"])
        return impact
    if team_policy is not None and team_policy.auto_approve and effect["target_holds"]:
        try:
            leave_request_approve(
                actor=None,
                request=request,
                automatic=True,
                comment=str(_("Approved automatically: the service target still holds.")),
            )
        except Exception as error:  # noqa: BLE001 - any refusal leaves it for a person
            impact.decision = Decision.REFUSED_BY_RULES
            impact.reason = " ".join(getattr(error, "messages", [str(error)]))
            impact.save(update_fields=["decision", "reason"])
            _ask_deciders(request, impact)
            return impact
        impact.decision = Decision.AUTO_APPROVED
        impact.reason = str(
            _("Balance, notice and rules hold; every affected interval meets its target.")
        )
    else:
        impact.decision = Decision.QUEUED
        if team_policy is None or not team_policy.auto_approve:
            impact.reason = str(_("The team decides leave by hand."))
        else:
            impact.reason = str(
                _("%(count)s interval(s) would fall below the service target.")
                % {"count": effect["intervals_below_target"]}
            )
        _ask_deciders(request, impact)
    impact.save(update_fields=["decision", "reason"])
    return impact


def _ask_deciders(request: LeaveRequest, impact: LeaveImpact) -> None:
    leads = list(request.agent.team.team_leads.all())
    worst = impact.worst_service_level
    body = str(
        _(
            "%(days)s rostered day(s); worst predicted service level %(level)s; "
            "target holds: %(holds)s"
        )
    ) % {
        "days": len(impact.rostered_days),
        "level": f"{worst:.0%}" if worst is not None else "-",
        "holds": _("yes") if impact.target_holds else _("no"),
    }
    notify(
        leads,
        kind=Kind.LEAVE_NEEDS_DECISION,
        title=str(_("Leave request from %(agent)s: %(start)s to %(end)s"))
        % {"agent": request.agent.full_name, "start": request.start_on, "end": request.end_on},
        body=body,
        payload={"leave_request": request.pk},
        email=False,
    )


def leave_strike_from_live(*, request_id: int) -> list[Roster]:
    """Inside the approving transaction: the agent's days of leave become leave on every live
    roster (a new published version each), so no shift is ever held on a day of leave."""
    from django.core.exceptions import ValidationError

    from scheduler.services.rosters import roster_repair_request

    request = LeaveRequest.objects.select_related("agent").get(pk=request_id)
    agent = request.agent
    written = []
    agents = live.lock_agents([agent])
    for roster in _live_rosters(agent, request.start_on, request.end_on):
        roster = live.lock_live_roster(roster.unit, roster.period_start)
        zone = ZoneInfo(roster.unit.site.time_zone)
        rows = {
            row.day: row
            for row in roster.assignments.filter(
                agent=agent, day__in=_days(request.start_on, request.end_on, roster)
            )
        }
        changes: live.Changes = {}
        for day in _days(request.start_on, request.end_on, roster):
            row = rows.get(day)
            if row is None or row.activity != Activity.LEAVE:
                changes[(agent.pk, day)] = live.Cell.leave(day, zone)
        if not changes:
            continue
        new = live.live_change_apply(
            roster=roster,
            changes=changes,
            agents=agents,
            actor=request.decided_by,
            reason=f"leave {request.pk}",
        )
        written.append(new)
        lost = [
            (agent.employee_number, day)
            for day, row in rows.items()
            if row.activity != Activity.LEAVE and row.template_id is not None
        ]
        if lost:
            # The minimal-change repair refills the cover the leave takes away (a draft for the
            # team lead); a repair that cannot be queued never undoes the approval.
            try:
                with transaction.atomic():
                    run = roster_repair_request(actor=None, roster=new, new_leave=lost)
                logger.info("leave %s: repair run %s for roster %s", request_id, run.pk, new.pk)
            except ValidationError as error:
                logger.warning("leave %s: no repair queued: %s", request_id, error.messages)
    return written


def leave_restore_on_live(*, request_id: int) -> list[Roster]:
    """After approved leave is cancelled, its days on the live roster become days off (the team
    lead or the next repair fills them)."""
    request = LeaveRequest.objects.select_related("agent").get(pk=request_id)
    agent = request.agent
    written = []
    with transaction.atomic():
        agents = live.lock_agents([agent])
        for roster in _live_rosters(agent, request.start_on, request.end_on):
            roster = live.lock_live_roster(roster.unit, roster.period_start)
            changes: live.Changes = {
                (agent.pk, row.day): None
                for row in roster.assignments.filter(
                    agent=agent,
                    activity=Activity.LEAVE,
                    day__in=_days(request.start_on, request.end_on, roster),
                )
            }
            if changes:
                written.append(
                    live.live_change_apply(
                        roster=roster,
                        changes=changes,
                        agents=agents,
                        actor=None,
                        reason=f"leave {request.pk} cancelled",
                    )
                )
    return written


def leave_decision_notify(*, request_id: int) -> None:
    request = LeaveRequest.objects.select_related("agent__user", "leave_type").get(pk=request_id)
    notify(
        [request.agent.user],
        kind=Kind.LEAVE_DECIDED,
        title=str(_("Your %(type)s from %(start)s to %(end)s was %(status)s"))
        % {
            "type": request.leave_type.name,
            "start": request.start_on,
            "end": request.end_on,
            "status": request.get_status_display().lower(),
        },
        body=request.decision_comment,
        payload={"leave_request": request.pk, "status": request.status},
    )
