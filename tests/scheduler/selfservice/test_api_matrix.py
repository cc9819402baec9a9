"""Role x operation matrix for every operation under /api/self-service/, from the URL conf.

Roles, on the published week of the Hangzhou center: the requester of a swap (agent 4), its
counterpart (agent 5), a colleague who is not a party and is free on Sunday (agent 13), the
team lead, HR, an admin and an anonymous caller. Each operation's world is built once and each
role's call runs in a savepoint that is rolled back, so every cell starts from the same state.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from scheduler.models.rosters import Notification
from scheduler.models.selfservice import LeavePolicy, RefresherProposal, SwapPolicy
from scheduler.services import open_shifts, swaps
from staffing import policy
from staffing.models import LeaveRequest, LeaveType
from tests.api_operations import api_operations
from tests.etag import patch_fresh, put_fresh
from tests.factories import CourseFactory, TrainingSessionFactory, UserFactory

from .conftest import day_of, live, publish_week

ROLES = ["requester", "counterpart", "colleague", "team_lead", "hr", "admin"]
AGENTS = {"requester": 4, "counterpart": 5, "colleague": 13}


def url(name: str, *args: Any) -> str:
    return reverse(f"api:self-service:{name}", args=args)


@dataclass
class World:
    center: Any
    admin: Any

    def user(self, role: str) -> Any:
        if role in AGENTS:
            return self.center.agents[AGENTS[role]].user
        return {"team_lead": self.center.lead, "hr": self.center.hr, "admin": self.admin}[role]

    def agent(self, role: str) -> Any:
        return self.center.agents[AGENTS[role]]

    def monday_shift(self, role: str = "requester") -> Any:
        return live(self.agent(role), day_of(self.center, 0))

    def proposed(self) -> Any:
        return swaps.swap_propose(
            actor=self.user("requester"),
            shift=self.monday_shift("requester"),
            counterpart=self.agent("counterpart"),
            counterpart_shift=self.monday_shift("counterpart"),
        )

    def accepted(self) -> Any:
        return swaps.swap_accept(actor=self.user("counterpart"), swap=self.proposed())

    def board(self) -> Any:
        giver = self.center.agents[9]
        return open_shifts.open_shift_give_away(
            actor=giver.user, shift=live(giver, day_of(self.center, 6))
        )

    def leave_request(self) -> LeaveRequest:
        agent = self.agent("requester")
        return LeaveRequest.objects.create(
            agent=agent,
            leave_type=LeaveType.objects.get(code="personal"),
            start_on=day_of(self.center, 2),
            end_on=day_of(self.center, 2),
            days=1,
            created_by=agent.user,
        )

    def impact(self) -> Any:
        from scheduler.services.leave_staffing import leave_impact_assess

        return leave_impact_assess(request_id=self.leave_request().pk)

    def notification(self) -> Notification:
        return Notification.objects.create(user=self.user("requester"), kind="x", title="t")

    def refresher(self) -> RefresherProposal:
        from staffing.models import TrainingRecord
        from staffing.models.training import TrainingStatus

        past = datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)
        session = TrainingSessionFactory(
            course=CourseFactory(code="refresh", hours=1),
            starts_at=past,
            ends_at=past + datetime.timedelta(hours=1),
        )
        record = TrainingRecord.objects.create(
            agent=self.agent("requester"),
            session=session,
            status=TrainingStatus.PASSED,
            certificate_expires_on=day_of(self.center, 5),
        )
        start = datetime.datetime.combine(
            day_of(self.center, 0), datetime.time(10), tzinfo=datetime.UTC
        )
        return RefresherProposal.objects.create(
            record=record,
            agent=record.agent,
            course=record.session.course,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )

    def swap_policy(self) -> SwapPolicy:
        return SwapPolicy.objects.get_or_create(site=self.center.unit.site)[0]

    def leave_policy(self) -> LeavePolicy:
        return LeavePolicy.objects.get_or_create(team=self.agent("requester").team)[0]


Expect = Callable[[World, str], int | tuple[int, ...]]


def each(**codes: int) -> Expect:
    return lambda w, role: codes[role]


def agents_else(agent_code: int, other: int = 403) -> Expect:
    return lambda w, role: agent_code if role in AGENTS or role == "team_lead" else other


def managers(code: int, others: int = 403) -> Expect:
    return lambda w, role: code if role in ("team_lead", "hr", "admin") else others


def configuration(code: int) -> Expect:
    return lambda w, role: code if role in ("hr", "admin") else 403


def any_200(w: World, role: str) -> int:
    return 200


@dataclass
class Row:
    call: Callable[[APIClient, World], Any]
    expect: Expect


def leave_visible(w: World, role: str) -> int:
    request = LeaveRequest.objects.filter(agent=w.agent("requester")).first()
    visible = policy.leave_requests_visible_to(w.user(role))
    return 200 if request is not None and visible.filter(pk=request.pk).exists() else 404


def may_request_for(w: World, role: str) -> int:
    return 200 if policy.can_request_leave_for(w.user(role), w.agent("requester")) else 400


MATRIX: dict[tuple[str, str], Row] = {
    ("api-root", "GET"): Row(lambda c, w: c.get(reverse("api:self-service:api-root")), any_200),
    ("swap-list", "GET"): Row(lambda c, w: c.get(url("swap-list")), any_200),
    ("swap-list", "POST"): Row(
        lambda c, w: c.post(
            url("swap-list"),
            {
                "shift": w.monday_shift("requester").pk,
                "counterpart": w.agent("counterpart").pk,
                "counterpart_shift": w.monday_shift("counterpart").pk,
            },
            format="json",
        ),
        # only the shift's owner may offer it; everyone else is refused
        each(requester=201, counterpart=403, colleague=403, team_lead=403, hr=403, admin=403),
    ),
    ("swap-detail", "GET"): Row(
        lambda c, w: c.get(url("swap-detail", w.proposed().pk)),
        each(requester=200, counterpart=200, colleague=404, team_lead=200, hr=200, admin=200),
    ),
    ("swap-candidates", "GET"): Row(
        lambda c, w: c.get(url("swap-candidates"), {"shift": w.monday_shift("requester").pk}),
        each(requester=200, counterpart=400, colleague=400, team_lead=400, hr=403, admin=403),
    ),
    ("swap-accept", "POST"): Row(
        lambda c, w: c.post(url("swap-accept", w.proposed().pk)),
        each(requester=403, counterpart=200, colleague=404, team_lead=403, hr=403, admin=403),
    ),
    ("swap-approve", "POST"): Row(
        lambda c, w: c.post(url("swap-approve", w.accepted().pk), {}, format="json"),
        each(requester=403, counterpart=403, colleague=404, team_lead=200, hr=200, admin=200),
    ),
    ("swap-reject", "POST"): Row(
        lambda c, w: c.post(url("swap-reject", w.proposed().pk), {}, format="json"),
        each(requester=403, counterpart=200, colleague=404, team_lead=200, hr=200, admin=200),
    ),
    ("swap-cancel", "POST"): Row(
        lambda c, w: c.post(url("swap-cancel", w.proposed().pk)),
        each(requester=200, counterpart=200, colleague=404, team_lead=403, hr=403, admin=403),
    ),
    ("open-shift-list", "GET"): Row(lambda c, w: c.get(url("open-shift-list")), any_200),
    ("open-shift-list", "POST"): Row(
        lambda c, w: c.post(
            url("open-shift-list"),
            {"unit": w.center.unit.pk, "day": day_of(w.center, 6).isoformat(), "template": "day"},
            format="json",
        ),
        managers(201),
    ),
    ("open-shift-detail", "GET"): Row(
        lambda c, w: c.get(url("open-shift-detail", w.board().pk)), any_200
    ),
    ("open-shift-give-away", "POST"): Row(
        lambda c, w: c.post(
            url("open-shift-give-away"), {"shift": w.monday_shift().pk}, format="json"
        ),
        each(requester=201, counterpart=403, colleague=403, team_lead=403, hr=403, admin=403),
    ),
    ("open-shift-post-under-covered", "POST"): Row(
        lambda c, w: c.post(
            url("open-shift-post-under-covered"),
            {"roster": w.monday_shift().roster_id},
            format="json",
        ),
        managers(201),
    ),
    ("open-shift-eligible", "GET"): Row(
        lambda c, w: c.get(url("open-shift-eligible")), agents_else(200)
    ),
    ("open-shift-claim", "POST"): Row(
        lambda c, w: c.post(url("open-shift-claim", w.board().pk)),
        # agents 4 and the lead work that Sunday, agent 5 would exceed the contract: 409 with
        # the rule; agent 13 is free and takes it
        each(requester=409, counterpart=409, colleague=200, team_lead=409, hr=403, admin=403),
    ),
    ("open-shift-withdraw", "POST"): Row(
        lambda c, w: c.post(url("open-shift-withdraw", w.board().pk)), managers(200)
    ),
    ("leave-impact-list", "GET"): Row(lambda c, w: c.get(url("leave-impact-list")), any_200),
    ("leave-impact-detail", "GET"): Row(
        lambda c, w: c.get(url("leave-impact-detail", w.impact().pk)), leave_visible
    ),
    ("leave-impact-preview", "POST"): Row(
        lambda c, w: c.post(
            url("leave-impact-preview"),
            {
                "agent": w.agent("requester").pk,
                "start_on": day_of(w.center, 0).isoformat(),
                "end_on": day_of(w.center, 1).isoformat(),
            },
            format="json",
        ),
        may_request_for,
    ),
    ("notification-list", "GET"): Row(lambda c, w: c.get(url("notification-list")), any_200),
    ("notification-detail", "GET"): Row(
        lambda c, w: c.get(url("notification-detail", w.notification().pk)),
        lambda w, role: 200 if role == "requester" else 404,
    ),
    ("notification-read", "POST"): Row(
        lambda c, w: c.post(url("notification-read", w.notification().pk)),
        lambda w, role: 200 if role == "requester" else 404,
    ),
    ("notification-read-all", "POST"): Row(
        lambda c, w: c.post(url("notification-read-all")), any_200
    ),
    ("refresher-list", "GET"): Row(lambda c, w: c.get(url("refresher-list")), any_200),
    ("refresher-detail", "GET"): Row(
        lambda c, w: c.get(url("refresher-detail", w.refresher().pk)),
        each(requester=200, counterpart=404, colleague=404, team_lead=200, hr=200, admin=200),
    ),
    ("refresher-book", "POST"): Row(
        lambda c, w: c.post(url("refresher-book", w.refresher().pk), {}, format="json"),
        each(requester=403, counterpart=404, colleague=404, team_lead=200, hr=200, admin=200),
    ),
    ("refresher-decline", "POST"): Row(
        lambda c, w: c.post(url("refresher-decline", w.refresher().pk)),
        each(requester=403, counterpart=404, colleague=404, team_lead=200, hr=200, admin=200),
    ),
    ("swap-policy-list", "GET"): Row(lambda c, w: c.get(url("swap-policy-list")), any_200),
    ("swap-policy-list", "POST"): Row(
        lambda c, w: c.post(
            url("swap-policy-list"), {"site": w.center.unit.site_id}, format="json"
        ),
        configuration(201),
    ),
    ("swap-policy-detail", "GET"): Row(
        lambda c, w: c.get(url("swap-policy-detail", w.swap_policy().pk)), any_200
    ),
    ("swap-policy-detail", "PUT"): Row(
        lambda c, w: put_fresh(
            c,
            url("swap-policy-detail", w.swap_policy().pk),
            {"site": w.center.unit.site_id, "auto_approve": True},
            format="json",
        ),
        configuration(200),
    ),
    ("swap-policy-detail", "PATCH"): Row(
        lambda c, w: patch_fresh(
            c, url("swap-policy-detail", w.swap_policy().pk), {"notice_hours": 12}, format="json"
        ),
        configuration(200),
    ),
    ("swap-policy-detail", "DELETE"): Row(
        lambda c, w: c.delete(url("swap-policy-detail", w.swap_policy().pk)), configuration(204)
    ),
    ("leave-policy-list", "GET"): Row(lambda c, w: c.get(url("leave-policy-list")), any_200),
    ("leave-policy-list", "POST"): Row(
        lambda c, w: c.post(
            url("leave-policy-list"),
            {"team": w.agent("requester").team_id, "auto_approve": True},
            format="json",
        ),
        configuration(201),
    ),
    ("leave-policy-detail", "GET"): Row(
        lambda c, w: c.get(url("leave-policy-detail", w.leave_policy().pk)), any_200
    ),
    ("leave-policy-detail", "PUT"): Row(
        lambda c, w: put_fresh(
            c,
            url("leave-policy-detail", w.leave_policy().pk),
            {"team": w.agent("requester").team_id, "auto_approve": False},
            format="json",
        ),
        configuration(200),
    ),
    ("leave-policy-detail", "PATCH"): Row(
        lambda c, w: patch_fresh(
            c,
            url("leave-policy-detail", w.leave_policy().pk),
            {"service_level_margin": 0.05},
            format="json",
        ),
        configuration(200),
    ),
    ("leave-policy-detail", "DELETE"): Row(
        lambda c, w: c.delete(url("leave-policy-detail", w.leave_policy().pk)),
        configuration(204),
    ),
    ("calendar", "GET"): Row(lambda c, w: c.get(url("calendar")), agents_else(200)),
    ("calendar-revoke", "POST"): Row(lambda c, w: c.post(url("calendar-revoke")), agents_else(200)),
    ("calendar-download", "GET"): Row(
        lambda c, w: c.get(url("calendar-download")), agents_else(200)
    ),
}


def test_every_self_service_operation_has_a_row():
    operations = api_operations(namespace=":api:self-service")
    assert operations - set(MATRIX) == set()
    assert set(MATRIX) - operations == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_self_service_permission_row(center, name, method):
    publish_week(center)
    world = World(center=center, admin=UserFactory(username="admin-hz", roles=["admin"]))
    row = MATRIX[(name, method)]
    failures = []
    for role in [*ROLES, "anonymous"]:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(world.user(role))
        with transaction.atomic():
            response = row.call(client, world)
            expected = (401, 403) if role == "anonymous" else row.expect(world, role)
            transaction.set_rollback(True)
        codes = expected if isinstance(expected, tuple) else (expected,)
        if response.status_code not in codes:
            failures.append(
                f"{method} {name} as {role}: {response.status_code} not in {codes}: "
                f"{getattr(response, 'data', '')}"
            )
    assert not failures, "\n".join(failures)
