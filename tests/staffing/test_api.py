import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from staffing.services.leave import END_BEFORE_START
from tests.conftest import client_for
from tests.etag import patch_fresh
from tests.factories import leave_type, skill

pytestmark = pytest.mark.django_db


def test_bad_leave_input_is_400_naming_the_field_and_writes_nothing(world):
    client = client_for(world.agent_user)
    day = datetime.date.today() + datetime.timedelta(days=40)
    response = client.post(
        reverse("api:staffing:leave-request-list"),
        {
            "leave_type": leave_type("annual").pk,
            "start_on": day.isoformat(),
            "end_on": (day - datetime.timedelta(days=2)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"end_on": [str(END_BEFORE_START)]}
    from staffing.models import LeaveRequest

    assert LeaveRequest.objects.count() == 0


def test_unknown_skill_and_out_of_range_proficiency(world):
    client = client_for(world.hr)
    response = client.post(
        reverse("api:staffing:agent-skill-list"),
        {"agent": world.agent.pk, "skill": 99999, "proficiency": 9},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "skill" in body and "proficiency" in body


def test_unparseable_date_names_the_field(world):
    client = client_for(world.agent_user)
    response = client.post(
        reverse("api:staffing:leave-request-list"),
        {"leave_type": leave_type("annual").pk, "start_on": "next tuesday", "end_on": "2026-13-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"start_on", "end_on"}


def test_contract_rules_apply_through_the_api(world):
    client = client_for(world.admin)
    response = client.post(
        reverse("api:staffing:contract-list"),
        {"code": "bad", "name": "Bad", "hours_per_day": "4", "hours_per_week": "40"},
        format="json",
    )
    assert response.status_code == 400
    assert "hours_per_week" in response.json()


def test_deleting_a_site_in_use_is_a_conflict(world):
    client = client_for(world.admin)
    response = client.delete(reverse("api:staffing:site-detail", args=[world.team_a.site_id]))
    assert response.status_code == 409


def test_token_authentication(world):
    world.agent_user.set_password("a-strong-password-9")
    world.agent_user.save()
    anonymous = APIClient()
    token = anonymous.post(
        reverse("api:auth-token"),
        {"username": "agent", "password": "a-strong-password-9"},
        format="json",
    ).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(reverse("api:staffing:me")).json()
    assert me["username"] == "agent"
    assert me["roles"] == ["agent"]
    assert me["agent"] == world.agent.pk


def test_openapi_schema_and_docs(world):
    client = client_for(world.agent_user)
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/staffing/leave-requests/{id}/approve/" in paths
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_full_leave_flow_through_the_api(world):
    # given an agent asking for a working day far enough ahead
    from tests.staffing.test_leave_services import working_week

    monday = working_week()
    agent = client_for(world.agent_user)
    created = agent.post(
        reverse("api:staffing:leave-request-list"),
        {
            "leave_type": leave_type("annual").pk,
            "start_on": monday.isoformat(),
            "end_on": (monday + datetime.timedelta(days=1)).isoformat(),
            "note": "dentist abroad",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    leave_id = created.json()["id"]
    # when the team lead approves
    lead = client_for(world.lead)
    approved = lead.post(
        reverse("api:staffing:leave-request-approve", args=[leave_id]), {"comment": "ok"}
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    # then the balance shows the days used, and approving again is a 409 naming the rule
    balances = agent.get(reverse("api:staffing:leave-balances"), {"year": monday.year}).json()
    annual = next(row for row in balances if row["leave_type"] == "annual")
    assert annual["balance"] == "8.00"
    again = lead.post(reverse("api:staffing:leave-request-approve", args=[leave_id]))
    assert again.status_code == 409
    assert again.json()["rule"] == "already_decided"


def test_training_completion_through_the_api_grants_skill(world):
    from django.utils import timezone

    from staffing.models import CourseSkillGrant, TrainingRecord
    from tests.factories import CourseFactory, TrainingSessionFactory

    course = CourseFactory(certificate_validity_months=6)
    CourseSkillGrant.objects.create(course=course, skill=skill("wealth"), proficiency=2)
    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - datetime.timedelta(hours=5)
    )
    record = TrainingRecord.objects.create(agent=world.agent, session=session)
    hr = client_for(world.hr)
    response = hr.post(
        reverse("api:staffing:training-record-complete", args=[record.pk]),
        {"status": "passed", "score": "91.5"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["certificate_expires_on"] is not None
    skills = client_for(world.agent_user).get(
        reverse("api:staffing:agent-skill-list"), {"agent": world.agent.pk}
    )
    assert "wealth" in [row["skill_code"] for row in skills.json()["results"]]


def test_audit_history_records_who_changed_what(world):
    client = client_for(world.hr)
    patch_fresh(
        client,
        reverse("api:staffing:agent-detail", args=[world.agent.pk]),
        {"level": "senior"},
        format="json",
    )
    history = world.agent.history.order_by("-history_date").first()
    assert history.level == "senior"
    assert history.history_user == world.hr
