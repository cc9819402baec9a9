"""Leave against staffing: the effect on service, automatic approval, the live roster."""

import pytest
from django.core.exceptions import ValidationError

from scheduler.models import Activity, Notification, Requirement, RosterRun
from scheduler.models.selfservice import LeaveImpact, LeavePolicy
from staffing.models import LeaveType
from staffing.models.leave import LeaveStatus
from staffing.selectors.leave import leave_balance
from staffing.services.leave import (
    leave_ledger_adjust,
    leave_request_approve,
    leave_request_cancel,
    leave_request_create,
)
from staffing.workdays import is_working_day

from .conftest import day_of, live

pytestmark = pytest.mark.django_db


def working_offset(center, agent_index):
    """A weekday of the week that is a working day and on which the agent has a shift."""
    from .conftest import works

    for offset in range(7):
        if works(agent_index, offset) and is_working_day(day_of(center, offset)):
            return offset
    raise AssertionError("no working day")


@pytest.fixture(autouse=True)
def commits(django_capture_on_commit_callbacks):
    """Run after-commit work (the assessment task, notices) as a real commit would."""
    return django_capture_on_commit_callbacks


def ask(center, index, offset, code="personal", commits=None):
    agent = center.agents[index]
    with commits(execute=True):
        return leave_request_create(
            actor=agent.user,
            agent=agent,
            leave_type=LeaveType.objects.get(code=code),
            start_on=day_of(center, offset),
            end_on=day_of(center, offset),
        )


def test_a_request_records_the_service_level_with_and_without_the_agent(center, week, commits):
    offset = working_offset(center, 5)
    request = ask(center, 5, offset, commits=commits)
    impact = LeaveImpact.objects.get(request=request)
    assert impact.rostered_days == [day_of(center, offset).isoformat()]
    shift = live(center.agents[5], day_of(center, offset))
    hours = (shift.end_at - shift.start_at).total_seconds() / 1800
    assert len(impact.intervals) == hours  # one row per half hour of the shift, one queue
    assert all(row["after"] <= row["before"] for row in impact.intervals)
    assert any(row["after"] < row["before"] for row in impact.intervals)
    assert impact.decision == "queued"
    assert Notification.objects.filter(user=center.lead, kind="leave_needs_decision").exists()


def test_the_team_policy_approves_automatically_when_the_target_holds(center, week, commits):
    LeavePolicy.objects.create(team=center.agents[5].team, auto_approve=True)
    # demand so low that any interval meets the target without the agent
    Requirement.objects.filter(queue=center.queue).update(volume=0.01)
    offset = working_offset(center, 5)
    request = ask(center, 5, offset, commits=commits)
    request.refresh_from_db()
    impact = LeaveImpact.objects.get(request=request)
    assert impact.target_holds and impact.decision == "auto_approved"
    assert request.status == LeaveStatus.APPROVED and request.decided_by is None
    # then: the live roster shows leave that day and a repair refills the cover
    row = live(center.agents[5], day_of(center, offset))
    assert row.activity == Activity.LEAVE
    assert RosterRun.objects.filter(trigger="repair").exists()


def test_below_target_the_request_waits_for_a_person_with_the_figures(center, week, commits):
    LeavePolicy.objects.create(team=center.agents[5].team, auto_approve=True)
    Requirement.objects.filter(queue=center.queue).update(volume=40.0)
    request = ask(center, 5, working_offset(center, 5), commits=commits)
    request.refresh_from_db()
    impact = LeaveImpact.objects.get(request=request)
    assert request.status == LeaveStatus.PENDING
    assert not impact.target_holds and impact.decision == "queued"
    assert "below the service target" in impact.reason


def test_approved_leave_never_leaves_a_shift_and_cancelling_gives_the_balance_back(
    center, week, commits
):
    agent = center.agents[5]
    annual = LeaveType.objects.get(code="annual")
    year = day_of(center, 0).year
    leave_ledger_adjust(
        actor=center.hr, agent=agent, leave_type=annual, year=year, days=5, note="grant"
    )
    offset = working_offset(center, 5)
    request = ask(center, 5, offset, code="annual", commits=commits)
    before = leave_balance(agent=agent, leave_type=annual, year=year)
    with commits(execute=True):
        leave_request_approve(actor=center.lead, request=request)
    day = day_of(center, offset)
    assert live(agent, day).activity == Activity.LEAVE
    assert leave_balance(agent=agent, leave_type=annual, year=year) == before - 1
    assert Notification.objects.filter(user=agent.user, kind="leave_decided").exists()
    # when: the approved leave is cancelled
    with commits(execute=True):
        leave_request_cancel(actor=agent.user, request=request)
    # then: the balance is back and the day is free on the live roster
    assert leave_balance(agent=agent, leave_type=annual, year=year) == before
    assert live(agent, day) is None


def test_working_day_leave_counts_the_rostered_shifts_of_a_24_7_agent(center, week, commits):
    # agent 6 works the late shift on Saturday and Sunday and is off Monday and Tuesday
    agent = center.agents[6]
    annual = LeaveType.objects.get(code="annual")
    leave_ledger_adjust(
        actor=center.hr,
        agent=agent,
        leave_type=annual,
        year=day_of(center, 0).year,
        days=5,
        note="grant",
    )
    with commits(execute=True):
        weekend = leave_request_create(
            actor=agent.user,
            agent=agent,
            leave_type=annual,
            start_on=day_of(center, 5),
            end_on=day_of(center, 6),
        )
    assert weekend.days == 2  # two rostered shifts, though Saturday and Sunday
    with pytest.raises(ValidationError) as caught:
        leave_request_create(
            actor=agent.user,
            agent=agent,
            leave_type=annual,
            start_on=day_of(center, 0),
            end_on=day_of(center, 1),
        )
    assert "end_on" in caught.value.message_dict  # rostered off: no working day to take
