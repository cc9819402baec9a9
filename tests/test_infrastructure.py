"""The services CI must run against. With CI=true an unreachable PostgreSQL or Redis fails the
run; it is never skipped. Without CI the suite runs on SQLite with tasks in-process."""

import os
import socket
import uuid
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.mark.django_db
def test_ci_runs_on_postgresql():
    if not IN_CI:
        assert connection.vendor in ("sqlite", "postgresql")
        return
    assert connection.vendor == "postgresql", (
        "CI=true but the suite is not running on PostgreSQL: set DATABASE_URL"
    )
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_ci_reaches_redis_broker():
    broker = settings.TEST_CELERY_BROKER_URL
    if not IN_CI and not broker:
        return
    assert broker.startswith("redis://"), "CI=true needs CELERY_BROKER_URL pointing at Redis"
    import redis

    client = redis.Redis.from_url(broker, socket_connect_timeout=3)
    key = f"wfm-test-{uuid.uuid4()}"
    client.set(key, "1", ex=10)
    assert client.get(key) == b"1"
    client.delete(key)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_task_runs_on_a_real_worker_through_the_broker():
    """A real Celery worker (in this process, solo pool) takes a staffing task from Redis and
    its effect lands in the database."""
    broker = settings.TEST_CELERY_BROKER_URL
    if not broker:
        if IN_CI:
            pytest.fail("CI=true needs CELERY_BROKER_URL")
        return  # no broker configured: tasks run in-process, covered elsewhere
    host = urlparse(broker)
    with socket.create_connection((host.hostname, host.port or 6379), timeout=3):
        pass
    import datetime
    import time

    from celery.contrib.testing.worker import start_worker
    from django.utils import timezone

    from config.celery_app import app
    from staffing.models import AgentSkill, CourseSkillGrant, Skill, TrainingRecord
    from staffing.tasks import skills_lapse_expired_task
    from tests.factories import AgentFactory, TrainingSessionFactory

    # given a skill granted by a certificate that has expired
    agent = AgentFactory()
    session = TrainingSessionFactory(starts_at=timezone.now() - datetime.timedelta(days=400))
    CourseSkillGrant.objects.create(
        course=session.course, skill=Skill.objects.get(code="cards"), proficiency=3
    )
    record = TrainingRecord.objects.create(
        agent=agent,
        session=session,
        status="passed",
        completed_on=datetime.date(2025, 1, 1),
        certificate_expires_on=datetime.date(2025, 12, 31),
    )
    skill = AgentSkill.objects.create(
        agent=agent,
        skill=Skill.objects.get(code="cards"),
        proficiency=3,
        valid_from=datetime.date(2025, 1, 1),
        source="training",
        training_record=record,
    )
    queue = f"test-{uuid.uuid4()}"
    app.conf.update(broker_url=broker, task_always_eager=False)
    try:
        # when the lapse job goes through the broker to a worker
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
        ):
            skills_lapse_expired_task.apply_async(kwargs={"today": "2026-01-05"}, queue=queue)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                skill.refresh_from_db()
                if skill.valid_until is not None:
                    break
                time.sleep(0.2)
        # then the worker applied it
        assert skill.valid_until == datetime.date(2025, 12, 31)
    finally:
        app.conf.update(task_always_eager=True)
