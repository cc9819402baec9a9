"""Queue-level requirements: channels, occupancy cap, shrinkage, inverse, skill groups."""

import numpy as np
import pytest

from scheduler.erlang import (
    Channel,
    SkillQueue,
    StaffingRules,
    agents_required,
    email_agents_required,
    erlang_c_agents,
    service_predict,
    skill_group_requirements,
    workload_erlangs,
)

HALF_HOUR = 1800.0


def test_voice_requirement_applies_goal_then_cap_then_shrinkage():
    # given 100 calls of 5 minutes in half an hour: 16.7 Erlangs
    rules = StaffingRules(target_service_level=0.8, target_answer_seconds=20, occupancy_cap=0.85)
    # when
    result = agents_required(
        volume=[0.0, 100.0],
        aht_seconds=300.0,
        interval_seconds=HALF_HOUR,
        rules=rules,
        shrinkage=0.3,
    )
    # then
    load = 100 * 300 / HALF_HOUR
    goal_agents = int(erlang_c_agents(load, 300.0, 0.8, 20.0))
    cap_agents = int(np.ceil(load / 0.85))
    assert result.agents.tolist() == [0, max(goal_agents, cap_agents)]
    assert result.agents.tolist() == [0, 21]
    # 21 / (1 - 0.3) is 30 exactly (not 30.000000000000004 rounded up to 31)
    assert result.scheduled_heads.tolist() == [0, 30]
    assert result.service_level[1] >= 0.8
    assert result.occupancy[1] <= 0.85


def test_inverse_predicts_the_goal_is_met_at_the_requirement_and_missed_below():
    rules = StaffingRules(occupancy_cap=1.0)
    volume = np.array([30.0, 120.0, 400.0])
    result = agents_required(
        volume=volume, aht_seconds=240.0, interval_seconds=HALF_HOUR, rules=rules
    )
    at = service_predict(
        volume=volume,
        aht_seconds=240.0,
        interval_seconds=HALF_HOUR,
        agents=result.agents,
        rules=rules,
    )
    below = service_predict(
        volume=volume,
        aht_seconds=240.0,
        interval_seconds=HALF_HOUR,
        agents=result.agents - 1,
        rules=rules,
    )
    assert np.all(at.service_level >= 0.8)
    assert np.all(below.service_level < 0.8)


def test_chat_concurrency_divides_slots_among_agents():
    voice = StaffingRules(occupancy_cap=1.0)
    chat = StaffingRules(channel=Channel.CHAT, chat_concurrency=3, occupancy_cap=1.0)
    kwargs = {"volume": 200.0, "aht_seconds": 600.0, "interval_seconds": HALF_HOUR}
    slots = int(agents_required(rules=voice, **kwargs).agents)
    agents = int(agents_required(rules=chat, **kwargs).agents)
    assert agents == int(np.ceil(slots / 3))


def test_email_workload_is_spread_over_the_response_window():
    # given 40 emails of 6 minutes arriving in one half hour, answered within 2 hours
    rules = StaffingRules(
        channel=Channel.EMAIL,
        email_response_seconds=7200,
        occupancy_cap=1.0,
        target_service_level=1.0,
    )
    volume = np.zeros(8)
    volume[0] = 40
    # when
    result = agents_required(
        volume=volume, aht_seconds=360.0, interval_seconds=HALF_HOUR, rules=rules
    )
    # then 8 agent-intervals of work spread over 4 intervals: 2 agents each
    assert result.agents.tolist() == [2, 2, 2, 2, 0, 0, 0, 0]


def test_email_share_answers_the_rest_of_a_peak_in_the_next_window():
    # given 40 emails of 6 minutes in one half hour; 75% answered within 2 hours
    rules = StaffingRules(
        channel=Channel.EMAIL,
        email_response_seconds=7200,
        occupancy_cap=1.0,
        target_service_level=0.75,
    )
    volume = np.zeros(10)
    volume[0] = 40
    # when
    result = agents_required(
        volume=volume, aht_seconds=360.0, interval_seconds=HALF_HOUR, rules=rules
    )
    # then 75% of 8 agent-intervals in the first window (1.5 a half hour), 25% in the next (0.5)
    assert result.agents.tolist() == [2, 2, 2, 2, 1, 1, 1, 1, 0, 0]
    assert int(result.agents.sum()) >= 8  # every email is still answered
    # and the agents of the peak answer at least 75% within the window
    assert np.all(result.service_level[:4] >= 0.75)


def test_email_share_needs_fewer_agents_at_a_peak_but_the_same_work():
    # given a morning peak of emails answered within 4 hours
    volume = np.zeros(32)  # half hours; long enough for two windows after the last email
    volume[:10] = [0, 60, 120, 80, 40, 20, 10, 10, 10, 10]

    def need(share: float) -> np.ndarray:
        return email_agents_required(
            workload_erlangs(volume, 300.0, HALF_HOUR),
            interval_seconds=HALF_HOUR,
            response_seconds=4 * 3600,
            occupancy_cap=1.0,
            answered_share=share,
        )

    # when
    everything, ninety = need(1.0), need(0.9)
    # then the peak needs less with 90% and the total work is the same (nothing is dropped)
    assert ninety.max() < everything.max()
    assert ninety.sum() == pytest.approx(everything.sum())


def test_email_share_changes_nothing_at_a_steady_rate():
    volume = np.full(24, 30.0)
    kwargs = {"aht_seconds": 300.0, "interval_seconds": HALF_HOUR}
    base = {"channel": Channel.EMAIL, "email_response_seconds": 3 * 3600}
    everything = agents_required(
        volume=volume, rules=StaffingRules(**base, target_service_level=1.0), **kwargs
    )
    ninety = agents_required(
        volume=volume, rules=StaffingRules(**base, target_service_level=0.9), **kwargs
    )
    # after the first two windows have filled
    assert everything.agents[12:].tolist() == ninety.agents[12:].tolist()


def test_email_service_predict_is_the_share_covered_in_the_window():
    rules = StaffingRules(
        channel=Channel.EMAIL, email_response_seconds=HALF_HOUR, target_service_level=0.9
    )
    # 10 agent-intervals of work in one half hour, answered within it
    prediction = service_predict(
        volume=np.array([30.0]),
        aht_seconds=600.0,
        interval_seconds=HALF_HOUR,
        agents=np.array([8]),
        rules=rules,
    )
    assert prediction.service_level.tolist() == pytest.approx([0.8])


def test_zero_volume_needs_zero_agents_for_every_channel():
    for rules in [
        StaffingRules(),
        StaffingRules(patience_seconds=90),
        StaffingRules(channel=Channel.CHAT, chat_concurrency=2),
        StaffingRules(channel=Channel.EMAIL, email_response_seconds=3600),
    ]:
        result = agents_required(
            volume=np.zeros(4), aht_seconds=300.0, interval_seconds=HALF_HOUR, rules=rules
        )
        assert result.agents.tolist() == [0, 0, 0, 0]
        assert result.scheduled_heads.tolist() == [0, 0, 0, 0]


def test_patience_uses_erlang_a_and_needs_fewer_agents():
    volume = 300.0
    without = agents_required(
        volume=volume,
        aht_seconds=300.0,
        interval_seconds=HALF_HOUR,
        rules=StaffingRules(occupancy_cap=1.0),
    )
    with_patience = agents_required(
        volume=volume,
        aht_seconds=300.0,
        interval_seconds=HALF_HOUR,
        rules=StaffingRules(occupancy_cap=1.0, patience_seconds=120),
    )
    assert int(with_patience.agents) < int(without.agents)
    assert float(with_patience.abandon_rate) > 0


def test_skill_groups_pool_same_skill_queues_and_keep_groups_apart():
    rules = StaffingRules(occupancy_cap=1.0)
    queues = [
        SkillQueue("cards-a", frozenset({"cards"}), [50.0, 0.0], 300.0, rules),
        SkillQueue("cards-b", frozenset({"cards"}), [50.0, 10.0], 300.0, rules),
        SkillQueue("english", frozenset({"english"}), [20.0, 0.0], 300.0, rules),
    ]
    groups = skill_group_requirements(queues=queues, interval_seconds=HALF_HOUR)
    pooled = agents_required(
        volume=[100.0, 10.0], aht_seconds=300.0, interval_seconds=HALF_HOUR, rules=rules
    )
    assert groups[frozenset({"cards"})].agents.tolist() == pooled.agents.tolist()
    assert groups[frozenset({"english"})].agents.tolist()[1] == 0
    separate = (
        2
        * agents_required(
            volume=50.0, aht_seconds=300.0, interval_seconds=HALF_HOUR, rules=rules
        ).agents
    )
    assert groups[frozenset({"cards"})].agents[0] <= separate


def test_invalid_rules_are_rejected():
    with pytest.raises(ValueError, match="email_response_seconds"):
        StaffingRules(channel=Channel.EMAIL)
    with pytest.raises(ValueError, match="target_service_level"):
        StaffingRules(channel=Channel.EMAIL, email_response_seconds=3600, target_service_level=0)
    with pytest.raises(ValueError, match="target_service_level"):
        StaffingRules(target_service_level=1.0)  # no queue answers every call in time
    with pytest.raises(ValueError, match="occupancy_cap"):
        StaffingRules(occupancy_cap=0.0)
    with pytest.raises(ValueError, match="volume"):
        agents_required(
            volume=-1.0, aht_seconds=300.0, interval_seconds=HALF_HOUR, rules=StaffingRules()
        )
