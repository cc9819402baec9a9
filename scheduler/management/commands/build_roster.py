import datetime
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from scheduler.models.rosters import PlanningUnit, RosterRun, RunStatus
from scheduler.selectors.roster_service import roster_summary_lines
from scheduler.services.rosters import roster_publish, roster_run_request


class Command(BaseCommand):
    help = "Build (and optionally publish) a roster for a planning unit and period."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--unit", required=True, help="planning unit code")
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--weeks", type=int, default=4)
        parser.add_argument("--publish", action="store_true", help="publish the draft")
        parser.add_argument("--time-limit", type=int, help="solver seconds (unit default)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        unit = PlanningUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            codes = ", ".join(PlanningUnit.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"Unknown planning unit {options['unit']!r} (known: {codes}).")
        try:
            start = datetime.date.fromisoformat(options["start"])
        except ValueError as error:
            raise CommandError(f"--start: {error}") from error
        if options["time_limit"]:
            unit.time_limit_seconds = options["time_limit"]
            unit.save(update_fields=["time_limit_seconds"])

        holder: dict[str, RosterRun] = {}
        done = threading.Event()
        bar = tqdm(total=100, desc=f"{unit.code} {start}", unit="%", disable=None)

        def watch() -> None:
            from django.db import connection

            try:
                while not done.wait(1.0):
                    run = holder.get("run")
                    if run is None:
                        continue
                    value = (
                        RosterRun.objects.filter(pk=run.pk)
                        .values_list("progress_percent", flat=True)
                        .first()
                    )
                    if value is not None:
                        bar.n = value
                        bar.refresh()
            finally:
                connection.close()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            with transaction.atomic():
                run = roster_run_request(
                    actor=None, unit=unit, period_start=start, weeks=options["weeks"]
                )
                holder["run"] = run
            # With a broker the worker solves it; without one it ran at commit.
            while True:
                run.refresh_from_db()
                if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
                    break
                time.sleep(1.0)
        finally:
            done.set()
            bar.n = 100 if run.status == RunStatus.SUCCEEDED else bar.n
            bar.close()
        if run.status != RunStatus.SUCCEEDED or run.result is None:
            raise CommandError(f"Run {run.pk} {run.status}: {run.error}")
        roster = run.result
        if options["publish"]:
            from django.contrib.auth import get_user_model

            admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
            if admin is None:
                raise CommandError("Publishing needs a superuser as the publisher.")
            roster = roster_publish(actor=admin, roster=roster)
        for line in roster_summary_lines(roster):
            self.stdout.write(line)
