"""The training-to-skill loop: expiring certificates, refreshers placed by the engine."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from scheduler import bridge
from scheduler.models import Assignment, Notification
from scheduler.models.selfservice import RefresherProposal, RefresherStatus
from scheduler.selectors.roster_demand import unit_demand
from scheduler.services.refreshers import refresher_book, refresher_decline, refreshers_propose
from staffing.models import TrainingRecord
from staffing.models.training import TrainingStatus
from tests.factories import CourseFactory, TrainingSessionFactory

from .conftest import day_of

pytestmark = pytest.mark.django_db


def expiring(center, index=5, days_after_monday=5):
    agent = center.agents[index]
    course = CourseFactory(code="compliance", hours=2, certificate_validity_months=12)
    past = datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)
    session = TrainingSessionFactory(
        course=course, starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    return TrainingRecord.objects.create(
        agent=agent,
        session=session,
        status=TrainingStatus.PASSED,
        completed_on=past.date(),
        certificate_expires_on=day_of(center, days_after_monday),
    )


def test_an_expiring_certificate_gets_a_refresher_inside_a_shift_and_notices(center, week):
    record = expiring(center)
    today = day_of(center, 0) - datetime.timedelta(days=20)
    # when
    assert refreshers_propose(today=today) == 1
    assert refreshers_propose(today=today) == 0  # once per certificate
    # then: the slot lies inside one of the agent's shifts before expiry, outside the break
    proposal = RefresherProposal.objects.get(record=record)
    assert proposal.status == RefresherStatus.PROPOSED
    assert proposal.ends_at - proposal.starts_at == datetime.timedelta(hours=2)
    shift = Assignment.objects.get(
        agent=record.agent,
        is_live=True,
        start_at__lte=proposal.starts_at,
        end_at__gte=proposal.ends_at,
    )
    assert shift.start_at <= proposal.starts_at and proposal.ends_at <= shift.end_at
    break_end = shift.break_start_at + datetime.timedelta(minutes=shift.break_minutes)
    assert proposal.ends_at <= shift.break_start_at or proposal.starts_at >= break_end
    assert shift.day < record.certificate_expires_on
    for user in (record.agent.user, center.lead):
        assert Notification.objects.filter(user=user, kind="certificate_expiring").exists()


def test_booking_enrols_the_agent_and_the_next_solve_sees_off_phone_time(center, week):
    record = expiring(center)
    refreshers_propose(today=day_of(center, 0) - datetime.timedelta(days=20))
    proposal = RefresherProposal.objects.get(record=record)
    with pytest.raises(PermissionDenied):
        refresher_book(actor=center.agents[6].user, proposal=proposal)
    booked = refresher_book(actor=center.lead, proposal=proposal)
    assert booked.status == RefresherStatus.SCHEDULED and booked.session is not None
    enrolled = TrainingRecord.objects.get(session=booked.session)
    assert enrolled.agent_id == record.agent_id and enrolled.status == TrainingStatus.ENROLLED
    period = bridge.build_period_problem(
        unit=center.unit,
        first_day=center.monday,
        num_days=7,
        demand=unit_demand(unit=center.unit, first_day=center.monday, num_days=7),
    )
    (activity,) = period.problem.off_phone
    assert activity.agent_id == record.agent.employee_number
    assert period.at(activity.start_minute) == booked.starts_at


def test_a_declined_proposal_cannot_be_booked(center, week):
    record = expiring(center)
    refreshers_propose(today=day_of(center, 0) - datetime.timedelta(days=20))
    proposal = refresher_decline(
        actor=center.hr, proposal=RefresherProposal.objects.get(record=record)
    )
    from scheduler.services.errors import Conflict

    with pytest.raises(Conflict):
        refresher_book(actor=center.hr, proposal=proposal)
