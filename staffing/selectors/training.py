import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from ..models import Agent, AgentSkill, Course, TrainingRecord, TrainingSession
from ..models.training import TrainingStatus


def certificates_expiring(
    *, today: datetime.date, within_days: int, queryset: QuerySet | None = None
) -> QuerySet[TrainingRecord]:
    """Passed records whose certificate expires between today and today + within_days."""
    base = queryset if queryset is not None else TrainingRecord.objects.all()
    return (
        base.filter(
            status=TrainingStatus.PASSED,
            certificate_expires_on__gte=today,
            certificate_expires_on__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("agent", "session__course")
        .order_by("certificate_expires_on")
    )


def agent_skills_valid_on(*, agent_ids: list[int], day: datetime.date) -> QuerySet[AgentSkill]:
    """Skills that count for scheduling on a day: started and not lapsed."""
    return AgentSkill.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        agent_id__in=agent_ids,
        valid_from__lte=day,
    ).select_related("skill")


def training_compliance(*, agent: Agent, today: datetime.date) -> list[dict]:
    """Mandatory courses for the agent (by level or held skill) and whether a valid pass exists."""
    skill_ids = list(
        agent_skills_valid_on(agent_ids=[agent.pk], day=today).values_list("skill_id", flat=True)
    )
    rows = []
    courses = Course.objects.filter(is_active=True).prefetch_related("mandatory_for_skills")
    for course in courses:
        by_level = agent.level in (course.mandatory_for_levels or [])
        by_skill = any(skill.pk in skill_ids for skill in course.mandatory_for_skills.all())
        if not (by_level or by_skill):
            continue
        best = (
            TrainingRecord.objects.filter(
                agent=agent, session__course=course, status=TrainingStatus.PASSED
            )
            .filter(Q(certificate_expires_on__isnull=True) | Q(certificate_expires_on__gte=today))
            .order_by("-completed_on")
            .first()
        )
        rows.append(
            {
                "course": course.code,
                "course_title": course.title,
                "compliant": best is not None,
                "certificate_expires_on": best.certificate_expires_on if best else None,
            }
        )
    return rows


def team_compliance(*, team: Any, today: datetime.date) -> dict:
    """Per active agent of the team, each mandatory course and whether a valid pass exists;
    with the team's share of agents compliant on every mandatory course."""
    agents = []
    for agent in team.agents.filter(is_active=True).order_by("employee_number"):
        courses = training_compliance(agent=agent, today=today)
        agents.append(
            {
                "agent": agent.pk,
                "employee_number": agent.employee_number,
                "full_name": agent.full_name,
                "compliant": all(row["compliant"] for row in courses),
                "courses": courses,
            }
        )
    compliant = sum(1 for row in agents if row["compliant"])
    return {
        "team": team.pk,
        "on": today,
        "agents_total": len(agents),
        "agents_compliant": compliant,
        "compliance_rate": round(compliant / len(agents), 4) if agents else 1.0,
        "agents": agents,
    }


# --- HR pages -----------------------------------------------------------------------------

#: Records that hold a place in a session (a no-show gives the place back, as enrolment counts).
_PLACE_HOLDING = ~Q(records__status=TrainingStatus.NO_SHOW)


def course_catalogue() -> QuerySet[Course]:
    """Every course with its skill grants, mandatory skills and number of sessions."""
    return Course.objects.prefetch_related("mandatory_for_skills", "skill_grants__skill").annotate(
        session_count=Count("sessions", distinct=True)
    )


def training_sessions_list(*, since: datetime.datetime | None = None) -> QuerySet[TrainingSession]:
    """Sessions (from a moment on, when given) with their places taken."""
    sessions = TrainingSession.objects.select_related("course").annotate(
        places_taken=Count("records", filter=_PLACE_HOLDING)
    )
    if since is not None:
        sessions = sessions.filter(ends_at__gte=since)
    return sessions.order_by("starts_at")


def training_session_records(*, session: TrainingSession) -> QuerySet[TrainingRecord]:
    return session.records.select_related("agent", "agent__team").order_by("agent__employee_number")


def agent_skills_table(*, agents: QuerySet[Agent], day: datetime.date) -> list[dict]:
    """Per agent, level and the skills valid on the day with their proficiency."""
    agent_list = list(agents)
    skills: dict[int, list[AgentSkill]] = {agent.pk: [] for agent in agent_list}
    for row in agent_skills_valid_on(agent_ids=list(skills), day=day).order_by("skill__code"):
        skills[row.agent_id].append(row)
    return [{"agent": agent, "skills": skills[agent.pk]} for agent in agent_list]
