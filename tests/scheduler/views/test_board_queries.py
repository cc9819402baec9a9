"""The roster board reads a fixed number of queries, whatever the number of agents."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from scheduler.models.rosters import Assignment, ShiftTemplate
from staffing.models import AgentSkill, Skill
from tests.factories import AgentFactory, UserFactory
from tests.scheduler.selfservice.conftest import publish_week, shift_row

pytestmark = pytest.mark.django_db


def board_queries(client: Client, roster_id: int) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/scheduler/rosters/{roster_id}/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content


def test_the_board_query_count_does_not_grow_with_agents(center, settings):
    # given: the published week of 14 agents, read from the database each time
    settings.READ_CACHE = False
    roster = publish_week(center)
    client = Client()
    client.force_login(center.hr)
    board_queries(client, roster.pk)  # the first request stamps the session's activity
    small, _ = board_queries(client, roster.pk)
    # when: 30 more agents with a shift every day join the team
    team = center.agents[0].team
    day_template = ShiftTemplate.objects.get(site=center.unit.site, code="day")
    voice = Skill.objects.get(code="voice")
    rows = []
    for number in range(30):
        agent = AgentFactory(
            team=team, employee_number=f"HZX{number:03d}", user=UserFactory(username=f"x{number}")
        )
        AgentSkill.objects.create(agent=agent, skill=voice, proficiency=2)
        for offset in range(7):
            rows.append(
                shift_row(
                    roster, agent, center.monday + datetime.timedelta(days=offset), day_template
                )
            )
    Assignment.objects.bulk_create(rows)
    large, content = board_queries(client, roster.pk)
    # then
    assert large == small
    assert content.count(b'id="agent-') == 44
