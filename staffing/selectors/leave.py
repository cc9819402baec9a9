import datetime
from decimal import Decimal

from django.db.models import Sum

from ..models import Agent, LeaveLedgerEntry, LeaveRequest, LeaveType
from ..models.leave import LeaveStatus


def statutory_annual_days(*, hire_date: datetime.date, on: datetime.date) -> Decimal:
    """Chinese statutory paid annual leave (职工带薪年休假条例, art. 3) by completed years:
    under 1 year none; 1 to under 10 years 5 days; 10 to under 20 years 10 days; 20+ 15 days.

    Only service at this employer is known here; HR adds earlier service as an adjustment.
    """
    years = on.year - hire_date.year - ((on.month, on.day) < (hire_date.month, hire_date.day))
    if years < 1:
        return Decimal("0")
    if years < 10:
        return Decimal("5")
    if years < 20:
        return Decimal("10")
    return Decimal("15")


def leave_balance(*, agent: Agent, leave_type: LeaveType, year: int) -> Decimal:
    """The balance is derived from the ledger, never stored."""
    total = LeaveLedgerEntry.objects.filter(
        agent=agent, leave_type=leave_type, year=year
    ).aggregate(total=Sum("days"))["total"]
    return total if total is not None else Decimal("0")


def leave_pending_days(
    *, agent: Agent, leave_type: LeaveType, year: int, exclude_request_id: int | None = None
) -> Decimal:
    total = (
        LeaveRequest.objects.filter(
            agent=agent,
            leave_type=leave_type,
            status=LeaveStatus.PENDING,
            start_on__year=year,
        )
        .exclude(pk=exclude_request_id or 0)
        .aggregate(total=Sum("days"))["total"]
    )
    return total if total is not None else Decimal("0")


def leave_balance_available(
    *, agent: Agent, leave_type: LeaveType, year: int, exclude_request_id: int | None = None
) -> Decimal:
    """What can still be asked for: the balance less the days of pending requests."""
    return leave_balance(agent=agent, leave_type=leave_type, year=year) - leave_pending_days(
        agent=agent, leave_type=leave_type, year=year, exclude_request_id=exclude_request_id
    )


def leave_balances_for_agent(*, agent: Agent, year: int) -> list[dict]:
    """Balance, pending and available days per balance-tracked type for one agent and year."""
    rows = []
    for leave_type in LeaveType.objects.filter(counts_against_balance=True).order_by("code"):
        balance = leave_balance(agent=agent, leave_type=leave_type, year=year)
        pending = leave_pending_days(agent=agent, leave_type=leave_type, year=year)
        rows.append(
            {
                "leave_type": leave_type.code,
                "leave_type_name": str(leave_type.name),
                "year": year,
                "balance": balance,
                "pending": pending,
                "available": balance - pending,
            }
        )
    return rows


def leave_approved_for_days(
    *, agent_ids: list[int], start_on: datetime.date, end_on: datetime.date
) -> list[LeaveRequest]:
    """Approved leave overlapping a period, for rostering."""
    return list(
        LeaveRequest.objects.filter(
            agent_id__in=agent_ids,
            status=LeaveStatus.APPROVED,
            start_on__lte=end_on,
            end_on__gte=start_on,
        ).select_related("leave_type")
    )
