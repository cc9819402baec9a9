"""Celery interfaces to the roster services. Tasks take ids and call one service.

Solver tasks go to their own queue (settings.SOLVER_QUEUE) so that web-facing work is never
stuck behind a long solve. Reliability comes from the settings (late acknowledgement, reject on
worker lost: a killed worker's solve is redelivered) and from the services (a redelivered run
writes once).
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from scheduler.services import nightly, rosters

# Above the solver's own limit, so a hung solve is ended without killing healthy ones.
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
    run = rosters.roster_run_execute(run_id=run_id)
    return str(run.status)


@shared_task(name="scheduler.run_nightly", acks_late=True)
def run_nightly_task(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else None
    return nightly.run_nightly(today=day, enqueue=not settings.CELERY_TASK_ALWAYS_EAGER)
