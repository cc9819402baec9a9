"""Queue-level requirements: channels, occupancy cap, shrinkage, inverse, skill groups."""

import numpy as np
import pytest

from scheduler.erlang import (
    Channel,
    SkillQueue,
    StaffingRules,
    agents_required,
    erlang_c_agents,
    service_predict,
    skill_group_requirements,
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
    rules = StaffingRules(channel=Channel.EMAIL, email_response_seconds=7200, occupancy_cap=1.0)
    volume = np.zeros(8)
    volume[0] = 40
    # when
    result = agents_required(
        volume=volume, aht_seconds=360.0, interval_seconds=HALF_HOUR, rules=rules
    )
    # then 8 agent-intervals of work spread over 4 intervals: 2 agents each
    assert result.agents.tolist() == [2, 2, 2, 2, 0, 0, 0, 0]


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
    with pytest.raises(ValueError, match="occupancy_cap"):
        StaffingRules(occupancy_cap=0.0)
    with pytest.raises(ValueError, match="volume"):
        agents_required(
            volume=-1.0, aht_seconds=300.0, interval_seconds=HALF_HOUR, rules=StaffingRules()
        )
