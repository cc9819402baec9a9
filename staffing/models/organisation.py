from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..audit import AuditedHistory, AuditedManager


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class Site(models.Model):
    """A physical or virtual center; rosters and shift times are shown in its zone."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    planning_interval_minutes = models.PositiveSmallIntegerField(
        _("planning interval (minutes)"),
        default=30,
        choices=[(15, "15"), (30, "30")],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="teams")
    team_leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_teams", verbose_name=_("team leads")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """Working-time terms. Full-time in our centers is 8 h a day, 40 h a week."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    hours_per_day = models.DecimalField(
        _("hours per day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("12"))],
    )
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("60"))],
    )
    working_days_per_week = models.PositiveSmallIntegerField(
        _("working days per week"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    max_consecutive_working_days = models.PositiveSmallIntegerField(
        _("max consecutive working days"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    night_work_allowed = models.BooleanField(_("night work allowed"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.hours_per_day is not None
            and self.hours_per_week is not None
            and self.working_days_per_week
            and self.hours_per_day * self.working_days_per_week < self.hours_per_week
        ):
            raise ValidationError(
                {
                    "hours_per_week": _(
                        "Hours per week cannot exceed hours per day times working days per week."
                    )
                }
            )


class Level(models.TextChoices):
    JUNIOR = "junior", _("Junior agent")  # first year, supervised
    INTERMEDIATE = "intermediate", _("Intermediate agent")  # works all standard queues alone
    SENIOR = "senior", _("Senior agent")  # handles escalations, mentors juniors
    TEAM_LEAD = "team_lead", _("Team lead")  # owns a team; supervisor-level on the floor
    SUPERVISOR = "supervisor", _("Supervisor")  # floor supervisor over several teams


#: Levels that count as supervisor-level cover on the floor.
SUPERVISOR_LEVELS = frozenset({Level.TEAM_LEAD, Level.SUPERVISOR})


class Agent(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agent",
        verbose_name=_("user"),
    )
    employee_number = models.CharField(_("employee number"), max_length=32, unique=True)
    full_name = models.CharField(_("name"), max_length=120)
    hire_date = models.DateField(_("hire date"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.JUNIOR)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="agents", verbose_name=_("team")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="agents", verbose_name=_("contract")
    )
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["employee_number"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_number})"

    @property
    def is_supervisor_level(self) -> bool:
        return self.level in SUPERVISOR_LEVELS

    def clean(self) -> None:
        if self.left_on and self.hire_date and self.left_on < self.hire_date:
            raise ValidationError(
                {"left_on": _("The leaving date cannot be before the hire date.")}
            )
