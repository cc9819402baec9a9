"""A leave request's note and reason are private to HR and the requester.

Everything a user can read is crawled (every API list, the details that concern the request,
the pages, the calendar feed and download, the CSV/XLSX/HTML reports, the admin with its
history) for the requester, HR, the team lead who decides, an admin and a colleague. About
350 requests: a hard check; tests/security/test_leave_privacy.py holds the fast ones. A marker
in the note and a medical reason must show up for the requester and HR (so the crawl does reach
them) and nowhere for anyone else.
"""

import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from scheduler.models import Notification
from scheduler.models.selfservice import CalendarFeed, LeaveImpact
from scheduler.services.leave_staffing import leave_impact_assess
from staffing.models import LeaveRequest, LeaveType
from staffing.services import leave as leave_services
from tests.api_operations import api_operations
from tests.factories import UserFactory
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
from tests.scheduler.selfservice.conftest import day_of, publish_week

pytestmark = [pytest.mark.django_db, pytest.mark.hard]

MARKER = "NOTE-7f3a-fertility-treatment"
REASON_LABEL = "Medical appointment"
REASON_JSON = re.compile(r'"reason_category"\s*:\s*"medical"')
NAMESPACES = [":api:staffing", ":api:scheduler", ":api:rosters", ":api:self-service"]


def text_of(response: Any) -> str:
    if response.status_code != 200:
        return ""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # XLSX: the strings live in the zipped XML
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(name).decode() for name in archive.namelist())
    return content.decode(errors="replace")


def crawl(user: Any, *, requests: list[LeaveRequest], roster: Any, agent: Any) -> dict[str, str]:
    """Everything the user can read that might carry the requests, by URL."""
    client = Client()
    client.force_login(user)
    urls: list[str] = []
    for namespace in NAMESPACES:
        for name, method in sorted(api_operations(namespace=namespace)):
            if method != "GET":
                continue
            try:
                urls.append(reverse(f"{namespace[1:]}:{name}") + "?page_size=1000")
            except NoReverseMatch:
                continue  # a detail: the ones about the requests are added below
    for request in requests:
        urls += [
            reverse("api:staffing:leave-request-detail", args=[request.pk]),
            reverse("hr:leave-detail", args=[request.pk]),
            f"/admin/staffing/leaverequest/{request.pk}/change/",
            f"/admin/staffing/leaverequest/{request.pk}/history/",
        ]
        for impact in LeaveImpact.objects.filter(request=request):
            urls.append(reverse("api:self-service:leave-impact-detail", args=[impact.pk]))
    for notification in Notification.objects.filter(user=user):
        urls.append(reverse("api:self-service:notification-detail", args=[notification.pk]))
    first, last = requests[0].start_on, requests[-1].end_on
    for report_format in ("html", "csv", "xlsx"):
        urls.append(
            reverse("hr-reports:report")
            + f"?report=leave&start_on={first}&end_on={last}&format={report_format}"
        )
    urls += [
        reverse("api:staffing:leave-balances") + f"?agent={agent.pk}",
        reverse("api:rosters:roster-assignments", args=[roster.pk]) + "?page_size=1000",
        reverse("api:rosters:roster-diff", args=[roster.pk]),
        reverse("hr:leave-list") + f"?start_on={first}&end_on={last}",
        reverse("hr:agent-balances", args=[agent.pk]),
        reverse("scheduler:approvals"),
        reverse("scheduler:my-requests"),
        reverse("scheduler:inbox"),
        reverse("scheduler:my-schedule"),
        reverse("scheduler:calendar-download"),
        reverse("scheduler:roster-board", args=[roster.pk]),
        reverse("home"),
        "/admin/staffing/leaverequest/",
        "/admin/staffing/leaveledgerentry/",
    ]
    found = {url: text_of(client.get(url)) for url in urls}
    feed = CalendarFeed.objects.filter(agent__user=user).first()
    if feed is not None:
        found["calendar feed"] = text_of(Client().get(reverse("calendar-feed", args=[feed.token])))
    return found


def leaks(pages: dict[str, str]) -> list[str]:
    return [
        url
        for url, text in pages.items()
        if MARKER in text or REASON_LABEL in text or REASON_JSON.search(text)
    ]


def test_leave_note_and_reason_reach_only_hr_and_the_requester(
    center,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a published week and two requests of agent 4 with a private note and a medical
    # reason: one pending (assessed, so the lead is asked), one approved with a calendar feed
    roster = publish_week(center)
    requester = center.agents[4]
    admin = UserFactory(username="root-privacy", roles=["admin"], is_staff=True, is_superuser=True)
    personal = LeaveType.objects.get(code="personal")
    with django_capture_on_commit_callbacks(execute=True):
        requests = [
            leave_services.leave_request_create(
                actor=requester.user,
                agent=requester,
                leave_type=personal,
                start_on=day_of(center, offset),
                end_on=day_of(center, offset),
                reason_category="medical",
                note=MARKER,
            )
            for offset in (2, 3)
        ]
        for request in requests:
            leave_impact_assess(request_id=request.pk)
        requests[1].refresh_from_db()
        if requests[1].status == "pending":
            leave_services.leave_request_approve(actor=center.hr, request=requests[1])
    for user in (requester.user, center.lead, center.agents[5].user):
        CalendarFeed.objects.get_or_create(agent__user=user, defaults={"agent": user.agent})
    readers = {
        "requester": requester.user,
        "hr": center.hr,
        "team_lead": center.lead,
        "admin": admin,
        "colleague": center.agents[5].user,
    }
    # when each of them reads everything they can
    pages = {
        role: crawl(user, requests=requests, roster=roster, agent=requester)
        for role, user in readers.items()
    }
    # then the requester and HR do see the note and the reason (the crawl reaches them)
    assert leaks(pages["requester"]), "the requester should see their own note"
    assert leaks(pages["hr"]), "HR should see the note"
    # and nobody else sees either, anywhere
    found = {role: leaks(pages[role]) for role in ("team_lead", "admin", "colleague")}
    assert found == {"team_lead": [], "admin": [], "colleague": []}
    # and the crawl did read something for each of them
    for role in ("team_lead", "admin", "colleague"):
        assert sum(1 for text in pages[role].values() if text) >= 10, role
    print(
        "\nprivacy crawl: "
        + ", ".join(
            f"{role} {sum(1 for text in pages[role].values() if text)} readable URLs"
            for role in readers
        )
    )
