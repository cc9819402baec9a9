"""Calendar feeds: RFC 5545, parsed back with a standard library, exactly the published shifts."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient

from scheduler.models.rosters import Activity, Assignment
from scheduler.services import swaps
from scheduler.services.calendar import calendar_feed_get, calendar_feed_revoke
from staffing.models import LeaveType
from staffing.services.leave import leave_request_approve, leave_request_create

from .conftest import day_of, live

pytestmark = pytest.mark.django_db


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(calendar: Calendar, category: str) -> list:
    return [
        event
        for event in calendar.walk("VEVENT")
        if category in [str(c) for c in event.get("categories").cats]
    ]


def test_the_feed_round_trips_the_published_shifts_exactly(center, week, client):
    agent = center.agents[5]
    feed = calendar_feed_get(actor=agent.user, agent=agent)
    response = client.get(reverse("calendar-feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = parse(response.content)
    shifts = events(calendar, "SHIFT")
    rows = list(
        Assignment.objects.filter(agent=agent, is_live=True)
        .exclude(activity=Activity.LEAVE)
        .order_by("start_at")
    )
    assert len(shifts) == len(rows) == 5
    zone = ZoneInfo("Asia/Shanghai")
    for event, row in zip(sorted(shifts, key=lambda e: e.decoded("dtstart")), rows, strict=True):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start == row.start_at and end == row.end_at
        assert (
            str(start.tzinfo) == "Asia/Shanghai"
            or start.utcoffset() == row.start_at.astimezone(zone).utcoffset()
        )
        assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert len(events(calendar, "BREAK")) == 5
    assert [c.get("tzid") for c in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_a_new_version_shows_at_the_next_fetch_with_the_same_uid(center, week, client):
    agent, other = center.agents[4], center.agents[5]
    feed = calendar_feed_get(actor=agent.user, agent=agent)
    url = reverse("calendar-feed", args=[feed.token])
    monday = day_of(center, 0)
    first = {str(e["uid"]): e for e in events(parse(client.get(url).content), "SHIFT")}
    swap = swaps.swap_propose(
        actor=agent.user,
        shift=live(agent, monday),
        counterpart=other,
        counterpart_shift=live(other, monday),
    )
    swaps.swap_accept(actor=other.user, swap=swap)
    swaps.swap_approve(actor=center.lead, swap=swap)
    second = {str(e["uid"]): e for e in events(parse(client.get(url).content), "SHIFT")}
    assert set(first) == set(second)
    changed = [
        uid for uid in first if first[uid].decoded("dtstart") != second[uid].decoded("dtstart")
    ]
    assert len(changed) == 1
    assert second[changed[0]].decoded("dtstart") == live(agent, monday).start_at
    assert int(second[changed[0]]["sequence"]) == 2


def test_training_and_approved_leave_are_in_the_feed(center, week, client):
    from tests.factories import CourseFactory, TrainingSessionFactory

    agent = center.agents[9]
    start = datetime.datetime.combine(day_of(center, 3), datetime.time(10), tzinfo=ZoneInfo("UTC"))
    session = TrainingSessionFactory(
        course=CourseFactory(), starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    from staffing.services.training import training_record_enroll

    training_record_enroll(actor=center.hr, agent=agent, session=session)
    request = leave_request_create(
        actor=agent.user,
        agent=agent,
        leave_type=LeaveType.objects.get(code="sick"),
        start_on=day_of(center, 4),
        end_on=day_of(center, 4),
        document="note.pdf",
    )
    leave_request_approve(actor=center.lead, request=request)
    feed = calendar_feed_get(actor=agent.user, agent=agent)
    calendar = parse(client.get(reverse("calendar-feed", args=[feed.token])).content)
    (training,) = events(calendar, "TRAINING")
    assert training.decoded("dtstart") == start
    (leave,) = events(calendar, "LEAVE")
    assert leave.decoded("dtstart") == day_of(center, 4)


def test_revoking_gives_a_new_url_and_the_old_one_stops(center, week, client):
    agent = center.agents[5]
    old = calendar_feed_get(actor=agent.user, agent=agent).token
    new = calendar_feed_revoke(actor=agent.user, agent=agent).token
    assert old != new
    assert client.get(reverse("calendar-feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[new])).status_code == 200


def test_the_api_gives_the_url_and_a_one_off_download(center, week):
    agent = center.agents[5]
    api = APIClient()
    api.force_authenticate(agent.user)
    url = api.get(reverse("api:self-service:calendar")).json()["url"]
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    download = api.get(reverse("api:self-service:calendar-download"))
    assert download.status_code == 200
    assert len(events(parse(download.content), "SHIFT")) == 5
    assert "attachment" in download["Content-Disposition"]
    revoked = api.post(reverse("api:self-service:calendar-revoke")).json()["url"]
    assert revoked != url
    hr = APIClient()
    hr.force_authenticate(center.hr)
    assert hr.get(reverse("api:self-service:calendar")).status_code == 403
