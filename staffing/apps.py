from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from staffing import audit, readcache
        from staffing import models as m

        audit.start()
        # What the cached schedule pages and roster board read (staffing/readcache.py).
        readcache.track(
            m.Agent,
            m.AgentSkill,
            m.Course,
            m.LeaveRequest,
            m.LeaveType,
            m.Skill,
            m.Team,
            m.TrainingRecord,
            m.TrainingSession,
        )
