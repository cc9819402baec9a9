"""Agents and their skills."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import policy, signals
from ..audit import audited, on_commit
from ..models import Agent, AgentSkill, Contract, Skill, Team
from ..models.organisation import Level
from ..models.skills import SkillSource

ONLY_HR = _("Only HR can change agents and skills.")
EMPLOYEE_NUMBER_TAKEN = _("Employee number %(number)s is already in use.")
USERNAME_TAKEN = _("User name %(username)s is already in use.")


def _require_hr(actor: Any) -> None:
    if not policy.can_edit_hr_data(actor):
        raise PermissionDenied(ONLY_HR)


def role_group_names_for_level(level: str) -> list[str]:
    names = [policy.Role.AGENT.value]
    if level == Level.TEAM_LEAD:
        names.append(policy.Role.TEAM_LEAD.value)
    return names


@audited()
@transaction.atomic
def agent_create(
    *,
    actor: Any,
    username: str,
    employee_number: str,
    full_name: str,
    hire_date: datetime.date,
    level: str,
    team: Team,
    contract: Contract,
    email: str = "",
    password: str | None = None,
) -> Agent:
    _require_hr(actor)
    user_model = get_user_model()
    if Agent.objects.filter(employee_number=employee_number).exists():
        raise ValidationError(
            {"employee_number": EMPLOYEE_NUMBER_TAKEN % {"number": employee_number}}
        )
    if user_model.objects.filter(username=username).exists():
        raise ValidationError({"username": USERNAME_TAKEN % {"username": username}})
    user = user_model(username=username, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    for name in role_group_names_for_level(level):
        group, _created = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    agent = Agent(
        user=user,
        employee_number=employee_number,
        full_name=full_name,
        hire_date=hire_date,
        level=level,
        team=team,
        contract=contract,
    )
    agent.full_clean()
    agent.save()
    return agent


AGENT_EDITABLE_FIELDS = frozenset(
    {"full_name", "hire_date", "level", "team", "contract", "is_active", "left_on"}
)


@audited()
@transaction.atomic
def agent_update(*, actor: Any, agent: Agent, **changes: Any) -> Agent:
    _require_hr(actor)
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    for field, value in changes.items():
        if field not in AGENT_EDITABLE_FIELDS:
            raise ValidationError({field: _("This field cannot be changed here.")})
        setattr(agent, field, value)
    if agent.left_on and agent.is_active:
        agent.is_active = False
    agent.full_clean()
    agent.save()
    return agent


@audited()
@transaction.atomic
def agent_skill_set(
    *,
    actor: Any,
    agent: Agent,
    skill: Skill,
    proficiency: int,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> AgentSkill:
    """Create or update one of an agent's skills by hand."""
    _require_hr(actor)
    row = AgentSkill.objects.select_for_update().filter(agent=agent, skill=skill).first()
    if row is None:
        row = AgentSkill(agent=agent, skill=skill)
    row.proficiency = proficiency
    if valid_from is not None:
        row.valid_from = valid_from
    row.valid_until = valid_until
    row.source = SkillSource.MANUAL
    row.training_record = None
    row.full_clean()
    row.save()
    agent_id = agent.pk
    on_commit(lambda: signals.skills_changed.send(sender=AgentSkill, agent_ids=[agent_id]))
    return row


@audited()
@transaction.atomic
def agent_skill_remove(*, actor: Any, agent_skill: AgentSkill) -> None:
    _require_hr(actor)
    agent_id = agent_skill.agent_id
    agent_skill.delete()
    on_commit(lambda: signals.skills_changed.send(sender=AgentSkill, agent_ids=[agent_id]))
