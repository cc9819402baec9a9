"""Optimistic locking in the API (staffing.api.locking): ETag on detail reads, If-Match on every
PUT and PATCH (428 without, 412 when stale), and 409 for a second decision on operations."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework import viewsets
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from staffing.api.locking import OptimisticLockingMixin, parse_if_match
from staffing.api.serializers import SiteSerializer
from staffing.models import Agent, LeaveRequest, Site
from staffing.versions import record_version
from tests.conftest import client_for
from tests.etag import etag
from tests.factories import leave_type

pytestmark = pytest.mark.django_db

UPDATE_METHODS = {"put", "patch"}


def api_routes() -> list[tuple[str, URLPattern]]:
    """Every viewset route under /api/, as (namespaced name, pattern), from the URL conf."""
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif (
                isinstance(pattern, URLPattern)
                and getattr(pattern.callback, "actions", None)
                and namespace.startswith(":api")
                and "format" not in str(pattern.pattern)
            ):
                found.append((f"{namespace.lstrip(':')}:{pattern.name}", pattern))

    walk(get_resolver().url_patterns, "")
    return found


def update_operations() -> list[tuple[str, str]]:
    return sorted(
        (name, method.upper())
        for name, pattern in api_routes()
        for method in pattern.callback.actions  # type: ignore[attr-defined]
        if method in UPDATE_METHODS
    )


def test_every_api_update_operation_requires_if_match(world):
    # given every PUT and PATCH the URL conf serves under /api/ (a new one is included)
    operations = update_operations()
    assert ("api:staffing:agent-detail", "PATCH") in operations
    assert ("api:scheduler:queue-detail", "PUT") in operations
    assert ("api:self-service:swap-policy-detail", "PATCH") in operations
    client = client_for(world.admin)
    refused = []
    for name, method in operations:
        # when an admin edits without If-Match (the header is checked before the lookup)
        url = reverse(name, kwargs={"pk": 999_999})
        response = getattr(client, method.lower())(url, {}, format="json")
        # then the answer is 428 naming the header
        body = response.json() if response.status_code == 428 else {}
        if body.get("header") != "If-Match" or body.get("rule") != "if_match_required":
            refused.append((name, method, response.status_code))
    assert refused == []


def test_every_api_detail_read_and_update_uses_the_locking_mixin():
    # given every route with a detail read or an update
    routes = [
        (name, pattern.callback.cls)  # type: ignore[attr-defined]
        for name, pattern in api_routes()
        if {"put", "patch"} & set(pattern.callback.actions)  # type: ignore[attr-defined]
        or "retrieve" in pattern.callback.actions.values()  # type: ignore[attr-defined]
    ]
    assert len(routes) > 20
    # then each viewset serves ETags and checks If-Match through the one mixin
    assert [name for name, cls in routes if not issubclass(cls, OptimisticLockingMixin)] == []


def test_a_viewset_without_the_mixin_would_fail_the_generated_test(world):
    # guard: the generated test must be able to fail
    class Unguarded(viewsets.ModelViewSet):
        queryset = Site.objects.all()
        serializer_class = SiteSerializer

    request = APIRequestFactory().patch("/api/x/1/", {}, format="json")
    force_authenticate(request, user=world.admin)
    response = Unguarded.as_view({"patch": "partial_update"})(request, pk=999_999)
    assert response.status_code == 404


def test_detail_read_carries_a_strong_etag_of_the_stored_row(world):
    # given HR reading an agent
    client = client_for(world.hr)
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    # when the record is read twice
    first, second = client.get(url), client.get(url)
    # then the ETag is strong, stable and the hash of the row
    assert first["ETag"] == second["ETag"] == f'"{record_version(world.agent)}"'
    assert not first["ETag"].startswith("W/")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_edit_from_a_stale_copy_is_refused_with_412_and_the_row_unchanged(world, method):
    # given HR and a team lead who both read the same agent
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    hr, other_hr = client_for(world.hr), client_for(world.admin)
    stale = etag(hr, url)
    # when someone else saves first
    saved = other_hr.patch(url, {"full_name": "First Writer"}, format="json", HTTP_IF_MATCH=stale)
    assert saved.status_code == 200, saved.json()
    # and HR then saves from the copy they read before
    late = getattr(hr, method)(
        url, {"full_name": "Second Writer"}, format="json", HTTP_IF_MATCH=stale
    )
    # then HR is refused with 412 naming the header, and the first change stands
    assert late.status_code == 412
    assert late.json()["header"] == "If-Match"
    assert late.json()["rule"] == "stale_version"
    assert "changed" in late.json()["detail"]
    assert Agent.objects.get(pk=world.agent.pk).full_name == "First Writer"


def test_edit_with_the_current_etag_saves_and_returns_the_next_etag(world):
    # given HR holding the current ETag of an agent
    client = client_for(world.hr)
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    before = etag(client, url)
    # when HR saves with it
    response = client.patch(url, {"full_name": "Renamed"}, format="json", HTTP_IF_MATCH=before)
    # then the edit is saved and the answer carries the new ETag, the one the next read gives
    assert response.status_code == 200, response.json()
    assert response["ETag"] != before
    assert response["ETag"] == etag(client, url)
    # and a second edit with the new ETag passes too, while the old one no longer does
    again = client.patch(url, {"full_name": "Again"}, format="json", HTTP_IF_MATCH=before)
    assert again.status_code == 412
    ok = client.patch(url, {"full_name": "Again"}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", 428),  # missing
        ("*", 428),  # would match any version: a blind overwrite
        ('W/"{tag}"', 428),  # weak tags never match If-Match
        ('"0000", "{tag}"', 200),  # a list holding the current one
        ('"0000"', 412),
    ],
)
def test_if_match_forms(world, header, expected):
    # given the current version of a site
    client = client_for(world.admin)
    site = Site.objects.first()
    url = reverse("api:staffing:site-detail", args=[site.pk])
    tag = etag(client, url).strip('"')
    extra = {"HTTP_IF_MATCH": header.format(tag=tag)} if header else {}
    # when the admin edits with that header
    response = client.patch(url, {"name": "Renamed"}, format="json", **extra)
    # then only a strong, current tag lets the edit through
    assert response.status_code == expected
    assert (Site.objects.get(pk=site.pk).name == "Renamed") == (expected == 200)


def test_parse_if_match_keeps_strong_tags_only():
    assert parse_if_match('"a", W/"b" ,"c", *') == {'"a"', '"c"'}


def test_etag_covers_many_to_many_links(world):
    # given a team's ETag
    client = client_for(world.admin)
    team = world.agent.team
    url = reverse("api:staffing:team-detail", args=[team.pk])
    before = etag(client, url)
    # when only its team leads change (no column of the row changes)
    team.team_leads.add(world.hr)
    # then the ETag changes, so an edit from the old read is refused
    assert etag(client, url) != before


def test_validation_error_after_the_precondition_saves_nothing(world):
    # given a current ETag
    client = client_for(world.hr)
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    before = etag(client, url)
    # when the edit is invalid
    response = client.patch(url, {"level": "no-such-level"}, format="json", HTTP_IF_MATCH=before)
    # then it is a 400 naming the field, and the record (and its ETag) is unchanged
    assert response.status_code == 400
    assert "level" in response.json()
    assert etag(client, url) == before


def session_client(user: object) -> APIClient:
    """The Idempotency-Key middleware sees session and token users, not forced ones."""
    client = APIClient()
    client.force_login(user)
    return client


def test_idempotent_retry_of_an_edit_replays_the_answer_not_a_412(world):
    # given an edit sent with an Idempotency-Key and the current ETag
    client = session_client(world.hr)
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    headers = {"HTTP_IF_MATCH": etag(client, url), "HTTP_IDEMPOTENCY_KEY": "edit-agent-0001"}
    first = client.patch(url, {"full_name": "Once"}, format="json", **headers)
    assert first.status_code == 200
    # when the client repeats it (its ETag is now stale) with the same key
    again = client.patch(url, {"full_name": "Once"}, format="json", **headers)
    # then the first answer is replayed instead of a 412, and nothing ran twice
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    # and the same key with another precondition is another request
    headers["HTTP_IF_MATCH"] = '"other"'
    other = client.patch(url, {"full_name": "Once"}, format="json", **headers)
    assert other.status_code == 422


def test_a_refused_precondition_is_not_kept_under_the_idempotency_key(world):
    # given an edit refused because the If-Match was stale
    client = session_client(world.hr)
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    headers = {"HTTP_IF_MATCH": '"stale"', "HTTP_IDEMPOTENCY_KEY": "edit-agent-0002"}
    refused = client.patch(url, {"full_name": "Retry"}, format="json", **headers)
    assert refused.status_code == 412
    # when the same request is sent again after someone restored nothing (still stale)
    again = client.patch(url, {"full_name": "Retry"}, format="json", **headers)
    # then it is checked again rather than replayed: nothing was done the first time
    assert again.status_code == 412
    assert "Idempotent-Replayed" not in again


def test_schema_documents_if_match_and_the_412_428_answers(world):
    # given the OpenAPI schema
    client = client_for(world.admin)
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    patch = paths["/api/staffing/agents/{id}/"]["patch"]
    # then the update needs If-Match, answers 412 and 428, and its 200 carries an ETag
    headers = [p for p in patch["parameters"] if p["in"] == "header"]
    assert [(p["name"], p.get("required", False)) for p in headers] == [
        ("Idempotency-Key", False),
        ("If-Match", True),
    ]
    assert {"412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    # and the detail read documents its ETag, an operation endpoint needs no If-Match
    assert "ETag" in paths["/api/staffing/agents/{id}/"]["get"]["responses"]["200"]["headers"]
    approve = paths["/api/staffing/leave-requests/{id}/approve/"]["post"]
    assert "412" not in approve["responses"]


def test_second_decision_on_a_leave_request_is_a_409(world):
    # given a pending leave request of an agent
    day = datetime.date.today() + datetime.timedelta(days=40)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    created = client_for(world.agent_user).post(
        reverse("api:staffing:leave-request-list"),
        {"leave_type": leave_type("annual").pk, "start_on": day, "end_on": day},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url_of = lambda action: reverse(  # noqa: E731
        f"api:staffing:leave-request-{action}", args=[created.json()["id"]]
    )
    lead = client_for(world.lead)
    # when the lead rejects it, then approves it (a second decision)
    first = lead.post(url_of("reject"), {"comment": "busy week"}, format="json")
    second = lead.post(url_of("approve"), {"comment": "ok"}, format="json")
    # then the second is refused with 409 naming the rule, and the first decision stands
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["rule"] == "already_decided"
    assert LeaveRequest.objects.get(pk=created.json()["id"]).status == "rejected"
