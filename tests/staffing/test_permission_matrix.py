"""Role x endpoint x owner matrix for every API operation, generated from the URL conf.

Every (URL name, HTTP method) the API serves must have a row in MATRIX; a new endpoint without
one fails `test_every_api_operation_has_a_row`. Each row is run for every role (agent, team
lead, HR, admin, anonymous) and, for records that belong to an agent, for every owner: the
caller's own record, a record of an agent in team A (the lead's team; the agent's own team),
and one of an agent in team B (HR's team). Expectations follow staffing.policy:
visible -> the operation's success code or 403 when the role may see but not act; invisible ->
404 (or 400 "unknown agent" for a foreign key in a body), so existence is never revealed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from staffing.models import Agent, AgentSkill, LeaveRequest, TrainingRecord
from staffing.services import leave as leave_services
from staffing.workdays import is_working_day
from tests.api_operations import api_operations
from tests.etag import patch_fresh, put_fresh
from tests.factories import CourseFactory, TrainingSessionFactory, leave_type, skill

ROLES = ["agent", "team_lead", "hr", "admin", "anonymous"]
OWNERS = ["own", "colleague", "other"]  # colleague: team A; other: team B


def visible(role: str, owner: str) -> bool:
    return {
        "agent": owner == "own",
        "team_lead": owner in ("own", "colleague"),
        "hr": True,
        "admin": True,
    }[role]


def is_hr_or_admin(role: str) -> bool:
    return role in ("hr", "admin")


def future_working_day() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=30)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@dataclass
class Ctx:
    world: Any
    role: str
    owner: str | None

    @property
    def target_agent(self) -> Agent | None:
        if self.owner == "own":
            return self.world.own_agent(self.role)
        if self.owner == "colleague":
            return self.world.colleague
        if self.owner == "other":
            return self.world.other
        return None


@dataclass
class Row:
    # calls the endpoint and returns the response
    call: Callable[[APIClient, Ctx], Any]
    # expected status code(s) for an authenticated role and owner (None owner = no owner)
    expect: Callable[[str, str | None], int | tuple[int, ...]]
    owned: bool = False


def url(name: str, *args: Any) -> str:
    return reverse(f"api:staffing:{name}", args=args)


# --- targets ---------------------------------------------------------------------------------


def pending_leave(ctx: Ctx) -> LeaveRequest:
    agent = ctx.target_agent
    assert agent is not None
    day = future_working_day()
    return leave_services.leave_request_create(
        actor=agent.user, agent=agent, leave_type=leave_type("annual"), start_on=day, end_on=day
    )


def skill_row(ctx: Ctx) -> AgentSkill:
    return AgentSkill.objects.create(agent=ctx.target_agent, skill=skill("loans"), proficiency=2)


def training_record(ctx: Ctx) -> TrainingRecord:
    session = TrainingSessionFactory(
        course=CourseFactory(), starts_at=timezone.now() - datetime.timedelta(hours=6)
    )
    return TrainingRecord.objects.create(agent=ctx.target_agent, session=session)


# --- expectations ------------------------------------------------------------------------------


def read_any(role: str, owner: str | None) -> int:
    return 200


def config_write(code: int) -> Callable[[str, str | None], int]:
    return lambda role, owner: code if is_hr_or_admin(role) else 403


def owned_read(role: str, owner: str | None) -> int:
    return 200 if visible(role, owner or "") else 404


def owned_hr_write(code: int) -> Callable[[str, str | None], int]:
    def expect(role: str, owner: str | None) -> int:
        if not visible(role, owner or ""):
            return 404
        return code if is_hr_or_admin(role) else 403

    return expect


def body_agent_hr_write(code: int) -> Callable[[str, str | None], int]:
    """The agent goes in the body: an agent the caller cannot see is simply unknown (400)."""

    def expect(role: str, owner: str | None) -> int:
        if not visible(role, owner or ""):
            return 400
        return code if is_hr_or_admin(role) else 403

    return expect


def leave_create(role: str, owner: str | None) -> int:
    if not visible(role, owner or ""):
        return 400
    if owner == "own" or role in ("hr", "team_lead"):
        return 201
    return 403  # admin: configuration, not HR


def leave_edit(role: str, owner: str | None) -> int:
    if not visible(role, owner or ""):
        return 404
    return 200 if owner == "own" else 403


def leave_decide(role: str, owner: str | None) -> int:
    if not visible(role, owner or ""):
        return 404
    if owner == "own":
        return 403  # nobody decides their own request
    return 200 if role in ("hr", "team_lead") else 403


def leave_cancel(role: str, owner: str | None) -> int:
    if not visible(role, owner or ""):
        return 404
    return 200 if owner == "own" or role in ("hr", "team_lead") else 403


# --- the matrix --------------------------------------------------------------------------------


def catalogue_rows(name: str, create_body: Callable[[Ctx], dict], make: Callable[[], Any]) -> dict:
    def detail(ctx: Ctx) -> str:
        return url(f"{name}-detail", make().pk)

    return {
        (f"{name}-list", "GET"): Row(lambda c, x: c.get(url(f"{name}-list")), read_any),
        (f"{name}-list", "POST"): Row(
            lambda c, x: c.post(url(f"{name}-list"), create_body(x), format="json"),
            config_write(201),
        ),
        (f"{name}-detail", "GET"): Row(lambda c, x: c.get(detail(x)), read_any),
        (f"{name}-detail", "PUT"): Row(
            lambda c, x: put_fresh(c, detail(x), create_body(x), format="json"), config_write(200)
        ),
        (f"{name}-detail", "PATCH"): Row(
            lambda c, x: patch_fresh(c, detail(x), {}, format="json"), config_write(200)
        ),
        (f"{name}-detail", "DELETE"): Row(lambda c, x: c.delete(detail(x)), config_write(204)),
    }


_counter = iter(range(10**6))


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


def _site(x: Ctx) -> dict:
    return {"code": fresh("s"), "name": "Site", "time_zone": "Asia/Shanghai"}


def _team(x: Ctx) -> dict:
    return {"code": fresh("t"), "name": "Team", "site": x.world.team_a.site_id, "team_leads": []}


def _contract(x: Ctx) -> dict:
    return {"code": fresh("c"), "name": "Part-time", "hours_per_day": "4", "hours_per_week": "20"}


def _skill(x: Ctx) -> dict:
    return {"code": fresh("k"), "name": "Skill", "kind": "other"}


def _leave_type(x: Ctx) -> dict:
    return {"code": fresh("l"), "name": "Study leave"}


def _course(x: Ctx) -> dict:
    return {"code": fresh("co"), "title": "Course", "hours": "4", "skill_grants": []}


def _session(x: Ctx) -> dict:
    start = timezone.now() + datetime.timedelta(days=10)
    return {
        "course": CourseFactory().pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        "capacity": 5,
        "is_online": True,
    }


def make_direct(model_path: str) -> Any:
    from staffing.models import LeaveType, Skill
    from tests.factories import ContractFactory, SiteFactory, TeamFactory

    return {
        "site": lambda: SiteFactory(),
        "team": lambda: TeamFactory(),
        "contract": lambda: ContractFactory(code=fresh("c")),
        "skill": lambda: Skill.objects.create(code=fresh("k"), name="S", kind="other"),
        "leave-type": lambda: LeaveType.objects.create(code=fresh("l"), name="L"),
        "course": lambda: CourseFactory(),
        "training-session": lambda: TrainingSessionFactory(),
    }[model_path]()


MATRIX: dict[tuple[str, str], Row] = {}
for _name, _body in [
    ("site", _site),
    ("team", _team),
    ("contract", _contract),
    ("skill", _skill),
    ("leave-type", _leave_type),
    ("course", _course),
    ("training-session", _session),
]:
    MATRIX.update(catalogue_rows(_name, _body, lambda n=_name: make_direct(n)))


def _agent_detail(x: Ctx) -> str:
    assert x.target_agent is not None
    return url("agent-detail", x.target_agent.pk)


def _new_agent(x: Ctx) -> dict:
    return {
        "username": fresh("new"),
        "employee_number": fresh("N"),
        "full_name": "New Agent",
        "hire_date": "2024-03-01",
        "level": "junior",
        "team": x.world.team_a.pk,
        "contract": x.world.agent.contract_id,
    }


def team_compliance_read(role: str, owner: str | None) -> int:
    if is_hr_or_admin(role):
        return 200
    return 200 if role == "team_lead" and owner in ("own", "colleague") else 403


MATRIX.update(
    {
        ("team-compliance", "GET"): Row(
            lambda c, x: c.get(url("team-compliance", x.target_agent.team_id)),
            team_compliance_read,
            True,
        ),
        ("agent-list", "GET"): Row(lambda c, x: c.get(url("agent-list")), read_any),
        ("agent-list", "POST"): Row(
            lambda c, x: c.post(url("agent-list"), _new_agent(x), format="json"),
            config_write(201),
        ),
        ("agent-detail", "GET"): Row(lambda c, x: c.get(_agent_detail(x)), owned_read, True),
        ("agent-detail", "PUT"): Row(
            lambda c, x: put_fresh(c, _agent_detail(x), {"full_name": "Renamed"}, format="json"),
            owned_hr_write(200),
            True,
        ),
        ("agent-detail", "PATCH"): Row(
            lambda c, x: patch_fresh(c, _agent_detail(x), {"full_name": "Renamed"}, format="json"),
            owned_hr_write(200),
            True,
        ),
        ("agent-skill-list", "GET"): Row(lambda c, x: c.get(url("agent-skill-list")), read_any),
        ("agent-skill-list", "POST"): Row(
            lambda c, x: c.post(
                url("agent-skill-list"),
                {"agent": x.target_agent.pk, "skill": skill("wealth").pk, "proficiency": 3},
                format="json",
            ),
            body_agent_hr_write(201),
            True,
        ),
        ("agent-skill-detail", "GET"): Row(
            lambda c, x: c.get(url("agent-skill-detail", skill_row(x).pk)), owned_read, True
        ),
        ("agent-skill-detail", "PUT"): Row(
            lambda c, x: put_fresh(
                c, url("agent-skill-detail", skill_row(x).pk), {"proficiency": 4}, format="json"
            ),
            owned_hr_write(200),
            True,
        ),
        ("agent-skill-detail", "PATCH"): Row(
            lambda c, x: patch_fresh(
                c, url("agent-skill-detail", skill_row(x).pk), {"proficiency": 4}, format="json"
            ),
            owned_hr_write(200),
            True,
        ),
        ("agent-skill-detail", "DELETE"): Row(
            lambda c, x: c.delete(url("agent-skill-detail", skill_row(x).pk)),
            owned_hr_write(204),
            True,
        ),
        ("training-record-list", "GET"): Row(
            lambda c, x: c.get(url("training-record-list")), read_any
        ),
        ("training-record-list", "POST"): Row(
            lambda c, x: c.post(
                url("training-record-list"),
                {"agent": x.target_agent.pk, "session": TrainingSessionFactory().pk},
                format="json",
            ),
            # Enrolment is HR's: a visible agent gives 403 to others, an invisible one too,
            # since the body's agent is checked by the service, not the queryset.
            lambda role, owner: 201 if is_hr_or_admin(role) else 403,
            True,
        ),
        ("training-record-detail", "GET"): Row(
            lambda c, x: c.get(url("training-record-detail", training_record(x).pk)),
            owned_read,
            True,
        ),
        ("training-record-complete", "POST"): Row(
            lambda c, x: c.post(
                url("training-record-complete", training_record(x).pk),
                {"status": "passed", "score": "90"},
                format="json",
            ),
            owned_hr_write(200),
            True,
        ),
        ("leave-type-list", "GET"): MATRIX[("leave-type-list", "GET")],
        ("leave-request-list", "GET"): Row(lambda c, x: c.get(url("leave-request-list")), read_any),
        ("leave-request-list", "POST"): Row(
            lambda c, x: c.post(
                url("leave-request-list"),
                {
                    "agent": x.target_agent.pk,
                    "leave_type": leave_type("annual").pk,
                    "start_on": future_working_day().isoformat(),
                    "end_on": future_working_day().isoformat(),
                },
                format="json",
            ),
            leave_create,
            True,
        ),
        ("leave-request-detail", "GET"): Row(
            lambda c, x: c.get(url("leave-request-detail", pending_leave(x).pk)), owned_read, True
        ),
        ("leave-request-detail", "PUT"): Row(
            lambda c, x: put_fresh(
                c, url("leave-request-detail", pending_leave(x).pk), {"note": "x"}, format="json"
            ),
            leave_edit,
            True,
        ),
        ("leave-request-detail", "PATCH"): Row(
            lambda c, x: patch_fresh(
                c, url("leave-request-detail", pending_leave(x).pk), {"note": "x"}, format="json"
            ),
            leave_edit,
            True,
        ),
        ("leave-request-approve", "POST"): Row(
            lambda c, x: c.post(url("leave-request-approve", pending_leave(x).pk)),
            leave_decide,
            True,
        ),
        ("leave-request-reject", "POST"): Row(
            lambda c, x: c.post(url("leave-request-reject", pending_leave(x).pk)),
            leave_decide,
            True,
        ),
        ("leave-request-cancel", "POST"): Row(
            lambda c, x: c.post(url("leave-request-cancel", pending_leave(x).pk)),
            leave_cancel,
            True,
        ),
        ("leave-ledger-list", "GET"): Row(lambda c, x: c.get(url("leave-ledger-list")), read_any),
        ("leave-ledger-list", "POST"): Row(
            lambda c, x: c.post(
                url("leave-ledger-list"),
                {
                    "agent": x.target_agent.pk,
                    "leave_type": leave_type("annual").pk,
                    "year": 2026,
                    "kind": "adjustment",
                    "days": "1.5",
                    "note": "correction",
                },
                format="json",
            ),
            lambda role, owner: 201 if is_hr_or_admin(role) else 403,
            True,
        ),
        ("leave-balances", "GET"): Row(
            lambda c, x: c.get(url("leave-balances"), {"agent": x.target_agent.pk}),
            owned_read,
            True,
        ),
        ("me", "GET"): Row(lambda c, x: c.get(url("me")), read_any),
        ("api-root", "GET"): Row(lambda c, x: c.get(reverse("api:staffing:api-root")), read_any),
    }
)


# --- enumerate the URL conf --------------------------------------------------------------------


def test_every_api_operation_has_a_row():
    missing = api_operations() - set(MATRIX)
    assert not missing, f"API operations without a permission-matrix row: {sorted(missing)}"
    stale = set(MATRIX) - api_operations()
    assert not stale, f"Matrix rows for operations that no longer exist: {sorted(stale)}"


def cells() -> list[tuple[str, str, str, str | None]]:
    result = []
    for (name, method), row in sorted(MATRIX.items()):
        for role in ROLES:
            owners: list[str | None] = list(OWNERS) if row.owned else [None]
            for owner in owners:
                if role in ("admin", "anonymous") and owner == "own":
                    continue  # the admin and an anonymous caller have no agent record
                if role == "anonymous" and owner is not None and owner != "colleague":
                    continue
                result.append((name, method, role, owner))
    return result


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role", "owner"), cells())
def test_permission_cell(world, name, method, role, owner):
    row = MATRIX[(name, method)]
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user_for(role))
    ctx = Ctx(world=world, role=role, owner=owner)
    with transaction.atomic():
        response = row.call(client, ctx)
        transaction.set_rollback(True)
    if role == "anonymous":
        assert response.status_code in (401, 403), (name, method, response.status_code)
        return
    expected = row.expect(role, owner)
    codes = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in codes, (
        f"{method} {name} as {role} on {owner}: got {response.status_code}, "
        f"expected {codes}: {getattr(response, 'data', '')}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["agent", "team_lead", "hr", "admin"])
@pytest.mark.parametrize(
    ("name", "agent_path"),
    [
        ("agent-list", "id"),
        ("agent-skill-list", "agent"),
        ("leave-request-list", "agent"),
        ("leave-ledger-list", "agent"),
        ("training-record-list", "agent"),
    ],
)
def test_lists_never_leave_the_callers_scope(world, role, name, agent_path):
    # given records for every agent of both teams
    for agent in Agent.objects.all():
        AgentSkill.objects.get_or_create(
            agent=agent, skill=skill("email"), defaults={"proficiency": 2}
        )
        TrainingRecord.objects.create(agent=agent, session=TrainingSessionFactory())
        day = future_working_day()
        leave_services.leave_request_create(
            actor=agent.user, agent=agent, leave_type=leave_type("annual"), start_on=day, end_on=day
        )
    client = APIClient()
    client.force_authenticate(world.user_for(role))
    from staffing import policy

    allowed = set(policy.agents_visible_to(world.user_for(role)).values_list("pk", flat=True))
    # when listing with and without filters that point outside the scope
    for params in [{}, {"agent": world.other.pk}, {"team": world.team_b.pk}, {"page_size": 500}]:
        response = client.get(url(name), params)
        assert response.status_code == 200, response.data
        # then no row is about an agent outside the scope
        seen = {row[agent_path] for row in response.data["results"]}
        assert seen <= allowed, (role, name, params, seen - allowed)
    # and HR sees every agent
    if role in ("hr", "admin"):
        assert allowed == set(Agent.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_leave_note_visible_only_to_hr_and_requester(world):
    day = future_working_day()
    request = leave_services.leave_request_create(
        actor=world.agent_user,
        agent=world.agent,
        leave_type=leave_type("annual"),
        start_on=day,
        end_on=day,
        note="IVF treatment",
    )
    for user, sees in [
        (world.agent_user, True),
        (world.hr, True),
        (world.lead, False),
        (world.admin, False),
    ]:
        client = APIClient()
        client.force_authenticate(user)
        detail = client.get(url("leave-request-detail", request.pk)).data
        listing = client.get(url("leave-request-list")).data["results"]
        assert ("note" in detail) is sees
        assert all(("note" in row) is sees for row in listing if row["id"] == request.pk)
        assert "IVF" not in str(listing) or sees


@pytest.mark.django_db
def test_mass_assignment_is_ignored(world):
    # given an agent creating a request and trying to set its status and decider
    client = APIClient()
    client.force_authenticate(world.agent_user)
    day = future_working_day()
    response = client.post(
        url("leave-request-list"),
        {
            "leave_type": leave_type("annual").pk,
            "start_on": day.isoformat(),
            "end_on": day.isoformat(),
            "status": "approved",
            "decided_by": world.lead.pk,
            "days": "0",
        },
        format="json",
    )
    # then the request is pending with the computed days and no decider
    assert response.status_code == 201, response.data
    created = LeaveRequest.objects.get(pk=response.data["id"])
    assert created.status == "pending"
    assert created.decided_by is None
    assert created.days == Decimal("1")
    # and an agent cannot raise their own level
    response = patch_fresh(client, url("agent-detail", world.agent.pk), {"level": "supervisor"})
    assert response.status_code == 403
    world.agent.refresh_from_db()
    assert world.agent.level == "intermediate"
