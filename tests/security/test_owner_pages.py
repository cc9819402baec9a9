"""Pages answer 404 for another unit's swap or open shift, as the API does: a team lead's
approval page and an agent's claim button must not reveal (nor try) a record outside their
scope. The full owner matrix is tests/hard/test_owner_matrix.py."""

import pytest
from django.test import Client
from django.urls import reverse

from scheduler.models.selfservice import OpenShiftStatus, SwapStatus
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)

from .foreign import build_foreign

pytestmark = pytest.mark.django_db


def test_another_units_swap_and_open_shift_are_unknown_to_the_pages(center):  # noqa: F811
    # given another site's unit with a proposed swap and a shift on its board
    foreign = build_foreign(center.monday)
    lead, agent = Client(), Client()
    lead.force_login(center.lead)
    agent.force_login(center.agents[4].user)
    # when the center's lead decides that swap and its agent (and lead) claim that shift
    decide = lead.post(
        reverse("scheduler:approval-decide", args=["swap", foreign.swap.pk, "reject"])
    )
    claims = [
        client.post(reverse("scheduler:open-shift-claim", args=[foreign.board.pk]))
        for client in (agent, lead)
    ]
    # then both are unknown, and nothing changed
    assert decide.status_code == 404
    assert [claim.status_code for claim in claims] == [404, 404]
    foreign.swap.refresh_from_db()
    foreign.board.refresh_from_db()
    assert foreign.swap.status == SwapStatus.PROPOSED
    assert foreign.board.status == OpenShiftStatus.OPEN
