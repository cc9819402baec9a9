"""Every page (non-API URL pattern) answers each role as the policy says.

The completeness test walks the URL conf: a new page without a row here fails. Roles: an agent
(agent 4 of the Hangzhou center, with a published week), a team lead, HR, an admin and an
anonymous visitor (sent to the login page for every page but the login page itself).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scheduler.models import Notification
from scheduler.models.rosters import Roster, RosterRun
from scheduler.models.selfservice import OpenShift, SwapRequest
from tests.factories import UserFactory
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
from tests.scheduler.selfservice.conftest import day_of, live, publish_week

ROLES = ["agent", "team_lead", "hr", "admin", "anonymous"]
SKIPPED_PREFIXES = ("admin:", "api:")
PUBLIC = {"login", "set_language", "calendar-feed", "api-schema", "api-docs"}


def page_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                walk(pattern.url_patterns, space)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{prefix}{pattern.name}"
                if not name.startswith(SKIPPED_PREFIXES) and name not in PUBLIC:
                    names.add(name)

    walk(get_resolver().url_patterns, "")
    return names


@dataclass
class World:
    center: Any
    admin: Any
    roster: Roster

    def user(self, role: str) -> Any:
        return {
            "agent": self.center.agents[4].user,
            "team_lead": self.center.lead,
            "hr": self.center.hr,
            "admin": self.admin,
        }[role]

    def shift(self) -> Any:
        return live(self.center.agents[4], day_of(self.center, 0))

    def swap(self) -> SwapRequest:
        from scheduler.services import swaps

        a, b = self.center.agents[4], self.center.agents[5]
        return swaps.swap_propose(
            actor=a.user,
            shift=self.shift(),
            counterpart=b,
            counterpart_shift=live(b, day_of(self.center, 0)),
        )

    def board(self) -> OpenShift:
        from scheduler.services import open_shifts

        giver = self.center.agents[9]
        return open_shifts.open_shift_give_away(
            actor=giver.user, shift=live(giver, day_of(self.center, 6))
        )

    def leave(self) -> Any:
        from staffing.models import LeaveRequest, LeaveType

        agent = self.center.agents[4]
        return LeaveRequest.objects.create(
            agent=agent,
            leave_type=LeaveType.objects.get(code="personal"),
            start_on=day_of(self.center, 2),
            end_on=day_of(self.center, 2),
            days=1,
            created_by=agent.user,
        )

    def record(self) -> Any:
        import datetime

        from staffing.models import TrainingRecord
        from tests.factories import TrainingSessionFactory

        start = datetime.datetime(2030, 1, 7, 9, tzinfo=datetime.UTC)
        session = TrainingSessionFactory(
            starts_at=start, ends_at=start + datetime.timedelta(hours=2)
        )
        return TrainingRecord.objects.create(agent=self.center.agents[4], session=session)

    def run(self) -> RosterRun:
        return RosterRun.objects.create(
            unit=self.roster.unit,
            period_start=self.roster.period_start,
            period_end=self.roster.period_end,
            status="succeeded",
        )


Call = Callable[[Any, World], Any]
Expect = Callable[[str], int | tuple[int, ...]]


def agents_only(code: int | tuple[int, ...] = 200) -> Expect:
    # the team lead of the center is also an agent (agent 0)
    return lambda role: code if role in ("agent", "team_lead") else 403


def hr_only(code: int | tuple[int, ...] = 200) -> Expect:
    return lambda role: code if role in ("hr", "admin") else 403


def leave_deciders(code: int | tuple[int, ...] = 200, admin: int | tuple[int, ...] = 200) -> Expect:
    # HR decides anyone's leave, a team lead their teams'; admins read (and are refused a
    # decision); agents have no HR pages
    return lambda role: {"hr": code, "team_lead": code, "admin": admin}.get(role, 403)


def planners(code: int | tuple[int, ...] = 200) -> Expect:
    return lambda role: code if role in ("team_lead", "hr", "admin") else 403


def anyone(code: int = 200) -> Expect:
    return lambda role: code


@dataclass
class Row:
    call: Call
    expect: Expect


def get(name: str, *args: Callable[[World], Any]) -> Call:
    return lambda client, w: client.get(reverse(name, args=[arg(w) for arg in args]))


def post(
    name: str, *args: Callable[[World], Any], data: Callable[[World], dict] | None = None
) -> Call:
    return lambda client, w: client.post(
        reverse(name, args=[arg(w) for arg in args]), data(w) if data else {}
    )


ROSTER = lambda w: w.roster.pk  # noqa: E731
SHIFT = lambda w: w.shift().pk  # noqa: E731

MATRIX: dict[str, Row] = {
    "hr:leave-list": Row(get("hr:leave-list"), leave_deciders()),
    "hr:leave-detail": Row(get("hr:leave-detail", lambda w: w.leave().pk), leave_deciders()),
    "hr:balance-list": Row(get("hr:balance-list"), hr_only()),
    "hr:agent-balances": Row(get("hr:agent-balances", lambda w: w.center.agents[4].pk), hr_only()),
    "hr:training": Row(get("hr:training"), hr_only()),
    "hr:training-session": Row(
        get("hr:training-session", lambda w: w.record().session_id), hr_only()
    ),
    "hr:training-result": Row(
        post("hr:training-result", lambda w: w.record().pk), hr_only((200, 302, 400))
    ),
    "hr:certificates-expiring": Row(get("hr:certificates-expiring"), hr_only()),
    "hr:skill-list": Row(get("hr:skill-list"), hr_only()),
    "hr-reports:report": Row(get("hr-reports:report"), hr_only()),
    "home": Row(get("home"), anyone()),
    "logout": Row(post("logout"), anyone(302)),
    "scheduler:queue-list": Row(get("scheduler:queue-list"), planners()),
    "scheduler:queue-day": Row(get("scheduler:queue-day", lambda w: w.center.queue.pk), planners()),
    "scheduler:queue-forecast": Row(
        post("scheduler:queue-forecast", lambda w: w.center.queue.pk),
        # team leads and admins plan demand (302 back to the queue); HR reads only
        lambda role: 302 if role in ("team_lead", "admin") else 403,
    ),
    "scheduler:queue-adjust": Row(
        post(
            "scheduler:queue-adjust",
            lambda w: w.center.queue.pk,
            data=lambda w: {
                "day": day_of(w.center, 0).isoformat(),
                "start": "09:00",
                "end": "10:00",
                "kind": "percent",
                "amount": "10",
                "reason": "campaign",
            },
        ),
        lambda role: 302 if role in ("team_lead", "admin") else 403,
    ),
    "scheduler:my-schedule": Row(get("scheduler:my-schedule"), agents_only()),
    "scheduler:shift-swap": Row(
        get("scheduler:shift-swap", SHIFT),
        # only the shift's owner: anyone else's lookup finds nothing
        lambda role: 200 if role == "agent" else 404 if role == "team_lead" else 403,
    ),
    "scheduler:swap-propose": Row(
        post(
            "scheduler:swap-propose",
            SHIFT,
            data=lambda w: {"counterpart": w.center.agents[5].pk},
        ),
        lambda role: 302 if role == "agent" else 404 if role == "team_lead" else 403,
    ),
    "scheduler:give-away": Row(
        post("scheduler:give-away", SHIFT),
        lambda role: 302 if role == "agent" else 404 if role == "team_lead" else 403,
    ),
    "scheduler:swap-answer": Row(
        lambda client, w: client.post(
            reverse("scheduler:swap-answer", args=[w.swap().pk, "cancel"])
        ),
        lambda role: 302 if role == "agent" else 404 if role == "team_lead" else 403,
    ),
    "scheduler:my-requests": Row(get("scheduler:my-requests"), agents_only()),
    "scheduler:leave-request": Row(post("scheduler:leave-request"), agents_only(302)),
    "scheduler:leave-preview": Row(get("scheduler:leave-preview"), agents_only()),
    "scheduler:my-open-shifts": Row(get("scheduler:my-open-shifts"), agents_only()),
    "scheduler:open-shift-claim": Row(
        lambda client, w: client.post(reverse("scheduler:open-shift-claim", args=[w.board().pk])),
        agents_only(302),
    ),
    "scheduler:open-shift-withdraw": Row(
        lambda client, w: client.post(
            reverse("scheduler:open-shift-withdraw", args=[w.board().pk])
        ),
        # only the agent who gave it away has it in their list
        lambda role: 404 if role in ("agent", "team_lead") else 403,
    ),
    "scheduler:my-training": Row(get("scheduler:my-training"), agents_only()),
    "scheduler:calendar-revoke": Row(post("scheduler:calendar-revoke"), agents_only(302)),
    "scheduler:calendar-download": Row(get("scheduler:calendar-download"), agents_only()),
    "scheduler:inbox": Row(get("scheduler:inbox"), anyone()),
    "scheduler:inbox-read": Row(post("scheduler:inbox-read"), anyone(302)),
    "scheduler:roster-list": Row(get("scheduler:roster-list"), planners()),
    "scheduler:roster-generate": Row(
        post(
            "scheduler:roster-generate",
            data=lambda w: {"unit": w.roster.unit_id, "period_start": "x"},
        ),
        planners(302),
    ),
    "scheduler:run-detail": Row(
        lambda client, w: client.get(reverse("scheduler:run-detail", args=[w.run().pk])),
        planners(),
    ),
    "scheduler:roster-board": Row(get("scheduler:roster-board", ROSTER), planners()),
    "scheduler:roster-cell": Row(post("scheduler:roster-cell", ROSTER), planners(302)),
    "scheduler:roster-publish": Row(post("scheduler:roster-publish", ROSTER), planners(302)),
    "scheduler:roster-coverage": Row(get("scheduler:roster-coverage", ROSTER), planners()),
    "scheduler:approvals": Row(get("scheduler:approvals"), planners()),
    "scheduler:approval-decide": Row(
        lambda client, w: client.post(
            reverse("scheduler:approval-decide", args=["swap", w.swap().pk, "reject"])
        ),
        planners(302),
    ),
}


def test_every_page_has_a_row():
    assert page_names() - set(MATRIX) == set()
    assert set(MATRIX) - page_names() == set()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_page_permission_row(center, name):  # noqa: F811
    from django.db import transaction
    from django.test import Client

    roster = publish_week(center)
    world = World(
        center=center, admin=UserFactory(username="admin-pages", roles=["admin"]), roster=roster
    )
    Notification.objects.create(user=center.agents[4].user, kind="x", title="t")
    failures = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.user(role))
        with transaction.atomic():
            response = MATRIX[name].call(client, world)
            transaction.set_rollback(True)
        if role == "anonymous":
            ok = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
            if name == "logout":
                ok = response.status_code == 302
            if not ok:
                failures.append(f"{name} as anonymous: {response.status_code}")
            continue
        expected = MATRIX[name].expect(role)
        codes = expected if isinstance(expected, tuple) else (expected,)
        if response.status_code not in codes:
            failures.append(f"{name} as {role}: {response.status_code} not in {codes}")
    assert not failures, "\n".join(failures)
