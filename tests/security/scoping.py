"""Fuzzing list and filter endpoints: a world with records inside and outside each role's
scope, an oracle saying which rows a role may see (written from the policy, not from the
selectors the views use), and a hypothesis strategy of hostile query strings."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import resolve, reverse
from hypothesis import strategies as st

from scheduler.models import Notification
from staffing.models import Agent, LeaveRequest
from tests.factories import UserFactory
from tests.scheduler.selfservice.conftest import publish_week
from tests.security.foreign import build_foreign

ROLES = ["agent", "team_lead", "hr", "admin"]
GENERIC_PARAMS = ["ordering", "page", "page_size", "limit", "offset", "format", "search", "id"]


@dataclass
class Scope:
    """What one user may see, from the policy: their agent, the agents of the teams they lead,
    the units and sites of those teams; HR and admins everything."""

    user: Any
    everything: bool
    agents: set[int]
    teams: set[int]
    units: set[int]
    sites: set[int]


@dataclass
class ScopeWorld:
    scopes: dict[str, Scope]
    outside_ids: list[int]  # ids of other teams', units' and sites' records, for filters


def build_scope_world(center: Any) -> ScopeWorld:
    publish_week(center)
    other_site = build_foreign(center.monday)
    other_team = build_foreign(center.monday, site=center.unit.site, code="hzb")
    admin = UserFactory(username="admin-scope", roles=["admin"])
    for foreign in (other_site, other_team):
        Notification.objects.create(user=foreign.agents[2].user, kind="x", title="other")
    Notification.objects.create(user=center.agents[4].user, kind="x", title="mine")
    Notification.objects.create(user=center.lead, kind="x", title="lead")
    center_team = center.agents[4].team_id
    team_agents = set(Agent.objects.filter(team_id=center_team).values_list("pk", flat=True))
    every = Scope(center.hr, True, set(), set(), set(), set())
    scopes = {
        "agent": Scope(
            center.agents[4].user,
            False,
            {center.agents[4].pk},
            {center_team},
            {center.unit.pk},
            {center.unit.site_id},
        ),
        "team_lead": Scope(
            center.lead, False, team_agents, {center_team}, {center.unit.pk}, {center.unit.site_id}
        ),
        "hr": every,
        "admin": Scope(admin, True, set(), set(), set(), set()),
    }
    outside = [
        other_site.agents[1].pk,
        other_team.agents[1].pk,
        other_site.team.pk,
        other_team.team.pk,
        other_site.unit.pk,
        other_team.unit.pk,
        other_site.swap.pk,
        other_site.board.pk,
        other_site.leave.pk,
        other_site.roster.pk,
        other_site.unit.site_id,
        other_site.refresher.pk,
    ]
    return ScopeWorld(scopes=scopes, outside_ids=outside)


def _agent_of_request(row: dict) -> int:
    return LeaveRequest.objects.values_list("agent_id", flat=True).get(pk=row["request"])


# For each scoped list: how to tell whether a row may be shown to a scope.
Check = Callable[[Scope, dict], bool]
SCOPED: dict[str, Check] = {
    "api:staffing:agent-list": lambda s, row: row["id"] in s.agents,
    "api:staffing:agent-skill-list": lambda s, row: row["agent"] in s.agents,
    "api:staffing:training-record-list": lambda s, row: row["agent"] in s.agents,
    "api:staffing:leave-request-list": lambda s, row: row["agent"] in s.agents,
    "api:staffing:leave-ledger-list": lambda s, row: row["agent"] in s.agents,
    "api:rosters:planning-unit-list": lambda s, row: row["id"] in s.units,
    "api:rosters:roster-list": lambda s, row: row["unit"] in s.units,
    "api:rosters:run-list": lambda s, row: row["unit"] in s.units,
    "api:self-service:swap-list": lambda s, row: (
        row["requester"] in s.agents or row["counterpart"] in s.agents
    ),
    "api:self-service:open-shift-list": lambda s, row: row["unit"] in s.units,
    "api:self-service:leave-impact-list": lambda s, row: _agent_of_request(row) in s.agents,
    "api:self-service:notification-list": lambda s, row: Notification.objects.filter(
        pk=row["id"], user=s.user
    ).exists(),
    "api:self-service:refresher-list": lambda s, row: row["agent"] in s.agents,
    "api:self-service:swap-policy-list": lambda s, row: row["site"] in s.sites,
    "api:self-service:leave-policy-list": lambda s, row: row["team"] in s.teams,
}
# Lists everybody who may call them sees in full (catalogues, demand data for its readers).
UNSCOPED = [
    "api:staffing:site-list",
    "api:staffing:team-list",
    "api:staffing:contract-list",
    "api:staffing:skill-list",
    "api:staffing:leave-type-list",
    "api:staffing:course-list",
    "api:staffing:training-session-list",
    "api:scheduler:queue-list",
    "api:scheduler:open-hours-list",
    "api:scheduler:closure-list",
    "api:scheduler:shrinkage-rule-list",
    "api:scheduler:history-list",
    "api:scheduler:event-list",
    "api:scheduler:adjustment-list",
    "api:scheduler:forecast-list",
    "api:scheduler:requirement-list",
    "api:rosters:shift-template-list",
]
# Lists that need a parameter to answer at all; fuzzed parameters are added to (or replace) it.
BASE_QUERY: dict[str, dict[str, str]] = {
    "api:scheduler:requirement-list": {
        "from": "2026-03-16T00:00:00+08:00",
        "to": "2026-03-17T00:00:00+08:00",
    },
}
LISTS = sorted([*SCOPED, *UNSCOPED])


def filter_names(url_name: str) -> list[str]:
    view = resolve(reverse(url_name)).func.cls  # type: ignore[attr-defined]
    names = list(getattr(view, "filterset_fields", None) or [])
    names += list(getattr(view, "ordering_fields", None) or [])
    return sorted(set(names))


def hostile_values(outside_ids: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([str(pk) for pk in outside_ids]),
        st.sampled_from(
            [
                "",
                "0",
                "-1",
                "1e9",
                "99999999999999999999999",
                "1,2,3",
                "' OR 1=1 --",
                "null",
                "true",
                "__all__",
                "%00",
                "\x00",
                "../../etc/passwd",
                "-id",
                "user__password",
                "agent__user__password",
                "-agent__user__is_superuser",
                "?",
                "2026-02-30",
                "1000000",
                "api",
                "json",
                "x" * 5000,
            ]
        ),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def query_strategy(url_name: str, outside_ids: list[int]) -> st.SearchStrategy[dict[str, str]]:
    names = st.one_of(
        st.sampled_from(filter_names(url_name) or ["id"]),
        st.sampled_from(GENERIC_PARAMS),
        st.sampled_from(
            [f"{name}__in" for name in filter_names(url_name)]
            + ["agent__team", "user", "team", "unit", "site", "is_superuser"]
        ),
        st.text(min_size=1, max_size=12),
    )
    return st.dictionaries(names, hostile_values(outside_ids), max_size=4)


PAGE_SIZE = 50


def check_response(world: ScopeWorld, role: str, url_name: str, response: Any) -> str | None:
    """None when the answer is acceptable, else what is wrong with it."""
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code != 200:
        return None  # refused (400 bad filter, 403 role, 404 page out of range)
    if "json" not in response.get("Content-Type", ""):
        return None  # the browsable API (format=api): HTML of the same, already scoped queryset
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    if not isinstance(rows, list):
        return None
    if len(rows) > PAGE_SIZE:
        return f"{len(rows)} rows on one page"
    scope = world.scopes[role]
    if scope.everything or url_name not in SCOPED:
        return None
    outside = [row for row in rows if not SCOPED[url_name](scope, row)]
    return (
        f"rows outside the scope: ids {[row.get('id') for row in outside[:5]]}" if outside else None
    )
