"""List and filter endpoints never return rows outside the caller's scope, whatever the query
string: known filters pointed at other teams', units' and sites' records, unknown parameters,
hostile values, huge page sizes and ordering by private fields; and never answer 500.

A short hypothesis run lives here; tests/hard/test_list_scoping_fuzz.py holds the
deterministic sweep (every scoped list x role x filter x outside id) and a long hypothesis
run."""

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)

from .scoping import (
    BASE_QUERY,
    LISTS,
    ROLES,
    SCOPED,
    ScopeWorld,
    build_scope_world,
    check_response,
    query_strategy,
)


@pytest.fixture
def scope_world(center: Any) -> ScopeWorld:  # noqa: F811
    return build_scope_world(center)


def clients(world: ScopeWorld) -> dict[str, APIClient]:
    result = {}
    for role in ROLES:
        client = APIClient()
        client.force_authenticate(world.scopes[role].user)
        result[role] = client
    return result


def test_every_list_endpoint_is_fuzzed():
    from tests.api_operations import api_operations

    lists = {
        f"api:{namespace}:{name}"
        for namespace in ("staffing", "scheduler", "rosters", "self-service")
        for name, method in api_operations(namespace=f":api:{namespace}")
        if method == "GET" and name.endswith("-list")
    }
    assert lists == set(LISTS)


@pytest.mark.django_db
def test_scoped_lists_hold_for_agents_and_team_leads(scope_world):
    # the plain listing and a huge page, for the two scoped roles: the fuzzers' baseline
    by_role = clients(scope_world)
    failures, rows = [], 0
    for url_name in sorted(SCOPED):
        for role in ("agent", "team_lead"):
            for query in ({}, {"page_size": "1000000"}):
                response = by_role[role].get(reverse(url_name), query)
                rows += len(response.data.get("results", [])) if response.status_code == 200 else 0
                problem = check_response(scope_world, role, url_name, response)
                if problem:
                    failures.append(f"{url_name} as {role} with {query}: {problem}")
    assert not failures, "\n".join(failures)
    assert rows > 0


@pytest.mark.django_db
def test_short_fuzz_of_list_queries(scope_world):
    fuzz_list_queries(scope_world, examples=60)


def fuzz_list_queries(scope_world: ScopeWorld, *, examples: int) -> None:
    by_role = clients(scope_world)
    failures: list[str] = []

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def run(data: Any) -> None:
        url_name = data.draw(st.sampled_from(LISTS))
        role = data.draw(st.sampled_from(ROLES))
        query = data.draw(query_strategy(url_name, scope_world.outside_ids))
        response = by_role[role].get(reverse(url_name), {**BASE_QUERY.get(url_name, {}), **query})
        problem = check_response(scope_world, role, url_name, response)
        if problem:
            failures.append(f"{url_name} as {role} with {query!r}: {problem}")

    run()
    print(f"\nlist fuzz: {examples} hypothesis examples over {len(LISTS)} lists, no failure")
    assert not failures, "\n".join(failures[:20])
