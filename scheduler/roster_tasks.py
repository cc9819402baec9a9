"""Celery interfaces to the roster services. Tasks take ids and call one service.

Solver tasks go to their own queue (settings.SOLVER_QUEUE) so that web-facing work is never
stuck behind a long solve. Reliability comes from the settings (late acknowledgement, reject on
worker lost: a killed worker's solve is redelivered) and from the services (one process at a time
executes a run, and a redelivered run writes once). When the broker is unreachable a run stays
queued in the database and the periodic sweeper sends it once the broker is back.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerUnreachable

from scheduler.services import nightly, rosters

logger = logging.getLogger(__name__)

# The default limits, for a task sent without its own (roster_run_send sets them per run, from
# the run's solver time limit): above the longest allowed solve, so healthy ones are never cut.
HARD_TIME_LIMIT_SECONDS = 3900


@shared_task(
    name="scheduler.roster_run_execute",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    soft_time_limit=HARD_TIME_LIMIT_SECONDS - 60,
    time_limit=HARD_TIME_LIMIT_SECONDS,
)
def roster_run_execute_task(run_id: int) -> str:
    run = rosters.roster_run_execute(run_id=run_id, time_limit_errors=(SoftTimeLimitExceeded,))
    return str(run.status)


def roster_run_send(*, run_id: int, time_limit_seconds: int) -> str | None:
    """Send a run to the solver queue; the task id, or None when the broker is unreachable.

    The task's soft limit is the solver's limit plus settings.SOLVER_TASK_GRACE_SECONDS (reading
    inputs, writing the draft); past it the run fails with a reason and writes nothing. The hard
    limit, a little later, ends a solve that ignores the soft one (the sweeper then fails the run).
    """
    soft = time_limit_seconds + settings.SOLVER_TASK_GRACE_SECONDS
    options = {
        "args": [run_id],
        "queue": settings.SOLVER_QUEUE,
        "soft_time_limit": soft,
        "time_limit": soft + settings.SOLVER_TASK_KILL_AFTER_SECONDS,
        "retry_policy": {"max_retries": settings.BROKER_SEND_RETRIES},
    }
    if roster_run_execute_task.app.conf.task_always_eager:
        # In-process: an error here is the run's own, never a broker outage.
        return roster_run_execute_task.apply_async(**options).id or ""
    try:
        result = roster_run_execute_task.apply_async(**options)
    except (BrokerUnreachable, ConnectionError, OSError) as error:
        logger.warning("roster run %s not sent, the broker is unreachable: %s", run_id, error)
        return None
    return result.id or ""


@shared_task(name="scheduler.roster_run_sweep", acks_late=True)
def roster_run_sweep_task() -> dict[str, list[int]]:
    """Every minute: send runs the broker never got, fail runs whose worker is gone."""
    return rosters.roster_run_sweep()


@shared_task(name="scheduler.run_nightly", acks_late=True)
def run_nightly_task(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else None
    return nightly.run_nightly(today=day, enqueue=not settings.CELERY_TASK_ALWAYS_EAGER)
