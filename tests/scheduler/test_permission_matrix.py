"""Role x endpoint matrix for every demand API operation, generated from the URL conf.

Every (URL name, HTTP method) under `api:scheduler` must have a row in MATRIX; a new endpoint
without one fails `test_every_operation_has_a_row`. Expectations follow scheduler.policy:
team leads, HR and admins read; planners (team leads and admins) write; agents get 403 and
anonymous callers 401/403. Demand data has no owner, so there is no owner dimension.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from scheduler.models import (
    ForecastAdjustment,
    OpenHours,
    QueueClosure,
    ShrinkageRule,
    SpecialEvent,
)
from tests.api_operations import api_operations
from tests.etag import patch_fresh, put_fresh
from tests.scheduler.demand_support import csv_text, make_queue, seed_history
from tests.staffing.test_permission_matrix import ROLES, Ctx, Row, fresh

NAMESPACE = "api:scheduler"
READERS = ("team_lead", "hr", "admin")
PLANNERS = ("team_lead", "admin")


def url(name: str, *args: Any) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def read(role: str, owner: str | None) -> int:
    return 200 if role in READERS else 403


def write(code: int) -> Callable[[str, str | None], int]:
    return lambda role, owner: code if role in PLANNERS else 403


# --- targets -----------------------------------------------------------------------------------


def _queue(x: Ctx) -> Any:
    return make_queue(fresh("q"), site=x.world.team_a.site)


def _queue_body(x: Ctx) -> dict:
    return {"site": x.world.team_a.site_id, "code": fresh("q"), "name": "Q", "skills": ["voice"]}


def _open_hours_body(x: Ctx) -> dict:
    return {"queue": _queue(x).pk, "weekday": 0, "opens_at": "08:00", "closes_at": "20:00"}


def _open_hours(x: Ctx) -> OpenHours:
    return OpenHours.objects.create(
        queue=_queue(x), weekday=0, opens_at=dt.time(8), closes_at=dt.time(20)
    )


def _closure_body(x: Ctx) -> dict:
    return {"queue": _queue(x).pk, "closed_on": "2026-05-01", "reason": "Labour Day"}


def _closure(x: Ctx) -> QueueClosure:
    return QueueClosure.objects.create(queue=_queue(x), closed_on=dt.date(2026, 5, 1))


def _shrinkage_body(x: Ctx) -> dict:
    return {"site": x.world.team_a.site_id, "percent": "30"}


def _shrinkage(x: Ctx) -> ShrinkageRule:
    return ShrinkageRule.objects.create(site=x.world.team_a.site, percent=30)


def _event(x: Ctx) -> SpecialEvent:
    return SpecialEvent.objects.create(
        site=x.world.team_a.site,
        name="Salary day",
        kind="salary_day",
        start_at=dt.datetime(2026, 5, 10, tzinfo=dt.UTC),
        end_at=dt.datetime(2026, 5, 11, tzinfo=dt.UTC),
        uplift="1.2",
    )


def _event_body(x: Ctx) -> dict:
    return {
        "name": "Campaign",
        "kind": "campaign",
        "site": x.world.team_a.site_id,
        "start_at": "2026-05-10T00:00:00+08:00",
        "end_at": "2026-05-11T00:00:00+08:00",
        "uplift": "1.3",
    }


def _adjustment_body(x: Ctx) -> dict:
    return {
        "queue": _queue(x).pk,
        "start_at": "2026-05-10T09:00:00+08:00",
        "end_at": "2026-05-10T12:00:00+08:00",
        "percent": "10",
        "reason": "Mail-out",
    }


def _adjustment(x: Ctx) -> ForecastAdjustment:
    body = _adjustment_body(x)
    return ForecastAdjustment.objects.create(
        queue_id=body["queue"],
        start_at=dt.datetime(2026, 5, 10, 1, tzinfo=dt.UTC),
        end_at=dt.datetime(2026, 5, 10, 4, tzinfo=dt.UTC),
        percent=10,
        reason="Mail-out",
    )


def _queue_with_history(x: Ctx) -> Any:
    queue = _queue(x)
    seed_history(queue, first_on=dt.date(2026, 3, 2), days=14)
    return queue


def _forecast(x: Ctx) -> Any:
    from scheduler.services.demand import forecast_generate

    return forecast_generate(queue=_queue_with_history(x), actor=x.world.admin, horizon_days=1)


def _upload(c: APIClient, x: Ctx) -> Any:
    data = csv_text([("2026-03-02T08:00:00", 3)], header="start,offered")
    return c.post(
        url("history-upload"),
        {"queue": _queue(x).pk, "file": SimpleUploadedFile("h.csv", data, "text/csv")},
        format="multipart",
    )


PERIOD = {"from": "2026-03-16T00:00:00+08:00", "to": "2026-03-17T00:00:00+08:00"}


MATRIX: dict[tuple[str, str], Row] = {
    ("api-root", "GET"): Row(
        lambda c, x: c.get(reverse(f"{NAMESPACE}:api-root")), lambda r, o: 200
    ),
    ("queue-list", "GET"): Row(lambda c, x: c.get(url("queue-list")), read),
    ("queue-list", "POST"): Row(
        lambda c, x: c.post(url("queue-list"), _queue_body(x), format="json"), write(201)
    ),
    ("queue-detail", "GET"): Row(lambda c, x: c.get(url("queue-detail", _queue(x).pk)), read),
    ("queue-detail", "PUT"): Row(
        lambda c, x: put_fresh(c, url("queue-detail", _queue(x).pk), _queue_body(x), format="json"),
        write(200),
    ),
    ("queue-detail", "PATCH"): Row(
        lambda c, x: patch_fresh(
            c, url("queue-detail", _queue(x).pk), {"name": "R"}, format="json"
        ),
        write(200),
    ),
    ("queue-detail", "DELETE"): Row(
        lambda c, x: c.delete(url("queue-detail", _queue(x).pk)), write(204)
    ),
    ("open-hours-list", "GET"): Row(lambda c, x: c.get(url("open-hours-list")), read),
    ("open-hours-list", "POST"): Row(
        lambda c, x: c.post(url("open-hours-list"), _open_hours_body(x), format="json"),
        write(201),
    ),
    ("open-hours-detail", "GET"): Row(
        lambda c, x: c.get(url("open-hours-detail", _open_hours(x).pk)), read
    ),
    ("open-hours-detail", "PUT"): Row(
        lambda c, x: put_fresh(
            c, url("open-hours-detail", _open_hours(x).pk), _open_hours_body(x), format="json"
        ),
        write(200),
    ),
    ("open-hours-detail", "PATCH"): Row(
        lambda c, x: patch_fresh(
            c, url("open-hours-detail", _open_hours(x).pk), {"closes_at": "18:00"}, format="json"
        ),
        write(200),
    ),
    ("open-hours-detail", "DELETE"): Row(
        lambda c, x: c.delete(url("open-hours-detail", _open_hours(x).pk)), write(204)
    ),
    ("closure-list", "GET"): Row(lambda c, x: c.get(url("closure-list")), read),
    ("closure-list", "POST"): Row(
        lambda c, x: c.post(url("closure-list"), _closure_body(x), format="json"), write(201)
    ),
    ("closure-detail", "GET"): Row(lambda c, x: c.get(url("closure-detail", _closure(x).pk)), read),
    ("closure-detail", "PUT"): Row(
        lambda c, x: put_fresh(
            c, url("closure-detail", _closure(x).pk), _closure_body(x), format="json"
        ),
        write(200),
    ),
    ("closure-detail", "PATCH"): Row(
        lambda c, x: patch_fresh(
            c, url("closure-detail", _closure(x).pk), {"reason": "Moved"}, format="json"
        ),
        write(200),
    ),
    ("closure-detail", "DELETE"): Row(
        lambda c, x: c.delete(url("closure-detail", _closure(x).pk)), write(204)
    ),
    ("shrinkage-rule-list", "GET"): Row(lambda c, x: c.get(url("shrinkage-rule-list")), read),
    ("shrinkage-rule-list", "POST"): Row(
        lambda c, x: c.post(url("shrinkage-rule-list"), _shrinkage_body(x), format="json"),
        write(201),
    ),
    ("shrinkage-rule-detail", "GET"): Row(
        lambda c, x: c.get(url("shrinkage-rule-detail", _shrinkage(x).pk)), read
    ),
    ("shrinkage-rule-detail", "PUT"): Row(
        lambda c, x: put_fresh(
            c, url("shrinkage-rule-detail", _shrinkage(x).pk), _shrinkage_body(x), format="json"
        ),
        write(200),
    ),
    ("shrinkage-rule-detail", "PATCH"): Row(
        lambda c, x: patch_fresh(
            c, url("shrinkage-rule-detail", _shrinkage(x).pk), {"percent": "25"}, format="json"
        ),
        write(200),
    ),
    ("shrinkage-rule-detail", "DELETE"): Row(
        lambda c, x: c.delete(url("shrinkage-rule-detail", _shrinkage(x).pk)), write(204)
    ),
    ("history-list", "GET"): Row(lambda c, x: c.get(url("history-list")), read),
    ("history-upload", "POST"): Row(_upload, write(201)),
    ("event-list", "GET"): Row(lambda c, x: c.get(url("event-list")), read),
    ("event-list", "POST"): Row(
        lambda c, x: c.post(url("event-list"), _event_body(x), format="json"), write(201)
    ),
    ("event-detail", "GET"): Row(lambda c, x: c.get(url("event-detail", _event(x).pk)), read),
    ("event-detail", "PUT"): Row(
        lambda c, x: put_fresh(c, url("event-detail", _event(x).pk), _event_body(x), format="json"),
        write(200),
    ),
    ("event-detail", "PATCH"): Row(
        lambda c, x: patch_fresh(
            c, url("event-detail", _event(x).pk), {"uplift": "1.1"}, format="json"
        ),
        write(200),
    ),
    ("event-detail", "DELETE"): Row(
        lambda c, x: c.delete(url("event-detail", _event(x).pk)), write(204)
    ),
    ("adjustment-list", "GET"): Row(lambda c, x: c.get(url("adjustment-list")), read),
    ("adjustment-list", "POST"): Row(
        lambda c, x: c.post(url("adjustment-list"), _adjustment_body(x), format="json"),
        write(201),
    ),
    ("adjustment-detail", "GET"): Row(
        lambda c, x: c.get(url("adjustment-detail", _adjustment(x).pk)), read
    ),
    ("adjustment-detail", "DELETE"): Row(
        lambda c, x: c.delete(url("adjustment-detail", _adjustment(x).pk)), write(204)
    ),
    ("forecast-list", "GET"): Row(lambda c, x: c.get(url("forecast-list")), read),
    ("forecast-detail", "GET"): Row(
        lambda c, x: c.get(url("forecast-detail", _forecast(x).pk)), read
    ),
    ("forecast-generate", "POST"): Row(
        lambda c, x: c.post(
            url("forecast-generate"),
            {"queue": _queue_with_history(x).pk, "horizon_days": 1},
            format="json",
        ),
        write(201),
    ),
    ("requirement-list", "GET"): Row(lambda c, x: c.get(url("requirement-list"), PERIOD), read),
    ("requirement-export", "GET"): Row(lambda c, x: c.get(url("requirement-export"), PERIOD), read),
    ("skill-group-requirements", "GET"): Row(
        lambda c, x: c.get(
            url("skill-group-requirements"), {"site": x.world.team_a.site_id, **PERIOD}
        ),
        read,
    ),
}


def scheduler_operations() -> set[tuple[str, str]]:
    return api_operations(namespace=f":{NAMESPACE}")


def test_every_operation_has_a_row():
    operations = scheduler_operations()
    assert operations, "no scheduler API operations found: is the URL conf wired?"
    missing = operations - set(MATRIX)
    assert not missing, f"API operations without a permission-matrix row: {sorted(missing)}"
    stale = set(MATRIX) - operations
    assert not stale, f"Matrix rows for operations that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_permission_cell(world, name, method, role):
    row = MATRIX[(name, method)]
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user_for(role))
    ctx = Ctx(world=world, role=role, owner=None)
    with transaction.atomic():
        response = row.call(client, ctx)
        transaction.set_rollback(True)
    if role == "anonymous":
        assert response.status_code in (401, 403), (name, method, response.status_code)
        return
    expected = row.expect(role, None)
    codes = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in codes, (
        f"{method} {name} as {role}: got {response.status_code}, expected {codes}: "
        f"{getattr(response, 'data', '')}"
    )
