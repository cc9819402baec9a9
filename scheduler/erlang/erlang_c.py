"""Erlang B and Erlang C (M/M/n), vectorised over intervals.

Every function takes array-likes that broadcast together (one element per interval) and returns
numpy arrays of the broadcast shape.  Traffic is in Erlangs: calls per second times the average
handle time in seconds, i.e. ``volume * aht_seconds / interval_seconds``.

Numerical stability: Erlang B is computed with the recursion on its inverse,
``1/B(n) = 1 + (n / A) / B(n - 1)``, which only adds and multiplies positive numbers (no
factorials, no powers, no cancellation), so it is exact to rounding for thousands of agents.
Erlang C is then ``C = n / (A + (n - A) / B)``, also free of cancellation for ``n > A``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ArrayLike = npt.ArrayLike

# Safety stop for the staffing search: no planning interval needs more agents than this.
MAX_AGENTS = 1_000_000


def _as_float(value: ArrayLike) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


def erlang_b_inverse(traffic: ArrayLike, agents: ArrayLike) -> FloatArray:
    """1 / Erlang B blocking probability for ``agents`` servers offered ``traffic`` Erlangs.

    Returned as the inverse because that is what the recursion builds and it never underflows;
    it is ``inf`` only when blocking is below ~1e-308.
    """
    traffic_arr, agents_arr = np.broadcast_arrays(_as_float(traffic), np.asarray(agents))
    if np.any(agents_arr < 0):
        raise ValueError("agents must be >= 0")
    agents_int = np.rint(agents_arr).astype(np.int64)
    inverse = np.ones(traffic_arr.shape, dtype=np.float64)
    positive = traffic_arr > 0
    # With no traffic there is no blocking at all as soon as there is one agent.
    inverse[(~positive) & (agents_int > 0)] = np.inf
    if not positive.any():
        return inverse
    load = traffic_arr[positive]
    servers = agents_int[positive]
    values = np.ones(load.shape, dtype=np.float64)
    order = np.argsort(servers, kind="stable")
    sorted_servers = servers[order]
    sorted_load = load[order]
    sorted_values = values[order]
    start = 0
    top = int(sorted_servers[-1]) if sorted_servers.size else 0
    with np.errstate(over="ignore"):
        for n in range(1, top + 1):
            # Elements whose agent count is already reached stay fixed: they form a prefix.
            start = int(np.searchsorted(sorted_servers, n, side="left"))
            tail = sorted_values[start:]
            tail *= n / sorted_load[start:]
            tail += 1.0
    values[order] = sorted_values
    inverse[positive] = values
    return inverse


def erlang_b(traffic: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang B: probability that an arrival finds all ``agents`` busy in M/M/n/n."""
    with np.errstate(divide="ignore"):
        return 1.0 / erlang_b_inverse(traffic, agents)


def erlang_c(traffic: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang C: probability that a call has to wait (M/M/n, no abandonment).

    1.0 when ``agents <= traffic`` (the queue grows without bound), 0.0 without traffic.
    """
    traffic_arr, agents_arr = np.broadcast_arrays(_as_float(traffic), _as_float(agents))
    inverse = erlang_b_inverse(traffic_arr, agents_arr)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        wait = agents_arr / (traffic_arr + (agents_arr - traffic_arr) * inverse)
    wait = np.where(agents_arr <= traffic_arr, 1.0, wait)
    wait = np.where(traffic_arr <= 0, 0.0, wait)
    return np.asarray(np.clip(wait, 0.0, 1.0), dtype=np.float64)


def erlang_c_metrics(
    traffic: ArrayLike,
    agents: ArrayLike,
    aht_seconds: ArrayLike,
    target_answer_seconds: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Service level, ASA, occupancy and wait probability for a given number of agents.

    Service level is P(wait <= target_answer_seconds) = 1 - C * exp(-(n - A) * T / AHT);
    ASA (average speed of answer, over all calls) is C * AHT / (n - A); occupancy is A / n.
    An unstable interval (``agents <= traffic`` with traffic) has service level 0, infinite ASA
    and occupancy 1.  An interval without traffic has service level 1, ASA 0 and occupancy 0.
    """
    traffic_arr, agents_arr, aht_arr, target_arr = np.broadcast_arrays(
        _as_float(traffic),
        _as_float(agents),
        _as_float(aht_seconds),
        _as_float(target_answer_seconds),
    )
    wait = erlang_c(traffic_arr, agents_arr)
    excess = agents_arr - traffic_arr
    stable = excess > 0
    busy = traffic_arr > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        service_level = 1.0 - wait * np.exp(-excess * target_arr / aht_arr)
        asa = wait * aht_arr / excess
        occupancy = traffic_arr / agents_arr
    service_level = np.where(stable, service_level, 0.0)
    asa = np.where(stable, asa, np.inf)
    occupancy = np.where(stable, occupancy, 1.0)
    service_level = np.where(busy, service_level, 1.0)
    asa = np.where(busy, asa, 0.0)
    occupancy = np.where(busy, occupancy, 0.0)
    return (
        np.asarray(np.clip(service_level, 0.0, 1.0), dtype=np.float64),
        np.asarray(asa, dtype=np.float64),
        np.asarray(occupancy, dtype=np.float64),
        wait,
    )


def erlang_c_agents(
    traffic: ArrayLike,
    aht_seconds: ArrayLike,
    target_service_level: ArrayLike,
    target_answer_seconds: ArrayLike,
    max_asa_seconds: ArrayLike | None = None,
) -> IntArray:
    """Fewest agents so that P(wait <= T) >= target (and ASA <= max ASA when given).

    Vectorised search: one pass of the Erlang B recursion over n = 1, 2, ... for all intervals
    at once; an interval leaves the pass at the first n that meets its goal, so the work is the
    sum of the answers, not intervals times the largest answer.  Intervals are sorted by
    traffic so that the ones that cannot be stable yet (n <= A) are a suffix that is only
    advanced, not tested.  Zero traffic needs 0 agents.
    """
    arrays = [
        _as_float(traffic),
        _as_float(aht_seconds),
        _as_float(target_service_level),
        _as_float(target_answer_seconds),
        _as_float(np.inf if max_asa_seconds is None else max_asa_seconds),
    ]
    traffic_b, aht_b, level_b, answer_b, asa_b = np.broadcast_arrays(*arrays)
    shape = traffic_b.shape
    traffic_f = traffic_b.ravel()
    if np.any(~np.isfinite(traffic_f)) or np.any(traffic_f < 0):
        raise ValueError("traffic must be finite and >= 0")
    if np.any(level_b >= 1.0) or np.any(level_b < 0.0):
        raise ValueError("target service level must be in [0, 1)")
    if np.any(aht_b.ravel()[traffic_f > 0] <= 0):
        raise ValueError("average handle time must be > 0 where there is traffic")
    if np.any(asa_b <= 0):
        raise ValueError("maximum ASA must be > 0")
    result = np.zeros(traffic_f.shape, dtype=np.int64)
    busy = np.flatnonzero(traffic_f > 0)
    if busy.size == 0:
        return result.reshape(shape)

    order = busy[np.argsort(traffic_f[busy], kind="stable")]
    index = order
    load = traffic_f[order]
    aht = aht_b.ravel()[order]
    level = level_b.ravel()[order]
    # Rate of the exponential tail per agent above the load: T / AHT.
    tail_rate = answer_b.ravel()[order] / aht
    max_asa = asa_b.ravel()[order]
    inverse = np.ones(load.shape, dtype=np.float64)

    n = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while index.size:
            n += 1
            if n > MAX_AGENTS:
                raise ValueError("service goal needs more than MAX_AGENTS agents")
            inverse *= n / load
            inverse += 1.0
            # Sorted by load: the intervals where n > A form a prefix.
            stable_count = int(np.searchsorted(load, n, side="left"))
            if stable_count == 0:
                continue
            head_load = load[:stable_count]
            excess = n - head_load
            wait = n / (head_load + excess * inverse[:stable_count])
            met = (1.0 - wait * np.exp(-excess * tail_rate[:stable_count])) >= level[:stable_count]
            met &= wait * aht[:stable_count] / excess <= max_asa[:stable_count]
            if not met.any():
                continue
            done = np.flatnonzero(met)
            result[index[done]] = n
            keep = np.ones(index.size, dtype=bool)
            keep[done] = False
            index = index[keep]
            load = load[keep]
            aht = aht[keep]
            level = level[keep]
            tail_rate = tail_rate[keep]
            max_asa = max_asa[keep]
            inverse = inverse[keep]
    return result.reshape(shape)


def occupancy_cap_agents(traffic: ArrayLike, occupancy_cap: ArrayLike) -> IntArray:
    """Fewest agents that keep occupancy (traffic / agents) at or below the cap."""
    traffic_arr, cap_arr = np.broadcast_arrays(_as_float(traffic), _as_float(occupancy_cap))
    if np.any(cap_arr <= 0) or np.any(cap_arr > 1):
        raise ValueError("occupancy cap must be in (0, 1]")
    # The small slack keeps 8.5 / 0.85 at 10 agents despite binary rounding.
    needed = np.ceil(traffic_arr / cap_arr - 1e-9)
    return np.maximum(needed, 0).astype(np.int64)


def apply_shrinkage(agents: ArrayLike, shrinkage: ArrayLike) -> IntArray:
    """Scheduled heads: productive agents grossed up for shrinkage, rounded up.

    Shrinkage is the share of paid time not available for work (breaks, meetings, coaching,
    training, absence), so ``heads = agents / (1 - shrinkage)``.
    """
    agents_arr, shrink_arr = np.broadcast_arrays(_as_float(agents), _as_float(shrinkage))
    if np.any(shrink_arr < 0) or np.any(shrink_arr >= 1):
        raise ValueError("shrinkage must be in [0, 1)")
    heads = np.ceil(agents_arr / (1.0 - shrink_arr) - 1e-9)
    return np.maximum(heads, 0).astype(np.int64)
