"""A small unit: one site, one team of 14 on a 24/7 Mandarin hotline, one week of demand."""

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from scheduler.models import Forecast, Queue, Requirement
from scheduler.models.rosters import PlanningUnit, ShiftTemplate
from staffing.models import AgentSkill, Skill
from tests.factories import AgentFactory, SiteFactory, TeamFactory, UserFactory

SHIFTS = [
    # code, start, night
    ("early", datetime.time(7, 0), False),
    ("day", datetime.time(9, 0), False),
    ("late", datetime.time(14, 0), False),
    ("night", datetime.time(22, 0), True),
]


# Calls per half hour at a 300 s handle time that need about that many agents at 80/20.
VOLUME_FOR_HEADS = {1: 0.6, 2: 3.0, 3: 6.0}


def heads_at(hour: int) -> int:
    if 8 <= hour < 20:
        return 3
    if 7 <= hour < 23:
        return 2
    return 1


@dataclass
class Center:
    unit: PlanningUnit
    queue: Queue
    agents: list[Any]
    lead: Any
    hr: Any
    monday: datetime.date


def next_monday(weeks_ahead: int = 3) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


def add_requirements(queue: Queue, first_day: datetime.date, days: int) -> None:
    zone = ZoneInfo(queue.site.time_zone)
    forecast = Forecast.objects.create(
        queue=queue,
        version=Forecast.objects.filter(queue=queue).count() + 1,
        method="test",
        start_on=first_day,
        horizon_days=days,
        interval_minutes=30,
    )
    rows = []
    start = datetime.datetime.combine(first_day, datetime.time(0), tzinfo=zone)
    for slot in range(days * 48):
        moment = start + datetime.timedelta(minutes=30 * slot)
        heads = heads_at(moment.hour)
        volume = VOLUME_FOR_HEADS[heads]
        rows.append(
            Requirement(
                forecast=forecast,
                queue=queue,
                start_at=moment,
                base_volume=volume,
                volume=volume,
                aht_seconds=300,
                workload_erlangs=heads * 1.0,
                shrinkage=0.0,
                agents=heads,
                scheduled_heads=heads,
                service_level=0.8,
                asa_seconds=15,
                occupancy=0.7,
            )
        )
    Requirement.objects.bulk_create(rows)


@pytest.fixture
def center(db: Any) -> Center:
    site = SiteFactory(code="hz", time_zone="Asia/Shanghai", planning_interval_minutes=30)
    team = TeamFactory(code="hotline", site=site)
    lead_user = UserFactory(username="lead-hz", roles=["agent", "team_lead"])
    team.team_leads.add(lead_user)
    hr = UserFactory(username="hr-hz", roles=["hr"])
    voice, mandarin = Skill.objects.get(code="voice"), Skill.objects.get(code="mandarin")
    agents = []
    for number in range(14):
        agent = AgentFactory(
            team=team,
            employee_number=f"HZ{number:03d}",
            level="team_lead" if number == 0 else "intermediate",
            user=lead_user if number == 0 else UserFactory(username=f"hz{number}"),
            hire_date=datetime.date(2020, 1, 1),
        )
        AgentSkill.objects.create(agent=agent, skill=voice, proficiency=3)
        AgentSkill.objects.create(agent=agent, skill=mandarin, proficiency=4)
        agents.append(agent)
    for code, start, night in SHIFTS:
        ShiftTemplate.objects.create(
            site=site, code=code, name=code.title(), start_time=start, is_night=night
        )
    queue = Queue.objects.create(site=site, code="hz-hotline", name="Hotline", channel="voice")
    queue.skills.set([voice, mandarin])
    unit = PlanningUnit.objects.create(
        code="hz", name="Hangzhou", site=site, time_limit_seconds=5, supervisor_coverage=False
    )
    unit.teams.add(team)
    monday = next_monday()
    add_requirements(queue, monday, 14)
    return Center(unit=unit, queue=queue, agents=agents, lead=lead_user, hr=hr, monday=monday)
