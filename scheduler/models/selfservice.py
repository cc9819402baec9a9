"""Self-service: swap policy and requests, the open-shift board, leave impact on service,
calendar feeds and refresher-training proposals."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffing.audit import AuditedHistory, AuditedManager


class SwapPolicy(models.Model):
    """How a site lets agents change published shifts among themselves."""

    site = models.OneToOneField(
        "staffing.Site", on_delete=models.CASCADE, related_name="swap_policy"
    )
    # True: a swap the colleague accepted and every check passed is applied at once;
    # False: it waits for the team lead.
    auto_approve = models.BooleanField(_("approve swaps automatically"), default=False)
    # Agent-intervals of extra under-coverage a swap may cause in any interval and skill group
    # (0: a swap may not make coverage worse anywhere).
    coverage_tolerance = models.PositiveSmallIntegerField(
        _("coverage tolerance (agents)"), default=0, validators=[MaxValueValidator(10)]
    )
    # A swap must be decided this long before the earliest shift it touches starts.
    notice_hours = models.PositiveSmallIntegerField(
        _("notice for swaps (hours)"), default=24, validators=[MaxValueValidator(24 * 14)]
    )
    # A proposal nobody acted on expires after this long.
    expiry_hours = models.PositiveSmallIntegerField(
        _("proposals expire after (hours)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        verbose_name = _("swap policy")
        verbose_name_plural = _("swap policies")

    def __str__(self) -> str:
        return str(self.site)


class LeavePolicy(models.Model):
    """How a team's leave requests are decided against staffing."""

    team = models.OneToOneField(
        "staffing.Team", on_delete=models.CASCADE, related_name="leave_policy"
    )
    # True: a request whose balance, notice and rules hold and after which every affected
    # interval still meets its queue's service target is approved by the system.
    auto_approve = models.BooleanField(_("approve leave automatically"), default=False)
    # Service-level points below target still accepted for automatic approval (0-1).
    service_level_margin = models.FloatField(
        _("service-level margin"),
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        verbose_name = _("leave policy")
        verbose_name_plural = _("leave policies")

    def __str__(self) -> str:
        return str(self.team)


class SwapKind(models.TextChoices):
    SWAP = "swap", _("Swap")  # A's shift for B's shift (same or another day)
    GIVE_AWAY = "give_away", _("Give away")  # A's shift to B, nothing back


class SwapStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # waiting for the colleague
    ACCEPTED = "accepted", _("Accepted")  # colleague agreed; waiting for the team lead
    APPROVED = "approved", _("Approved")  # applied: a new published version holds it
    REJECTED = "rejected", _("Rejected")  # refused by the colleague or the team lead
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn by either side before approval
    EXPIRED = "expired", _("Expired")  # nobody acted in time, or the shift came too close


OPEN_SWAP_STATUSES = (SwapStatus.PROPOSED, SwapStatus.ACCEPTED)


class SwapRequest(models.Model):
    """A proposal to exchange or hand over shifts of a published roster.

    Shifts are named by agent and day (with their times as proposed), not by row: every change
    to a published roster writes a new version, and the request must still mean the same shift
    there, or it is refused as stale.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=SwapKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=SwapStatus.choices, default=SwapStatus.PROPOSED
    )
    unit = models.ForeignKey(
        "scheduler.PlanningUnit", on_delete=models.CASCADE, related_name="swap_requests"
    )
    requester = models.ForeignKey(
        "staffing.Agent", on_delete=models.CASCADE, related_name="swaps_proposed"
    )
    requester_day = models.DateField(_("requester's day"))
    requester_start_at = models.DateTimeField(_("requester's shift start"))
    requester_end_at = models.DateTimeField(_("requester's shift end"))
    counterpart = models.ForeignKey(
        "staffing.Agent", on_delete=models.CASCADE, related_name="swaps_received"
    )
    counterpart_day = models.DateField(_("colleague's day"), null=True, blank=True)
    counterpart_start_at = models.DateTimeField(_("colleague's shift start"), null=True, blank=True)
    counterpart_end_at = models.DateTimeField(_("colleague's shift end"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # Predicted service levels of the affected intervals before and after, and the checks.
    impact = models.JSONField(_("impact"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_comment = models.CharField(_("comment"), max_length=500, blank=True)
    result_roster = models.ForeignKey(
        "scheduler.Roster", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("counterpart")), name="swap_not_with_self"
            ),
            models.CheckConstraint(
                condition=Q(kind="give_away", counterpart_day__isnull=True)
                | Q(kind="swap", counterpart_day__isnull=False),
                name="swap_counterpart_shift_matches_kind",
            ),
            # One open proposal per shift: a second one for the same shift is a conflict.
            models.UniqueConstraint(
                fields=["requester", "requester_day"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="swap_one_open_per_shift",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.requester_id}@{self.requester_day} ({self.status})"


class OpenShiftSource(models.TextChoices):
    AGENT = "agent", _("Given away by an agent")  # the agent keeps it until claimed
    TEAM_LEAD = "team_lead", _("Posted by a team lead")  # extra cover wanted
    ENGINE = "engine", _("Posted by the engine")  # an under-covered period


class OpenShiftStatus(models.TextChoices):
    OPEN = "open", _("Open")  # on the board
    CLAIMED = "claimed", _("Claimed")  # taken by an agent; in a published version
    WITHDRAWN = "withdrawn", _("Withdrawn")  # taken off the board by its poster
    EXPIRED = "expired", _("Expired")  # its start came within the notice window


class OpenShift(models.Model):
    """A shift on the open board: eligible agents may claim it; the first valid claim wins."""

    unit = models.ForeignKey(
        "scheduler.PlanningUnit", on_delete=models.CASCADE, related_name="open_shifts"
    )
    day = models.DateField(_("day"))
    template = models.ForeignKey(
        "scheduler.ShiftTemplate", on_delete=models.PROTECT, related_name="+"
    )
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"))
    # The skill group the shift is for; the claimer needs every skill of it.
    skill_group = models.CharField(_("skill group"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=OpenShiftSource.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OpenShiftStatus.choices,
        default=OpenShiftStatus.OPEN,
    )
    # Set when an agent gives their own shift away: it moves from them to the claimer.
    from_agent = models.ForeignKey(
        "staffing.Agent", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_by = models.ForeignKey(
        "staffing.Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    result_roster = models.ForeignKey(
        "scheduler.Roster", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["day", "start_at", "id"]
        verbose_name = _("open shift")
        verbose_name_plural = _("open shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="open_shift_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["from_agent", "day"],
                condition=Q(status="open", from_agent__isnull=False),
                name="open_shift_one_per_given_shift",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.start_at:%H:%M} ({self.status})"


class LeaveImpact(models.Model):
    """What a leave request does to service: per affected interval and queue, the predicted
    service level with and without the agent, and whether the target still holds."""

    request = models.OneToOneField(
        "staffing.LeaveRequest", on_delete=models.CASCADE, related_name="staffing_impact"
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now=True)
    rostered_days = models.JSONField(_("rostered days"), default=list, blank=True)
    intervals = models.JSONField(_("intervals"), default=list, blank=True)
    target_holds = models.BooleanField(_("service target holds"), default=True)
    worst_service_level = models.FloatField(_("worst service level"), null=True, blank=True)
    # automatically approved, queued for a person, or why the system did not decide
    decision = models.CharField(_("decision"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        verbose_name = _("leave impact")
        verbose_name_plural = _("leave impacts")

    def __str__(self) -> str:
        return f"leave {self.request_id}: {'holds' if self.target_holds else 'below target'}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """An agent's private iCalendar URL. Revoking gives a new token; the old URL stops."""

    agent = models.OneToOneField(
        "staffing.Agent", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed of {self.agent_id}"


class RefresherStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # placed by the engine; waiting for the team lead
    SCHEDULED = "scheduled", _("Scheduled")  # a session was created and the agent enrolled
    DECLINED = "declined", _("Declined")  # the team lead chose another way


class RefresherProposal(models.Model):
    """A refresher session placed in low-demand intervals of an agent's published shifts, 30
    days before a certificate expires."""

    record = models.OneToOneField(
        "staffing.TrainingRecord", on_delete=models.CASCADE, related_name="refresher"
    )
    agent = models.ForeignKey("staffing.Agent", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("staffing.Course", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RefresherStatus.choices,
        default=RefresherStatus.PROPOSED,
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    # Why this slot (or why none was found): surplus agents in the chosen intervals.
    placement = models.JSONField(default=dict, blank=True)
    session = models.ForeignKey(
        "staffing.TrainingSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refresher proposal")
        verbose_name_plural = _("refresher proposals")

    def __str__(self) -> str:
        return f"refresher {self.course_id} for {self.agent_id} ({self.status})"
