"""A write repeated with the same Idempotency-Key creates one record and replays the answer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from staffing.models import IdempotencyRecord, LeaveRequest, LeaveType
from staffing.workdays import is_working_day

pytestmark = pytest.mark.django_db


def working_day() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=40)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def body(world, day: datetime.date) -> dict:
    return {
        "agent": world.agent.pk,
        "leave_type": LeaveType.objects.get(code="personal").pk,
        "start_on": day.isoformat(),
        "end_on": day.isoformat(),
    }


def client_of(world) -> APIClient:
    client = APIClient()
    client.force_login(world.agent_user)
    return client


def test_a_repeated_submit_with_the_same_key_creates_one_record(world):
    # given
    client = client_of(world)
    url = reverse("api:staffing:leave-request-list")
    payload = body(world, working_day())
    # when: the same request is sent twice with one key
    first = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="leave-req-0001")
    second = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="leave-req-0001")
    # then
    assert first.status_code == 201
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert LeaveRequest.objects.filter(agent=world.agent).count() == 1


def test_without_a_key_each_submit_counts_and_a_reused_key_is_refused(world):
    client = client_of(world)
    url = reverse("api:staffing:leave-request-list")
    day = working_day()
    assert client.post(url, body(world, day), format="json").status_code == 201
    other = body(world, day + datetime.timedelta(days=7))
    while not is_working_day(datetime.date.fromisoformat(other["start_on"])):
        day += datetime.timedelta(days=1)
        other = body(world, day + datetime.timedelta(days=7))
    client.post(url, other, format="json", HTTP_IDEMPOTENCY_KEY="leave-req-0002")
    changed = dict(other, end_on=other["start_on"], start_on=other["start_on"])
    changed["agent"] = world.agent.pk
    changed["leave_type"] = LeaveType.objects.get(code="sick").pk
    reused = client.post(url, changed, format="json", HTTP_IDEMPOTENCY_KEY="leave-req-0002")
    assert reused.status_code == 422
    assert reused.json()["rule"] == "idempotency_key"


def test_a_key_still_in_progress_answers_409_and_bad_keys_400(world):
    client = client_of(world)
    url = reverse("api:staffing:leave-request-list")
    payload = body(world, working_day())
    assert (
        client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="busy-key-0003").status_code
        == 201
    )
    # while the first request of a key has not answered yet, a repeat is told so
    IdempotencyRecord.objects.filter(key="busy-key-0003").update(status_code=None)
    busy = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="busy-key-0003")
    assert busy.status_code == 409 and "in progress" in busy.json()["detail"]
    assert client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="x").status_code == 400
    assert LeaveRequest.objects.filter(agent=world.agent).count() == 1


def test_a_replayed_edit_repeats_the_etag_of_the_first_answer(world):
    # given HR holding an agent's ETag, saving an edit with an Idempotency-Key
    from tests.etag import etag

    client = APIClient()
    client.force_login(world.hr)  # a session, as the middleware sees it
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    before = etag(client, url)
    first = client.patch(
        url,
        {"full_name": "Renamed"},
        format="json",
        HTTP_IF_MATCH=before,
        HTTP_IDEMPOTENCY_KEY="agent-edit-0001",
    )
    # when the client, unsure it arrived, sends it again
    second = client.patch(
        url,
        {"full_name": "Renamed"},
        format="json",
        HTTP_IF_MATCH=before,
        HTTP_IDEMPOTENCY_KEY="agent-edit-0001",
    )
    # then the replay carries the ETag to edit with next: the current one
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second["ETag"] == first["ETag"] == etag(client, url)
