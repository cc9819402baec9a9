import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from staffing.demo import DEMO_PASSWORD, seed_people


class Command(BaseCommand):
    help = (
        "Create a realistic demo center (2 sites, 6 teams, about 150 agents, training, leave). "
        "Reproducible and idempotent: running it twice duplicates nothing."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            logins = seed_people(stdout=self.stdout)
        # Other apps add their demo data (queues, history, rosters) after the people.
        for path in getattr(settings, "DEMO_SEEDERS", []):
            import_string(path)(stdout=self.stdout)
        from staffing.models import Agent, LeaveRequest, TrainingRecord

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo center ready in {time.perf_counter() - started:.1f} s: "
                f"{Agent.objects.count()} agents, {TrainingRecord.objects.count()} training "
                f"records, {LeaveRequest.objects.count()} leave requests."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  admin      {logins.admin}")
        self.stdout.write(f"  HR         {logins.hr}")
        self.stdout.write(f"  team lead  {logins.team_lead}")
        self.stdout.write(f"  agent      {logins.agent}")
