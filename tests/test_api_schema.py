"""The OpenAPI schema describes what the API really answers (the fast half of
tests/hard/test_schemathesis.py: each test here failed before the fix it guards)."""

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import client_for

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", *WRITES)
    ]


def response_schema(schema: dict[str, Any], path: str, method: str, code: str) -> Any:
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


def test_every_operation_documents_its_refusals(schema: dict[str, Any]) -> None:
    # given every operation of the API
    found = operations(schema)
    assert len(found) > 150

    # then each says it may refuse (403), writes say how (400, 409, 422) and take an
    # Idempotency-Key, and an operation on a record in the path may not find it (404)
    for path, method, operation in found:
        codes = set(operation["responses"])
        assert "403" in codes, (method, path)
        if method in WRITES:
            assert {"400", "409", "422"} <= codes, (method, path)
            headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
            # updates of a record also need If-Match (optimistic locking)
            expected = ["Idempotency-Key"] + (["If-Match"] if method in {"put", "patch"} else [])
            assert headers == expected, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
    assert response_schema(schema, "/api/staffing/agents/", "post", "400") == {
        "anyOf": [
            {"$ref": "#/components/schemas/ValidationErrors"},
            {"$ref": "#/components/schemas/ErrorDetail"},
        ]
    }


def test_unpaginated_lists_are_documented_as_lists(schema: dict[str, Any]) -> None:
    # given actions on list endpoints that answer a plain list, not a page
    for path in (
        "/api/self-service/open-shifts/eligible/",
        "/api/self-service/swaps/candidates/",
        "/api/rosters/rosters/{id}/diff/",
    ):
        # then the schema says array (it said a paginated object)
        assert response_schema(schema, path, "get", "200")["type"] == "array", path


def test_times_of_day_carry_no_utc_offset(schema: dict[str, Any]) -> None:
    # given a shift template's start time, which DRF writes as "07:00:00"
    start_time = schema["components"]["schemas"]["ShiftTemplate"]["properties"]["start_time"]

    # then it is not RFC 3339's full-time, which requires an offset
    assert start_time["format"] == "partial-time"
    assert start_time["pattern"].startswith("^([01]")


def test_query_parameters_read_by_views_are_declared(schema: dict[str, Any]) -> None:
    def names(path: str) -> set[str]:
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert {"agent", "year"} <= names("/api/staffing/leave-balances/")
    assert "unread" in names("/api/self-service/notifications/")
    assert "400" in schema["paths"]["/api/staffing/leave-balances/"]["get"]["responses"]


def test_an_unrouted_api_url_is_a_json_404(world: Any) -> None:
    # given an id the router cannot match (a dot is not allowed in a lookup)
    client = client_for(world.agent_user)

    # when it is asked for
    response = client.get("/api/staffing/agents/1.5/")

    # then the answer is JSON like every other API error, and pages stay HTML
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
