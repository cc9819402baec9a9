from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from staffing import audit, readcache
        from staffing.models import (
            Agent,
            AgentSkill,
            Course,
            LeaveRequest,
            LeaveType,
            Skill,
            Team,
            TrainingRecord,
            TrainingSession,
        )

        audit.start()
        # What the cached schedule pages and roster board read (staffing/readcache.py).
        readcache.track(
            Agent,
            AgentSkill,
            Course,
            LeaveRequest,
            LeaveType,
            Skill,
            Team,
            TrainingRecord,
            TrainingSession,
        )
