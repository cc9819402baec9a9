"""Mandatory-training compliance per team, through the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from staffing.models import TrainingRecord
from staffing.models.training import TrainingStatus
from tests.factories import CourseFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def test_compliance_counts_valid_passes_of_mandatory_courses(world):
    # given: a course mandatory for the agent's level; only the agent holds a valid pass
    agent = world.agent
    course = CourseFactory(code="aml", mandatory_for_levels=[agent.level])
    past = timezone.now() - datetime.timedelta(days=40)
    session = TrainingSessionFactory(
        course=course, starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    TrainingRecord.objects.create(
        agent=agent,
        session=session,
        status=TrainingStatus.PASSED,
        completed_on=past.date(),
        certificate_expires_on=timezone.localdate() + datetime.timedelta(days=300),
    )
    client = APIClient()
    client.force_authenticate(world.hr)
    # when
    data = client.get(reverse("api:staffing:team-compliance", args=[agent.team_id])).json()
    # then
    rows = {row["employee_number"]: row for row in data["agents"]}
    assert rows[agent.employee_number]["compliant"] is True
    others = [row for number, row in rows.items() if number != agent.employee_number]
    assert all(
        not row["compliant"] for row in others if any(c["course"] == "aml" for c in row["courses"])
    )
    assert data["agents_total"] == len(rows)
    assert data["agents_compliant"] == sum(1 for row in rows.values() if row["compliant"])
