import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from staffing.models import Agent, LeaveLedgerEntry
from staffing.models.leave import LedgerKind
from tests.concurrency import postgres, postgres_sql  # noqa: F401 - fixtures for every module
from tests.factories import AgentFactory, SiteFactory, TeamFactory, UserFactory, leave_type


@pytest.fixture(autouse=True)
def _fresh_read_cache() -> None:
    """Tests roll their rows back but the cache would keep what they read: each test starts
    with an empty cache (the read cache is on in tests, see config/settings/test.py). In a
    shared Redis cache (CI) only this test process's keys go: FLUSHDB would empty the other
    pytest-xdist worker's cache in the middle of its test."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@dataclass
class World:
    """Two teams on one site; a lead of team A, an agent in A, one in B, HR and an admin."""

    team_a: Any
    team_b: Any
    lead: Any  # user, team lead of team A (and an agent in A)
    lead_agent: Agent
    agent_user: Any
    agent: Agent  # in team A
    colleague: Agent  # also in team A
    other: Agent  # in team B
    hr: Any  # HR user with an agent record in team B
    hr_agent: Agent
    admin: Any

    def user_for(self, role: str) -> Any:
        return {
            "agent": self.agent_user,
            "team_lead": self.lead,
            "hr": self.hr,
            "admin": self.admin,
        }[role]

    def own_agent(self, role: str) -> Agent | None:
        return {
            "agent": self.agent,
            "team_lead": self.lead_agent,
            "hr": self.hr_agent,
            "admin": None,
        }[role]


@pytest.fixture
def world(db: Any) -> World:
    site = SiteFactory(code="sh")
    team_a = TeamFactory(code="team-a", site=site)
    team_b = TeamFactory(code="team-b", site=site)
    lead_agent = AgentFactory(
        team=team_a,
        level="team_lead",
        user=UserFactory(username="lead", roles=["agent", "team_lead"]),
    )
    team_a.team_leads.add(lead_agent.user)
    agent = AgentFactory(team=team_a, user=UserFactory(username="agent", roles=["agent"]))
    colleague = AgentFactory(team=team_a, user=UserFactory(username="colleague", roles=["agent"]))
    other = AgentFactory(team=team_b, user=UserFactory(username="other", roles=["agent"]))
    hr_agent = AgentFactory(team=team_b, user=UserFactory(username="hr", roles=["hr", "agent"]))
    admin = UserFactory(username="root", roles=["admin"], is_superuser=True, is_staff=True)
    annual = leave_type("annual")
    year = datetime.date.today().year
    for each in (lead_agent, agent, colleague, other, hr_agent):
        for y in (year, year + 1):
            LeaveLedgerEntry.objects.create(
                agent=each, leave_type=annual, year=y, kind=LedgerKind.GRANT, days=Decimal("10")
            )
    return World(
        team_a=team_a,
        team_b=team_b,
        lead=lead_agent.user,
        lead_agent=lead_agent,
        agent_user=agent.user,
        agent=agent,
        colleague=colleague,
        other=other,
        hr=hr_agent.user,
        hr_agent=hr_agent,
        admin=admin,
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
