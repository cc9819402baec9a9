import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from .. import signals
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


# --- HR pages -----------------------------------------------------------------------------


def leave_requests_filter(
    *,
    queryset: QuerySet[LeaveRequest],
    status: str = "",
    team_id: int | None = None,
    leave_type_id: int | None = None,
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
) -> QuerySet[LeaveRequest]:
    """Narrow already-scoped requests: a period keeps requests that overlap it."""
    if status:
        queryset = queryset.filter(status=status)
    if team_id is not None:
        queryset = queryset.filter(agent__team_id=team_id)
    if leave_type_id is not None:
        queryset = queryset.filter(leave_type_id=leave_type_id)
    if start_on is not None:
        queryset = queryset.filter(end_on__gte=start_on)
    if end_on is not None:
        queryset = queryset.filter(start_on__lte=end_on)
    return queryset.select_related("agent", "agent__team", "leave_type", "decided_by")


def leave_balances_for_requests(*, requests: list[LeaveRequest]) -> dict[int, dict]:
    """Per request id, the balance and pending days of its agent, type and year, for the
    balance-tracked types; two queries whatever the number of requests."""
    tracked = [r for r in requests if r.leave_type.counts_against_balance]
    if not tracked:
        return {}
    agent_ids = {r.agent_id for r in tracked}
    type_ids = {r.leave_type_id for r in tracked}
    years = {r.start_on.year for r in tracked}
    balances = {
        (row["agent_id"], row["leave_type_id"], row["year"]): row["total"]
        for row in LeaveLedgerEntry.objects.filter(
            agent_id__in=agent_ids, leave_type_id__in=type_ids, year__in=years
        )
        .values("agent_id", "leave_type_id", "year")
        .annotate(total=Sum("days"))
    }
    pending = {
        (row["agent_id"], row["leave_type_id"], row["start_on__year"]): row["total"]
        for row in LeaveRequest.objects.filter(
            agent_id__in=agent_ids,
            leave_type_id__in=type_ids,
            start_on__year__in=years,
            status=LeaveStatus.PENDING,
        )
        .values("agent_id", "leave_type_id", "start_on__year")
        .annotate(total=Sum("days"))
    }
    result = {}
    for request in tracked:
        key = (request.agent_id, request.leave_type_id, request.start_on.year)
        balance = balances.get(key) or Decimal("0")
        pending_days = pending.get(key) or Decimal("0")
        result[request.pk] = {
            "year": key[2],
            "balance": balance,
            "pending": pending_days,
            "available": balance - pending_days,
        }
    return result


def leave_balances_table(*, agents: QuerySet[Agent], year: int) -> dict:
    """Balances of the balance-tracked types per agent for a year: one aggregate query."""
    types = list(LeaveType.objects.filter(counts_against_balance=True).order_by("code"))
    agent_list = list(agents)
    totals = {
        (row["agent_id"], row["leave_type_id"]): row["total"]
        for row in LeaveLedgerEntry.objects.filter(agent__in=[a.pk for a in agent_list], year=year)
        .values("agent_id", "leave_type_id")
        .annotate(total=Sum("days"))
    }
    rows = [
        {
            "agent": agent,
            "balances": [totals.get((agent.pk, t.pk)) or Decimal("0") for t in types],
        }
        for agent in agent_list
    ]
    return {"leave_types": types, "rows": rows, "year": year}


def leave_ledger_for_agent(*, agent: Agent, year: int) -> QuerySet[LeaveLedgerEntry]:
    """Every movement of the agent's balances in a year, oldest first."""
    return (
        LeaveLedgerEntry.objects.filter(agent=agent, year=year)
        .select_related("leave_type", "created_by", "request")
        .order_by("leave_type__code", "created_at", "id")
    )


def leave_taken_by_type(
    *, agents: QuerySet[Agent], start_on: datetime.date, end_on: datetime.date
) -> list[dict]:
    """Approved leave per agent and type for the requests that start in the period (a request
    counts whole, in the period it starts in, as the ledger counts it)."""
    rows = (
        LeaveRequest.objects.filter(
            agent__in=agents,
            status=LeaveStatus.APPROVED,
            start_on__gte=start_on,
            start_on__lte=end_on,
        )
        .values(
            "agent__employee_number",
            "agent__full_name",
            "agent__team__name",
            "leave_type__code",
            "leave_type__name",
        )
        .annotate(requests=Count("id"), days=Sum("days"))
        .order_by("agent__employee_number", "leave_type__code")
    )
    return [
        {
            "employee_number": row["agent__employee_number"],
            "full_name": row["agent__full_name"],
            "team": row["agent__team__name"],
            "leave_type": row["leave_type__code"],
            "leave_type_name": row["leave_type__name"],
            "requests": row["requests"],
            "days": Decimal(row["days"] or 0).quantize(Decimal("0.01")),
        }
        for row in rows
    ]


def leave_impacts_for_requests(*, request_ids: list[int]) -> dict[int, dict]:
    """The staffing impact figures other apps assessed for these requests (the scheduler
    answers staffing.signals.leave_impacts_wanted); empty when nobody answers."""
    if not request_ids:
        return {}
    figures: dict[int, dict] = {}
    for _receiver, answer in signals.leave_impacts_wanted.send(
        sender=LeaveRequest, request_ids=list(request_ids)
    ):
        if isinstance(answer, dict):
            figures.update(answer)
    return figures
