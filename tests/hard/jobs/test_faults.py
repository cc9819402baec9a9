"""Background jobs under faults, on real Celery workers (separate processes) with a private
Redis and PostgreSQL: a worker killed mid-solve, one job delivered five times to two workers, a
rolled-back request, a solve past its time limit, and the broker down for a while.

Each test prints its figure; run with
`DATABASE_URL=postgres://... pytest -m hard -s tests/hard/jobs`.
"""

import datetime
import time

import pytest
from django.db import transaction
from django.test import Client

from scheduler.models.rosters import Assignment, Roster, RosterRun, RosterStatus, RunStatus
from scheduler.roster_tasks import roster_run_execute_task, roster_run_sweep_task
from scheduler.services import rosters as svc
from tests.concurrency import client_for
from tests.hard.jobs.support import Worker, wait_for
from tests.scheduler.rosters.conftest import Center
from tests.scheduler.selfservice.conftest import publish_week

pytestmark = [
    pytest.mark.hard,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(120),
]

SOLVE_SECONDS = 2


def status_of(run_id: int) -> str:
    return RosterRun.objects.values_list("status", flat=True).get(pk=run_id)


def quick(center: Center) -> Center:
    center.unit.time_limit_seconds = SOLVE_SECONDS
    center.unit.save()
    return center


def request_in_transaction(center: Center) -> RosterRun:
    with transaction.atomic():
        return svc.roster_run_request(
            actor=center.lead, unit=center.unit, period_start=center.monday, weeks=1
        )


def test_killed_worker_mid_solve_keeps_live_version_and_redelivery_writes_once(
    center, private_redis, celery_on, tmp_path
):
    # given a published first version and a worker that takes the next solve
    quick(center)
    first = publish_week(center)
    worker = Worker(private_redis.url, celery_on, tmp_path, SOLVER_FAULT_DELAY_SECONDS=30)
    try:
        run = request_in_transaction(center)
        wait_for(lambda: status_of(run.pk) == RunStatus.RUNNING, 60, "the solve to start")
        # when the worker is killed (SIGKILL) while it solves
        time.sleep(1)
        worker.kill()
        killed_at = time.monotonic()
        # then the published version is still live and nothing was written
        assert Roster.objects.get(pk=first.pk).status == RosterStatus.PUBLISHED
        assert not Roster.objects.filter(status=RosterStatus.DRAFT).exists()
        # and the sweeper does not fail a run whose redelivery is still to come
        assert svc.roster_run_sweep()["failed"] == []
        # and a new worker gets the redelivered task and writes exactly one new version
        worker = Worker(private_redis.url, celery_on, tmp_path)
        wait_for(lambda: status_of(run.pk) == RunStatus.SUCCEEDED, 90, "the redelivered solve")
        redelivered_after = time.monotonic() - killed_at
        run.refresh_from_db()
        drafts = Roster.objects.filter(status=RosterStatus.DRAFT)
        print(
            f"\nworker killed mid-solve: redelivered and solved {redelivered_after:.1f} s later, "
            f"attempts={run.attempts}, new drafts={drafts.count()}, "
            f"published v1 still live={Roster.objects.get(pk=first.pk).status == 'published'}"
        )
        assert run.attempts == 2
        assert drafts.count() == 1
        assert drafts.get().version == 2
        assert run.result_id == drafts.get().pk
        assert Roster.objects.get(pk=first.pk).status == RosterStatus.PUBLISHED
    finally:
        worker.stop()


def test_one_job_sent_five_times_to_two_workers_is_solved_once(
    center, private_redis, celery_on, tmp_path
):
    # given a queued run and two workers whose solves take a while (so deliveries overlap;
    # the 4 s visibility timeout also redelivers the message under solve)
    quick(center)
    publish_week(center)
    workers = [
        Worker(private_redis.url, celery_on, tmp_path, name=f"w{i}", SOLVER_FAULT_DELAY_SECONDS=4)
        for i in range(2)
    ]
    try:
        run = request_in_transaction(center)
        # when the same job is sent four more times
        for _ in range(4):
            roster_run_execute_task.apply_async(args=[run.pk], queue=celery_on)
        wait_for(lambda: status_of(run.pk) == RunStatus.SUCCEEDED, 90, "the solve")
        wait_for(lambda: private_redis.queue_length(celery_on) == 0, 30, "the queue to drain")
        time.sleep(3)  # a late duplicate would show itself here
        # then one solve ran for the unit and period, and wrote one version
        run.refresh_from_db()
        drafts = Roster.objects.filter(unit=center.unit, status=RosterStatus.DRAFT)
        print(
            f"\nsame job sent 5 times to 2 workers: solves={run.log.count('started')}, "
            f"attempts={run.attempts}, runs={RosterRun.objects.count()}, drafts={drafts.count()}"
        )
        assert run.attempts == 1
        assert RosterRun.objects.count() == 1
        assert drafts.count() == 1
        assert drafts.get().version == 2
    finally:
        for worker in workers:
            worker.stop()


def test_no_task_is_sent_for_a_rolled_back_transaction(center, private_redis, celery_on):
    class Boom(Exception):
        pass

    # when a request is made in a transaction that rolls back
    with pytest.raises(Boom), transaction.atomic():
        svc.roster_run_request(
            actor=center.lead, unit=center.unit, period_start=center.monday, weeks=1
        )
        raise Boom
    rolled_back = private_redis.queue_length(celery_on)
    # then nothing reached the broker and no run exists; a committed request does send one
    assert rolled_back == 0
    assert not RosterRun.objects.exists()
    request_in_transaction(center)
    committed = private_redis.queue_length(celery_on)
    print(f"\ntasks sent: rolled-back request={rolled_back}, committed request={committed}")
    assert committed == 1


def test_solve_past_its_time_limit_fails_with_a_reason_and_writes_nothing(
    center, private_redis, celery_on, tmp_path, settings
):
    # given a published version and a worker (prefork: time limits need it) whose solve runs
    # past the task's soft limit (1 s of solving plus 2 s of grace) before writing its draft
    quick(center)
    center.unit.time_limit_seconds = 1
    center.unit.save()
    settings.SOLVER_TASK_GRACE_SECONDS = 2  # the sender sets the task's limits
    first = publish_week(center)
    worker = Worker(
        private_redis.url,
        celery_on,
        tmp_path,
        pool="prefork",
        SOLVER_TASK_GRACE_SECONDS=2,
        SOLVER_FAULT_DELAY_SECONDS=30,
    )
    try:
        started = time.monotonic()
        run = request_in_transaction(center)
        # when the time is up
        wait_for(lambda: status_of(run.pk) == RunStatus.FAILED, 60, "the run to be stopped")
        seconds = time.monotonic() - started
        # then the run failed with the reason, and no draft or draft rows were written
        run.refresh_from_db()
        print(f"\nsolve past its time limit: failed after {seconds:.1f} s: {run.error}")
        assert "past its time limit" in run.error
        assert run.result is None
        assert not Roster.objects.filter(status=RosterStatus.DRAFT).exists()
        assert not Assignment.objects.exclude(roster=first).exists()
        assert Roster.objects.get(pk=first.pk).status == RosterStatus.PUBLISHED
    finally:
        worker.stop()


def test_broker_down_requests_stay_queued_and_run_when_it_is_back(
    center, private_redis, celery_on, tmp_path, settings
):
    # given a published week and the broker down
    quick(center)
    publish_week(center)
    private_redis.stop()
    try:
        # when a lead asks for the roster through the API while the broker is down
        started = time.monotonic()
        answer = client_for(center.lead).post(
            "/api/rosters/runs/",
            {"unit": center.unit.pk, "period_start": center.monday.isoformat(), "weeks": 1},
            format="json",
        )
        api_seconds = time.monotonic() - started
        # then the answer is clean: the run is accepted and waits, queued, in the database
        assert answer.status_code == 201, answer.content
        run = RosterRun.objects.get(pk=answer.json()["id"])
        assert run.status == RunStatus.QUEUED
        assert run.task_id == ""
        assert "job queue unreachable" in run.log
        assert not Roster.objects.filter(status=RosterStatus.DRAFT).exists()
        # and the same through the page that generates a roster (the next period)
        next_week = center.monday + datetime.timedelta(days=7)
        client = Client()
        client.force_login(center.lead)
        page = client.post(
            "/scheduler/rosters/generate/",
            {"unit": center.unit.pk, "period_start": next_week.isoformat(), "weeks": 1},
        )
        assert page.status_code == 302
        page_run = RosterRun.objects.get(period_start=next_week)
        assert page_run.status == RunStatus.QUEUED and page_run.task_id == ""
    finally:
        private_redis.start()
    # when the broker is back and the periodic sweeper runs (sent as beat would send it)
    back = time.monotonic()
    worker = Worker(private_redis.url, celery_on, tmp_path, ROSTER_RUN_UNSENT_AFTER_SECONDS=0)
    try:
        roster_run_sweep_task.apply_async(queue=celery_on)
        wait_for(
            lambda: not RosterRun.objects.exclude(status=RunStatus.SUCCEEDED).exists(),
            90,
            "both runs to be solved",
        )
        resumed = time.monotonic() - back
        print(
            f"\nbroker down: API answered 201 (queued locally) in {api_seconds:.2f} s; "
            f"both runs solved {resumed:.1f} s after the broker came back; "
            f"drafts={Roster.objects.filter(status=RosterStatus.DRAFT).count()}"
        )
        assert Roster.objects.filter(status=RosterStatus.DRAFT).count() == 2
    finally:
        worker.stop()
