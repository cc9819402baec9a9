import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..audit import AuditedHistory, AuditedManager
from .organisation import Agent


class SkillKind(models.TextChoices):
    CHANNEL = "channel", _("Channel")  # voice, chat, email
    PRODUCT = "product", _("Product")  # accounts, cards, loans, wealth management
    LANGUAGE = "language", _("Language")  # Mandarin, Cantonese, English
    OTHER = "other", _("Other")  # complaints handling and anything else


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=SkillKind.choices)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class SkillSource(models.TextChoices):
    MANUAL = "manual", _("Manual")  # entered by HR or a team lead
    TRAINING = "training", _("Training")  # granted by passing a course


class AgentSkill(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="agent_skills")
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    valid_from = models.DateField(_("valid from"), default=datetime.date.today)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=SkillSource.choices, default=SkillSource.MANUAL
    )
    training_record = models.ForeignKey(
        "staffing.TrainingRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="granted_skills",
    )

    objects = AuditedManager()
    history = AuditedHistory()

    class Meta:
        ordering = ["agent_id", "skill__code"]
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="agent_skill_unique"),
            models.CheckConstraint(
                condition=Q(proficiency__gte=1) & Q(proficiency__lte=5),
                name="agent_skill_proficiency_1_5",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="agent_skill_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} - {self.skill} ({self.proficiency})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("The end of validity cannot be before its start.")}
            )
