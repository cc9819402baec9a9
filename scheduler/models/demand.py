"""Demand: queues, their interval history, forecasts (versioned), planners' adjustments and
events, and the agents required per queue and interval.

All datetimes are aware and stored in UTC; pages show them in the queue's site zone.  Interval
rows start on the site's planning grid (15 or 30 minutes, `Site.planning_interval_minutes`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

OPEN_ALL_DAY_END = "00:00"


class Channel(models.TextChoices):
    VOICE = "voice", _("Voice")  # phone calls: Erlang C, or Erlang A when patience is given
    CHAT = "chat", _("Chat")  # an agent serves several chats at once
    EMAIL = "email", _("Email")  # deferred work answered within a response window


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Queue(models.Model):
    """Where contacts wait for an agent with the right skills, and the goal for answering them."""

    site = models.ForeignKey(
        "staffing.Site", on_delete=models.PROTECT, related_name="queues", verbose_name=_("site")
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.VOICE
    )
    skills = models.ManyToManyField(
        "staffing.Skill", related_name="queues", verbose_name=_("skills needed"), blank=True
    )
    # Voice and chat: X% answered within T seconds (80/20); email: Y% of the emails arriving in
    # an interval answered within H hours (email_target_percent, email_response_hours).
    target_service_level_percent = models.DecimalField(
        _("service level target (%)"),
        max_digits=4,
        decimal_places=1,
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(Decimal("99.9"))],
    )
    target_answer_seconds = models.PositiveIntegerField(
        _("answer within (seconds)"), default=20, validators=[MaxValueValidator(3600)]
    )
    max_asa_seconds = models.PositiveIntegerField(
        _("maximum average speed of answer (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    email_response_hours = models.DecimalField(
        _("email answered within (hours)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(168)],
    )
    # 90% rather than 100%: promising every email within the window makes one morning peak set
    # the staffing of the whole window; the rest is answered within the next window.
    email_target_percent = models.DecimalField(
        _("emails answered within the window (%)"),
        max_digits=4,
        decimal_places=1,
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Email queues: the share of each interval's emails answered within the response "
            "window; the rest is answered within the window after it."
        ),
    )
    default_aht_seconds = models.PositiveIntegerField(
        _("default handle time (seconds)"),
        default=300,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 3600)],
    )
    chat_concurrency = models.PositiveSmallIntegerField(
        _("chats per agent at once"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    patience_seconds = models.PositiveIntegerField(
        _("mean caller patience (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("When given, voice and chat use Erlang A (callers hang up)."),
    )
    occupancy_cap_percent = models.DecimalField(
        _("occupancy cap (%)"),
        max_digits=4,
        decimal_places=1,
        default=85,
        validators=[MinValueValidator(10), MaxValueValidator(100)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["site__code", "code"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.channel == Channel.EMAIL and not self.email_response_hours:
            raise ValidationError(
                {"email_response_hours": _("An email queue needs a response window in hours.")}
            )
        if self.channel != Channel.CHAT and self.chat_concurrency and self.chat_concurrency > 1:
            raise ValidationError(
                {"chat_concurrency": _("Only chat queues serve several contacts at once.")}
            )


class OpenHours(models.Model):
    """When a queue is open on a weekday. A queue without any rows is open 24/7; a weekday
    without a row (when others have rows) is closed. Closing at 00:00 means midnight."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="open_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["queue_id", "weekday", "opens_at"]
        verbose_name = _("open hours")
        verbose_name_plural = _("open hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    def clean(self) -> None:
        if (
            self.opens_at is not None
            and self.closes_at is not None
            and self.closes_at.strftime("%H:%M") != OPEN_ALL_DAY_END
            and self.closes_at <= self.opens_at
        ):
            raise ValidationError({"closes_at": _("A queue closes after it opens.")})


class QueueClosure(models.Model):
    """A whole day the queue is closed (for example a branch-only product on a holiday)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="closures")
    closed_on = models.DateField(_("closed on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["queue_id", "closed_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.UniqueConstraint(fields=["queue", "closed_on"], name="unique_queue_closure")
        ]

    def __str__(self) -> str:
        return f"{self.queue} {self.closed_on}"


class ShrinkageRule(models.Model):
    """Share of paid time not available for work (breaks, meetings, coaching, training,
    absence), for a site or one queue, optionally only on a weekday and/or an hour range.

    The most specific rule wins: a queue's rule over its site's; within either, a rule with
    both weekday and hours over one with either, over one with neither.
    """

    site = models.ForeignKey(
        "staffing.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shrinkage_rules",
        verbose_name=_("site"),
    )
    queue = models.ForeignKey(
        Queue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shrinkage_rules",
        verbose_name=_("queue"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    start_hour = models.PositiveSmallIntegerField(
        _("from hour"), null=True, blank=True, validators=[MaxValueValidator(23)]
    )
    end_hour = models.PositiveSmallIntegerField(
        _("until hour"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    percent = models.DecimalField(
        _("shrinkage (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )

    class Meta:
        ordering = ["site_id", "queue_id", "weekday", "start_hour"]
        verbose_name = _("shrinkage rule")
        verbose_name_plural = _("shrinkage rules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(site__isnull=False) & Q(queue__isnull=True))
                | (Q(site__isnull=True) & Q(queue__isnull=False)),
                name="shrinkage_for_site_or_queue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.queue or self.site}: {self.percent}%"

    def clean(self) -> None:
        if (self.site_id is None) == (self.queue_id is None):
            raise ValidationError(
                {"site": _("A shrinkage rule is for a site or for a queue, not both.")}
            )
        if (self.start_hour is None) != (self.end_hour is None):
            raise ValidationError({"end_hour": _("Give both hours or neither.")})
        if (
            self.start_hour is not None
            and self.end_hour is not None
            and self.end_hour <= self.start_hour
        ):
            raise ValidationError({"end_hour": _("The hour range ends after it starts.")})


class IntervalHistory(models.Model):
    """What the phone system recorded for one planning interval of a queue."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="history")
    start_at = models.DateTimeField(_("interval start"))
    offered = models.PositiveIntegerField(_("offered"))
    handled = models.PositiveIntegerField(_("handled"), null=True, blank=True)
    abandoned = models.PositiveIntegerField(_("abandoned"), null=True, blank=True)
    aht_seconds = models.FloatField(_("average handle time (seconds)"), null=True, blank=True)

    class Meta:
        ordering = ["queue_id", "start_at"]
        verbose_name = _("interval history")
        verbose_name_plural = _("interval history")
        constraints = [
            models.UniqueConstraint(fields=["queue", "start_at"], name="unique_history_interval")
        ]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.start_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    STATEMENT_DAY = "statement_day", _("Card statement day")  # bills arrive, questions follow
    SALARY_DAY = "salary_day", _("Salary day")  # balance and transfer questions
    CAMPAIGN = "campaign", _("Campaign")  # marketing drives calls
    OUTAGE = "outage", _("System outage")  # a failure floods the lines
    OTHER = "other", _("Other")  # anything else a planner knows about


class SpecialEvent(models.Model):
    """A planner-entered event that changes the volume: the forecast multiplies the intervals
    it covers by `uplift` (1.30 = 30% more contacts), and ignores the same span in history."""

    site = models.ForeignKey(
        "staffing.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="special_events",
        verbose_name=_("site"),
    )
    queue = models.ForeignKey(
        Queue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="special_events",
        verbose_name=_("queue"),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    start_at = models.DateTimeField(_("starts at"))
    end_at = models.DateTimeField(_("ends at"))
    uplift = models.DecimalField(
        _("uplift factor"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["start_at"]
        verbose_name = _("special event")
        verbose_name_plural = _("special events")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.site_id is None) == (self.queue_id is None):
            raise ValidationError(_("An event is for a site or for a queue, not both."))
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("An event ends after it starts.")})


class Forecast(models.Model):
    """One version of a queue's forecast: volume and handle time per planning interval."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="forecasts")
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    method = models.CharField(_("method"), max_length=32)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    start_on = models.DateField(_("first day"))
    horizon_days = models.PositiveSmallIntegerField(_("horizon (days)"))
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"))
    history_days = models.PositiveIntegerField(_("days of history"), default=0)
    # Quick rolling-origin backtest at creation (fractions: 0.19 is 19%); empty when the
    # history was too short to score.
    backtest_interval_wape = models.FloatField(_("backtest interval WAPE"), null=True, blank=True)
    backtest_daily_wape = models.FloatField(_("backtest daily WAPE"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["queue_id", "-version"]
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [
            models.UniqueConstraint(fields=["queue", "version"], name="unique_forecast_version"),
            models.UniqueConstraint(
                fields=["queue"], condition=Q(is_current=True), name="one_current_forecast"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.queue} v{self.version}"


class DayKindChoice(models.TextChoices):
    REGULAR = "regular", _("Regular day")  # an ordinary day of its weekday
    HOLIDAY = "holiday", _("Public holiday")  # a day off by law
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")  # weekend day worked by decree
    EVENT = "event", _("Event")  # a day with a planner's special event


class ForecastInterval(models.Model):
    """The statistical forecast for one interval; adjustments are a separate layer."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="intervals")
    start_at = models.DateTimeField(_("interval start"))
    volume = models.FloatField(_("volume"))
    aht_seconds = models.FloatField(_("average handle time (seconds)"))
    day_kind = models.CharField(
        _("day kind"), max_length=16, choices=DayKindChoice.choices, default=DayKindChoice.REGULAR
    )

    class Meta:
        ordering = ["forecast_id", "start_at"]
        verbose_name = _("forecast interval")
        verbose_name_plural = _("forecast intervals")
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "start_at"], name="unique_forecast_interval"
            )
        ]

    def __str__(self) -> str:
        return f"{self.forecast} {self.start_at:%Y-%m-%d %H:%M}"


class ForecastAdjustment(models.Model):
    """A planner's change to a queue's forecast volume on a time range: a percentage or an
    absolute number of contacts spread over the range. It belongs to the queue, not to one
    forecast version, so a regenerated forecast keeps the planner's judgement."""

    queue = models.ForeignKey(
        Queue, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("queue")
    )
    start_at = models.DateTimeField(_("starts at"))
    end_at = models.DateTimeField(_("ends at"))
    percent = models.DecimalField(
        _("change (%)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(1000)],
    )
    absolute_change = models.IntegerField(_("change (contacts)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["queue_id", "created_at", "id"]
        verbose_name = _("forecast adjustment")
        verbose_name_plural = _("forecast adjustments")

    def __str__(self) -> str:
        return f"{self.queue}: {self.reason}"

    def clean(self) -> None:
        if (self.percent is None) == (self.absolute_change is None):
            raise ValidationError(_("Give either a percentage or an absolute change, not both."))
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("An adjustment ends after it starts.")})


class Requirement(models.Model):
    """Agents needed on one queue in one interval, computed from a forecast version with the
    adjustments of its queue, the queue's goal, occupancy cap and shrinkage."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="requirements")
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="requirements")
    start_at = models.DateTimeField(_("interval start"))
    is_open = models.BooleanField(_("open"), default=True)
    base_volume = models.FloatField(_("forecast volume"))
    volume = models.FloatField(_("volume after adjustments"))
    aht_seconds = models.FloatField(_("average handle time (seconds)"))
    workload_erlangs = models.FloatField(_("workload (Erlangs)"))
    shrinkage = models.FloatField(_("shrinkage"), default=0.0)  # fraction: 0.3 is 30%
    agents = models.PositiveIntegerField(_("productive agents"))
    scheduled_heads = models.PositiveIntegerField(_("scheduled heads"))
    service_level = models.FloatField(_("predicted service level"))  # fraction
    asa_seconds = models.FloatField(_("predicted average speed of answer (seconds)"))
    occupancy = models.FloatField(_("predicted occupancy"))  # fraction

    class Meta:
        ordering = ["queue_id", "start_at"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "start_at"], name="unique_requirement_interval"
            )
        ]
        indexes = [models.Index(fields=["queue", "start_at"], name="requirement_queue_start")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.start_at:%Y-%m-%d %H:%M}: {self.scheduled_heads}"
