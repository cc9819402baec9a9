"""Leave: requests, decisions and the balance ledger.

Every write runs in one transaction and locks the agent's row first, so two requests for the
same agent cannot both pass the overlap and balance checks.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy, signals
from ..audit import audited, on_commit
from ..models import Agent, LeaveLedgerEntry, LeaveRequest, LeaveType
from ..models.leave import EntitlementRule, LeaveStatus, LedgerKind
from ..selectors.leave import leave_balance_available, statutory_annual_days
from ..workdays import count_leave_days
from .errors import Conflict

END_BEFORE_START = _("The last day cannot be before the first day.")
OVERLAPPING_LEAVE = _("This leave overlaps your own %(status)s leave from %(start)s to %(end)s.")
BALANCE_EXCEEDED = _(
    "Not enough %(type)s balance: %(requested)s days requested, %(available)s available "
    "(pending requests counted)."
)
NOTICE_TOO_SHORT = _("%(type)s must be requested at least %(days)s days in advance.")
TOO_MANY_CONSECUTIVE_DAYS = _("%(type)s can be taken for at most %(days)s consecutive days.")
PART_DAY_SPANS_DAYS = _("Part-day leave must start and end on the same day.")
PART_DAY_TOO_LONG = _("A part day cannot be longer than the contract's %(hours)s hours.")
NO_DAYS = _("The requested period contains no working days.")
DOCUMENT_REQUIRED = _("%(type)s needs a supporting document.")
LEAVE_TYPE_INACTIVE = _("This leave type is no longer available.")
AGENT_INACTIVE = _("Leave cannot be requested for an agent who has left.")
NOT_PENDING = _("Only a pending request can be %(action)s; this one is %(status)s.")
OWN_REQUEST = _("Nobody can decide their own leave request.")
NOT_ALLOWED_TO_DECIDE = _("Only the agent's team lead or HR can decide this request.")
NOT_ALLOWED_TO_REQUEST = _("You cannot request leave for this agent.")
NOT_ALLOWED_TO_EDIT = _("Only the requester can edit a pending request.")
NOT_ALLOWED_TO_CANCEL = _("You cannot cancel this request.")
ALREADY_CLOSED = _("This request is already %(status)s.")
GRANT_EXISTS = _("The %(year)s entitlement of %(type)s has already been granted.")


def _check_request_rules(
    *,
    agent: Agent,
    leave_type: LeaveType,
    start_on: datetime.date,
    end_on: datetime.date,
    part_day_hours: Decimal | None,
    has_document: bool,
    today: datetime.date,
    exclude_request_id: int | None = None,
) -> Decimal:
    """Validate a request against the rules; return the days it takes."""
    if end_on < start_on:
        raise ValidationError({"end_on": END_BEFORE_START})
    if not leave_type.is_active:
        raise ValidationError({"leave_type": LEAVE_TYPE_INACTIVE})
    if not agent.is_active:
        raise ValidationError({"agent": AGENT_INACTIVE})
    if part_day_hours is not None:
        if start_on != end_on:
            raise ValidationError({"part_day_hours": PART_DAY_SPANS_DAYS})
        if part_day_hours > agent.contract.hours_per_day:
            raise ValidationError(
                {"part_day_hours": PART_DAY_TOO_LONG % {"hours": agent.contract.hours_per_day}}
            )
    if leave_type.notice_days and (start_on - today).days < leave_type.notice_days:
        raise ValidationError(
            {
                "start_on": NOTICE_TOO_SHORT
                % {"type": leave_type.name, "days": leave_type.notice_days}
            }
        )
    span = (end_on - start_on).days + 1
    if leave_type.max_consecutive_days and span > leave_type.max_consecutive_days:
        raise ValidationError(
            {
                "end_on": TOO_MANY_CONSECUTIVE_DAYS
                % {"type": leave_type.name, "days": leave_type.max_consecutive_days}
            }
        )
    if leave_type.needs_document and not has_document:
        raise ValidationError({"document": DOCUMENT_REQUIRED % {"type": leave_type.name}})

    overlapping = (
        LeaveRequest.objects.filter(
            agent=agent,
            status__in=[LeaveStatus.PENDING, LeaveStatus.APPROVED],
            start_on__lte=end_on,
            end_on__gte=start_on,
        )
        .exclude(pk=exclude_request_id or 0)
        .order_by("start_on")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "start_on": OVERLAPPING_LEAVE
                % {
                    "status": overlapping.get_status_display().lower(),
                    "start": overlapping.start_on,
                    "end": overlapping.end_on,
                }
            }
        )

    calendar_days = leave_type.day_count == "calendar"
    rostered: dict[datetime.date, bool] = {}
    if not calendar_days and part_day_hours is None:
        for _receiver, answer in signals.leave_days_rostered.send(
            sender=LeaveRequest, agent_id=agent.pk, start_on=start_on, end_on=end_on
        ):
            if isinstance(answer, dict):
                rostered.update(answer)
    days = count_leave_days(
        start_on,
        end_on,
        calendar_days=calendar_days,
        part_day_hours=part_day_hours,
        hours_per_day=agent.contract.hours_per_day,
        rostered=rostered,
    )
    if days <= 0:
        raise ValidationError({"end_on": NO_DAYS})
    if leave_type.counts_against_balance:
        # A request spanning New Year takes its days from the year it starts in.
        available = leave_balance_available(
            agent=agent,
            leave_type=leave_type,
            year=start_on.year,
            exclude_request_id=exclude_request_id,
        )
        if days > available:
            raise ValidationError(
                {
                    "end_on": BALANCE_EXCEEDED
                    % {
                        "type": leave_type.name,
                        "requested": days,
                        "available": available,
                    }
                }
            )
    return days


def _lock_agent(agent: Agent) -> Agent:
    return (
        Agent.objects.select_for_update(no_key=True, of=("self",))
        .select_related("contract", "team")
        .get(pk=agent.pk)
    )


@audited()
@transaction.atomic
def leave_request_create(
    *,
    actor: Any,
    agent: Agent,
    leave_type: LeaveType,
    start_on: datetime.date,
    end_on: datetime.date,
    part_day_hours: Decimal | None = None,
    reason_category: str = "other",
    note: str = "",
    document: Any = None,
    today: datetime.date | None = None,
) -> LeaveRequest:
    if not policy.can_request_leave_for(actor, agent):
        raise PermissionDenied(NOT_ALLOWED_TO_REQUEST)
    agent = _lock_agent(agent)
    today = today or timezone.localdate()
    days = _check_request_rules(
        agent=agent,
        leave_type=leave_type,
        start_on=start_on,
        end_on=end_on,
        part_day_hours=part_day_hours,
        has_document=bool(document),
        today=today,
    )
    request = LeaveRequest(
        agent=agent,
        leave_type=leave_type,
        start_on=start_on,
        end_on=end_on,
        part_day_hours=part_day_hours,
        days=days,
        reason_category=reason_category,
        note=note,
        created_by=actor,
    )
    if document:
        request.document = document
    request.full_clean()
    request.save()
    on_commit(lambda: signals.leave_requested.send(sender=LeaveRequest, request_id=request.pk))
    return request


@audited()
@transaction.atomic
def leave_request_update(
    *,
    actor: Any,
    request: LeaveRequest,
    today: datetime.date | None = None,
    **changes: Any,
) -> LeaveRequest:
    """The requester changes their own pending request; every rule is checked again."""
    request = (
        LeaveRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("agent")
        .get(pk=request.pk)
    )
    if not policy.can_edit_leave_request(actor, request):
        if request.status != LeaveStatus.PENDING:
            raise ValidationError(
                NOT_PENDING % {"action": _("edited"), "status": request.get_status_display()}
            )
        raise PermissionDenied(NOT_ALLOWED_TO_EDIT)
    agent = _lock_agent(request.agent)
    allowed = {
        "leave_type",
        "start_on",
        "end_on",
        "part_day_hours",
        "reason_category",
        "note",
        "document",
    }
    for field, value in changes.items():
        if field not in allowed:
            raise ValidationError({field: _("This field cannot be changed.")})
        setattr(request, field, value)
    request.days = _check_request_rules(
        agent=agent,
        leave_type=request.leave_type,
        start_on=request.start_on,
        end_on=request.end_on,
        part_day_hours=request.part_day_hours,
        has_document=bool(request.document),
        today=today or timezone.localdate(),
        exclude_request_id=request.pk,
    )
    request.full_clean()
    request.save()
    return request


def _lock_request(request: LeaveRequest) -> LeaveRequest:
    """Lock the request's row only: a plain FOR UPDATE with select_related would also lock the
    agent and leave type rows in the strongest mode, which blocks every insert referencing
    them (a publish writing the agent's fairness rows) while this transaction waits for the
    planning unit that publish holds: a deadlock. The agent is locked next, in its own mode."""
    return (
        LeaveRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("agent", "leave_type")
        .get(pk=request.pk)
    )


def _lock_pending(request: LeaveRequest, action: str) -> LeaveRequest:
    locked = _lock_request(request)
    if locked.status != LeaveStatus.PENDING:
        raise Conflict(
            {"status": NOT_PENDING % {"action": action, "status": locked.get_status_display()}},
            rule="already_decided",
        )
    return locked


def _check_decider(actor: Any, request: LeaveRequest) -> None:
    if request.agent.user_id == actor.pk:
        raise PermissionDenied(OWN_REQUEST)
    if not policy.can_decide_leave(actor, request):
        raise PermissionDenied(NOT_ALLOWED_TO_DECIDE)


@audited(reason="comment")
@transaction.atomic
def leave_request_approve(
    *, actor: Any, request: LeaveRequest, comment: str = "", automatic: bool = False
) -> LeaveRequest:
    """Approve a pending request. ``automatic`` is the system deciding under the team's policy
    (balance, notice and rules hold and the service target still holds): no person decides."""
    request = _lock_pending(request, str(_("approved")))
    if automatic:
        actor = None
    else:
        _check_decider(actor, request)
    agent = _lock_agent(request.agent)
    if request.leave_type.counts_against_balance:
        # Balances may have moved since the request was made; check again under the lock.
        available = leave_balance_available(
            agent=agent,
            leave_type=request.leave_type,
            year=request.start_on.year,
            exclude_request_id=request.pk,
        )
        if request.days > available:
            raise ValidationError(
                {
                    "days": BALANCE_EXCEEDED
                    % {
                        "type": request.leave_type.name,
                        "requested": request.days,
                        "available": available,
                    }
                }
            )
        LeaveLedgerEntry.objects.create(
            agent=agent,
            leave_type=request.leave_type,
            year=request.start_on.year,
            kind=LedgerKind.USE,
            days=-request.days,
            request=request,
            created_by=actor,
            note=f"{request.start_on}..{request.end_on}",
        )
    request.status = LeaveStatus.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_comment = comment
    request.save()
    signals.leave_taking_effect.send(sender=LeaveRequest, request_id=request.pk)
    on_commit(lambda: signals.leave_approved.send(sender=LeaveRequest, request_id=request.pk))
    return request


@audited(reason="comment")
@transaction.atomic
def leave_request_reject(*, actor: Any, request: LeaveRequest, comment: str = "") -> LeaveRequest:
    request = _lock_pending(request, str(_("rejected")))
    _check_decider(actor, request)
    request.status = LeaveStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_comment = comment
    request.save()
    on_commit(lambda: signals.leave_rejected.send(sender=LeaveRequest, request_id=request.pk))
    return request


@audited(reason="comment")
@transaction.atomic
def leave_request_cancel(*, actor: Any, request: LeaveRequest, comment: str = "") -> LeaveRequest:
    """Withdraw a pending request, or cancel an approved one and give its days back."""
    request = _lock_request(request)
    if not policy.can_cancel_leave_request(actor, request):
        raise PermissionDenied(NOT_ALLOWED_TO_CANCEL)
    if request.status not in (LeaveStatus.PENDING, LeaveStatus.APPROVED):
        raise Conflict(
            {"status": ALREADY_CLOSED % {"status": request.get_status_display()}},
            rule="already_decided",
        )
    was_approved = request.status == LeaveStatus.APPROVED
    if was_approved:
        used = sum(
            (entry.days for entry in request.ledger_entries.all()),
            Decimal("0"),
        )
        if used:
            LeaveLedgerEntry.objects.create(
                agent=request.agent,
                leave_type=request.leave_type,
                year=request.start_on.year,
                kind=LedgerKind.REVERSAL,
                days=-used,
                request=request,
                created_by=actor,
                note=str(_("Cancelled leave")),
            )
    request.status = LeaveStatus.CANCELLED
    if comment:
        request.decision_comment = comment
    request.save()
    if was_approved:
        on_commit(lambda: signals.leave_cancelled.send(sender=LeaveRequest, request_id=request.pk))
    return request


@audited(reason="note")
@transaction.atomic
def leave_ledger_adjust(
    *,
    actor: Any,
    agent: Agent,
    leave_type: LeaveType,
    year: int,
    days: Decimal,
    kind: str = LedgerKind.ADJUSTMENT,
    note: str,
) -> LeaveLedgerEntry:
    """HR writes a manual movement (accrual, carry-over or correction) with a reason."""
    if not policy.can_edit_hr_data(actor):
        raise PermissionDenied(_("Only HR can adjust leave balances."))
    if kind not in (LedgerKind.ACCRUAL, LedgerKind.CARRY_OVER, LedgerKind.ADJUSTMENT):
        raise ValidationError({"kind": _("Use accrual, carry-over or adjustment.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the balance is adjusted.")})
    if days == 0:
        raise ValidationError({"days": _("An adjustment of zero days changes nothing.")})
    entry = LeaveLedgerEntry(
        agent=agent,
        leave_type=leave_type,
        year=year,
        kind=kind,
        days=days,
        note=note,
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    return entry


def leave_entitlement_days(*, agent: Agent, leave_type: LeaveType, year: int) -> Decimal:
    if leave_type.entitlement == EntitlementRule.STATUTORY_ANNUAL:
        return statutory_annual_days(hire_date=agent.hire_date, on=datetime.date(year, 1, 1))
    if leave_type.entitlement == EntitlementRule.FIXED and leave_type.default_days_per_year:
        return leave_type.default_days_per_year
    return Decimal("0")


@audited()
@transaction.atomic
def leave_entitlements_grant(*, year: int, actor: Any = None) -> int:
    """Write the yearly grant for every active agent and balance-tracked type; idempotent."""
    created = 0
    types = list(
        LeaveType.objects.filter(is_active=True, counts_against_balance=True).exclude(
            entitlement=EntitlementRule.NONE
        )
    )
    existing = set(
        LeaveLedgerEntry.objects.filter(year=year, kind=LedgerKind.GRANT).values_list(
            "agent_id", "leave_type_id"
        )
    )
    entries = []
    for agent in Agent.objects.filter(is_active=True):
        for leave_type in types:
            if (agent.pk, leave_type.pk) in existing:
                continue
            days = leave_entitlement_days(agent=agent, leave_type=leave_type, year=year)
            entries.append(
                LeaveLedgerEntry(
                    agent=agent,
                    leave_type=leave_type,
                    year=year,
                    kind=LedgerKind.GRANT,
                    days=days,
                    created_by=actor,
                    note=str(_("Yearly entitlement")),
                )
            )
    LeaveLedgerEntry.objects.bulk_create(entries)
    created += len(entries)
    return created
