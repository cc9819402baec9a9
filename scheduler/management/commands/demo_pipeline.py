import datetime
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from scheduler.models.rosters import PlanningUnit, Roster, RosterStatus, RunStatus
from scheduler.selectors.roster_service import roster_summary_lines
from scheduler.services.demand import demand_refresh_all
from scheduler.services.rosters import roster_publish, roster_run_execute, roster_run_request


class Command(BaseCommand):
    help = (
        "The demo's main job: forecast every queue, then build and publish a 4-week roster for "
        "every planning unit, and print what came out."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--weeks", type=int, default=4)
        parser.add_argument("--time-limit", type=int, default=None, help="solver seconds per unit")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        counts = demand_refresh_all()
        self.stdout.write(f"forecasts and requirements refreshed: {counts}")
        today = timezone.localdate()
        monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
        admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if admin is None:
            raise CommandError("Run seed_demo first: publishing needs the demo admin.")
        units = list(PlanningUnit.objects.order_by("code"))
        if not units:
            raise CommandError("No planning units: run seed_demo first.")
        for unit in units:
            if options["time_limit"]:
                unit.time_limit_seconds = options["time_limit"]
                unit.save(update_fields=["time_limit_seconds"])
            live = Roster.objects.filter(
                unit=unit, period_start=monday, status=RosterStatus.PUBLISHED
            ).first()
            if live is not None:
                self.stdout.write(f"{unit.code}: roster from {monday} already published")
                for line in roster_summary_lines(live):
                    self.stdout.write(line)
                continue
            with transaction.atomic():
                run = roster_run_request(
                    actor=admin, unit=unit, period_start=monday, weeks=options["weeks"]
                )
            run = roster_run_execute(run_id=run.pk)  # no-op when it already ran at commit
            if run.status != RunStatus.SUCCEEDED or run.result is None:
                raise CommandError(f"{unit.code}: run {run.pk} {run.status}: {run.error}")
            roster = roster_publish(actor=admin, roster=run.result)
            for line in roster_summary_lines(roster):
                self.stdout.write(line)
        self._self_service(units, monday, admin)
        self.stdout.write(
            self.style.SUCCESS(f"demo pipeline done in {time.perf_counter() - started:.0f} s")
        )

    def _self_service(self, units, monday, admin):  # type: ignore[no-untyped-def]
        """The engine posts the live rosters' short periods on the open board, and refreshers
        are proposed for certificates expiring within 30 days."""
        from scheduler.models.selfservice import OpenShift, OpenShiftSource
        from scheduler.services.open_shifts import open_shifts_post_under_covered
        from scheduler.services.refreshers import refreshers_propose

        for unit in units:
            live = Roster.objects.filter(
                unit=unit, period_start=monday, status=RosterStatus.PUBLISHED
            ).first()
            if live is None:
                continue
            if OpenShift.objects.filter(unit=unit, source=OpenShiftSource.ENGINE).exists():
                continue
            posted = open_shifts_post_under_covered(actor=admin, roster=live, limit=20)
            self.stdout.write(f"{unit.code}: {len(posted)} under-covered shifts on the open board")
        self.stdout.write(f"refresher proposals: {refreshers_propose()} new")
