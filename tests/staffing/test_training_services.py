import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from staffing.models import AgentSkill, CourseSkillGrant, TrainingRecord
from staffing.selectors.training import (
    agent_skills_valid_on,
    certificates_expiring,
    training_compliance,
)
from staffing.services import training as svc
from tests.factories import CourseFactory, TrainingSessionFactory, skill

pytestmark = pytest.mark.django_db


def enrolled(world, *, validity=12, grants=(("cards", 3),)):
    course = CourseFactory(certificate_validity_months=validity)
    for code, proficiency in grants:
        CourseSkillGrant.objects.create(course=course, skill=skill(code), proficiency=proficiency)
    session = TrainingSessionFactory(course=course)
    return svc.training_record_enroll(actor=world.hr, agent=world.agent, session=session)


def test_pass_grants_skills_and_sets_expiry(world):
    # given an enrolment in a course that grants cards at 3, valid 12 months
    record = enrolled(world)
    completed = timezone.localdate() + datetime.timedelta(days=8)
    # when HR records a pass
    record = svc.training_record_complete(
        actor=world.hr, record=record, status="passed", score=Decimal("88"), completed_on=completed
    )
    # then the skill is granted until the certificate expires
    assert record.certificate_expires_on == svc.add_months(completed, 12)
    granted = AgentSkill.objects.get(agent=world.agent, skill__code="cards")
    assert granted.proficiency == 3
    assert granted.source == "training"
    assert granted.valid_until == record.certificate_expires_on
    assert granted.training_record == record


def test_fail_grants_nothing(world):
    record = enrolled(world)
    completed = timezone.localdate() + datetime.timedelta(days=8)
    svc.training_record_complete(
        actor=world.hr, record=record, status="failed", score=Decimal("40"), completed_on=completed
    )
    assert not AgentSkill.objects.filter(agent=world.agent, skill__code="cards").exists()


def test_closed_record_cannot_be_completed_again(world):
    record = enrolled(world)
    completed = timezone.localdate() + datetime.timedelta(days=8)
    svc.training_record_complete(
        actor=world.hr, record=record, status="no_show", completed_on=completed
    )
    with pytest.raises(ValidationError) as error:
        svc.training_record_complete(
            actor=world.hr, record=record, status="passed", completed_on=completed
        )
    assert "status" in error.value.message_dict


def test_completion_before_session_is_refused(world):
    record = enrolled(world)
    with pytest.raises(ValidationError) as error:
        svc.training_record_complete(
            actor=world.hr, record=record, status="passed", completed_on=timezone.localdate()
        )
    assert error.value.message_dict == {"completed_on": [str(svc.COMPLETED_BEFORE_SESSION)]}


def test_only_hr_manages_training(world):
    session = TrainingSessionFactory()
    with pytest.raises(PermissionDenied):
        svc.training_record_enroll(actor=world.lead, agent=world.agent, session=session)


def test_capacity_and_double_enrolment(world):
    session = TrainingSessionFactory(capacity=1)
    svc.training_record_enroll(actor=world.hr, agent=world.agent, session=session)
    with pytest.raises(ValidationError) as error:
        svc.training_record_enroll(actor=world.hr, agent=world.agent, session=session)
    assert "agent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        svc.training_record_enroll(actor=world.hr, agent=world.colleague, session=session)
    assert "session" in error.value.message_dict


def test_expired_certificate_lapses_skill(world):
    # given a skill granted by a pass whose certificate has since expired
    record = enrolled(world, validity=1)
    completed = timezone.localdate() + datetime.timedelta(days=8)
    svc.training_record_complete(
        actor=world.hr, record=record, status="passed", completed_on=completed
    )
    expiry = TrainingRecord.objects.get(pk=record.pk).certificate_expires_on
    # someone extended the skill by hand past the certificate
    AgentSkill.objects.filter(agent=world.agent, skill__code="cards").update(valid_until=None)
    # when the daily job runs after expiry
    changed = svc.skills_lapse_expired(today=expiry + datetime.timedelta(days=1))
    # then the skill no longer counts for scheduling
    assert changed == 1
    day_after = expiry + datetime.timedelta(days=1)
    assert not agent_skills_valid_on(agent_ids=[world.agent.pk], day=day_after).filter(
        skill__code="cards"
    )
    assert agent_skills_valid_on(agent_ids=[world.agent.pk], day=expiry).filter(skill__code="cards")
    assert svc.skills_lapse_expired(today=day_after) == 0


def test_certificates_expiring_and_compliance(world):
    record = enrolled(world, validity=1)
    completed = timezone.localdate() + datetime.timedelta(days=8)
    svc.training_record_complete(
        actor=world.hr, record=record, status="passed", completed_on=completed
    )
    course = record.session.course
    course.mandatory_for_levels = ["intermediate"]
    course.save()
    expiring = certificates_expiring(today=completed, within_days=40)
    assert [r.pk for r in expiring] == [record.pk]
    rows = training_compliance(agent=world.agent, today=completed)
    assert rows == [
        {
            "course": course.code,
            "course_title": course.title,
            "compliant": True,
            "certificate_expires_on": svc.add_months(completed, 1),
        }
    ]
    later = svc.add_months(completed, 2)
    assert training_compliance(agent=world.agent, today=later)[0]["compliant"] is False


def test_add_months_clamps_month_end():
    assert svc.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert svc.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_recording_a_result_and_lapsing_skills_lock_only_their_own_rows(world, postgres_sql):
    # given an enrolment (PostgreSQL: FOR UPDATE OF names the locked table)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.concurrency import LOCK, joined_locks_without_of

    record = enrolled(world, validity=1)
    completed = timezone.localdate() + datetime.timedelta(days=8)
    # when a pass is recorded, then the certificate lapses
    with CaptureQueriesContext(connection) as captured:
        svc.training_record_complete(
            actor=world.hr, record=record, status="passed", completed_on=completed
        )
        svc.skills_lapse_expired(today=completed + datetime.timedelta(days=400))
    statements = [item["sql"] for item in captured.captured_queries]
    # then the agent, session and course rows read along were not locked
    assert any(LOCK.search(sql) for sql in statements)
    assert joined_locks_without_of(statements) == []
