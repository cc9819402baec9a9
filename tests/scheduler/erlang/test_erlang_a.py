"""Erlang A against a brute-force Markov chain, and its limit to Erlang C."""

import math

import numpy as np
import pytest

from scheduler.erlang import erlang_a_agents, erlang_a_metrics, erlang_c_metrics


def brute_force(traffic, agents, aht, patience, answer, depth=300):
    """Stationary birth-death chain plus a tagged caller's race against service and patience."""
    lam, mu, theta = traffic / aht, 1.0 / aht, 1.0 / patience
    weights = [1.0]
    for k in range(1, agents + depth + 1):
        weights.append(weights[-1] * lam / (min(k, agents) * mu + max(k - agents, 0) * theta))
    p = np.array(weights) / sum(weights)
    mean_queue = sum((k - agents) * p[k] for k in range(agents, agents + depth + 1))
    # Tagged caller with i callers ahead: moves up at n mu + i theta, hangs up at theta.
    states = depth + 3
    served, abandoned = depth + 1, depth + 2
    generator = np.zeros((states, states))
    for i in range(depth + 1):
        progress = agents * mu + i * theta
        generator[i, served if i == 0 else i - 1] += progress
        generator[i, abandoned] += theta
        generator[i, i] -= progress + theta
    rate = -generator.diagonal().min()
    step = np.eye(states) + generator / rate
    vector = np.zeros(states)
    vector[: depth + 1] = p[agents : agents + depth + 1]
    reached = np.zeros(states)
    log_poisson = -rate * answer
    for k in range(int(rate * answer + 12 * math.sqrt(rate * answer) + 60)):
        reached += math.exp(log_poisson) * vector
        vector = vector @ step
        log_poisson += math.log(rate * answer) - math.log(k + 1)
    level = p[:agents].sum() + reached[served]
    return level, mean_queue / lam, p[agents:].sum(), theta * mean_queue / lam


@pytest.mark.parametrize(
    ("traffic", "agents", "aht", "patience", "answer"),
    [(5.0, 5, 300.0, 120.0, 20.0), (10.0, 12, 240.0, 60.0, 30.0), (20.0, 18, 180.0, 300.0, 20.0)],
)
def test_erlang_a_matches_brute_force_chain(traffic, agents, aht, patience, answer):
    level, asa, _occupancy, wait, abandon = erlang_a_metrics(traffic, agents, aht, patience, answer)
    expected = brute_force(traffic, agents, aht, patience, answer)
    assert [float(level), float(asa), float(wait), float(abandon)] == pytest.approx(
        expected, rel=1e-9
    )


def test_infinite_patience_tends_to_erlang_c():
    level_a, asa_a, *_ = erlang_a_metrics(20.0, 24, 300.0, 1e9, 20.0)
    level_c, asa_c, *_ = erlang_c_metrics(20.0, 24, 300.0, 20.0)
    assert float(level_a) == pytest.approx(float(level_c), rel=1e-5)
    assert float(asa_a) == pytest.approx(float(asa_c), rel=1e-5)


def test_agents_required_is_the_smallest_that_meets_the_goal():
    loads = np.array([0.0, 0.4, 5.0, 20.0, 80.0])
    agents = erlang_a_agents(loads, 300.0, 120.0, 0.8, 20.0)
    assert agents[0] == 0
    level, *_ = erlang_a_metrics(loads[1:], agents[1:], 300.0, 120.0, 20.0)
    assert np.all(level >= 0.8)
    level_below, *_ = erlang_a_metrics(loads[1:], agents[1:] - 1, 300.0, 120.0, 20.0)
    assert np.all(level_below < 0.8)


def test_abandonment_lets_a_queue_run_with_fewer_agents_than_load():
    level, _asa, occupancy, _wait, abandon = erlang_a_metrics(30.0, 25, 300.0, 60.0, 20.0)
    assert 0.0 < float(level) < 1.0
    assert 0.0 < float(abandon) < 1.0
    assert float(occupancy) <= 1.0
