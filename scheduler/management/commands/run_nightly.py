import datetime

from django.core.management.base import BaseCommand, CommandError

from scheduler.services.nightly import run_nightly


class Command(BaseCommand):
    help = (
        "Run the nightly recompute in this process (for installs without a broker): refresh "
        "forecasts and requirements, re-solve drafts, repair published rosters whose inputs "
        "changed."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--today", help="the day to run as, YYYY-MM-DD (default today)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today: {error}") from error
        result = run_nightly(today=today, enqueue=False)
        from scheduler.models.rosters import RosterRun

        self.stdout.write(f"demand refreshed: {result['demand_refreshed']}")
        for run in RosterRun.objects.filter(pk__in=result["runs"]).select_related("unit"):
            self.stdout.write(
                f"{run.unit.code} {run.period_start} {run.trigger}: {run.status}"
                + (f" ({run.error})" if run.error else "")
            )
        if not result["runs"]:
            self.stdout.write("no roster inputs changed")
