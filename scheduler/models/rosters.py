"""Rosters: planning units, shift templates, roster versions, assignments, runs, fairness."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffing.audit import AuditedHistory, AuditedManager


def validate_weekdays(value: object) -> None:
    if not isinstance(value, list) or any(
        not isinstance(day, int) or not 0 <= day <= 6 for day in value
    ):
        raise ValidationError(_("Enter weekdays as numbers from 0 (Monday) to 6 (Sunday)."))


class PlanningUnit(models.Model):
    """The agents whose roster covers a set of queues: a site, or teams sharing queues."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(
        "staffing.Site", on_delete=models.PROTECT, related_name="planning_units"
    )
    teams = models.ManyToManyField("staffing.Team", related_name="planning_units")
    queues = models.ManyToManyField("scheduler.Queue", related_name="planning_units", blank=True)
    # Solver settings per unit; the defaults suit a unit of a few hundred agents.
    time_limit_seconds = models.PositiveIntegerField(
        _("solver time limit (seconds)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(3600)],
    )
    min_rest_hours = models.PositiveSmallIntegerField(_("minimum rest (hours)"), default=11)
    days_off_together = models.PositiveSmallIntegerField(
        _("consecutive days off per week"), default=2, validators=[MaxValueValidator(3)]
    )
    supervisor_coverage = models.BooleanField(_("a supervisor always on duty"), default=True)
    notice_hours = models.PositiveSmallIntegerField(
        _("notice window for changes (hours)"), default=48
    )

    objects = AuditedManager()
    history = AuditedHistory(m2m_fields=["teams", "queues"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("planning unit")
        verbose_name_plural = _("planning units")

    def __str__(self) -> str:
        return self.name


class ShiftTemplate(models.Model):
    site = models.ForeignKey("staffing.Site", on_delete=models.PROTECT, related_name="shifts")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=120)
    start_time = models.TimeField(_("start time"))
    paid_minutes = models.PositiveSmallIntegerField(
        _("paid length (minutes)"), default=480, validators=[MinValueValidator(60)]
    )
    break_minutes = models.PositiveSmallIntegerField(_("meal break (minutes)"), default=60)
    break_earliest_offset_minutes = models.PositiveSmallIntegerField(
        _("break window opens (minutes after start)"), default=180
    )
    break_latest_offset_minutes = models.PositiveSmallIntegerField(
        _("break window closes (minutes after start)"), default=300
    )
    weekdays = models.JSONField(
        _("weekdays"), default=list, blank=True, validators=[validate_weekdays]
    )
    is_night = models.BooleanField(_("night shift"), default=False)
    color = models.CharField(_("colour"), max_length=7, default="#4c78a8")
    is_active = models.BooleanField(_("active"), default=True)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["site", "start_time"]
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="shift_template_code_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_time:%H:%M})"

    @property
    def span_minutes(self) -> int:
        return self.paid_minutes + self.break_minutes

    def clean(self) -> None:
        if self.break_minutes and (
            self.break_latest_offset_minutes < self.break_earliest_offset_minutes
            or self.break_latest_offset_minutes + self.break_minutes > self.span_minutes
        ):
            raise ValidationError(
                {"break_latest_offset_minutes": _("The break window must lie inside the shift.")}
            )
        if self.span_minutes > 16 * 60:
            raise ValidationError({"paid_minutes": _("A shift cannot span more than 16 hours.")})
        if self.site_id is not None and self.start_time is not None:
            # the engine plans in the site's intervals: a shift that starts, or whose break or
            # length ends, between two of them cannot be planned or even read back
            self._check_aligned(self.site.planning_interval_minutes)

    def _check_aligned(self, interval: int) -> None:
        start = self.start_time
        errors = {}
        if start.second or start.microsecond or (start.hour * 60 + start.minute) % interval:
            errors["start_time"] = _("Start on the site's %(minutes)s-minute planning grid.")
        if self.break_minutes % interval:
            errors["break_minutes"] = _("Make the break a multiple of %(minutes)s minutes.")
        if self.paid_minutes % interval:
            errors["paid_minutes"] = _("Make the paid length a multiple of %(minutes)s minutes.")
        if errors:
            raise ValidationError(
                {
                    field: ValidationError(message, params={"minutes": interval})
                    for field, message in errors.items()
                }
            )


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being reviewed and edited by the team lead
    PUBLISHED = "published", _("Published")  # live: agents see it; immutable
    ARCHIVED = "archived", _("Archived")  # replaced by a newer published version


class Roster(models.Model):
    unit = models.ForeignKey(PlanningUnit, on_delete=models.PROTECT, related_name="rosters")
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    input_fingerprint = models.CharField(max_length=64, blank=True)
    # status, objective, bound, gap, seconds, coverage, predicted service, penalties
    figures = models.JSONField(_("solver figures"), default=dict, blank=True)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["unit", "-period_start", "-version"]
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "version"], name="roster_version_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "period_start"],
                condition=Q(status="published"),
                name="roster_one_published_per_period",
            ),
            models.UniqueConstraint(
                fields=["unit", "period_start"],
                condition=Q(status="draft"),
                name="roster_one_draft_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="roster_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_start}..{self.period_end} v{self.version} ({self.status})"

    @property
    def num_days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    def days(self) -> list[datetime.date]:
        return [self.period_start + datetime.timedelta(days=i) for i in range(self.num_days)]


class Activity(models.TextChoices):
    PHONE = "phone", _("Phone")  # voice queues
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Email")
    TRAINING = "training", _("Training")  # off-phone, a course session
    MEETING = "meeting", _("Meeting")  # off-phone, coaching or team meeting
    LEAVE = "leave", _("Leave")  # approved leave shown on the roster


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", _("Solver")  # placed by the engine
    MANUAL = "manual", _("Manual")  # edited by a team lead (and then locked)


class Assignment(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="assignments")
    agent = models.ForeignKey(
        "staffing.Agent", on_delete=models.PROTECT, related_name="assignments"
    )
    day = models.DateField(_("day"))
    template = models.ForeignKey(
        ShiftTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"))
    break_start_at = models.DateTimeField(_("break start"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)
    activity = models.CharField(
        _("activity"), max_length=16, choices=Activity.choices, default=Activity.PHONE
    )
    # minutes per skill group during the shift: {"voice+mandarin": 300, ...}
    allocation = models.JSONField(default=dict, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=AssignmentSource.choices,
        default=AssignmentSource.SOLVER,
    )
    # True while the row belongs to the published version of its period. The database refuses
    # two live working rows of one agent that overlap in time (an exclusion constraint on
    # PostgreSQL, triggers on SQLite: see migration 0005), whatever code path wrote them.
    is_live = models.BooleanField(_("live"), default=False, editable=False)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["roster", "day", "start_at", "agent_id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "agent", "day"], name="assignment_one_per_agent_day"
            ),
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="assignment_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "start_at"]),
            models.Index(
                fields=["agent", "day"], condition=Q(is_live=True), name="assignment_live_by_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.day} {self.start_at:%H:%M}-{self.end_at:%H:%M}"


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("Manual")  # a team lead asked for it
    NIGHTLY = "nightly", _("Nightly")  # the nightly recompute
    REPAIR = "repair", _("Repair")  # minimal-change re-solve after a change


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # waiting for a worker
    RUNNING = "running", _("Running")  # a worker is solving
    SUCCEEDED = "succeeded", _("Succeeded")  # a draft was written
    FAILED = "failed", _("Failed")  # ended with a reason; nothing written
    CANCELLED = "cancelled", _("Cancelled")  # cancelled before it finished


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RosterRun(models.Model):
    unit = models.ForeignKey(PlanningUnit, on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    trigger = models.CharField(
        _("trigger"), max_length=16, choices=RunTrigger.choices, default=RunTrigger.MANUAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    objective = models.FloatField(_("best objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=60)
    base_roster = models.ForeignKey(
        Roster, on_delete=models.SET_NULL, null=True, blank=True, related_name="repair_runs"
    )
    result = models.ForeignKey(
        Roster, on_delete=models.SET_NULL, null=True, blank=True, related_name="produced_by"
    )
    # repair input: {"new_leave": [[agent_id, "YYYY-MM-DD"], ...], "agents_leaving": [...],
    # "allow_changes_in_notice": false}
    options = models.JSONField(default=dict, blank=True)
    input_fingerprint = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    log = models.TextField(_("log"), blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("roster run")
        verbose_name_plural = _("roster runs")
        constraints = [
            # One active run per unit and period: a second request joins the first.
            models.UniqueConstraint(
                fields=["unit", "period_start"],
                condition=Q(status__in=["queued", "running"]),
                name="roster_run_one_active_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_start} {self.trigger} ({self.status})"


class FairnessEntry(models.Model):
    """What an agent worked in a published period, carried into the next periods' fairness."""

    agent = models.ForeignKey("staffing.Agent", on_delete=models.CASCADE, related_name="+")
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="fairness")
    period_start = models.DateField()
    nights = models.PositiveSmallIntegerField(default=0)
    weekends = models.PositiveSmallIntegerField(default=0)
    holidays = models.PositiveSmallIntegerField(default=0)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        verbose_name = _("fairness entry")
        verbose_name_plural = _("fairness ledger")
        constraints = [
            models.UniqueConstraint(fields=["agent", "roster"], name="fairness_one_per_roster")
        ]

    def __str__(self) -> str:
        return (
            f"{self.agent_id} {self.period_start}: {self.nights} nights, {self.weekends} weekends"
        )


class Notification(models.Model):
    """A message to a user (roster changed, swap decided); also sent by email when set up."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wfm_notifications"
    )
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title
