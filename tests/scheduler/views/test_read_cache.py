"""The pages read most come from the read cache (staffing/readcache.py), and are never stale:
a write that changes what they show is on the next read, and one reader's copy is never served
to another reader who may see less."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scheduler.models.rosters import Assignment, ShiftTemplate
from scheduler.selectors.my_schedule import agent_schedule_and_next
from tests.scheduler.selfservice.conftest import publish_week

# Transactional: each write commits, as in production (inside a test's own transaction, reads of
# what it wrote go to the database and the cache is not used at all).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def read(client: Client, path: str, **headers: str) -> tuple[int, bytes]:
    """Queries and the page, without its CSRF tokens (masked anew in every response)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200
    page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    page = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", page)
    return len(captured.captured_queries), page


def test_the_schedule_page_is_read_from_the_cache_until_a_shift_changes(center):
    # given: an agent's published week, read once
    publish_week(center)
    agent = center.agents[1]
    client = Client()
    client.force_login(agent.user)
    path = f"/scheduler/me/?start={center.monday.isoformat()}"
    client.get(path + "&view=month")  # stamps the session's activity (another entry)
    missed, first = read(client, path)
    # when: read again
    hit, second = read(client, path)
    # then: the same page from the session, user, agent and roles lookups alone
    assert second == first
    assert hit == 4 < missed
    # when: the template is renamed and one of the agent's shifts is taken off the roster
    template = ShiftTemplate.objects.get(site=center.unit.site, code="day")
    template.name = "Renamed day shift"
    template.save()
    first_shift = Assignment.objects.filter(agent=agent, is_live=True).order_by("day").first()
    Assignment.objects.filter(pk=first_shift.pk).update(is_live=False)  # a bulk write
    # then: the next read shows both
    _, third = read(client, path)
    assert b"Renamed day shift" in third
    assert third.count(b"border-left:6px solid") == first.count(b"border-left:6px solid") - 1


def test_the_cached_next_shift_moves_on_when_it_has_ended(center):
    # given: the agent's schedule read (and cached) before their first shift
    publish_week(center)
    agent = center.agents[1]
    shifts = list(Assignment.objects.filter(agent=agent, is_live=True).order_by("start_at"))
    start, end = center.monday, center.monday + datetime.timedelta(days=6)
    before = shifts[0].start_at - datetime.timedelta(hours=1)
    with mock.patch.object(timezone, "now", return_value=before):
        _, upcoming = agent_schedule_and_next(agent=agent, start_on=start, end_on=end)
    assert upcoming.pk == shifts[0].pk
    # when: the same read after that shift ended, with nothing written in between
    after = shifts[0].end_at + datetime.timedelta(minutes=1)
    with mock.patch.object(timezone, "now", return_value=after):
        _, upcoming = agent_schedule_and_next(agent=agent, start_on=start, end_on=end)
    # then
    assert upcoming.pk == shifts[1].pk


def test_the_schedule_api_is_cached_per_reader(center):
    # given: two agents of the same roster, each reading their shifts twice
    roster = publish_week(center)
    path = f"/api/rosters/rosters/{roster.pk}/assignments/"
    answers = {}
    for agent in center.agents[1:3]:
        client = Client()
        client.force_login(agent.user)
        missed, first = read(client, path)
        hit, second = read(client, path)
        assert second == first
        assert hit < missed
        answers[agent.pk] = client.get(path).json()
    # then: each got their own shifts only
    for agent_id, answer in answers.items():
        assert answer["count"] > 0
        assert {row["agent"] for row in answer["results"]} == {agent_id}
    # and a change to a shift is in the next answer
    agent = center.agents[1]
    client = Client()
    client.force_login(agent.user)
    Assignment.objects.filter(agent=agent, roster=roster).update(locked=True)
    assert all(row["locked"] for row in client.get(path).json()["results"])


def test_the_board_is_cached_per_scope_and_language(center):
    # given: the published week, read by HR (every team) and by the team's lead
    roster = publish_week(center)
    path = f"/scheduler/rosters/{roster.pk}/"
    hr = Client()
    hr.force_login(center.hr)
    hr.get(path + "?level=junior")  # stamps the session's activity (another entry)
    missed, english = read(hr, path)
    hit, again = read(hr, path)
    assert again == english
    assert hit < missed
    # when: the same board in Chinese
    _, chinese = read(hr, path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then: rendered in Chinese, not the English copy
    assert "排班".encode() in chinese or "代理".encode() in chinese
    assert chinese != english
    # when: an agent leaves the team's unit (their row goes)
    gone = center.agents[0]
    gone.is_active = False
    gone.save()
    _, after = read(hr, path)
    assert after.count(b'id="agent-') == english.count(b'id="agent-') - 1
    assert f'id="agent-{gone.pk}"'.encode() not in after


def test_pages_read_the_database_while_the_shared_cache_is_unreachable(center, settings, caplog):
    # given: production's Redis cache, unreachable (nothing listens on port 1)
    roster = publish_week(center)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.05, "socket_timeout": 0.05},
        }
    }
    agent = center.agents[1]
    client = Client()
    client.force_login(agent.user)
    path = f"/scheduler/me/?start={center.monday.isoformat()}"
    _, before = read(client, path)
    # when: a shift is taken off the roster while the cache is down
    first_shift = Assignment.objects.filter(agent=agent, is_live=True).order_by("day").first()
    Assignment.objects.filter(pk=first_shift.pk).update(is_live=False)
    # then: the pages still answer, from the database, with the change
    _, after = read(client, path)
    assert after.count(b"border-left:6px solid") == before.count(b"border-left:6px solid") - 1
    api = client.get(f"/api/rosters/rosters/{roster.pk}/assignments/")
    assert api.status_code == 200
    assert "read cache" in caplog.text
