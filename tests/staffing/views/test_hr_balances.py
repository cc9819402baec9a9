"""Balances per agent and the ledger; HR adjusts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from staffing.models import LeaveLedgerEntry
from staffing.models.leave import LedgerKind
from tests.factories import leave_type

pytestmark = pytest.mark.django_db


def test_hr_sees_every_agents_balance(client, world):
    # given
    client.force_login(world.hr)

    # when
    response = client.get(reverse("hr:balance-list"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    for agent in (world.agent, world.other, world.lead_agent):
        assert agent.full_name in page
    assert '<th scope="col">' in page and 'class="table-wrap"' in page


def test_balance_list_filters_by_team(client, world):
    client.force_login(world.hr)

    page = client.get(reverse("hr:balance-list"), {"team": world.team_b.pk}).content.decode()

    assert world.other.full_name in page and world.agent.full_name not in page


def test_agent_page_shows_the_ledger(client, world):
    # given
    client.force_login(world.hr)
    year = datetime.date.today().year

    # when
    response = client.get(reverse("hr:agent-balances", args=[world.agent.pk]), {"year": year})

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Grant" in page and "10.00" in page
    assert '<label for="id_note"' in page


def test_hr_adjusts_a_balance(client, world):
    # given
    client.force_login(world.hr)
    year = datetime.date.today().year
    url = reverse("hr:agent-balances", args=[world.agent.pk])

    # when
    response = client.post(
        url,
        {
            "leave_type": leave_type("annual").pk,
            "year": year,
            "kind": LedgerKind.CARRY_OVER,
            "days": "2.5",
            "note": "from last year",
        },
        follow=True,
    )

    # then
    entry = LeaveLedgerEntry.objects.get(agent=world.agent, kind=LedgerKind.CARRY_OVER)
    assert entry.days == Decimal("2.5") and entry.created_by == world.hr
    assert "written to the ledger" in response.content.decode()


def test_a_zero_adjustment_is_refused_next_to_the_field(client, world):
    client.force_login(world.hr)
    response = client.post(
        reverse("hr:agent-balances", args=[world.agent.pk]),
        {
            "leave_type": leave_type("annual").pk,
            "year": datetime.date.today().year,
            "kind": LedgerKind.ADJUSTMENT,
            "days": "0",
            "note": "nothing",
        },
    )
    assert response.status_code == 400
    assert "An adjustment of zero days changes nothing." in response.content.decode()
    assert not LeaveLedgerEntry.objects.filter(kind=LedgerKind.ADJUSTMENT).exists()


@pytest.mark.parametrize("role", ["agent", "team_lead"])
def test_balances_are_hr_only(client, world, role):
    client.force_login(world.user_for(role))
    assert client.get(reverse("hr:balance-list")).status_code == 403
    url = reverse("hr:agent-balances", args=[world.agent.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"leave_type": leave_type("annual").pk, "year": 2030, "kind": "adjustment", "days": "5"},
    )
    assert response.status_code == 403
    assert not LeaveLedgerEntry.objects.filter(kind=LedgerKind.ADJUSTMENT).exists()


def test_anonymous_goes_to_login(client, world):
    response = client.get(reverse("hr:agent-balances", args=[world.agent.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
