"""Wall time of the nightly recompute over the demo center, with one and with two workers.

Needs PostgreSQL and Redis (the workers are separate processes sharing the database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wfm_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/5 .venv/bin/python benchmarks/nightly_demo.py

It migrates and seeds that database (2 sites, 6 teams, about 150 agents), forecasts, writes a
4-week draft for every planning unit, then for each worker count marks the drafts' inputs as
changed, enqueues the nightly job and times it until every run has finished.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", default="1,2", help="worker counts to time")
    parser.add_argument("--time-limit", type=int, default=60, help="solver seconds per unit")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not database.startswith("postgres") or not broker:
        print("set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    queue = f"solver-bench-{uuid.uuid4().hex[:6]}"
    os.environ["SOLVER_QUEUE"] = queue
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from config.celery_app import app
    from scheduler.models.rosters import PlanningUnit, Roster, RosterRun, RosterStatus
    from scheduler.services.demand import demand_refresh_all
    from scheduler.services.rosters import roster_run_execute, roster_run_request

    app.conf.update(task_always_eager=False, broker_url=broker)
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("seed_demo", stdout=sink)
    demand_refresh_all()
    today = datetime.date.today()
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
    PlanningUnit.objects.update(time_limit_seconds=args.time_limit)
    for unit in PlanningUnit.objects.all():
        if not Roster.objects.filter(unit=unit, period_start=monday).exists():
            app.conf.task_always_eager = True
            with transaction.atomic():
                run = roster_run_request(actor=None, unit=unit, period_start=monday, weeks=4)
            roster_run_execute(run_id=run.pk)
            app.conf.task_always_eager = False
    results = {}
    for count in [int(n) for n in args.workers.split(",")]:
        Roster.objects.filter(status=RosterStatus.DRAFT).update(input_fingerprint="stale")
        before = set(RosterRun.objects.values_list("pk", flat=True))
        env = dict(os.environ, SOLVER_WORKERS=str(max(1, 2 // count)))
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config.worker_app",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    queue,
                    "-l",
                    "warning",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"bench{i}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for i in range(count)
        ]
        try:
            time.sleep(3)
            started = time.monotonic()
            app.send_task("scheduler.run_nightly", kwargs={"today": today.isoformat()}, queue=queue)
            while True:
                runs = RosterRun.objects.exclude(pk__in=before)
                if runs.exists() and not runs.filter(status__in=["queued", "running"]).exists():
                    break
                if time.monotonic() - started > 1800:
                    raise SystemExit("nightly did not finish in 30 minutes")
                time.sleep(1)
            seconds = time.monotonic() - started
            statuses = list(runs.values_list("unit__code", "status"))
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
        results[f"{count}_workers"] = {"seconds": round(seconds, 1), "runs": statuses}
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key}: {value['seconds']} s, runs {value['runs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
