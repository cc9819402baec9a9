"""Mass assignment: every writable API operation (each POST, PUT and PATCH in the permission
matrices) is called twice by a role allowed to make it, once as the matrix does and once with
privileged fields slipped in (status, roles, groups, decided_by/approver, owner/agent/
requester/user, is_staff/is_superuser, team/site/unit, version, days, timestamps, id). The
second call must be refused with 400 or give the same stored row as the first: a field the
endpoint does not document as input never changes what is stored, and no user gains a flag
or a group.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.urls import resolve, reverse

from tests.factories import SiteFactory, UserFactory
from tests.scheduler import test_permission_matrix as demand
from tests.scheduler.rosters import test_roster_api_matrix as rosters
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
from tests.scheduler.selfservice import test_api_matrix as self_service
from tests.scheduler.selfservice.conftest import publish_week
from tests.staffing import test_permission_matrix as staffing

from .writes import HostileClient, PoliteClient, model_for

WRITES = ("POST", "PUT", "PATCH")
NOT_A_DATE = "2001-02-03T04:05:06Z"
#: A status a caller must never set for themselves, in the order tried against the model.
PRIVILEGED_STATUS = ["approved", "published", "passed", "claimed", "filled", "succeeded"]


@dataclass
class Victims:
    user: int  # a superuser or HR user the caller is not
    agent: int  # an agent of another team
    team: int
    site: int
    unit: int
    group: int


def hostile_fields(v: Victims) -> dict[str, Any]:
    return {
        "id": 424242,
        "status": "approved",
        "roles": ["admin", "hr"],
        "groups": [v.group],
        "approver": v.user,
        "approved_by": v.user,
        "decided_by": v.user,
        "decided_at": NOT_A_DATE,
        "owner": v.user,
        "user": v.user,
        "created_by": v.user,
        "published_by": v.user,
        "agent": v.agent,
        "requester": v.agent,
        "counterpart": v.agent,
        "from_agent": v.agent,
        "claimed_by": v.agent,
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "team": v.team,
        "site": v.site,
        "unit": v.unit,
        "version": 99,
        "days": "0.01",
        "created_at": NOT_A_DATE,
        "published_at": NOT_A_DATE,
        "token": "attacker-chosen-token",
    }


class StatusAwareHostileClient(HostileClient):
    """Sends, as "status", a privileged value the target model actually accepts."""

    def _hostile_call(self, method: str, path: str, data: Any, **extra: Any) -> Any:
        model = model_for(path)
        status = "approved"
        if model is not None:
            try:
                choices = [value for value, _ in model._meta.get_field("status").choices or []]
            except Exception:  # noqa: BLE001 - a model without a status field
                choices = []
            status = next((value for value in PRIVILEGED_STATUS if value in choices), status)
        self.hostile = {**self.hostile, "status": status}
        return super()._hostile_call(method, path, data, **extra)


def users_state() -> dict[int, tuple]:
    groups: dict[int, set[str]] = {}
    for user_id, name in get_user_model().groups.through.objects.values_list(
        "user_id", "group__name"
    ):
        groups.setdefault(user_id, set()).add(name)
    return {
        user.pk: (user.is_staff, user.is_superuser, user.is_active, sorted(groups.get(user.pk, [])))
        for user in get_user_model().objects.all()
    }


def user_changes(before: dict[int, tuple]) -> tuple[list, list]:
    """Existing users whose flags or groups changed; flags and groups of the users created."""
    after = users_state()
    changed = [pk for pk, state in before.items() if after.get(pk) != state]
    created = sorted(state for pk, state in after.items() if pk not in before)
    return changed, created


def stored_values(path: str, response: Any, added: dict[str, Any]) -> dict[str, Any] | None:
    """The stored row's values of the fields that were slipped in (None: no row to read)."""
    model = model_for(path)
    if model is None or response.status_code >= 300:
        return None
    data = response.data if isinstance(response.data, dict) else {}
    pk = data.get("id") or resolve(path).kwargs.get("pk")
    row = model.objects.filter(pk=pk).first() if pk else None
    url_pk = resolve(path).kwargs.get("pk")
    if row is None or (url_pk and data.get("id") and str(data["id"]) != str(url_pk)):
        return None  # the answer is about another row (an action's result)
    values = {}
    for key in added:
        field = _field(model, key)
        if field is None:
            continue
        if field.many_to_many:
            values[key] = sorted(getattr(row, field.name).values_list("pk", flat=True))
        else:
            values[key] = getattr(row, field.attname)
    values["pk"] = row.pk
    return values


def _field(model: type[models.Model], key: str) -> Any:
    try:
        return model._meta.get_field(key)
    except Exception:  # noqa: BLE001 - not a field of this model
        return None


def comparable(value: Any) -> Any:
    # timestamps differ between the two calls by milliseconds: compare only whether set, and
    # that they are not the attacker's
    if isinstance(value, datetime.datetime):
        return ("set", value.strftime("%Y-%m-%dT%H:%M:%SZ") == NOT_A_DATE)
    return value


# Privileged-looking fields that are legitimate input of a configuration edit, for the roles
# that may make it (HR, admins, planners): everything else is slipped in even where the API
# documents it, so a field made writable by mistake is caught.
PERMITTED: dict[str, frozenset[str]] = {
    # HR moves an agent to another team or marks them as having left
    "staffing agent-detail": frozenset({"team", "is_active"}),
    # catalogue entries are retired rather than deleted
    "staffing course-list": frozenset({"is_active"}),
    "staffing course-detail": frozenset({"is_active"}),
    "staffing leave-type-list": frozenset({"is_active"}),
    "staffing leave-type-detail": frozenset({"is_active"}),
    "demand queue-list": frozenset({"is_active"}),
    "demand queue-detail": frozenset({"is_active", "site"}),
    "rosters shift-template-list": frozenset({"is_active"}),
    "rosters shift-template-detail": frozenset({"is_active", "site"}),
    # configuration that belongs to a site or a team names it
    "staffing team-detail": frozenset({"site"}),
    "demand event-detail": frozenset({"site"}),
    "demand shrinkage-rule-detail": frozenset({"site"}),
    "self-service swap-policy-detail": frozenset({"site"}),
    "self-service leave-policy-detail": frozenset({"team"}),
}


def permitted(key: str) -> frozenset[str]:
    area, name, _method = key.split(" ")
    return PERMITTED.get(f"{area} {name}", frozenset())


def is_attackers(value: Any, sent: Any) -> bool:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ") == sent
    if isinstance(value, list):
        return set(map(str, value)) == set(map(str, sent if isinstance(sent, list) else [sent]))
    return str(value) == str(sent) or (isinstance(sent, bool) and value is sent)


@dataclass
class Case:
    key: str  # "area name method"
    run: Callable[[Any], Any]  # client -> response


def check(cases: list[Case], login: Callable[[Any, str], None], victims: Victims) -> list[str]:
    failures: list[str] = []
    report = {"same row": 0, "refused 400": 0, "no row to read": 0}
    unread: list[str] = []
    for case in cases:
        # when the operation is called as the matrix does
        polite = PoliteClient()
        login(polite, case.key)
        before = users_state()
        with transaction.atomic():
            plain = case.run(polite)
            _, plain_created = user_changes(before)
            transaction.set_rollback(True)
        # and again with privileged fields slipped in
        hostile = StatusAwareHostileClient(hostile_fields(victims), permitted(case.key))
        login(hostile, case.key)
        with transaction.atomic():
            response = case.run(hostile)
            added = {k: v for _, _, sent in hostile.sent for k, v in sent.items()}
            path = hostile.sent[-1][1] if hostile.sent else ""
            attacked = stored_values(path, response, added) if path else None
            changed, created = user_changes(before)
            transaction.set_rollback(True)
        if changed:
            failures.append(f"{case.key}: users {changed} changed flags or groups")
        if response.status_code == plain.status_code and created != plain_created:
            failures.append(f"{case.key}: created users {created}, not {plain_created}")
        # then it is refused, or it stores what the plain call stores
        if response.status_code == 400 and plain.status_code != 400:
            report["refused 400"] += 1
            continue
        if response.status_code != plain.status_code:
            failures.append(
                f"{case.key}: {response.status_code} with extra fields, {plain.status_code} "
                f"without: {getattr(response, 'data', '')}"
            )
            continue
        if attacked is None:
            report["no row to read"] += 1
            unread.append(case.key)
            continue
        with transaction.atomic():
            polite = PoliteClient()
            login(polite, case.key)
            again = case.run(polite)
            baseline = stored_values(path, again, added) if again.status_code < 300 else None
            transaction.set_rollback(True)
        if attacked["pk"] == 424242:
            failures.append(f"{case.key}: the caller chose the id")
        for key, value in attacked.items():
            if key in ("pk", "id") or baseline is None:
                continue
            # the attacker's value was stored where the plain call stores something else (a
            # fresh related row, like a new agent's user, differs between calls: that is fine)
            if comparable(value) != comparable(baseline.get(key)) and is_attackers(
                value, added[key]
            ):
                failures.append(f"{case.key}: {key} stored {value!r}, not {baseline.get(key)!r}")
        report["same row"] += 1
    print(f"\nmass assignment: {len(cases)} writes: {report}; no row: {unread}")
    return failures


def first_success(expect: Any, candidates: Iterator[tuple[str, str | None]]) -> Any:
    for role, owner in candidates:
        expected = expect(role, owner)
        codes = expected if isinstance(expected, tuple) else (expected,)
        if any(200 <= code < 300 for code in codes):
            return role, owner
    return None


def world_victims(world: Any, unit: int = 0) -> Victims:
    return Victims(
        user=world.admin.pk,
        agent=world.other.pk,
        team=world.team_b.pk,
        site=SiteFactory(code="victim").pk,
        unit=unit or 424243,
        group=Group.objects.get_or_create(name="admin")[0].pk,
    )


@pytest.mark.django_db
def test_staffing_and_demand_writes_ignore_or_refuse_extra_fields(world):
    cases, roles = [], {}
    for area, matrix, ctx_type in (
        ("staffing", staffing.MATRIX, staffing.Ctx),
        ("demand", demand.MATRIX, staffing.Ctx),
    ):
        for (name, method), row in sorted(matrix.items()):
            if method not in WRITES:
                continue
            owners = staffing.OWNERS if getattr(row, "owned", False) else [None]
            pick = first_success(
                row.expect, ((r, o) for r in ["agent", "team_lead", "hr", "admin"] for o in owners)
            )
            assert pick is not None, (area, name, method)
            key = f"{area} {name} {method}"
            roles[key] = pick[0]
            cases.append(
                Case(
                    key,
                    lambda c, row=row, pick=pick, ctx_type=ctx_type: row.call(
                        c, ctx_type(world=world, role=pick[0], owner=pick[1])
                    ),
                )
            )
    failures = check(
        cases,
        lambda client, key: client.force_authenticate(world.user_for(roles[key])),
        world_victims(world),
    )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_roster_writes_ignore_or_refuse_extra_fields(units):
    world = units
    cases, roles = [], {}
    for (name, method), row in sorted(rosters.MATRIX.items()):
        if method not in WRITES:
            continue
        pick = first_success(
            row.expect, ((r, o) for r in ["team_lead", "hr", "admin"] for o in rosters.UNITS)
        )
        assert pick is not None, (name, method)
        key = f"rosters {name} {method}"
        roles[key] = pick[0]
        cases.append(
            Case(
                key,
                lambda c, row=row, pick=pick: row.call(
                    c, rosters.Ctx(world=world, role=pick[0], owner=pick[1])
                ),
            )
        )
    from scheduler.models.rosters import PlanningUnit

    victims = world_victims(world, unit=PlanningUnit.objects.get(code="unit-b").pk)
    failures = check(
        cases, lambda client, key: client.force_authenticate(world.user_for(roles[key])), victims
    )
    assert not failures, "\n".join(failures)


@pytest.fixture
def units(world):
    return rosters.units.__wrapped__(world)


@pytest.mark.django_db
def test_self_service_writes_ignore_or_refuse_extra_fields(center):  # noqa: F811
    publish_week(center)
    world = self_service.World(
        center=center, admin=UserFactory(username="admin-mass", roles=["admin"])
    )
    cases, roles = [], {}
    for (name, method), row in sorted(self_service.MATRIX.items()):
        if method not in WRITES:
            continue
        role = next(
            (
                r
                for r in self_service.ROLES
                if any(
                    200 <= code < 300
                    for code in (
                        row.expect(world, r)
                        if isinstance(row.expect(world, r), tuple)
                        else (row.expect(world, r),)
                    )
                )
            ),
            None,
        )
        assert role is not None, (name, method)
        key = f"self-service {name} {method}"
        roles[key] = role
        cases.append(Case(key, lambda c, row=row: row.call(c, world)))
    victims = Victims(
        user=center.hr.pk,
        agent=center.agents[13].pk,
        team=center.agents[13].team_id,
        site=SiteFactory(code="victim").pk,
        unit=424243,
        group=Group.objects.get_or_create(name="admin")[0].pk,
    )
    failures = check(
        cases, lambda client, key: client.force_authenticate(world.user(roles[key])), victims
    )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_planning_unit_keeps_its_teams_and_queues_on_its_site(units):
    from scheduler.models.rosters import PlanningUnit
    from tests.scheduler.demand_support import make_queue

    from .writes import send

    # given unit A on the teams' site, another site, and HR
    world = units
    unit = PlanningUnit.objects.get(code="unit-a")
    elsewhere = SiteFactory(code="elsewhere")
    client = PoliteClient()
    client.force_authenticate(world.hr)
    url = reverse("api:rosters:planning-unit-detail", args=[unit.pk])
    # when HR moves the unit to the other site, or gives it a queue of the other site
    moved = send(client, "patch", url, {"site": elsewhere.pk})
    queue = send(client, "patch", url, {"queues": [make_queue("far", site=elsewhere).pk]})
    # then both are refused, naming the field, and nothing changed
    assert moved.status_code == 400 and "teams" in moved.data
    assert queue.status_code == 400 and "queues" in queue.data
    unit.refresh_from_db()
    assert unit.site_id == world.team_a.site_id and not unit.queues.exists()
    # while moving it together with a team of the new site is fine
    from tests.factories import TeamFactory

    team = TeamFactory(code="far-team", site=elsewhere)
    both = send(client, "patch", url, {"site": elsewhere.pk, "teams": [team.pk]})
    assert both.status_code == 200, both.data
