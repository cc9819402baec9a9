"""Role x operation x unit matrix for every operation under /api/rosters/, from the URL conf.

Owners here are planning units: unit A holds team A (the team lead's and the agent's team),
unit B holds team B. HR and admins plan every unit; a team lead plans unit A only; an agent
plans nothing and sees published rosters of unit A only.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from scheduler.models.rosters import (
    Assignment,
    PlanningUnit,
    Roster,
    RosterRun,
    ShiftTemplate,
)
from tests.api_operations import api_operations
from tests.etag import patch_fresh, put_fresh

ROLES = ["agent", "team_lead", "hr", "admin", "anonymous"]
UNITS = ["unit_a", "unit_b"]


def url(name: str, *args: Any) -> str:
    return reverse(f"api:rosters:{name}", args=args)


@dataclass
class Ctx:
    world: Any
    role: str
    owner: str | None

    @property
    def unit(self) -> PlanningUnit:
        code = "unit-a" if self.owner in (None, "unit_a") else "unit-b"
        return PlanningUnit.objects.get(code=code)

    def roster(self, status: str) -> Roster:
        unit = self.unit
        start = datetime.date(2031, 1, 6) + datetime.timedelta(weeks=Roster.objects.count() * 2)
        roster = Roster.objects.create(
            unit=unit,
            period_start=start,
            period_end=start + datetime.timedelta(days=6),
            version=1,
            status=status,
        )
        zone = ZoneInfo(unit.site.time_zone)
        template = ShiftTemplate.objects.get(site=unit.site, code="day")
        for agent in self.world.agent.__class__.objects.filter(team__in=unit.teams.all()):
            begin = datetime.datetime.combine(start, datetime.time(9), tzinfo=zone)
            Assignment.objects.create(
                roster=roster,
                agent=agent,
                day=start,
                template=template,
                start_at=begin,
                end_at=begin + datetime.timedelta(hours=9),
            )
        return roster

    def run(self) -> RosterRun:
        return RosterRun.objects.create(
            unit=self.unit,
            period_start=datetime.date(2032, 1, 5)
            + datetime.timedelta(weeks=RosterRun.objects.count() * 9),
            period_end=datetime.date(2032, 2, 1),
        )


def sees(role: str, owner: str | None) -> bool:
    return role in ("hr", "admin") or owner in (None, "unit_a")


def plans(role: str, owner: str | None) -> bool:
    return role in ("hr", "admin") or (role == "team_lead" and owner in (None, "unit_a"))


def config_read(role: str, owner: str | None) -> int:
    return 200 if sees(role, owner) else 404


def config_write(code: int) -> Callable[[str, str | None], int]:
    # Non-writers are refused before any lookup, so 403 reveals nothing about the record.
    return lambda role, owner: code if role in ("hr", "admin") else 403


def catalogue_write(code: int) -> Callable[[str, str | None], int]:
    return lambda role, owner: code if role in ("hr", "admin") else 403


def planner_action(code: int | tuple[int, ...], *, visible_if_published: bool = False):
    def expect(role: str, owner: str | None) -> int | tuple[int, ...]:
        if plans(role, owner):
            return code
        if visible_if_published and sees(role, owner):
            return 403
        return 404

    return expect


def any_200(role: str, owner: str | None) -> int:
    return 200


@dataclass
class Row:
    call: Callable[[APIClient, Ctx], Any]
    expect: Callable[[str, str | None], Any]
    owned: bool = True


def _template_body(x: Ctx) -> dict:
    return {
        "site": x.world.team_a.site_id,
        "code": f"t{ShiftTemplate.objects.count()}",
        "name": "Mid",
        "start_time": "11:00",
    }


def _unit_body(x: Ctx) -> dict:
    return {
        "code": f"u{PlanningUnit.objects.count()}",
        "name": "Unit",
        "site": x.world.team_a.site_id,
        "teams": [x.world.team_a.pk],
        "queues": [],
    }


MATRIX: dict[tuple[str, str], Row] = {
    ("planning-unit-list", "GET"): Row(
        lambda c, x: c.get(url("planning-unit-list")), any_200, False
    ),
    ("planning-unit-list", "POST"): Row(
        lambda c, x: c.post(url("planning-unit-list"), _unit_body(x), format="json"),
        catalogue_write(201),
        False,
    ),
    ("planning-unit-detail", "GET"): Row(
        lambda c, x: c.get(url("planning-unit-detail", x.unit.pk)), config_read
    ),
    ("planning-unit-detail", "PUT"): Row(
        lambda c, x: put_fresh(
            c, url("planning-unit-detail", x.unit.pk), _unit_body(x), format="json"
        ),
        config_write(200),
    ),
    ("planning-unit-detail", "PATCH"): Row(
        lambda c, x: patch_fresh(
            c, url("planning-unit-detail", x.unit.pk), {"name": "N"}, format="json"
        ),
        config_write(200),
    ),
    ("planning-unit-detail", "DELETE"): Row(
        lambda c, x: c.delete(url("planning-unit-detail", x.unit.pk)), config_write(204)
    ),
    ("shift-template-list", "GET"): Row(
        lambda c, x: c.get(url("shift-template-list")), any_200, False
    ),
    ("shift-template-list", "POST"): Row(
        lambda c, x: c.post(url("shift-template-list"), _template_body(x), format="json"),
        catalogue_write(201),
        False,
    ),
    ("shift-template-detail", "GET"): Row(
        lambda c, x: c.get(url("shift-template-detail", ShiftTemplate.objects.first().pk)),
        any_200,
        False,
    ),
    ("shift-template-detail", "PUT"): Row(
        lambda c, x: put_fresh(
            c,
            url("shift-template-detail", ShiftTemplate.objects.first().pk),
            _template_body(x),
            format="json",
        ),
        catalogue_write(200),
        False,
    ),
    ("shift-template-detail", "PATCH"): Row(
        lambda c, x: patch_fresh(
            c,
            url("shift-template-detail", ShiftTemplate.objects.first().pk),
            {"color": "#000000"},
            format="json",
        ),
        catalogue_write(200),
        False,
    ),
    ("shift-template-detail", "DELETE"): Row(
        lambda c, x: c.delete(
            url(
                "shift-template-detail",
                ShiftTemplate.objects.create(
                    site=x.world.team_a.site, code="gone", name="Gone", start_time="10:00"
                ).pk,
            )
        ),
        catalogue_write(204),
        False,
    ),
    ("run-list", "GET"): Row(lambda c, x: c.get(url("run-list")), any_200, False),
    ("run-list", "POST"): Row(
        lambda c, x: c.post(
            url("run-list"),
            {"unit": x.unit.pk, "period_start": "2033-01-03", "weeks": 1},
            format="json",
        ),
        lambda role, owner: 201 if plans(role, owner) else 403 if sees(role, owner) else 400,
    ),
    ("run-detail", "GET"): Row(lambda c, x: c.get(url("run-detail", x.run().pk)), config_read),
    ("run-cancel", "POST"): Row(
        lambda c, x: c.post(url("run-cancel", x.run().pk)),
        planner_action(200, visible_if_published=True),
    ),
    ("roster-list", "GET"): Row(lambda c, x: c.get(url("roster-list")), any_200, False),
    ("roster-detail", "GET"): Row(
        lambda c, x: c.get(url("roster-detail", x.roster("published").pk)), config_read
    ),
    ("roster-assignments", "GET"): Row(
        lambda c, x: c.get(url("roster-assignments", x.roster("published").pk)), config_read
    ),
    ("roster-diff", "GET"): Row(
        lambda c, x: c.get(url("roster-diff", x.roster("published").pk)),
        planner_action(200, visible_if_published=True),
    ),
    ("roster-coverage", "GET"): Row(
        lambda c, x: c.get(url("roster-coverage", x.roster("published").pk)),
        planner_action(200, visible_if_published=True),
    ),
    ("roster-publish", "POST"): Row(
        lambda c, x: c.post(url("roster-publish", x.roster("draft").pk)), planner_action(200)
    ),
    ("roster-set-assignment", "POST"): Row(
        lambda c, x: c.post(
            url("roster-set-assignment", x.roster("draft").pk),
            {
                "agent": x.unit.teams.first().agents.first().pk,
                "day": x.roster("draft").period_start.isoformat(),
                "template": "day",
            },
            format="json",
        ),
        # a planner gets the engine's verdict (saved, or refused naming a rule)
        planner_action((200, 400)),
    ),
    ("roster-repair", "POST"): Row(
        lambda c, x: c.post(url("roster-repair", x.roster("published").pk), {}, format="json"),
        planner_action(201, visible_if_published=True),
    ),
    ("api-root", "GET"): Row(lambda c, x: c.get(reverse("api:rosters:api-root")), any_200, False),
}


def roster_operations() -> set[tuple[str, str]]:
    return api_operations(namespace=":api:rosters")


def test_every_roster_operation_has_a_row():
    assert roster_operations() - set(MATRIX) == set()
    assert set(MATRIX) - roster_operations() == set()


@pytest.fixture
def units(world):
    site = world.team_a.site
    for code, start in (("early", "07:00"), ("day", "09:00"), ("late", "14:00")):
        ShiftTemplate.objects.create(site=site, code=code, name=code, start_time=start)
    unit_a = PlanningUnit.objects.create(code="unit-a", name="A", site=site)
    unit_a.teams.add(world.team_a)
    unit_b = PlanningUnit.objects.create(code="unit-b", name="B", site=site)
    unit_b.teams.add(world.team_b)
    return world


def cells():
    result = []
    for (name, method), row in sorted(MATRIX.items()):
        for role in ROLES:
            for owner in UNITS if row.owned else [None]:
                if role == "anonymous" and owner == "unit_b":
                    continue
                result.append((name, method, role, owner))
    return result


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role", "owner"), cells())
def test_roster_permission_cell(units, name, method, role, owner):
    world = units
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.user_for(role))
    with transaction.atomic():
        response = MATRIX[(name, method)].call(client, Ctx(world=world, role=role, owner=owner))
        transaction.set_rollback(True)
    if role == "anonymous":
        assert response.status_code in (401, 403)
        return
    expected = MATRIX[(name, method)].expect(role, owner)
    codes = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in codes, (
        f"{method} {name} as {role} on {owner}: {response.status_code} not in {codes}: "
        f"{getattr(response, 'data', '')}"
    )


@pytest.mark.django_db
def test_agent_sees_only_own_assignments_of_published_rosters(units):
    world = units
    ctx = Ctx(world=world, role="agent", owner="unit_a")
    published = ctx.roster("published")
    draft = ctx.roster("draft")
    client = APIClient()
    client.force_authenticate(world.agent_user)
    listing = client.get(url("roster-list")).data["results"]
    assert {row["id"] for row in listing} == {published.pk}
    rows = client.get(url("roster-assignments", published.pk)).data["results"]
    assert {row["agent"] for row in rows} == {world.agent.pk}
    assert client.get(url("roster-detail", draft.pk)).status_code == 404
