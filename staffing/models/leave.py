from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..audit import AuditedHistory, AuditedManager
from .organisation import Agent


class DayCount(models.TextChoices):
    WORKING = "working", _("Working days")  # public holidays and rest days are not counted
    CALENDAR = "calendar", _("Calendar days")  # every day counts (maternity leave)


class EntitlementRule(models.TextChoices):
    NONE = "none", _("No yearly entitlement")  # granted case by case, or not balance-tracked
    FIXED = "fixed", _("Fixed days per year")  # default_days_per_year every year
    STATUTORY_ANNUAL = "statutory_annual", _("Statutory annual leave by years of service")


class LeaveType(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    paid = models.BooleanField(_("paid"), default=True)
    counts_against_balance = models.BooleanField(_("counts against a balance"), default=False)
    needs_document = models.BooleanField(_("needs a document"), default=False)
    max_consecutive_days = models.PositiveSmallIntegerField(
        _("max consecutive days"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    notice_days = models.PositiveSmallIntegerField(_("notice (days)"), default=0)
    day_count = models.CharField(
        _("days counted"), max_length=16, choices=DayCount.choices, default=DayCount.WORKING
    )
    entitlement = models.CharField(
        _("yearly entitlement"),
        max_length=24,
        choices=EntitlementRule.choices,
        default=EntitlementRule.NONE,
    )
    default_days_per_year = models.DecimalField(
        _("days per year"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["code"]
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.entitlement == EntitlementRule.FIXED and self.default_days_per_year is None:
            raise ValidationError(
                {"default_days_per_year": _("A fixed yearly entitlement needs the days per year.")}
            )


class LedgerKind(models.TextChoices):
    GRANT = "grant", _("Grant")  # yearly entitlement
    ACCRUAL = "accrual", _("Accrual")  # earned during the year (e.g. pro rata for new hires)
    CARRY_OVER = "carry_over", _("Carry-over")  # unused days brought from the previous year
    USE = "use", _("Use")  # approved leave (negative)
    REVERSAL = "reversal", _("Reversal")  # cancelled approved leave gives days back
    ADJUSTMENT = "adjustment", _("Adjustment")  # HR correction, with a note


class LeaveLedgerEntry(models.Model):
    """One movement of an agent's leave balance. The balance is the sum; entries never change."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="leave_ledger")
    leave_type = models.ForeignKey(LeaveType, on_delete=models.PROTECT, related_name="ledger")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerKind.choices)
    days = models.DecimalField(_("days"), max_digits=6, decimal_places=2)
    request = models.ForeignKey(
        "staffing.LeaveRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["agent_id", "year", "created_at", "id"]
        verbose_name = _("leave ledger entry")
        verbose_name_plural = _("leave ledger entries")
        indexes = [models.Index(fields=["agent", "leave_type", "year"])]
        constraints = [
            # A yearly grant is written once per agent, type and year (idempotent seeding/jobs).
            models.UniqueConstraint(
                fields=["agent", "leave_type", "year"],
                condition=Q(kind="grant"),
                name="leave_ledger_one_grant_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.leave_type} {self.year}: {self.kind} {self.days}"


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # waiting for the team lead or HR
    APPROVED = "approved", _("Approved")  # decided yes; days taken from the balance
    REJECTED = "rejected", _("Rejected")  # decided no
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn; approved days were given back


class ReasonCategory(models.TextChoices):
    VACATION = "vacation", _("Vacation")
    ILLNESS = "illness", _("Illness")
    FAMILY = "family", _("Family matters")
    MEDICAL_APPOINTMENT = "medical", _("Medical appointment")
    STUDY = "study", _("Study or exam")
    OTHER = "other", _("Other")


class LeaveRequest(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="leave_requests")
    leave_type = models.ForeignKey(LeaveType, on_delete=models.PROTECT, related_name="requests")
    start_on = models.DateField(_("first day"))
    end_on = models.DateField(_("last day"))
    part_day_hours = models.DecimalField(
        _("hours (part day)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
    )
    days = models.DecimalField(_("days"), max_digits=6, decimal_places=2, default=Decimal("0"))
    reason_category = models.CharField(
        _("reason"), max_length=16, choices=ReasonCategory.choices, default=ReasonCategory.OTHER
    )
    # Private: shown only to HR and the requester (see staffing.policy).
    note = models.TextField(_("note"), blank=True, max_length=2000)
    document = models.FileField(_("document"), upload_to="leave_documents/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leave_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("decision comment"), max_length=500, blank=True)

    objects = AuditedManager()
    history = AuditedHistory(excluded_fields=["note"])

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        indexes = [models.Index(fields=["agent", "status", "start_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="leave_request_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.leave_type} {self.start_on}..{self.end_on} ({self.status})"

    def clean(self) -> None:
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The last day cannot be before the first day.")})
        if self.part_day_hours is not None and self.start_on != self.end_on:
            raise ValidationError(
                {"part_day_hours": _("Part-day leave must start and end on the same day.")}
            )
