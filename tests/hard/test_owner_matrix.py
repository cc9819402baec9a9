"""The owner dimension the per-area matrices leave out: records of another team on the same
site and of another site, against the Hangzhou center's agent, team lead, HR and an admin.

Every cell is run in a savepoint that is rolled back. An agent or team lead never sees nor
acts on the other unit's swaps, open shifts, leave, impacts, refreshers, notifications,
rosters, runs or policies: a record is 404 (so its existence is not revealed), a foreign key in
a body is 400 "unknown", and an operation the role may not do at all is 403 before any lookup.
HR and admins see everything; their codes follow the same policy as for their own unit (None:
not asserted, the call would start the solver or depends on the roster's state). About 450
cells, a minute: a hard check; tests/security/test_owner_pages.py keeps the page fixes fast.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.etag import patch_fresh, put_fresh
from tests.factories import UserFactory
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
from tests.scheduler.selfservice.conftest import publish_week
from tests.security.foreign import Foreign, build_foreign

pytestmark = pytest.mark.hard

ROLES = ["agent", "team_lead", "hr", "admin"]
OWNERS = ["other_team", "other_site"]

Expect = dict[str, int | tuple[int, ...] | None]


def hidden(hr: Any, admin: Any = "same") -> Expect:
    """Invisible to the agent and the lead (404); HR and admin get their normal codes."""
    return {"agent": 404, "team_lead": 404, "hr": hr, "admin": hr if admin == "same" else admin}


def unknown_in_body(hr: Any, admin: Any = "same") -> Expect:
    return {"agent": 400, "team_lead": 400, "hr": hr, "admin": hr if admin == "same" else admin}


def page(agent: int, lead: int, hr: Any, admin: Any = "same") -> Expect:
    return {"agent": agent, "team_lead": lead, "hr": hr, "admin": hr if admin == "same" else admin}


@dataclass
class Cell:
    call: Callable[[Any, Foreign], Any]
    expect: Expect | Callable[[str], Expect]
    api: bool = True


def api(name: str, method: str, *args: Callable[[Foreign], Any], body: Any = None) -> Callable:
    def call(client: Any, f: Foreign) -> Any:
        url = reverse(name, args=[arg(f) for arg in args])
        data = body(f) if callable(body) else body
        if method == "get":
            return client.get(url, data or {})
        if method in ("put", "patch"):
            # edits name the version read first (If-Match), as every client must
            fresh = put_fresh if method == "put" else patch_fresh
            return fresh(client, url, data or {}, format="json")
        return getattr(client, method)(url, data or {}, format="json")

    return call


def view(name: str, method: str, *args: Any, data: Any = None) -> Callable:
    def call(client: Any, f: Foreign) -> Any:
        url = reverse(name, args=[arg(f) if callable(arg) else arg for arg in args])
        return getattr(client, method)(url, data(f) if data else {})

    return call


SWAP = lambda f: f.swap.pk  # noqa: E731
BOARD = lambda f: f.board.pk  # noqa: E731
SHIFT = lambda f: f.shift(1).pk  # noqa: E731
ROSTER = lambda f: f.roster.pk  # noqa: E731
LEAVE = lambda f: f.leave.pk  # noqa: E731
REFRESHER = lambda f: f.refresher.pk  # noqa: E731


def policy_expect(owner: str, write: int) -> Expect:
    """The site's swap policy: on the same site it is the center's own (readable by all)."""
    read = 200 if owner == "other_team" else 404
    return {"agent": read, "team_lead": read, "hr": 200, "admin": 200}


SS = "api:self-service"
RO = "api:rosters"
ST = "api:staffing"

CELLS: dict[str, Cell] = {
    # self-service
    "swap-detail GET": Cell(api(f"{SS}:swap-detail", "get", SWAP), hidden(200)),
    "swap-accept POST": Cell(api(f"{SS}:swap-accept", "post", SWAP), hidden(403)),
    "swap-approve POST": Cell(api(f"{SS}:swap-approve", "post", SWAP), hidden(409)),
    "swap-reject POST": Cell(api(f"{SS}:swap-reject", "post", SWAP), hidden(200)),
    "swap-cancel POST": Cell(api(f"{SS}:swap-cancel", "post", SWAP), hidden(403)),
    "swap-list POST": Cell(
        api(
            f"{SS}:swap-list",
            "post",
            body=lambda f: {"shift": f.shift(1).pk, "counterpart": f.agents[2].pk},
        ),
        unknown_in_body(403),
    ),
    "swap-candidates GET": Cell(
        api(f"{SS}:swap-candidates", "get", body=lambda f: {"shift": f.shift(1).pk}),
        unknown_in_body(403),
    ),
    "open-shift-detail GET": Cell(api(f"{SS}:open-shift-detail", "get", BOARD), hidden(200)),
    "open-shift-claim POST": Cell(api(f"{SS}:open-shift-claim", "post", BOARD), hidden(403)),
    "open-shift-withdraw POST": Cell(api(f"{SS}:open-shift-withdraw", "post", BOARD), hidden(200)),
    "open-shift-give-away POST": Cell(
        api(f"{SS}:open-shift-give-away", "post", body=lambda f: {"shift": f.shift(1).pk}),
        unknown_in_body(403),
    ),
    "open-shift-list POST": Cell(
        api(
            f"{SS}:open-shift-list",
            "post",
            body=lambda f: {
                "unit": f.unit.pk,
                "day": f.roster.period_start.isoformat(),
                "template": "day",
            },
        ),
        unknown_in_body(201),
    ),
    "open-shift-post-under-covered POST": Cell(
        api(f"{SS}:open-shift-post-under-covered", "post", body=lambda f: {"roster": f.roster.pk}),
        unknown_in_body(201),
    ),
    "leave-impact-detail GET": Cell(
        api(f"{SS}:leave-impact-detail", "get", lambda f: f.impact.pk), hidden(200)
    ),
    "leave-impact-preview POST": Cell(
        api(
            f"{SS}:leave-impact-preview",
            "post",
            body=lambda f: {
                "agent": f.agents[1].pk,
                "start_on": f.roster.period_start.isoformat(),
                "end_on": f.roster.period_start.isoformat(),
            },
        ),
        # admins record no leave, so the agent is unknown to them too
        unknown_in_body(200, admin=400),
    ),
    "notification-detail GET": Cell(
        api(f"{SS}:notification-detail", "get", lambda f: f.notification.pk), hidden(404)
    ),
    "notification-read POST": Cell(
        api(f"{SS}:notification-read", "post", lambda f: f.notification.pk), hidden(404)
    ),
    "refresher-detail GET": Cell(api(f"{SS}:refresher-detail", "get", REFRESHER), hidden(200)),
    "refresher-book POST": Cell(api(f"{SS}:refresher-book", "post", REFRESHER), hidden(200)),
    "refresher-decline POST": Cell(api(f"{SS}:refresher-decline", "post", REFRESHER), hidden(200)),
    "swap-policy-detail GET": Cell(
        api(f"{SS}:swap-policy-detail", "get", lambda f: f.swap_policy.pk),
        lambda owner: policy_expect(owner, 200),
    ),
    "swap-policy-detail PATCH": Cell(
        api(
            f"{SS}:swap-policy-detail",
            "patch",
            lambda f: f.swap_policy.pk,
            body={"notice_hours": 6},
        ),
        page(403, 403, 200),
    ),
    "leave-policy-detail GET": Cell(
        api(f"{SS}:leave-policy-detail", "get", lambda f: f.leave_policy.pk), hidden(200)
    ),
    "leave-policy-detail PATCH": Cell(
        api(
            f"{SS}:leave-policy-detail",
            "patch",
            lambda f: f.leave_policy.pk,
            body={"auto_approve": True},
        ),
        page(403, 403, 200),
    ),
    # rosters
    "roster-detail GET": Cell(api(f"{RO}:roster-detail", "get", ROSTER), hidden(200)),
    "roster-assignments GET": Cell(api(f"{RO}:roster-assignments", "get", ROSTER), hidden(200)),
    "roster-diff GET": Cell(api(f"{RO}:roster-diff", "get", ROSTER), hidden(200)),
    "roster-coverage GET": Cell(api(f"{RO}:roster-coverage", "get", ROSTER), hidden(200)),
    "roster-publish POST": Cell(api(f"{RO}:roster-publish", "post", ROSTER), hidden(None)),
    "roster-set-assignment POST": Cell(
        api(
            f"{RO}:roster-set-assignment",
            "post",
            ROSTER,
            body=lambda f: {
                "agent": f.agents[1].pk,
                "day": f.roster.period_start.isoformat(),
                "template": "day",
            },
        ),
        hidden(None),
    ),
    "roster-repair POST": Cell(api(f"{RO}:roster-repair", "post", ROSTER), hidden(None)),
    "run-detail GET": Cell(api(f"{RO}:run-detail", "get", lambda f: f.run.pk), hidden(200)),
    "run-cancel POST": Cell(api(f"{RO}:run-cancel", "post", lambda f: f.run.pk), hidden(None)),
    "run-list POST": Cell(
        api(
            f"{RO}:run-list",
            "post",
            body=lambda f: {"unit": f.unit.pk, "period_start": "2033-01-03", "weeks": 1},
        ),
        unknown_in_body(None),
    ),
    "planning-unit-detail GET": Cell(
        api(f"{RO}:planning-unit-detail", "get", lambda f: f.unit.pk), hidden(200)
    ),
    "planning-unit-detail PATCH": Cell(
        api(f"{RO}:planning-unit-detail", "patch", lambda f: f.unit.pk, body={"name": "X"}),
        page(403, 403, 200),
    ),
    # staffing
    "agent-detail GET": Cell(
        api(f"{ST}:agent-detail", "get", lambda f: f.agents[1].pk), hidden(200)
    ),
    "agent-detail PATCH": Cell(
        api(f"{ST}:agent-detail", "patch", lambda f: f.agents[1].pk, body={"full_name": "X"}),
        hidden(200),
    ),
    "leave-request-detail GET": Cell(api(f"{ST}:leave-request-detail", "get", LEAVE), hidden(200)),
    "leave-request-approve POST": Cell(
        api(f"{ST}:leave-request-approve", "post", LEAVE), hidden(None, admin=403)
    ),
    "leave-request-cancel POST": Cell(
        api(f"{ST}:leave-request-cancel", "post", LEAVE), hidden(200, admin=403)
    ),
    "leave-balances GET": Cell(
        api(f"{ST}:leave-balances", "get", body=lambda f: {"agent": f.agents[1].pk}),
        hidden(200),
    ),
    "team-compliance GET": Cell(
        api(f"{ST}:team-compliance", "get", lambda f: f.team.pk), page(403, 403, 200)
    ),
    "agent-skill-list POST": Cell(
        api(
            f"{ST}:agent-skill-list",
            "post",
            body=lambda f: {"agent": f.agents[1].pk, "skill": "wealth", "proficiency": 2},
        ),
        unknown_in_body(None),
    ),
    "leave-request-list POST": Cell(
        api(
            f"{ST}:leave-request-list",
            "post",
            body=lambda f: {
                "agent": f.agents[1].pk,
                "leave_type": 1,
                "start_on": f.roster.period_start.isoformat(),
                "end_on": f.roster.period_start.isoformat(),
            },
        ),
        unknown_in_body(None, admin=403),
    ),
    # pages
    "page hr:leave-detail": Cell(view("hr:leave-detail", "get", LEAVE), page(403, 404, 200), False),
    "page hr:agent-balances": Cell(
        view("hr:agent-balances", "get", lambda f: f.agents[1].pk), page(403, 403, 200), False
    ),
    "page scheduler:shift-swap": Cell(
        view("scheduler:shift-swap", "get", SHIFT), page(404, 404, 403), False
    ),
    "page scheduler:swap-propose": Cell(
        view(
            "scheduler:swap-propose", "post", SHIFT, data=lambda f: {"counterpart": f.agents[2].pk}
        ),
        page(404, 404, 403),
        False,
    ),
    "page scheduler:give-away": Cell(
        view("scheduler:give-away", "post", SHIFT), page(404, 404, 403), False
    ),
    "page scheduler:swap-answer": Cell(
        view("scheduler:swap-answer", "post", SWAP, "cancel"), page(404, 404, 403), False
    ),
    "page scheduler:open-shift-claim": Cell(
        view("scheduler:open-shift-claim", "post", BOARD), page(404, 404, 403), False
    ),
    "page scheduler:open-shift-withdraw": Cell(
        view("scheduler:open-shift-withdraw", "post", BOARD), page(404, 404, 403), False
    ),
    "page scheduler:run-detail": Cell(
        view("scheduler:run-detail", "get", lambda f: f.run.pk), page(403, 404, 200), False
    ),
    "page scheduler:roster-board": Cell(
        view("scheduler:roster-board", "get", ROSTER), page(403, 404, 200), False
    ),
    "page scheduler:roster-coverage": Cell(
        view("scheduler:roster-coverage", "get", ROSTER), page(403, 404, 200), False
    ),
    "page scheduler:roster-cell": Cell(
        view("scheduler:roster-cell", "post", ROSTER), page(403, 404, None), False
    ),
    "page scheduler:roster-publish": Cell(
        view("scheduler:roster-publish", "post", ROSTER), page(403, 404, None), False
    ),
    "page scheduler:roster-generate": Cell(
        view(
            "scheduler:roster-generate",
            "post",
            data=lambda f: {"unit": f.unit.pk, "period_start": "2033-01-03", "weeks": 1},
        ),
        page(403, 404, None),
        False,
    ),
    "page scheduler:approval-decide swap": Cell(
        view("scheduler:approval-decide", "post", "swap", SWAP, "reject"),
        page(403, 404, 302),
        False,
    ),
    "page scheduler:approval-decide leave": Cell(
        view("scheduler:approval-decide", "post", "leave", LEAVE, "reject"),
        page(403, 404, 302),
        False,
    ),
}


def cell_count() -> int:
    return sum(
        1
        for cell in CELLS.values()
        for owner in OWNERS
        for role in ROLES
        if (cell.expect(owner) if callable(cell.expect) else cell.expect)[role] is not None
    )


@pytest.mark.django_db
@pytest.mark.parametrize("owner", OWNERS)
def test_other_team_and_other_site_records(center, owner):  # noqa: F811
    # given the Hangzhou center's published week and another unit's week: another team on
    # the same site, or a team on another site
    publish_week(center)
    site = center.unit.site if owner == "other_team" else None
    foreign = build_foreign(center.monday, site=site, code="hzb" if site else "bj")
    users = {
        "agent": center.agents[4].user,
        "team_lead": center.lead,
        "hr": center.hr,
        "admin": UserFactory(username="admin-owner", roles=["admin"]),
    }
    failures, checked = [], 0
    for name, cell in CELLS.items():
        expect = cell.expect(owner) if callable(cell.expect) else cell.expect
        for role in ROLES:
            if expect[role] is None:
                continue
            client: Any = APIClient() if cell.api else Client()
            client.force_login(users[role])
            # when the role calls the operation on the other unit's record
            with transaction.atomic():
                response = cell.call(client, foreign)
                transaction.set_rollback(True)
            checked += 1
            codes = expect[role] if isinstance(expect[role], tuple) else (expect[role],)
            # then the answer is the policy's
            if response.status_code not in codes:
                failures.append(
                    f"{name} as {role} on {owner}: {response.status_code} not in {codes}: "
                    f"{getattr(response, 'data', '')}"
                )
    print(f"\nowner matrix ({owner}): {checked} cells checked")
    assert not failures, "\n".join(failures)
