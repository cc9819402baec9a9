"""A second planning unit on another site (Beijing), with its own team, lead, published week,
swap, give-away, leave request, refresher, notification, run and policies: the records the
Hangzhou center's agents and team lead must never see or touch."""

import datetime
from dataclasses import dataclass
from typing import Any

from scheduler.models import Notification
from scheduler.models.rosters import (
    Assignment,
    PlanningUnit,
    Roster,
    RosterRun,
    RosterStatus,
    ShiftTemplate,
)
from scheduler.models.selfservice import LeavePolicy, OpenShift, RefresherProposal, SwapPolicy
from scheduler.services import open_shifts, swaps
from scheduler.services.leave_staffing import leave_impact_assess
from scheduler.services.rosters import roster_publish
from staffing.models import AgentSkill, LeaveRequest, LeaveType, Skill, TrainingRecord
from staffing.models.training import TrainingStatus
from tests.factories import (
    AgentFactory,
    CourseFactory,
    SiteFactory,
    TeamFactory,
    TrainingSessionFactory,
    UserFactory,
)
from tests.scheduler.selfservice.conftest import live, shift_row


@dataclass
class Foreign:
    unit: PlanningUnit
    team: Any
    lead: Any
    agents: list[Any]
    roster: Roster
    swap: Any
    board: OpenShift
    leave: LeaveRequest
    impact: Any
    refresher: RefresherProposal
    notification: Notification
    run: RosterRun
    swap_policy: SwapPolicy
    leave_policy: LeavePolicy

    def shift(self, index: int = 0) -> Assignment:
        return live(self.agents[index], self.roster.period_start)


def build_foreign(monday: datetime.date, *, site: Any = None, code: str = "bj") -> Foreign:
    """Another site's unit, or (given ``site``) another team's unit on the same site."""
    if site is None:
        site = SiteFactory(code=code, time_zone="Asia/Shanghai", planning_interval_minutes=30)
    team = TeamFactory(code=f"{code}-hotline", site=site)
    lead = UserFactory(username=f"lead-{code}", roles=["agent", "team_lead"])
    team.team_leads.add(lead)
    voice, mandarin = Skill.objects.get(code="voice"), Skill.objects.get(code="mandarin")
    agents = []
    for number in range(4):
        agent = AgentFactory(
            team=team,
            employee_number=f"{code.upper()}{number:03d}",
            user=lead if number == 0 else UserFactory(username=f"{code}{number}"),
            hire_date=datetime.date(2020, 1, 1),
        )
        AgentSkill.objects.create(agent=agent, skill=voice, proficiency=3)
        AgentSkill.objects.create(agent=agent, skill=mandarin, proficiency=4)
        agents.append(agent)
    template = ShiftTemplate.objects.get_or_create(
        site=site, code="day", defaults={"name": "Day", "start_time": datetime.time(9)}
    )[0]
    unit = PlanningUnit.objects.create(code=code, name=code.title(), site=site)
    unit.teams.add(team)
    roster = Roster.objects.create(
        unit=unit,
        period_start=monday,
        period_end=monday + datetime.timedelta(days=6),
        version=1,
        status=RosterStatus.DRAFT,
        created_by=lead,
    )
    Assignment.objects.bulk_create(
        shift_row(roster, agent, monday + datetime.timedelta(days=offset), template)
        for index, agent in enumerate(agents)
        # agent 2 works Tuesday to Friday (and so may take a Monday), the others Monday to Friday
        for offset in (range(1, 5) if index == 2 else range(5))
    )
    roster = roster_publish(actor=lead, roster=roster)
    swap = swaps.swap_propose(
        actor=agents[1].user,
        shift=live(agents[1], monday),
        counterpart=agents[2],
        counterpart_shift=None,
    )
    board = open_shifts.open_shift_give_away(
        actor=agents[3].user, shift=live(agents[3], monday + datetime.timedelta(days=4))
    )
    leave = LeaveRequest.objects.create(
        agent=agents[1],
        leave_type=LeaveType.objects.get(code="personal"),
        start_on=monday + datetime.timedelta(days=2),
        end_on=monday + datetime.timedelta(days=2),
        days=1,
        created_by=agents[1].user,
    )
    impact = leave_impact_assess(request_id=leave.pk)
    past = datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)
    record = TrainingRecord.objects.create(
        agent=agents[1],
        session=TrainingSessionFactory(
            course=CourseFactory(code=f"refresh-{code}", hours=1),
            starts_at=past,
            ends_at=past + datetime.timedelta(hours=1),
        ),
        status=TrainingStatus.PASSED,
        certificate_expires_on=monday + datetime.timedelta(days=5),
    )
    start = datetime.datetime.combine(monday, datetime.time(10), tzinfo=datetime.UTC)
    refresher = RefresherProposal.objects.create(
        record=record,
        agent=agents[1],
        course=record.session.course,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    return Foreign(
        unit=unit,
        team=team,
        lead=lead,
        agents=agents,
        roster=roster,
        swap=swap,
        board=board,
        leave=leave,
        impact=impact,
        refresher=refresher,
        notification=Notification.objects.create(user=agents[1].user, kind="x", title=code),
        run=RosterRun.objects.create(
            unit=unit,
            period_start=monday + datetime.timedelta(weeks=4),
            period_end=monday + datetime.timedelta(weeks=5),
            status="succeeded",
        ),
        swap_policy=SwapPolicy.objects.get_or_create(site=site)[0],
        leave_policy=LeavePolicy.objects.get_or_create(team=team)[0],
    )
