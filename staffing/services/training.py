"""Training: enrolment, results, the skills a pass grants and the lapse of expired certificates."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy, signals
from ..audit import audited, on_commit
from ..models import Agent, AgentSkill, TrainingRecord, TrainingSession
from ..models.skills import SkillSource
from ..models.training import FINAL_TRAINING_STATUSES, TrainingStatus
from .errors import Conflict

SESSION_FULL = _("This session is full (%(capacity)s places).")
ALREADY_ENROLLED = _("This agent is already enrolled in this session.")
SESSION_STARTED = _("Enrolment is closed: the session has already started.")
RESULT_STATUS_INVALID = _("A result must be attended, passed, failed or no-show.")
RECORD_CLOSED = _("This record is already closed as %(status)s.")
COMPLETED_BEFORE_SESSION = _("The completion day cannot be before the session starts.")
SCORE_ONLY_WHEN_ASSESSED = _("A score is given only with a pass or a fail.")
ONLY_HR = _("Only HR can manage training.")


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


NOT_ALLOWED_TO_SCHEDULE = _("Only HR and the agent's team lead can book training for this agent.")


@audited(reason="note")
@transaction.atomic
def training_session_book_for_agent(
    *,
    actor: Any,
    agent: Agent,
    course: Any,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    note: str = "",
) -> TrainingRecord:
    """A one-person session of a course at a fixed time (a refresher placed in the agent's
    roster), with the agent enrolled."""
    if not policy.can_schedule_training_for(actor, agent):
        raise PermissionDenied(NOT_ALLOWED_TO_SCHEDULE)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": SESSION_STARTED})
    session = TrainingSession(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=1,
        trainer=note[:120],
        is_online=True,
        created_by=actor,
    )
    session.full_clean()
    session.save()
    record = TrainingRecord(agent=agent, session=session, status=TrainingStatus.ENROLLED)
    record.full_clean()
    record.save()
    return record


@audited()
@transaction.atomic
def training_record_enroll(
    *, actor: Any, agent: Agent, session: TrainingSession, now: datetime.datetime | None = None
) -> TrainingRecord:
    if not policy.can_edit_hr_data(actor):
        raise PermissionDenied(ONLY_HR)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.starts_at <= (now or timezone.now()):
        raise ValidationError({"session": SESSION_STARTED})
    if TrainingRecord.objects.filter(agent=agent, session=session).exists():
        raise ValidationError({"agent": ALREADY_ENROLLED})
    taken = session.records.exclude(status=TrainingStatus.NO_SHOW).count()
    if taken >= session.capacity:
        raise ValidationError({"session": SESSION_FULL % {"capacity": session.capacity}})
    record = TrainingRecord(agent=agent, session=session, status=TrainingStatus.ENROLLED)
    record.full_clean()
    record.save()
    return record


@audited()
@transaction.atomic
def training_record_complete(
    *,
    actor: Any,
    record: TrainingRecord,
    status: str,
    score: Any = None,
    completed_on: datetime.date | None = None,
) -> TrainingRecord:
    """Record the result. A pass grants the course's skills and sets the certificate expiry."""
    if not policy.can_edit_hr_data(actor):
        raise PermissionDenied(ONLY_HR)
    record = (
        # of=self: the agent, session and course read along are not locked (an agent row
        # locked FOR UPDATE would hold up the agent's shifts being written meanwhile)
        TrainingRecord.objects.select_for_update(of=("self",))
        .select_related("session__course", "agent")
        .get(pk=record.pk)
    )
    if record.status in FINAL_TRAINING_STATUSES:
        raise Conflict(
            {"status": RECORD_CLOSED % {"status": record.get_status_display()}},
            rule="already_decided",
        )
    if status not in (
        TrainingStatus.ATTENDED,
        TrainingStatus.PASSED,
        TrainingStatus.FAILED,
        TrainingStatus.NO_SHOW,
    ):
        raise ValidationError({"status": RESULT_STATUS_INVALID})
    if score is not None and status not in (TrainingStatus.PASSED, TrainingStatus.FAILED):
        raise ValidationError({"score": SCORE_ONLY_WHEN_ASSESSED})
    session_day = timezone.localtime(record.session.starts_at).date()
    completed_on = completed_on or timezone.localdate()
    if completed_on < session_day:
        raise ValidationError({"completed_on": COMPLETED_BEFORE_SESSION})

    course = record.session.course
    record.status = status
    record.score = score
    record.completed_on = completed_on if status != TrainingStatus.NO_SHOW else None
    record.certificate_expires_on = None
    if status == TrainingStatus.PASSED and course.certificate_validity_months:
        record.certificate_expires_on = add_months(completed_on, course.certificate_validity_months)
    record.full_clean()
    record.save()

    if status == TrainingStatus.PASSED:
        for grant in course.skill_grants.select_related("skill"):
            existing = AgentSkill.objects.filter(agent=record.agent, skill=grant.skill).first()
            if existing is None:
                existing = AgentSkill(agent=record.agent, skill=grant.skill)
            # A pass never lowers a proficiency the agent already had.
            existing.proficiency = max(existing.proficiency or 0, grant.proficiency)
            existing.valid_from = (
                min(existing.valid_from, completed_on) if existing.pk else completed_on
            )
            existing.valid_until = record.certificate_expires_on
            existing.source = SkillSource.TRAINING
            existing.training_record = record
            existing.full_clean()
            existing.save()
        agent_id = record.agent_id
        on_commit(lambda: signals.skills_changed.send(sender=TrainingRecord, agent_ids=[agent_id]))
    return record


@transaction.atomic
def skills_lapse_expired(*, today: datetime.date | None = None) -> int:
    """Daily job: a skill granted by a certificate lapses once the certificate has expired.

    The skill row stays (with its history); its validity already ends on the expiry day, so
    scheduling selectors stop using it. This pass makes that explicit for rows whose validity
    came from a record whose certificate expired, and reports the agents affected.
    """
    today = today or timezone.localdate()
    expired = AgentSkill.objects.select_for_update(of=("self",)).filter(
        source=SkillSource.TRAINING,
        training_record__certificate_expires_on__lt=today,
    )
    changed_agents: set[int] = set()
    count = 0
    for skill in expired.select_related("training_record"):
        record = skill.training_record
        assert record is not None and record.certificate_expires_on is not None
        if skill.valid_until is None or skill.valid_until > record.certificate_expires_on:
            skill.valid_until = record.certificate_expires_on
            skill.save(update_fields=["valid_until"])
            changed_agents.add(skill.agent_id)
            count += 1
    if changed_agents:
        ids = sorted(changed_agents)
        on_commit(lambda: signals.skills_changed.send(sender=AgentSkill, agent_ids=ids))
    return count
