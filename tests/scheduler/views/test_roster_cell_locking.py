"""The roster cell edit carries the version of the cell as the board showed it: an edit from a
stale board is refused and the other person's change stands."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from scheduler.models.rosters import Assignment, Roster, RosterStatus, ShiftTemplate
from scheduler.selectors.roster_board import roster_cell_version
from staffing.versions import STALE_RECORD
from tests.scheduler.selfservice.conftest import shift_row

pytestmark = pytest.mark.django_db


def shown_version(page: str, agent_id: int, day: datetime.date) -> str:
    found = re.search(
        rf'data-agent="{agent_id}" data-day="{day.isoformat()}"[^>]*data-version="(\w+)"', page
    )
    assert found is not None
    return found.group(1)


@pytest.fixture
def draft(center):
    roster = Roster.objects.create(
        unit=center.unit,
        period_start=center.monday,
        period_end=center.monday + datetime.timedelta(days=6),
        version=1,
        status=RosterStatus.DRAFT,
        created_by=center.lead,
    )
    day = ShiftTemplate.objects.get(site=center.unit.site, code="day")
    Assignment.objects.bulk_create(
        [
            shift_row(roster, agent, center.monday + datetime.timedelta(days=offset), day)
            for agent in center.agents
            for offset in range(5)
        ]
    )
    return roster


def test_a_cell_edit_from_a_stale_board_is_refused(center, draft):
    # given the lead's board shows an agent's Monday, with the version of that cell
    client = Client()
    client.force_login(center.hr)
    agent = center.agents[0]
    page = client.get(reverse("scheduler:roster-board", args=[draft.pk])).content.decode()
    shown = shown_version(page, agent.pk, center.monday)
    assert shown == roster_cell_version(roster=draft, agent_id=agent.pk, day=center.monday)
    # and someone else then gives the agent the day off
    Assignment.objects.filter(roster=draft, agent=agent, day=center.monday).delete()

    # when the lead sets a late shift from the board they opened before
    response = client.post(
        reverse("scheduler:roster-cell", args=[draft.pk]),
        {"agent": agent.pk, "day": center.monday.isoformat(), "template": "late", "version": shown},
        follow=True,
    )

    # then it is refused, the board shows the cell as it is now, and the day off stands
    assert str(STALE_RECORD) in response.content.decode()
    assert not Assignment.objects.filter(roster=draft, agent=agent, day=center.monday).exists()
    now = roster_cell_version(roster=draft, agent_id=agent.pk, day=center.monday)
    assert now != shown
    assert shown_version(response.content.decode(), agent.pk, center.monday) == now


def test_a_cell_edit_from_the_current_board_is_saved(center, draft):
    # given the board as it is now
    client = Client()
    client.force_login(center.hr)
    agent = center.agents[1]
    page = client.get(reverse("scheduler:roster-board", args=[draft.pk])).content.decode()

    # when the lead moves the agent's Monday to the early shift with the cell's current version
    response = client.post(
        reverse("scheduler:roster-cell", args=[draft.pk]),
        {
            "agent": agent.pk,
            "day": center.monday.isoformat(),
            "template": "early",
            "version": shown_version(page, agent.pk, center.monday),
        },
        follow=True,
    )

    # then the edit is saved
    assert "Saved and locked" in response.content.decode(), [
        str(m) for m in response.context["messages"]
    ]
    monday = Assignment.objects.get(roster=draft, agent=agent, day=center.monday)
    assert monday.template.code == "early"
