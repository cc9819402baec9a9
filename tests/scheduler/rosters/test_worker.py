"""The roster lifecycle on a real Celery worker (separate process) with Redis and PostgreSQL.

Runs when CELERY_BROKER_URL is set and the database is PostgreSQL (the worker process must see
the test database); with CI=true it must run. On SQLite with no broker the same services are
covered in-process by test_lifecycle.py.
"""

import datetime
import os
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from scheduler.models.rosters import Roster, RosterRun, RosterStatus, RunStatus
from scheduler.services import rosters as svc
from tests.hard.jobs.support import Worker

ROOT = Path(__file__).resolve().parents[3]
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]


@pytest.fixture
def broker():
    url = settings.TEST_CELERY_BROKER_URL
    usable = bool(url) and connection.vendor == "postgresql"
    if not usable:
        if IN_CI:
            pytest.fail("CI needs PostgreSQL and Redis for the worker tests")
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (runs in CI)")
    return url


@pytest.fixture
def real_celery(broker, settings):
    """Send tasks to the broker on a queue of this test's own."""
    from config.celery_app import app

    queue = f"solver-test-{uuid.uuid4().hex[:8]}"
    settings.SOLVER_QUEUE = queue
    # the worker's writes change the generations in its own memory cache, not in this process's
    settings.READ_CACHE = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=broker, task_always_eager=False)
    yield queue
    app.conf.update(task_always_eager=True)


def wait_for(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def run_status(run_id: int) -> str:
    return RosterRun.objects.values_list("status", flat=True).get(pk=run_id)


def test_request_becomes_a_published_roster_on_a_real_worker(center, broker, real_celery, tmp_path):
    worker = Worker(broker, real_celery, tmp_path)
    try:
        with transaction.atomic():
            run = svc.roster_run_request(
                actor=center.lead, unit=center.unit, period_start=center.monday, weeks=1
            )
        wait_for(lambda: run_status(run.pk) == RunStatus.SUCCEEDED, 120, "the solve")
        run.refresh_from_db()
        roster = svc.roster_publish(actor=center.lead, roster=run.result)
        assert roster.status == RosterStatus.PUBLISHED
        assert roster.assignments.exclude(activity="leave").count() == 14 * 5
    finally:
        worker.stop()


def test_killed_worker_leaves_live_version_and_redelivery_writes_once(
    center, broker, real_celery, django_capture_on_commit_callbacks, settings, tmp_path
):
    # given a published first version, solved in-process
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery_app import app

    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        first_run = svc.roster_run_request(
            actor=center.lead, unit=center.unit, period_start=center.monday, weeks=1
        )
    first = RosterRun.objects.get(pk=first_run.pk).result
    svc.roster_publish(actor=center.lead, roster=first)
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # when a worker takes the next solve and is killed before it could write
    worker = Worker(broker, real_celery, tmp_path, SOLVER_FAULT_DELAY_SECONDS=30)
    try:
        with transaction.atomic():
            run = svc.roster_run_request(
                actor=center.lead, unit=center.unit, period_start=center.monday, weeks=1
            )
        wait_for(lambda: run_status(run.pk) == RunStatus.RUNNING, 60, "the solve to start")
        time.sleep(3)
        worker.kill()
        # then the published version is still live and nothing was written
        assert Roster.objects.get(pk=first.pk).status == RosterStatus.PUBLISHED
        assert not Roster.objects.filter(status=RosterStatus.DRAFT).exists()
        # and a new worker gets the redelivered task and writes exactly one new version
        worker = Worker(broker, real_celery, tmp_path)
        wait_for(lambda: run_status(run.pk) == RunStatus.SUCCEEDED, 150, "the redelivered solve")
        run.refresh_from_db()
        assert run.attempts == 2
        drafts = Roster.objects.filter(status=RosterStatus.DRAFT)
        assert drafts.count() == 1
        assert drafts.get().version == 2
        assert Roster.objects.get(pk=first.pk).status == RosterStatus.PUBLISHED
    finally:
        worker.stop()


def test_nightly_enqueued_five_times_solves_each_unit_period_once(
    center, broker, real_celery, django_capture_on_commit_callbacks, tmp_path
):
    from config.celery_app import app
    from scheduler.roster_tasks import run_nightly_task

    # given a draft whose inputs then change (an agent leaves the team's unit)
    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        svc.roster_run_request(
            actor=center.lead, unit=center.unit, period_start=center.monday, weeks=1
        )
    app.conf.task_always_eager = False
    leaver = center.agents[-1]
    leaver.left_on = center.monday + datetime.timedelta(days=2)
    leaver.is_active = False
    leaver.save()
    runs_before = RosterRun.objects.count()
    # when the nightly job is enqueued five times with two workers
    workers = [Worker(broker, real_celery, tmp_path), Worker(broker, real_celery, tmp_path)]
    try:
        today = (center.monday - datetime.timedelta(days=7)).isoformat()
        for _ in range(5):
            run_nightly_task.apply_async(kwargs={"today": today}, queue=real_celery)
        wait_for(
            lambda: (
                RosterRun.objects.count() > runs_before
                and not RosterRun.objects.filter(status__in=["queued", "running"]).exists()
            ),
            150,
            "the nightly solves",
        )
        time.sleep(4)  # let any late duplicate show itself
        # then exactly one solve ran for the unit and period, and one new draft exists
        nightly = RosterRun.objects.filter(trigger="nightly")
        assert nightly.count() == 1, list(nightly.values("status", "error"))
        assert nightly.get().status == RunStatus.SUCCEEDED
        assert Roster.objects.filter(status=RosterStatus.DRAFT).count() == 1
        assert Roster.objects.filter(status=RosterStatus.DRAFT).get().version == 2
    finally:
        for worker in workers:
            worker.stop()


def test_no_task_is_sent_for_a_rolled_back_transaction(center, broker, real_celery):
    import redis

    client = redis.Redis.from_url(broker)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        svc.roster_run_request(
            actor=center.lead, unit=center.unit, period_start=center.monday, weeks=1
        )
        raise Boom
    time.sleep(0.5)
    assert client.llen(real_celery) == 0
    assert not RosterRun.objects.exists()
