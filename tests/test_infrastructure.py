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
    """A real Celery worker (in this process, solo pool) takes a staffing task from Redis."""
    broker = settings.TEST_CELERY_BROKER_URL
    if not broker:
        if IN_CI:
            pytest.fail("CI=true needs CELERY_BROKER_URL")
        return  # no broker configured: tasks run in-process, covered elsewhere
    host = urlparse(broker)
    with socket.create_connection((host.hostname, host.port or 6379), timeout=3):
        pass
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app
    from staffing.tasks import skills_lapse_expired_task

    app.conf.update(
        broker_url=broker,
        result_backend=broker,
        task_always_eager=False,
        task_default_queue=f"test-{uuid.uuid4()}",
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = skills_lapse_expired_task.apply_async(
                kwargs={"today": "2030-01-01"}, queue=app.conf.task_default_queue
            )
            assert result.get(timeout=30) == 0
    finally:
        app.conf.update(task_always_eager=True, broker_url=settings.CELERY_BROKER_URL or None)
