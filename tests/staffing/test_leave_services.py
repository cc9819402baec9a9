import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from staffing.models import LeaveLedgerEntry, LeaveRequest
from staffing.models.leave import LeaveStatus, LedgerKind
from staffing.selectors.leave import leave_balance, leave_balance_available, statutory_annual_days
from staffing.services import leave as svc
from staffing.workdays import is_working_day
from tests.factories import leave_type

pytestmark = pytest.mark.django_db


def working_week(after_days: int = 21, weeks: int = 3) -> datetime.date:
    """A Monday at least `after_days` away starting `weeks` full working weeks in one year."""
    day = timezone.localdate() + datetime.timedelta(days=after_days)
    day += datetime.timedelta(days=(7 - day.weekday()) % 7)
    while True:
        span = [day + datetime.timedelta(days=7 * w + i) for w in range(weeks) for i in range(5)]
        if all(is_working_day(d) for d in span) and day.year == span[-1].year:
            return day
        day += datetime.timedelta(days=7)


def annual_request(world, start, days=3, **extra):
    return svc.leave_request_create(
        actor=world.agent_user,
        agent=world.agent,
        leave_type=leave_type("annual"),
        start_on=start,
        end_on=start + datetime.timedelta(days=days - 1),
        **extra,
    )


def test_create_counts_working_days_and_keeps_note(world):
    # given a Monday of a full working week
    monday = working_week()
    # when the agent asks for Monday to Sunday
    request = annual_request(world, monday, days=7, note="wedding of my sister")
    # then only the five working days count
    assert request.days == Decimal("5")
    assert request.status == LeaveStatus.PENDING
    assert request.note == "wedding of my sister"


def test_end_before_start_names_the_field(world):
    monday = working_week()
    with pytest.raises(ValidationError) as error:
        svc.leave_request_create(
            actor=world.agent_user,
            agent=world.agent,
            leave_type=leave_type("annual"),
            start_on=monday,
            end_on=monday - datetime.timedelta(days=1),
        )
    assert error.value.message_dict == {"end_on": [str(svc.END_BEFORE_START)]}


def test_overlap_with_own_pending_leave_is_refused(world):
    monday = working_week()
    annual_request(world, monday, days=2)
    with pytest.raises(ValidationError) as error:
        annual_request(world, monday + datetime.timedelta(days=1), days=2)
    assert "start_on" in error.value.message_dict
    assert "overlaps" in error.value.message_dict["start_on"][0]
    assert LeaveRequest.objects.count() == 1


def test_balance_counts_pending_requests(world):
    # given 10 days of balance and a pending request of 5
    monday = working_week()
    annual_request(world, monday, days=5)
    # when asking for 5 more working days then 1 more
    annual_request(world, monday + datetime.timedelta(days=7), days=5)
    with pytest.raises(ValidationError) as error:
        annual_request(world, monday + datetime.timedelta(days=14), days=1)
    # then the third is refused on the balance
    assert "Not enough" in error.value.message_dict["end_on"][0]


def test_notice_period_is_enforced(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        annual_request(world, tomorrow, days=1)
    assert "in advance" in error.value.message_dict["start_on"][0]


def test_max_consecutive_days(world):
    start = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        svc.leave_request_create(
            actor=world.agent_user,
            agent=world.agent,
            leave_type=leave_type("marriage"),
            start_on=start,
            end_on=start + datetime.timedelta(days=5),
            document="certificate.pdf",
        )
    assert "at most 3" in error.value.message_dict["end_on"][0]


def test_document_required(world):
    start = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        svc.leave_request_create(
            actor=world.agent_user,
            agent=world.agent,
            leave_type=leave_type("sick"),
            start_on=start,
            end_on=start,
        )
    assert "document" in error.value.message_dict


def test_part_day_must_be_one_day(world):
    monday = working_week()
    with pytest.raises(ValidationError) as error:
        annual_request(world, monday, days=2, part_day_hours=Decimal("4"))
    assert error.value.message_dict == {"part_day_hours": [str(svc.PART_DAY_SPANS_DAYS)]}


def test_part_day_takes_a_fraction(world):
    monday = working_week()
    request = annual_request(world, monday, days=1, part_day_hours=Decimal("4"))
    assert request.days == Decimal("0.50")


def test_agent_cannot_request_for_someone_else(world):
    monday = working_week()
    with pytest.raises(PermissionDenied):
        svc.leave_request_create(
            actor=world.agent_user,
            agent=world.other,
            leave_type=leave_type("annual"),
            start_on=monday,
            end_on=monday,
        )


def test_approve_writes_use_entry_and_cancel_reverses_it(world):
    # given an approved request of 3 days
    monday = working_week()
    annual = leave_type("annual")
    request = annual_request(world, monday, days=3)
    svc.leave_request_approve(actor=world.lead, request=request)
    year = monday.year
    assert leave_balance(agent=world.agent, leave_type=annual, year=year) == Decimal("7")
    # when it is cancelled
    svc.leave_request_cancel(actor=world.agent_user, request=request)
    # then the days come back through a reversal entry; nothing is edited in place
    assert leave_balance(agent=world.agent, leave_type=annual, year=year) == Decimal("10")
    kinds = list(LeaveLedgerEntry.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == [LedgerKind.USE, LedgerKind.REVERSAL]
    request.refresh_from_db()
    assert request.status == LeaveStatus.CANCELLED


def test_nobody_decides_their_own_request(world):
    monday = working_week()
    own = svc.leave_request_create(
        actor=world.lead,
        agent=world.lead_agent,
        leave_type=leave_type("annual"),
        start_on=monday,
        end_on=monday,
    )
    with pytest.raises(PermissionDenied) as error:
        svc.leave_request_approve(actor=world.lead, request=own)
    assert str(error.value) == str(svc.OWN_REQUEST)
    # HR can
    svc.leave_request_approve(actor=world.hr, request=own)


def test_team_lead_of_another_team_cannot_decide(world):
    monday = working_week()
    request = svc.leave_request_create(
        actor=world.other.user,
        agent=world.other,
        leave_type=leave_type("annual"),
        start_on=monday,
        end_on=monday,
    )
    with pytest.raises(PermissionDenied):
        svc.leave_request_approve(actor=world.lead, request=request)
    with pytest.raises(PermissionDenied):
        svc.leave_request_reject(actor=world.agent_user, request=request)


def test_decided_request_cannot_be_decided_again(world):
    monday = working_week()
    request = annual_request(world, monday, days=1)
    svc.leave_request_reject(actor=world.lead, request=request, comment="peak week")
    with pytest.raises(ValidationError) as error:
        svc.leave_request_approve(actor=world.lead, request=request)
    assert "status" in error.value.message_dict


def test_approval_rechecks_balance_and_writes_nothing_when_short(world):
    # given a pending request, then HR corrects the balance down
    monday = working_week()
    annual = leave_type("annual")
    request = annual_request(world, monday, days=5)
    svc.leave_ledger_adjust(
        actor=world.hr,
        agent=world.agent,
        leave_type=annual,
        year=monday.year,
        days=Decimal("-8"),
        note="correction after audit",
    )
    # when the lead approves, then it is refused and nothing is written
    with pytest.raises(ValidationError):
        svc.leave_request_approve(actor=world.lead, request=request)
    request.refresh_from_db()
    assert request.status == LeaveStatus.PENDING
    assert not LeaveLedgerEntry.objects.filter(request=request).exists()


def test_requester_edits_pending_request_with_rules_rechecked(world):
    monday = working_week()
    request = annual_request(world, monday, days=1)
    updated = svc.leave_request_update(
        actor=world.agent_user, request=request, end_on=monday + datetime.timedelta(days=1)
    )
    assert updated.days == Decimal("2")
    with pytest.raises(PermissionDenied):
        svc.leave_request_update(actor=world.lead, request=request, note="x")
    with pytest.raises(ValidationError):
        svc.leave_request_update(actor=world.agent_user, request=request, status="approved")


def test_available_excludes_pending(world):
    monday = working_week()
    annual = leave_type("annual")
    annual_request(world, monday, days=2)
    assert leave_balance_available(
        agent=world.agent, leave_type=annual, year=monday.year
    ) == Decimal("8")


@pytest.mark.parametrize(
    ("years", "days"),
    [(0, 0), (1, 5), (9, 5), (10, 10), (19, 10), (20, 15), (30, 15)],
)
def test_statutory_annual_leave_by_years_of_service(years, days):
    on = datetime.date(2026, 1, 1)
    hired = datetime.date(2026 - years, 1, 1)
    assert statutory_annual_days(hire_date=hired, on=on) == Decimal(days)


def test_yearly_grant_is_idempotent(world):
    year = timezone.localdate().year + 2
    first = svc.leave_entitlements_grant(year=year)
    second = svc.leave_entitlements_grant(year=year)
    assert first == 5
    assert second == 0
    assert leave_balance(agent=world.agent, leave_type=leave_type("annual"), year=year) == Decimal(
        "5"
    )
