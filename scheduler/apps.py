from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulerConfig(AppConfig):
    name = "scheduler"
    verbose_name = _("Scheduler")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scheduler import signals
        from scheduler.models import (
            Assignment,
            Notification,
            OpenShift,
            PlanningUnit,
            Roster,
            ShiftTemplate,
        )
        from staffing import readcache

        signals.connect()
        # What the cached schedule pages and roster board read (staffing/readcache.py).
        readcache.track(Assignment, Notification, OpenShift, PlanningUnit, Roster, ShiftTemplate)
