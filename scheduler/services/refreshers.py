"""The training-to-skill loop's last step: 30 days before a certificate expires the agent and
their team lead are told, and the engine proposes a refresher session inside the agent's
published shifts where it costs the least cover. The team lead books it (a session with the
agent enrolled, which the next solve treats as off-phone time) or declines it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduler import bridge
from scheduler.models.rosters import Roster, RosterStatus
from scheduler.models.selfservice import RefresherProposal, RefresherStatus
from scheduler.services import live
from scheduler.services.errors import Conflict
from scheduler.services.notifications import Kind, notify
from scheduler.solver.activities import place_off_phone
from staffing import policy
from staffing.audit import audited
from staffing.models import TrainingRecord
from staffing.selectors.training import certificates_expiring

NOTICE_DAYS = 30
NOT_PROPOSED = _("This refresher is already %(status)s.")
NO_SLOT = _("No published shift before the expiry date has room for it: book a session by hand.")
NOT_ALLOWED = _("Only HR and the agent's team lead can book or decline this refresher.")


def _placement(record: TrainingRecord, today: datetime.date) -> dict:
    """Where the engine would put the refresher: the agent's live shifts from tomorrow until
    the certificate expires, the window with the most spare cover."""
    agent = record.agent
    course = record.session.course
    minutes = max(30, int(float(course.hours) * 60))
    expires = record.certificate_expires_on or today
    best: dict = {}
    rosters = Roster.objects.filter(
        unit__teams=agent.team_id,
        status=RosterStatus.PUBLISHED,
        period_end__gt=today,
        period_start__lt=expires,
    ).select_related("unit__site")
    for roster in rosters.distinct():
        period = live.period_for(roster)
        rows = list(roster.assignments.select_related("agent", "template"))
        solution = bridge.solution_from_rows(period, rows)
        first = max((today - roster.period_start).days + 1, 0)
        last = min((expires - roster.period_start).days, roster.num_days)
        placement = place_off_phone(
            period.problem,
            solution,
            agent_id=agent.employee_number,
            minutes=minutes,
            days=range(first, last),
        )
        if placement is None:
            continue
        key = (placement.min_surplus, placement.total_surplus)
        if not best or key > best["key"]:
            best = {
                "key": key,
                "starts_at": period.at(placement.start_minute),
                "ends_at": period.at(placement.start_minute + minutes),
                "min_surplus": placement.min_surplus,
                "total_surplus": placement.total_surplus,
                "roster": roster.pk,
            }
    return best


def refreshers_propose(*, today: datetime.date | None = None) -> int:
    """Daily: for each certificate expiring within 30 days that has no proposal yet, tell the
    agent and the team lead and propose a slot. Idempotent (one proposal per record)."""
    today = today or timezone.localdate()
    count = 0
    expiring = certificates_expiring(today=today, within_days=NOTICE_DAYS).filter(
        refresher__isnull=True, agent__is_active=True
    )
    for record in expiring.select_related("agent__team", "agent__user", "session__course"):
        best = _placement(record, today)
        try:
            with transaction.atomic():
                proposal = RefresherProposal.objects.create(
                    record=record,
                    agent=record.agent,
                    course=record.session.course,
                    starts_at=best.get("starts_at"),
                    ends_at=best.get("ends_at"),
                    placement={
                        key: value
                        for key, value in best.items()
                        if key in ("min_surplus", "total_surplus", "roster")
                    },
                )
                slot = (
                    f"{timezone.localtime(proposal.starts_at):%Y-%m-%d %H:%M}"
                    if proposal.starts_at
                    else str(NO_SLOT)
                )
                notify(
                    [record.agent.user, *record.agent.team.team_leads.all()],
                    kind=Kind.CERTIFICATE_EXPIRING,
                    title=str(_("%(course)s certificate of %(agent)s expires on %(day)s"))
                    % {
                        "course": record.session.course.title,
                        "agent": record.agent.full_name,
                        "day": record.certificate_expires_on,
                    },
                    body=str(_("Proposed refresher: %(slot)s")) % {"slot": slot},
                    payload={"record": record.pk, "proposal": proposal.pk},
                )
        except IntegrityError:
            continue  # another run proposed it a moment ago
        count += 1
    return count


def _lock(proposal: RefresherProposal, actor: Any) -> RefresherProposal:
    proposal = (
        RefresherProposal.objects.select_for_update(of=("self",))
        .select_related("agent__team", "course")
        .get(pk=proposal.pk)
    )
    if not policy.can_schedule_training_for(actor, proposal.agent):
        raise PermissionDenied(NOT_ALLOWED)
    if proposal.status != RefresherStatus.PROPOSED:
        raise Conflict(
            NOT_PROPOSED % {"status": proposal.get_status_display()}, rule="not_proposed"
        )
    return proposal


@audited()
def refresher_book(
    *,
    actor: Any,
    proposal: RefresherProposal,
    starts_at: datetime.datetime | None = None,
) -> RefresherProposal:
    """Book the proposed slot (or another start the team lead picks)."""
    from staffing.services.training import training_session_book_for_agent

    with transaction.atomic():
        proposal = _lock(proposal, actor)
        start = starts_at or proposal.starts_at
        if start is None:
            raise Conflict(NO_SLOT, rule="no_slot")
        minutes = max(30, int(float(proposal.course.hours) * 60))
        end = start + datetime.timedelta(minutes=minutes)
        record = training_session_book_for_agent(
            actor=actor,
            agent=proposal.agent,
            course=proposal.course,
            starts_at=start,
            ends_at=end,
            note=str(_("Refresher")),
        )
        proposal.status = RefresherStatus.SCHEDULED
        proposal.starts_at, proposal.ends_at = start, end
        proposal.session = record.session
        proposal.decided_by = actor
        proposal.save()
    return proposal


@audited()
def refresher_decline(*, actor: Any, proposal: RefresherProposal) -> RefresherProposal:
    with transaction.atomic():
        proposal = _lock(proposal, actor)
        proposal.status = RefresherStatus.DECLINED
        proposal.decided_by = actor
        proposal.save()
    return proposal
