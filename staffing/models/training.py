from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..audit import AuditedHistory, AuditedManager
from .organisation import Agent, Level
from .skills import Skill


def validate_level_list(value: object) -> None:
    valid = set(Level.values)
    if not isinstance(value, list) or any(item not in valid for item in value):
        raise ValidationError(
            _("Enter a list of levels among: %(levels)s"),
            params={"levels": ", ".join(sorted(valid))},
        )


class Course(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Empty when the certificate never expires."),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    mandatory_for_levels = models.JSONField(
        _("mandatory for levels"), default=list, blank=True, validators=[validate_level_list]
    )
    mandatory_for_skills = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="mandatory_courses",
        verbose_name=_("mandatory for holders of skills"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AuditedManager()
    history = AuditedHistory(m2m_fields=["mandatory_for_skills"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class CourseSkillGrant(models.Model):
    """Passing the course grants this skill at this proficiency."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skill_grants")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="granted_by")
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        verbose_name = _("skill granted by a course")
        verbose_name_plural = _("skills granted by courses")
        constraints = [
            models.UniqueConstraint(fields=["course", "skill"], name="course_skill_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course} -> {self.skill} ({self.proficiency})"


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    trainer = models.CharField(_("trainer"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    location = models.CharField(_("room"), max_length=120, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} @ {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})
        if not self.is_online and not self.location:
            raise ValidationError({"location": _("A room is needed unless the session is online.")})


class TrainingStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")  # registered, session not yet held
    ATTENDED = "attended", _("Attended")  # attended; no assessment or result pending
    PASSED = "passed", _("Passed")  # assessed and passed: grants skills and certificate
    FAILED = "failed", _("Failed")  # assessed and failed
    NO_SHOW = "no_show", _("No-show")  # enrolled but did not attend


#: Statuses that close a record: it can no longer change through the normal flow.
FINAL_TRAINING_STATUSES = frozenset(
    {TrainingStatus.PASSED, TrainingStatus.FAILED, TrainingStatus.NO_SHOW}
)


class TrainingRecord(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="training_records")
    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="records")
    status = models.CharField(
        _("status"), max_length=16, choices=TrainingStatus.choices, default=TrainingStatus.ENROLLED
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_expires_on = models.DateField(_("certificate expires on"), null=True, blank=True)

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["-session__starts_at"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.UniqueConstraint(fields=["agent", "session"], name="training_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} - {self.session} ({self.get_status_display()})"
