"""Calendar feeds (RFC 5545): an agent's published shifts, breaks, training and approved leave,
in the site's time zone, at a private URL that Outlook and Google Calendar subscribe to.

The feed is built from the live roster on every fetch, so a new published version shows at the
next refresh. UIDs are stable per agent and day, so a changed shift replaces the old event in
the subscriber's calendar instead of adding a second one.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event

from scheduler.models.rosters import Activity, Assignment
from scheduler.models.selfservice import CalendarFeed, new_feed_token
from staffing import policy
from staffing.models import Agent, LeaveRequest, TrainingRecord
from staffing.models.leave import LeaveStatus
from staffing.models.training import TrainingStatus

NOT_YOURS = _("Only the agent can see or revoke their calendar feed.")
#: How far back and ahead a feed reaches.
PAST_DAYS = 35
FUTURE_DAYS = 120


def _require_self(actor: Any, agent: Agent) -> None:
    own = policy.own_agent(actor)
    if own is None or own.pk != agent.pk:
        raise PermissionDenied(NOT_YOURS)


def calendar_feed_get(*, actor: Any, agent: Agent) -> CalendarFeed:
    """The agent's feed, created on first use."""
    _require_self(actor, agent)
    feed, _created = CalendarFeed.objects.get_or_create(agent=agent)
    return feed


def calendar_feed_revoke(*, actor: Any, agent: Agent) -> CalendarFeed:
    """A new private URL; the old one answers 404 from now on."""
    _require_self(actor, agent)
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.select_for_update().get_or_create(agent=agent)
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.last_fetched_at = None
        feed.save()
    return feed


def _uid(kind: str, key: str) -> str:
    return f"{kind}-{key}@{settings.CALENDAR_UID_DOMAIN}"


def agent_calendar(
    *,
    agent: Agent,
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
) -> Calendar:
    """The agent's calendar between two days (default: five weeks back, four months ahead)."""
    zone = ZoneInfo(agent.team.site.time_zone)
    today = timezone.localdate()
    start_on = start_on or today - datetime.timedelta(days=PAST_DAYS)
    end_on = end_on or today + datetime.timedelta(days=FUTURE_DAYS)
    calendar = Calendar()
    calendar.add("prodid", "-//OpenCenter WFM//Roster feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", gettext("Shifts of %(name)s") % {"name": agent.full_name})
    calendar.add("x-wr-timezone", str(zone))
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")

    rows = (
        Assignment.objects.filter(agent=agent, is_live=True, day__gte=start_on, day__lte=end_on)
        .select_related("template", "roster")
        .order_by("start_at")
    )
    for row in rows:
        if row.activity == Activity.LEAVE:
            continue  # leave comes from the approved requests below, as all-day events
        stamp = row.roster.published_at or row.roster.created_at
        event = Event()
        event.add("uid", _uid("shift", f"{agent.employee_number}-{row.day.isoformat()}"))
        event.add("dtstamp", stamp)
        event.add("sequence", row.roster.version)
        event.add("dtstart", row.start_at.astimezone(zone))
        event.add("dtend", row.end_at.astimezone(zone))
        name = row.template.name if row.template else row.get_activity_display()
        event.add("summary", gettext("Shift: %(name)s") % {"name": name})
        event.add("categories", ["SHIFT"])
        event.add("transp", "OPAQUE")
        if row.break_start_at and row.break_minutes:
            break_end = row.break_start_at + datetime.timedelta(minutes=row.break_minutes)
            event.add(
                "description",
                gettext("Break %(start)s-%(end)s")
                % {
                    "start": f"{row.break_start_at.astimezone(zone):%H:%M}",
                    "end": f"{break_end.astimezone(zone):%H:%M}",
                },
            )
        calendar.add_component(event)
        if row.break_start_at and row.break_minutes:
            pause = Event()
            pause.add("uid", _uid("break", f"{agent.employee_number}-{row.day.isoformat()}"))
            pause.add("dtstamp", stamp)
            pause.add("sequence", row.roster.version)
            pause.add("dtstart", row.break_start_at.astimezone(zone))
            pause.add(
                "dtend",
                (row.break_start_at + datetime.timedelta(minutes=row.break_minutes)).astimezone(
                    zone
                ),
            )
            pause.add("summary", gettext("Break"))
            pause.add("categories", ["BREAK"])
            pause.add("transp", "TRANSPARENT")
            calendar.add_component(pause)

    start_at = datetime.datetime.combine(start_on, datetime.time(0), tzinfo=zone)
    end_at = datetime.datetime.combine(
        end_on + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
    )
    records = TrainingRecord.objects.filter(
        agent=agent,
        status__in=[TrainingStatus.ENROLLED, TrainingStatus.ATTENDED, TrainingStatus.PASSED],
        session__starts_at__gte=start_at,
        session__starts_at__lt=end_at,
    ).select_related("session__course")
    for record in records:
        session = record.session
        event = Event()
        event.add("uid", _uid("training", str(record.pk)))
        event.add("dtstamp", session.starts_at)
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add("summary", gettext("Training: %(course)s") % {"course": session.course.title})
        if session.location:
            event.add("location", session.location)
        event.add("categories", ["TRAINING"])
        calendar.add_component(event)

    leave = LeaveRequest.objects.filter(
        agent=agent,
        status=LeaveStatus.APPROVED,
        start_on__lte=end_on,
        end_on__gte=start_on,
    ).select_related("leave_type")
    for request in leave:
        event = Event()
        event.add("uid", _uid("leave", str(request.pk)))
        event.add("dtstamp", request.decided_at or request.created_at)
        event.add("dtstart", request.start_on)
        event.add("dtend", request.end_on + datetime.timedelta(days=1))
        event.add("summary", gettext("Leave: %(type)s") % {"type": request.leave_type.name})
        event.add("categories", ["LEAVE"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def calendar_for_token(*, token: str) -> bytes | None:
    """The feed behind a private URL, or None for an unknown or revoked token."""
    feed = (
        CalendarFeed.objects.filter(token=token, agent__is_active=True)
        .select_related("agent__team__site")
        .first()
    )
    if feed is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return agent_calendar(agent=feed.agent).to_ical()
