"""Training catalogue, sessions, enrolment, results, expiring certificates, skills."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staffing.models import TrainingRecord
from staffing.models.training import TrainingStatus
from staffing.versions import STALE_RECORD
from tests.etag import version_of
from tests.factories import AgentSkillFactory, CourseFactory, TrainingSessionFactory, skill

pytestmark = pytest.mark.django_db

PAGES = [
    ("hr:training", []),
    ("hr:certificates-expiring", []),
    ("hr:skill-list", []),
]


def test_catalogue_lists_courses_and_sessions(client, world):
    # given
    session = TrainingSessionFactory(
        course=CourseFactory(code="aml", title="Anti-money laundering")
    )
    client.force_login(world.hr)

    # when
    response = client.get(reverse("hr:training"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anti-money laundering" in page
    assert reverse("hr:training-session", args=[session.pk]) in page
    assert "0 / 10" in page


def test_hr_enrols_an_agent(client, world):
    # given
    session = TrainingSessionFactory()
    client.force_login(world.hr)

    # when
    response = client.post(
        reverse("hr:training-session", args=[session.pk]), {"agent": world.agent.pk}, follow=True
    )

    # then
    assert TrainingRecord.objects.filter(agent=world.agent, session=session).exists()
    page = response.content.decode()
    assert "is enrolled" in page and world.agent.full_name in page


def test_enrolling_twice_shows_the_error(client, world):
    session = TrainingSessionFactory()
    client.force_login(world.hr)
    url = reverse("hr:training-session", args=[session.pk])
    client.post(url, {"agent": world.agent.pk})

    response = client.post(url, {"agent": world.agent.pk})

    assert response.status_code == 400
    assert "already enrolled" in response.content.decode()


def test_hr_records_a_pass_which_sets_the_certificate(client, world):
    # given an enrolment in a session that has taken place
    session = TrainingSessionFactory()
    record = TrainingRecord.objects.create(agent=world.agent, session=session)
    session.starts_at = timezone.now() - datetime.timedelta(days=2)
    session.ends_at = session.starts_at + datetime.timedelta(hours=4)
    session.save()
    client.force_login(world.hr)
    prefix = f"record-{record.pk}"

    # when
    response = client.post(
        reverse("hr:training-result", args=[record.pk]),
        {
            f"{prefix}-status": "passed",
            f"{prefix}-score": "91",
            f"{prefix}-completed_on": "",
            "version": version_of(record),
        },
        follow=True,
    )

    # then
    record.refresh_from_db()
    assert record.status == TrainingStatus.PASSED
    assert record.certificate_expires_on is not None
    assert "is recorded" in response.content.decode()


def test_a_result_error_is_shown_next_to_that_form(client, world):
    session = TrainingSessionFactory()
    record = TrainingRecord.objects.create(agent=world.agent, session=session)
    client.force_login(world.hr)
    prefix = f"record-{record.pk}"

    response = client.post(
        reverse("hr:training-result", args=[record.pk]),
        {f"{prefix}-status": "attended", f"{prefix}-score": "50", "version": version_of(record)},
    )

    assert response.status_code == 400
    assert "A score is given only with a pass or a fail." in response.content.decode()


def test_expiring_certificates_within_60_days(client, world):
    # given one certificate expiring in 30 days and one in 90
    today = timezone.localdate()
    for agent, days in ((world.agent, 30), (world.other, 90)):
        session = TrainingSessionFactory(course=CourseFactory(code=f"c{days}", title=f"C{days}"))
        TrainingRecord.objects.create(
            agent=agent,
            session=session,
            status=TrainingStatus.PASSED,
            completed_on=today - datetime.timedelta(days=300),
            certificate_expires_on=today + datetime.timedelta(days=days),
        )
    client.force_login(world.hr)

    # when
    page = client.get(reverse("hr:certificates-expiring")).content.decode()

    # then
    assert "C30" in page and world.agent.full_name in page
    assert "C90" not in page


def test_skills_and_levels(client, world):
    AgentSkillFactory(agent=world.agent, skill=skill("voice"), proficiency=4)
    client.force_login(world.hr)

    page = client.get(reverse("hr:skill-list"), {"team": world.team_a.pk}).content.decode()

    assert world.agent.full_name in page and "(4)" in page
    assert world.agent.get_level_display() in page
    assert world.other.full_name not in page


@pytest.mark.parametrize(("name", "args"), PAGES)
@pytest.mark.parametrize("role", ["agent", "team_lead"])
def test_training_pages_are_hr_only(client, world, name, args, role):
    client.force_login(world.user_for(role))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_agent_cannot_enrol_or_record(client, world):
    session = TrainingSessionFactory()
    record = TrainingRecord.objects.create(agent=world.colleague, session=session)
    client.force_login(world.agent_user)

    enrol = client.post(
        reverse("hr:training-session", args=[session.pk]), {"agent": world.agent.pk}
    )
    result = client.post(reverse("hr:training-result", args=[record.pk]), {})

    assert enrol.status_code == 403 and result.status_code == 403
    assert TrainingRecord.objects.count() == 1


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_goes_to_login(client, world, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_pages_render_for_admin(client, world):
    client.force_login(world.admin)
    for name, args in PAGES:
        assert client.get(reverse(name, args=args)).status_code == 200


def test_a_result_from_a_stale_page_is_refused_and_nothing_is_overwritten(client, world):
    # given HR opened the session page, then someone else recorded a fail
    session = TrainingSessionFactory()
    record = TrainingRecord.objects.create(agent=world.agent, session=session)
    client.force_login(world.hr)
    shown = version_of(record)
    TrainingRecord.objects.filter(pk=record.pk).update(status=TrainingStatus.ATTENDED)
    prefix = f"record-{record.pk}"

    # when HR saves a pass from the page they opened before
    response = client.post(
        reverse("hr:training-result", args=[record.pk]),
        {f"{prefix}-status": "passed", f"{prefix}-score": "91", "version": shown},
    )

    # then it is refused with the stale-record error and the other change stands
    assert response.status_code == 409
    assert str(STALE_RECORD) in response.content.decode()
    record.refresh_from_db()
    assert record.status == TrainingStatus.ATTENDED
    assert record.score is None
