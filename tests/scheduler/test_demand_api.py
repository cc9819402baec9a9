"""Demand API: happy paths and bad input (400 naming the field)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scheduler.models import IntervalHistory, Queue
from tests.conftest import client_for
from tests.etag import patch_fresh
from tests.scheduler.demand_support import SHANGHAI, csv_text, make_queue, seed_history

pytestmark = pytest.mark.django_db

FIRST_ON = dt.date(2026, 3, 2)


def url(name, *args):
    return reverse(f"api:scheduler:{name}", args=args)


def test_queue_create_and_duplicate_code(world):
    client = client_for(world.lead)
    body = {
        "site": world.team_a.site_id,
        "code": "cards",
        "name": "Cards",
        "channel": "voice",
        "skills": ["voice", "cards"],
    }
    created = client.post(url("queue-list"), body, format="json")
    assert created.status_code == 201, created.data
    assert sorted(created.data["skills"]) == ["cards", "voice"]
    again = client.post(url("queue-list"), body, format="json")
    assert again.status_code == 400 and "code" in again.data
    email = client.post(
        url("queue-list"), {**body, "code": "mail", "channel": "email"}, format="json"
    )
    assert email.status_code == 400 and "email_response_hours" in email.data


def test_upload_history_and_list_it(world):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.lead)
    data = csv_text([("2026-03-02T08:00:00", 5), ("2026-03-02T08:30:00", 6)], header="start,calls")
    response = client.post(
        url("history-upload"),
        {"queue": queue.pk, "file": SimpleUploadedFile("h.csv", data, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    assert response.data["intervals_written"] == 2
    listing = client.get(url("history-list"), {"queue": queue.pk, "from": "2026-03-02T00:30:00Z"})
    assert [row["offered"] for row in listing.data["results"]] == [6]


def test_upload_a_bad_file_names_the_rows(world):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.lead)
    data = csv_text([("2026-03-02T08:00:00", -5)], header="start,offered")
    response = client.post(
        url("history-upload"),
        {"queue": queue.pk, "file": SimpleUploadedFile("h.csv", data, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "Row 2" in response.data["file"][0] and "offered" in response.data["file"][0]
    assert not IntervalHistory.objects.exists()
    unknown = client.post(
        url("history-upload"),
        {"queue": 999, "file": SimpleUploadedFile("h.csv", data, "text/csv")},
        format="multipart",
    )
    assert unknown.status_code == 400 and "queue" in unknown.data


def test_generate_read_and_export(world):
    queue = make_queue(site=world.team_a.site)
    seed_history(queue, first_on=FIRST_ON, days=21)
    client = client_for(world.lead)
    generated = client.post(
        url("forecast-generate"), {"queue": queue.pk, "horizon_days": 2}, format="json"
    )
    assert generated.status_code == 201, generated.data
    detail = client.get(url("forecast-detail", generated.data["id"]))
    assert len(detail.data["intervals"]) == 96
    day = dt.datetime.combine(FIRST_ON + dt.timedelta(days=21), dt.time(), tzinfo=SHANGHAI)
    params = {
        "queue": queue.pk,
        "from": day.isoformat(),
        "to": (day + dt.timedelta(hours=2)).isoformat(),
    }
    listing = client.get(url("requirement-list"), params)
    assert listing.status_code == 200 and listing.data["count"] == 4
    export = client.get(url("requirement-export"), params)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().strip().splitlines()
    assert lines[0].startswith("queue,start_at_local") and len(lines) == 5
    assert lines[1].startswith(f"{queue.code},{day.isoformat()}")
    groups = client.get(
        url("skill-group-requirements"),
        {
            "site": queue.site_id,
            "from": day.isoformat(),
            "to": (day + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert groups.status_code == 200, groups.data
    assert groups.data["groups"][0]["skills"] == ["voice"]
    assert len(groups.data["groups"][0]["intervals"]) == 48


def test_bad_input_names_the_field(world):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.lead)
    no_history = client.post(url("forecast-generate"), {"queue": queue.pk}, format="json")
    assert no_history.status_code == 400 and "queue" in no_history.data
    horizon = client.post(
        url("forecast-generate"), {"queue": queue.pk, "horizon_days": 0}, format="json"
    )
    assert horizon.status_code == 400 and "horizon_days" in horizon.data
    period = client.get(url("requirement-list"), {"from": "2026-03-02", "to": "2026-03-01"})
    assert period.status_code == 400 and "to" in period.data
    bad_time = client.get(url("requirement-list"), {"from": "soon"})
    assert bad_time.status_code == 400 and "from" in bad_time.data
    event = client.post(
        url("event-list"),
        {
            "name": "Salary day",
            "kind": "salary_day",
            "queue": queue.pk,
            "start_at": "2026-05-10T00:00:00+08:00",
            "end_at": "2026-05-09T00:00:00+08:00",
            "uplift": "1.3",
        },
        format="json",
    )
    assert event.status_code == 400 and "end_at" in event.data
    adjustment = client.post(
        url("adjustment-list"),
        {
            "queue": queue.pk,
            "start_at": "2026-05-10T00:00:00+08:00",
            "end_at": "2026-05-11T00:00:00+08:00",
            "percent": "-150",
            "reason": "x",
        },
        format="json",
    )
    assert adjustment.status_code == 400 and "percent" in adjustment.data
    groups = client.get(url("skill-group-requirements"), {"site": queue.site_id})
    assert groups.status_code == 400 and "from" in groups.data


def test_queue_with_forecasts_is_not_deleted(world):
    queue = make_queue(site=world.team_a.site)
    seed_history(queue, first_on=FIRST_ON, days=14)
    client = client_for(world.admin)
    client.post(url("forecast-generate"), {"queue": queue.pk, "horizon_days": 1}, format="json")
    response = client.delete(url("queue-detail", queue.pk))
    assert response.status_code == 400
    assert Queue.objects.filter(pk=queue.pk).exists()


# --- open hours, closures and shrinkage: written by planners -----------------------------------


def _generated(client, queue, days=2):
    seed_history(queue, first_on=FIRST_ON, days=21)
    response = client.post(
        url("forecast-generate"), {"queue": queue.pk, "horizon_days": days}, format="json"
    )
    assert response.status_code == 201, response.data
    return response.data["id"]


def test_planner_sets_open_hours_and_the_requirements_follow(
    world, django_capture_on_commit_callbacks
):
    # given a 24/7 queue with a forecast for 2026-03-23 (a Monday)
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.lead)
    _generated(client, queue)
    monday = dt.datetime.combine(FIRST_ON + dt.timedelta(days=21), dt.time(), tzinfo=SHANGHAI)
    period = {"queue": queue.pk, "from": monday.isoformat(), "to": monday.replace(hour=23)}
    # when the planner opens it on Mondays 08:00-20:00 only
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            url("open-hours-list"),
            {"queue": queue.pk, "weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
            format="json",
        )
    # then the hours are stored, shown on the queue and the requirements close the night
    assert created.status_code == 201, created.data
    shown = client.get(url("queue-detail", queue.pk)).data["open_hours"]
    assert [(row["weekday"], row["opens_at"]) for row in shown] == [(0, "08:00:00")]
    rows = client.get(url("requirement-list"), period).data["results"]
    is_open = {row["start_at"][11:16]: row["is_open"] for row in rows}
    assert is_open["07:30"] is False and is_open["08:00"] is True and is_open["20:00"] is False
    # when the evening is extended, then the change is saved
    with django_capture_on_commit_callbacks(execute=True):
        changed = patch_fresh(
            client,
            url("open-hours-detail", created.data["id"]),
            {"closes_at": "22:00"},
            format="json",
        )
    assert changed.status_code == 200 and changed.data["closes_at"] == "22:00:00"
    rows = client.get(url("requirement-list"), period).data["results"]
    assert {row["start_at"][11:16]: row["is_open"] for row in rows}["21:30"] is True


def test_open_hours_errors_name_the_field(world):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.lead)
    body = {"queue": queue.pk, "weekday": 2, "opens_at": "08:00", "closes_at": "12:00"}
    assert client.post(url("open-hours-list"), body, format="json").status_code == 201
    overlap = client.post(
        url("open-hours-list"), {**body, "opens_at": "11:00", "closes_at": "14:00"}, format="json"
    )
    assert overlap.status_code == 400 and "opens_at" in overlap.data
    backwards = client.post(
        url("open-hours-list"), {**body, "opens_at": "15:00", "closes_at": "13:00"}, format="json"
    )
    assert backwards.status_code == 400 and "closes_at" in backwards.data
    weekday = client.post(url("open-hours-list"), {**body, "weekday": 7}, format="json")
    assert weekday.status_code == 400 and "weekday" in weekday.data
    unknown = client.post(url("open-hours-list"), {**body, "queue": 999}, format="json")
    assert unknown.status_code == 400 and "queue" in unknown.data
    # an afternoon range after the morning one is fine, and so is closing at midnight
    evening = client.post(
        url("open-hours-list"), {**body, "opens_at": "13:00", "closes_at": "00:00"}, format="json"
    )
    assert evening.status_code == 201, evening.data


def test_planner_closes_a_day_and_a_second_closure_is_refused(
    world, django_capture_on_commit_callbacks
):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.admin)
    _generated(client, queue)
    closed_on = (FIRST_ON + dt.timedelta(days=21)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            url("closure-list"),
            {"queue": queue.pk, "closed_on": closed_on, "reason": "System migration"},
            format="json",
        )
    assert created.status_code == 201, created.data
    day = dt.datetime.combine(FIRST_ON + dt.timedelta(days=21), dt.time(), tzinfo=SHANGHAI)
    rows = client.get(
        url("requirement-list"),
        {"queue": queue.pk, "from": day.isoformat(), "to": (day + dt.timedelta(days=1))},
    ).data["results"]
    assert rows and all(not row["is_open"] and row["agents"] == 0 for row in rows)
    again = client.post(
        url("closure-list"), {"queue": queue.pk, "closed_on": closed_on}, format="json"
    )
    assert again.status_code == 400 and "closed_on" in again.data
    bad_date = client.post(
        url("closure-list"), {"queue": queue.pk, "closed_on": "31/12"}, format="json"
    )
    assert bad_date.status_code == 400 and "closed_on" in bad_date.data
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(url("closure-detail", created.data["id"]))
    assert deleted.status_code == 204
    rows = client.get(
        url("requirement-list"),
        {"queue": queue.pk, "from": day.isoformat(), "to": (day + dt.timedelta(days=1))},
    ).data["results"]
    assert any(row["is_open"] for row in rows)


def test_planner_writes_shrinkage_and_the_heads_follow(world, django_capture_on_commit_callbacks):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.lead)
    _generated(client, queue)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            url("shrinkage-rule-list"),
            {"site": queue.site_id, "percent": "30"},
            format="json",
        )
    assert created.status_code == 201, created.data
    listed = client.get(url("shrinkage-rule-list"), {"site": queue.site_id}).data["results"]
    assert [row["id"] for row in listed] == [created.data["id"]]
    rows = client.get(url("requirement-list"), {"queue": queue.pk}).data["results"]
    busy = [row for row in rows if row["agents"] > 0]
    assert busy and all(row["shrinkage"] == pytest.approx(0.3) for row in busy)
    assert all(row["scheduled_heads"] > row["agents"] for row in busy)


def test_shrinkage_errors_name_the_field(world):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.lead)
    both = client.post(
        url("shrinkage-rule-list"),
        {"site": queue.site_id, "queue": queue.pk, "percent": "30"},
        format="json",
    )
    assert both.status_code == 400 and "site" in both.data
    neither = client.post(url("shrinkage-rule-list"), {"percent": "30"}, format="json")
    assert neither.status_code == 400 and "site" in neither.data
    one_hour = client.post(
        url("shrinkage-rule-list"),
        {"queue": queue.pk, "start_hour": 9, "percent": "30"},
        format="json",
    )
    assert one_hour.status_code == 400 and "end_hour" in one_hour.data
    backwards = client.post(
        url("shrinkage-rule-list"),
        {"queue": queue.pk, "start_hour": 12, "end_hour": 9, "percent": "30"},
        format="json",
    )
    assert backwards.status_code == 400 and "end_hour" in backwards.data
    too_much = client.post(
        url("shrinkage-rule-list"), {"queue": queue.pk, "percent": "95"}, format="json"
    )
    assert too_much.status_code == 400 and "percent" in too_much.data


def test_hr_reads_but_does_not_write_open_hours(world):
    queue = make_queue(site=world.team_a.site)
    client = client_for(world.hr)
    assert client.get(url("open-hours-list")).status_code == 200
    refused = client.post(
        url("open-hours-list"),
        {"queue": queue.pk, "weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
        format="json",
    )
    assert refused.status_code == 403
