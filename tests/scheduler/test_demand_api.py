"""Demand API: happy paths and bad input (400 naming the field)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scheduler.models import IntervalHistory, Queue
from tests.conftest import client_for
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
