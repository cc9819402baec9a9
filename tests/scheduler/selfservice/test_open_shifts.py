"""The open-shift board: give-aways, shifts posted by team leads and by the engine, claims."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import F

from scheduler.models import Requirement
from scheduler.models.selfservice import OpenShift, OpenShiftSource, OpenShiftStatus
from scheduler.selectors.self_service import open_shifts_eligible
from scheduler.services import open_shifts
from scheduler.services.errors import Conflict
from staffing.models import AgentSkill

from .conftest import GROUP, day_of, live

pytestmark = pytest.mark.django_db


def test_a_given_away_shift_moves_to_the_first_valid_claimer(center, week):
    # given: agent 9 puts the Sunday day shift on the board; agent 13 is off that Sunday
    giver, taker = center.agents[9], center.agents[13]
    sunday = day_of(center, 6)
    board = open_shifts.open_shift_give_away(actor=giver.user, shift=live(giver, sunday))
    assert board.source == OpenShiftSource.AGENT and board.skill_group == GROUP
    assert live(giver, sunday) is not None  # kept until someone claims it
    # when: agent 13 is offered it and claims it
    assert [b.pk for b, _ in open_shifts_eligible(agent=taker)] == [board.pk]
    claimed = open_shifts.open_shift_claim(actor=taker.user, board=board)
    # then
    assert claimed.status == OpenShiftStatus.CLAIMED and claimed.claimed_by_id == taker.pk
    assert live(giver, sunday) is None
    assert live(taker, sunday).start_at == board.start_at
    # a second claim finds it taken
    with pytest.raises(Conflict) as caught:
        open_shifts.open_shift_claim(actor=center.agents[12].user, board=board)
    assert caught.value.rule == "not_open"


def test_an_agent_who_would_break_a_rule_is_not_offered_the_shift_and_cannot_claim(center, week):
    giver = center.agents[9]
    board = open_shifts.open_shift_give_away(actor=giver.user, shift=live(giver, day_of(center, 6)))
    # agent 5 is off that Sunday but already works five shifts: a sixth breaks the contract;
    # agent 3 works that Sunday already
    for index, rule in ((5, "contract_hours"), (3, "one_shift_per_day")):
        agent = center.agents[index]
        assert board.pk not in [b.pk for b, _ in open_shifts_eligible(agent=agent)]
        with pytest.raises(Conflict) as caught:
            open_shifts.open_shift_claim(actor=agent.user, board=board)
        assert caught.value.rule == rule
    AgentSkill.objects.filter(agent=center.agents[13], skill__code="voice").delete()
    with pytest.raises(Conflict) as caught:
        open_shifts.open_shift_claim(actor=center.agents[13].user, board=board)
    assert caught.value.rule == "skills"
    assert OpenShift.objects.get(pk=board.pk).status == OpenShiftStatus.OPEN


def test_a_team_lead_posts_extra_cover_and_an_agent_claims_it(center, week):
    board = open_shifts.open_shift_post(
        actor=center.lead,
        unit=center.unit,
        day=day_of(center, 6),
        template_code="day",
        skill_group=GROUP,
    )
    claimed = open_shifts.open_shift_claim(actor=center.agents[13].user, board=board)
    assert claimed.status == OpenShiftStatus.CLAIMED
    assert live(center.agents[13], day_of(center, 6)).template.code == "day"
    # agents cannot post extra cover
    with pytest.raises(PermissionDenied):
        open_shifts.open_shift_post(
            actor=center.agents[5].user,
            unit=center.unit,
            day=day_of(center, 6),
            template_code="day",
        )


def test_the_engine_posts_under_covered_periods(center, week):
    # given: four times the calls, so the hand-made week is short nearly everywhere
    Requirement.objects.filter(queue=center.queue).update(volume=F("volume") * 4)
    # when
    posted = open_shifts.open_shifts_post_under_covered(actor=center.lead, roster=week)
    # then: one or more per day, each covering at least 8 short half hours, all for the group
    assert posted and {board.source for board in posted} == {OpenShiftSource.ENGINE}
    assert {board.skill_group for board in posted} == {GROUP}
    again = open_shifts.open_shifts_post_under_covered(actor=center.lead, roster=week)
    assert len(again) < len(posted)  # what is already on the board counts


def test_the_poster_or_a_lead_withdraws_and_a_claim_then_fails(center, week):
    giver = center.agents[9]
    board = open_shifts.open_shift_give_away(actor=giver.user, shift=live(giver, day_of(center, 6)))
    with pytest.raises(PermissionDenied):
        open_shifts.open_shift_withdraw(actor=center.agents[13].user, board=board)
    open_shifts.open_shift_withdraw(actor=giver.user, board=board)
    with pytest.raises(Conflict):
        open_shifts.open_shift_claim(actor=center.agents[13].user, board=board)
    assert live(giver, day_of(center, 6)) is not None


def test_an_agent_short_of_hours_may_claim_a_shift_that_shortens_the_breach(center, week):
    # given: agent 13 works only three shifts that week (Monday's was taken off the roster), so
    # the week is short of the contract before and still short after one more shift
    taker = center.agents[13]
    live(taker, day_of(center, 0)).delete()
    giver = center.agents[9]
    board = open_shifts.open_shift_give_away(actor=giver.user, shift=live(giver, day_of(center, 6)))
    # when: agent 13 claims the Sunday shift
    claimed = open_shifts.open_shift_claim(actor=taker.user, board=board)
    # then: the claim shortens the breach (3 -> 4 days of 5), so it is not refused for it
    assert claimed.status == OpenShiftStatus.CLAIMED
    assert live(taker, day_of(center, 6)) is not None
