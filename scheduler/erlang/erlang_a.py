"""Erlang A (M/M/n+M, "Palm's queue"): Erlang C plus callers who hang up when out of patience.

Model: Poisson arrivals at rate lambda, exponential handle times (rate mu = 1 / AHT), n agents,
and each waiting caller abandons after an exponential patience with mean ``patience_seconds``
(rate theta).  With x = n mu / theta, y = lambda / theta and the series

    S(x, c) = sum_{k >= 0} c^k / ((x + 1)(x + 2)...(x + k))

(Mandelbaum and Zeltyn's A(x, y); ``sum_j pi_{n+j} / pi_n`` is S(x, y)):

- probability that all agents are busy: pi_n = E / (1 + (S(x, y) - 1) E), E = Erlang B(n, A);
- P(wait > 0) = pi_n S(x, y);
- the offered wait V (the wait a caller would have with infinite patience) has
  P(V > s) = pi_n exp(-n mu s + y (1 - u)) S(x, y u), u = exp(-theta s), which follows from
  the hypo-exponential law of V given the callers ahead, summed over the queue length;
- abandonment probability P(Ab) = theta E[Q] / lambda, E[Q] = pi_n sum_k k c^k / prod(x + i);
- service level = share of *offered* calls answered within T (abandoned calls count as misses):
  1 - P(still waiting at T) - P(abandoned before T)
  = 1 - e^{-theta T} P(V > T) - theta int_0^T e^{-theta s} P(V > s) ds,
  the integral by 16-point Gauss-Legendre (P(V > s) is a smooth sum of exponentials);
- ASA here is the mean wait of all offered calls, answered or abandoned: E[Q] / lambda;
- occupancy = carried traffic / agents = A (1 - P(Ab)) / n.

As patience grows the results tend to Erlang C; n may be below the offered load (the queue is
kept finite by abandonment).
"""

from __future__ import annotations

import numpy as np

from .erlang_c import MAX_AGENTS, ArrayLike, FloatArray, IntArray, _as_float, erlang_b_inverse

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
# Terms of the series are kept below this by rescaling, and summed until they are this small.
_RESCALE = 1e200
_RELATIVE_TOLERANCE = 1e-15


def _series(x: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """log S(x, c), and the sums S and sum k t_k on a common scale (for E[Q] / pi_n)."""
    total = np.ones(c.shape, dtype=np.float64)
    weighted = np.zeros(c.shape, dtype=np.float64)
    term = np.ones(c.shape, dtype=np.float64)
    log_scale = np.zeros(c.shape, dtype=np.float64)
    k = 0
    while True:
        k += 1
        term = term * c / (x + k)
        total += term
        weighted += k * term
        big = term > _RESCALE
        if big.any():
            term = np.where(big, term / _RESCALE, term)
            total = np.where(big, total / _RESCALE, total)
            weighted = np.where(big, weighted / _RESCALE, weighted)
            log_scale = log_scale + np.where(big, np.log(_RESCALE), 0.0)
        # Terms decrease once x + k > c; stop when every remaining tail is negligible.
        decreasing = x + k > c
        negligible = term * (k + 1) <= _RELATIVE_TOLERANCE * total
        if np.all(decreasing & negligible):
            break
        if k > 10 * MAX_AGENTS:
            raise ValueError("Erlang A series did not converge")
    return np.log(total) + log_scale, total, weighted


def erlang_a_metrics(
    traffic: ArrayLike,
    agents: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    target_answer_seconds: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Service level, ASA, occupancy, wait probability and abandonment probability.

    Returns arrays of the broadcast shape.  Zero traffic gives service level 1, everything else 0;
    zero agents with traffic gives service level 0 and abandonment 1.
    """
    traffic_b, agents_b, aht_b, patience_b, answer_b = np.broadcast_arrays(
        _as_float(traffic),
        _as_float(agents),
        _as_float(aht_seconds),
        _as_float(patience_seconds),
        _as_float(target_answer_seconds),
    )
    shape = traffic_b.shape
    load = traffic_b.ravel()
    servers = np.rint(agents_b.ravel())
    aht = aht_b.ravel()
    patience = patience_b.ravel()
    answer = answer_b.ravel()
    if np.any(patience <= 0):
        raise ValueError("patience must be > 0 seconds")
    service_level = np.ones(load.shape)
    asa = np.zeros(load.shape)
    occupancy = np.zeros(load.shape)
    wait = np.zeros(load.shape)
    abandon = np.zeros(load.shape)

    nobody = (load > 0) & (servers <= 0)
    service_level[nobody] = 0.0
    asa[nobody] = patience[nobody]
    wait[nobody] = 1.0
    abandon[nobody] = 1.0

    active = np.flatnonzero((load > 0) & (servers > 0))
    if active.size:
        a = load[active]
        n = servers[active]
        mu = 1.0 / aht[active]
        theta = 1.0 / patience[active]
        t_answer = answer[active]
        lam = a * mu
        x = n * mu / theta
        y = lam / theta
        inverse_b = erlang_b_inverse(a, n)
        # Points where P(V > s) is needed: s = 0, s = T and the quadrature nodes on [0, T].
        nodes = (t_answer[:, None] / 2.0) * (_NODES[None, :] + 1.0)
        times = np.concatenate([np.zeros((a.size, 1)), t_answer[:, None], nodes], axis=1)
        u = np.exp(-theta[:, None] * times)
        log_s, total, weighted = _series(
            np.repeat(x[:, None], times.shape[1], axis=1), y[:, None] * u
        )
        log_s0 = log_s[:, 0]
        # log(1 / pi_n) = log(1/E - 1 + S(x, y)), computed without overflow.
        with np.errstate(divide="ignore", over="ignore"):
            log_rest = np.log(np.maximum(inverse_b - 1.0, 0.0))
        log_inv_pi = np.logaddexp(log_rest, log_s0)
        log_pi = -log_inv_pi
        p_wait = np.exp(log_pi + log_s0)
        mean_queue_over_pi = weighted[:, 0] / total[:, 0]  # (sum k t_k) / S on the same scale
        mean_queue = p_wait * mean_queue_over_pi
        p_abandon = np.minimum(theta * mean_queue / lam, 1.0)
        log_tail = log_pi[:, None] - n[:, None] * mu[:, None] * times + y[:, None] * (1.0 - u)
        tail = np.exp(log_tail + log_s)  # P(V > s)
        still_waiting = np.exp(-theta * t_answer) * tail[:, 1]
        integrand = np.exp(-theta[:, None] * nodes) * tail[:, 2:]
        abandoned_before = theta * (t_answer / 2.0) * (integrand @ _WEIGHTS)
        service_level[active] = np.clip(1.0 - still_waiting - abandoned_before, 0.0, 1.0)
        asa[active] = mean_queue / lam
        occupancy[active] = np.minimum(a * (1.0 - p_abandon) / n, 1.0)
        wait[active] = p_wait
        abandon[active] = p_abandon
    return (
        service_level.reshape(shape),
        asa.reshape(shape),
        occupancy.reshape(shape),
        wait.reshape(shape),
        abandon.reshape(shape),
    )


def erlang_a_agents(
    traffic: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    target_service_level: ArrayLike,
    target_answer_seconds: ArrayLike,
    max_asa_seconds: ArrayLike | None = None,
) -> IntArray:
    """Fewest agents meeting the goal under Erlang A (bisection on n, vectorised).

    The service level (answered within T over offered) and the ASA improve monotonically with
    n; the search brackets the answer by doubling from the Erlang C answer's order of
    magnitude and then halves the bracket.  Zero traffic needs 0 agents.
    """
    traffic_b, aht_b, patience_b, level_b, answer_b, asa_b = np.broadcast_arrays(
        _as_float(traffic),
        _as_float(aht_seconds),
        _as_float(patience_seconds),
        _as_float(target_service_level),
        _as_float(target_answer_seconds),
        _as_float(np.inf if max_asa_seconds is None else max_asa_seconds),
    )
    shape = traffic_b.shape
    load = traffic_b.ravel()
    if np.any(~np.isfinite(load)) or np.any(load < 0):
        raise ValueError("traffic must be finite and >= 0")
    if np.any(level_b >= 1.0) or np.any(level_b < 0.0):
        raise ValueError("target service level must be in [0, 1)")
    result = np.zeros(load.shape, dtype=np.int64)
    busy = np.flatnonzero(load > 0)
    if busy.size == 0:
        return result.reshape(shape)
    a = load[busy]
    aht = aht_b.ravel()[busy]
    patience = patience_b.ravel()[busy]
    level = level_b.ravel()[busy]
    answer = answer_b.ravel()[busy]
    max_asa = asa_b.ravel()[busy]

    def meets(agents: FloatArray, rows: np.ndarray) -> np.ndarray:
        sl, asa, _occ, _wait, _ab = erlang_a_metrics(
            a[rows], agents, aht[rows], patience[rows], answer[rows]
        )
        return np.asarray((sl >= level[rows]) & (asa <= max_asa[rows]))

    low = np.zeros(a.shape)  # known to fail (0 agents never answers anyone)
    high = np.maximum(np.ceil(a), 1.0)
    rows = np.arange(a.size)
    while rows.size:
        ok = meets(high[rows], rows)
        failing = rows[~ok]
        low[failing] = high[failing]
        high[failing] = high[failing] * 2.0
        if np.any(high > MAX_AGENTS):
            raise ValueError("service goal needs more than MAX_AGENTS agents")
        rows = failing
    rows = np.flatnonzero(high - low > 1)
    while rows.size:
        middle = np.floor((low[rows] + high[rows]) / 2.0)
        ok = meets(middle, rows)
        high[rows[ok]] = middle[ok]
        low[rows[~ok]] = middle[~ok]
        rows = rows[high[rows] - low[rows] > 1]
    result[busy] = high.astype(np.int64)
    return result.reshape(shape)
