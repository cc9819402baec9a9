"""The agent's schedule page reads a small fixed number of queries (it is the page agents open
most; benchmarks/load_test.py measures it under load): the agent record and a lead's teams are
read once per request, and never kept beyond it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from staffing import policy
from staffing.models import Agent
from tests.factories import AgentFactory, UserFactory
from tests.scheduler.selfservice.conftest import publish_week

pytestmark = pytest.mark.django_db

# session, user, agent (with team and site), the user's groups, assignments, leave, training,
# next shift, unread notifications (the session is renewed at most once a minute, not here)
QUERY_BUDGET = 9


def schedule_queries(client: Client, query: str) -> tuple[list[str], bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/scheduler/me/?{query}")
    assert response.status_code == 200
    return [item["sql"] for item in captured.captured_queries], response.content


def test_the_schedule_page_reads_the_agent_once_and_stays_in_budget(center, settings):
    # given: the published week and the agent who works it, read from the database each time
    settings.READ_CACHE = False
    publish_week(center)
    client = Client()
    client.force_login(center.agents[1].user)
    start = center.monday.isoformat()
    client.get(f"/scheduler/me/?start={start}")  # the first request stamps the session's activity
    # when
    week, content = schedule_queries(client, f"start={start}")
    month, _ = schedule_queries(client, f"view=month&start={start}")
    # then: one agent lookup (the time-zone middleware's, shared with the view and the menu)
    agent_reads = [sql for sql in week if 'FROM "staffing_agent"' in sql]
    assert len(agent_reads) == 1
    assert len(week) <= QUERY_BUDGET
    assert len(month) == len(week)  # a month of days costs no more queries than a week
    assert content.count(b"border-left:6px solid") == 5  # the five shifts of the week


def test_an_agent_made_between_two_requests_is_seen_by_the_second(center):
    # given: a signed-in user who is not an agent yet
    user = UserFactory(username="newcomer")
    client = Client()
    client.force_login(user)
    assert client.get("/scheduler/me/").status_code == 403
    # when: HR makes them an agent
    AgentFactory(team=center.agents[0].team, employee_number="HZNEW", user=user)
    # then: the lookup kept for the first request is gone with it
    assert client.get("/scheduler/me/").status_code == 200


def test_the_request_lookup_is_reused_and_a_plain_lookup_is_never_kept(
    center, django_assert_num_queries
):
    # given: a user object held across calls, as a task or a service caller holds it
    user = UserFactory(username="later-agent")
    assert policy.own_agent(user) is None
    # when: HR makes them an agent
    AgentFactory(team=center.agents[0].team, employee_number="HZLATE", user=user)
    # then: a plain lookup asks again, and the request pipeline's lookup is then reused
    assert policy.own_agent(user) is not None
    policy.remember_for_request(user)
    with django_assert_num_queries(0):
        agent = policy.own_agent(user)
        assert isinstance(agent, Agent)
        assert agent.team.site.time_zone == center.unit.site.time_zone


def test_the_board_reads_the_leads_teams_once(center):
    # given: the published week and its team lead
    roster = publish_week(center)
    client = Client()
    client.force_login(center.lead)
    # when
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/scheduler/rosters/{roster.pk}/")
    # then
    assert response.status_code == 200
    led_teams = [
        item["sql"]
        for item in captured.captured_queries
        if 'FROM "staffing_team" INNER JOIN "staffing_team_team_leads"' in item["sql"]
    ]
    assert len(led_teams) == 1
