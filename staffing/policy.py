"""Who may see and do what. The API, the pages and the admin all ask this module.

Roles are Django groups (agent, team_lead, hr, admin); a superuser counts as admin.
- agent: reads only their own records (leave, training, skills); edits their own pending requests.
- team lead: reads the agents of the teams they lead; decides those agents' leave.
- HR: reads and edits everyone's HR data and sees leave notes.
- admin: configuration (sites, teams, contracts, skills) and everything HR can read.
Nobody decides their own request.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from .models import Agent, LeaveRequest


class Role(StrEnum):
    AGENT = "agent"
    TEAM_LEAD = "team_lead"
    HR = "hr"
    ADMIN = "admin"


def roles_of(user: Any) -> frozenset[Role]:
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_wfm_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    result = frozenset(roles)
    user._wfm_roles = result
    return result


def is_admin(user: Any) -> bool:
    return Role.ADMIN in roles_of(user)


def is_hr(user: Any) -> bool:
    return Role.HR in roles_of(user)


def is_team_lead(user: Any) -> bool:
    return Role.TEAM_LEAD in roles_of(user)


def is_hr_or_admin(user: Any) -> bool:
    return bool(roles_of(user) & {Role.HR, Role.ADMIN})


_OWN_AGENT = "_wfm_own_agent"
_LED_TEAM_IDS = "_wfm_led_team_ids"
_NOT_LOOKED_UP = object()


def own_agent(user: Any) -> "Agent | None":
    """The user's agent record (with team and site), or None for users who are not agents."""
    from .models import Agent

    if not user.is_authenticated:
        return None
    cached: Agent | None | object = getattr(user, _OWN_AGENT, _NOT_LOOKED_UP)
    if cached is None or isinstance(cached, Agent):
        return cached
    return Agent.objects.filter(user=user).select_related("team__site").first()


def remember_for_request(user: Any) -> None:
    """Look the user's agent and led teams up once per request and keep them on the request's
    user object, so the time-zone middleware, the view, the policy checks and the menu share
    one query each.

    Only the request pipeline calls this (staffing.middleware): that user object lives for
    one request, whereas a user object held across service calls (a task, a test) would keep
    a stale answer, so own_agent and led_team_ids themselves never store one.
    """
    if not user.is_authenticated:
        return
    setattr(user, _OWN_AGENT, own_agent(user))
    setattr(user, _LED_TEAM_IDS, tuple(led_team_ids(user)))


def led_team_ids(user: Any) -> list[int]:
    if not is_team_lead(user):
        return []
    cached = getattr(user, _LED_TEAM_IDS, None)
    if cached is not None:
        return list(cached)
    return list(user.led_teams.values_list("id", flat=True))


# --- agents -------------------------------------------------------------------------------


def agents_visible_to(user: Any) -> "QuerySet[Agent]":
    from .models import Agent

    queryset = Agent.objects.select_related("team", "team__site", "contract", "user")
    if is_hr_or_admin(user):
        return queryset
    scope = Q(user_id=user.pk)
    teams = led_team_ids(user)
    if teams:
        scope |= Q(team_id__in=teams)
    return queryset.filter(scope)


def can_view_agent(user: Any, agent: "Agent") -> bool:
    return agents_visible_to(user).filter(pk=agent.pk).exists()


def can_edit_hr_data(user: Any) -> bool:
    """Agents, skills, training and leave balances are edited by HR (and admins)."""
    return is_hr_or_admin(user)


def can_view_team_compliance(user: Any, team: Any) -> bool:
    return is_hr_or_admin(user) or team.pk in led_team_ids(user)


def can_schedule_training_for(user: Any, agent: "Agent") -> bool:
    """HR books anyone's training; a team lead books a session for their own team's agents
    (the refresher the roster engine proposes before a certificate expires)."""
    return is_hr_or_admin(user) or agent.team_id in led_team_ids(user)


def can_edit_configuration(user: Any) -> bool:
    """Sites, teams, contracts, skills, leave types: admins and HR."""
    return is_hr_or_admin(user)


# --- leave --------------------------------------------------------------------------------


def leave_requests_visible_to(user: Any) -> "QuerySet[LeaveRequest]":
    from .models import LeaveRequest

    queryset = LeaveRequest.objects.select_related("agent", "agent__team", "leave_type")
    if is_hr_or_admin(user):
        return queryset
    scope = Q(agent__user_id=user.pk)
    teams = led_team_ids(user)
    if teams:
        scope |= Q(agent__team_id__in=teams)
    return queryset.filter(scope)


def can_request_leave_for(user: Any, agent: "Agent") -> bool:
    """An agent asks for themselves; HR records leave for anyone; a team lead for their team."""
    if agent.user_id == user.pk or is_hr(user):
        return True
    return agent.team_id in led_team_ids(user)


def can_decide_leave(user: Any, request: "LeaveRequest") -> bool:
    if request.agent.user_id == user.pk:
        return False  # nobody decides their own request
    if is_hr(user):
        return True
    return request.agent.team_id in led_team_ids(user)


def can_edit_leave_request(user: Any, request: "LeaveRequest") -> bool:
    """Only the requester edits, and only while pending."""
    from .models.leave import LeaveStatus

    return request.agent.user_id == user.pk and request.status == LeaveStatus.PENDING


def can_cancel_leave_request(user: Any, request: "LeaveRequest") -> bool:
    """The requester cancels their own; HR cancels any; a team lead their team's."""
    if request.agent.user_id == user.pk or is_hr(user):
        return True
    return request.agent.team_id in led_team_ids(user)


def can_view_leave_note(user: Any, request: "LeaveRequest") -> bool:
    """A leave request's note, reason and document are private to HR and the requester, not
    to team leads or admins: they often say why (an illness, a treatment, a family matter)."""
    return is_hr(user) or request.agent.user_id == user.pk


# --- training and skills --------------------------------------------------------------------


def scoped_by_agent(user: Any, queryset: QuerySet, agent_field: str = "agent") -> QuerySet:
    """Restrict any queryset with an agent foreign key to the agents the user may see."""
    if is_hr_or_admin(user):
        return queryset
    scope = Q(**{f"{agent_field}__user_id": user.pk})
    teams = led_team_ids(user)
    if teams:
        scope |= Q(**{f"{agent_field}__team_id__in": teams})
    return queryset.filter(scope)
