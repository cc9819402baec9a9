"""Hard scoping checks: a deterministic sweep of every scoped list x role x filter pointed at
another team's, unit's or site's records, and a long hypothesis run of hostile queries."""

from typing import Any

import pytest
from django.urls import reverse

from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
from tests.security.scoping import (
    SCOPED,
    ScopeWorld,
    build_scope_world,
    check_response,
    filter_names,
)
from tests.security.test_list_scoping import clients, fuzz_list_queries

pytestmark = pytest.mark.hard


@pytest.fixture
def scope_world(center: Any) -> ScopeWorld:  # noqa: F811
    return build_scope_world(center)


@pytest.mark.django_db
def test_sweep_of_filters_pointed_outside_the_scope(scope_world):
    # given records inside and outside each role's scope, and every scoped list's filters
    failures, calls, rows_seen = [], 0, 0
    by_role = clients(scope_world)
    for url_name in sorted(SCOPED):
        params: list[dict[str, str]] = [{}, {"page_size": "1000000"}, {"ordering": "-id"}]
        for name in filter_names(url_name):
            params += [{name: str(pk)} for pk in scope_world.outside_ids[:3]]
        for role, client in by_role.items():
            for query in params:
                # when the role lists with that query
                response = client.get(reverse(url_name), query)
                calls += 1
                problem = check_response(scope_world, role, url_name, response)
                if response.status_code == 200 and "results" in response.data:
                    rows_seen += len(response.data["results"])
                # then every row is in scope and nothing fails
                if problem:
                    failures.append(f"{url_name} as {role} with {query}: {problem}")
    print(f"\nscope sweep: {calls} list calls, {rows_seen} rows checked against the policy")
    assert not failures, "\n".join(failures[:20])
    assert rows_seen > 0


@pytest.mark.django_db
def test_long_fuzz_of_list_queries(scope_world):
    fuzz_list_queries(scope_world, examples=250)
