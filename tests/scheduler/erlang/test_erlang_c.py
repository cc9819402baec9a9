"""Erlang C against the textbook formula, computed the slow way in plain Python."""

import math

import numpy as np
import pytest

from scheduler.erlang import (
    apply_shrinkage,
    erlang_b,
    erlang_c,
    erlang_c_agents,
    erlang_c_metrics,
    occupancy_cap_agents,
)


def textbook_erlang_c(traffic: float, agents: int) -> float:
    """P(wait) = (A^n/n! * n/(n-A)) / (sum_{k<n} A^k/k! + A^n/n! * n/(n-A)), in exact fractions."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def textbook_agents(traffic: float, aht: float, level: float, answer: float) -> int:
    agents = math.floor(traffic) + 1
    while True:
        wait = textbook_erlang_c(traffic, agents)
        if 1 - wait * math.exp(-(agents - traffic) * answer / aht) >= level:
            return agents
        agents += 1


def test_erlang_c_matches_textbook_formula_on_a_grid():
    for traffic in [0.3, 1.0, 2.5, 7.9, 15.0, 42.0, 99.5]:
        for agents in range(math.floor(traffic) + 1, math.floor(traffic) + 12):
            assert erlang_c(traffic, agents) == pytest.approx(
                textbook_erlang_c(traffic, agents), rel=1e-12
            )


def test_agents_required_identical_to_textbook_on_a_grid_of_loads_and_targets():
    # given a grid of loads (Erlangs) and service goals
    loads = [0.05, 0.5, 1.0, 3.3, 8.0, 12.5, 30.0, 57.7, 100.0]
    goals = [(0.5, 10.0), (0.8, 20.0), (0.9, 15.0), (0.95, 30.0), (0.99, 60.0)]
    for level, answer in goals:
        # when
        got = erlang_c_agents(loads, 300.0, level, answer)
        # then
        expected = [textbook_agents(a, 300.0, level, answer) for a in loads]
        assert got.tolist() == expected


def test_stable_for_thousands_of_agents():
    # A^n/n! overflows a float long before 3000 agents; the recursion does not.
    wait = erlang_c(2900.0, 3000)
    assert 0.0 < float(wait) < 1.0
    agents = int(erlang_c_agents(2900.0, 240.0, 0.8, 20.0))
    assert 2900 < agents < 3000
    level, *_ = erlang_c_metrics(2900.0, agents, 240.0, 20.0)
    assert float(level) >= 0.8
    level_below, *_ = erlang_c_metrics(2900.0, agents - 1, 240.0, 20.0)
    assert float(level_below) < 0.8


def test_zero_volume_needs_no_agents():
    assert erlang_c_agents([0.0, 0.0], 300.0, 0.8, 20.0).tolist() == [0, 0]
    level, asa, occupancy, wait = erlang_c_metrics(0.0, 0, 300.0, 20.0)
    assert (float(level), float(asa), float(occupancy), float(wait)) == (1.0, 0.0, 0.0, 0.0)


def test_unstable_interval_has_no_service():
    level, asa, occupancy, wait = erlang_c_metrics(10.0, 10, 300.0, 20.0)
    assert float(level) == 0.0
    assert math.isinf(float(asa))
    assert float(occupancy) == 1.0
    assert float(wait) == 1.0


def test_max_asa_adds_agents_when_binding():
    only_level = int(erlang_c_agents(20.0, 300.0, 0.5, 20.0))
    with_asa = int(erlang_c_agents(20.0, 300.0, 0.5, 20.0, max_asa_seconds=5.0))
    assert with_asa > only_level
    _, asa, _, _ = erlang_c_metrics(20.0, with_asa, 300.0, 20.0)
    assert float(asa) <= 5.0


def test_erlang_b_small_case_by_hand():
    # B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
    assert float(erlang_b(1.0, 2)) == pytest.approx(0.2)


def test_vectorised_result_keeps_the_input_shape():
    loads = np.arange(24, dtype=float).reshape(2, 3, 4)
    assert erlang_c_agents(loads, 300.0, 0.8, 20.0).shape == (2, 3, 4)


def test_occupancy_cap_and_shrinkage_round_up():
    assert occupancy_cap_agents([8.5, 8.6, 0.0], 0.85).tolist() == [10, 11, 0]
    assert apply_shrinkage([10, 0, 7], 0.3).tolist() == [15, 0, 10]


def test_bad_goal_is_rejected():
    with pytest.raises(ValueError, match="service level"):
        erlang_c_agents(5.0, 300.0, 1.0, 20.0)
    with pytest.raises(ValueError, match="traffic"):
        erlang_c_agents(-1.0, 300.0, 0.8, 20.0)
