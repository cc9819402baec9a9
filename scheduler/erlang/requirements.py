"""Agents required per interval for a queue, and the inverse (service for given agents).

The Django layer calls :func:`agents_required` with a queue's forecast (volume and average
handle time per planning interval) and its staffing rules, and :func:`service_predict` with a
roster's productive agents per interval.  Both are vectorised: pass whole horizons at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .erlang_a import erlang_a_agents, erlang_a_metrics
from .erlang_c import (
    ArrayLike,
    FloatArray,
    IntArray,
    _as_float,
    apply_shrinkage,
    erlang_c_agents,
    erlang_c_metrics,
    occupancy_cap_agents,
)


class Channel(StrEnum):
    VOICE = "voice"  # phone calls: Erlang C, or Erlang A when patience is given
    CHAT = "chat"  # an agent serves up to `chat_concurrency` chats at once
    EMAIL = "email"  # deferred work: answered within a response window of hours


@dataclass(frozen=True)
class StaffingRules:
    """How a queue turns workload into agents.

    For voice and chat the goal is ``target_service_level`` of calls answered within
    ``target_answer_seconds`` (80/20 by default), optionally with a maximum average speed of
    answer.  For email the goal is ``target_service_level`` of the emails arriving in an
    interval answered within ``email_response_seconds`` (1.0: all of them); see
    :func:`email_agents_required` for how that becomes agents.
    """

    channel: Channel = Channel.VOICE
    target_service_level: float = 0.80
    target_answer_seconds: float = 20.0
    max_asa_seconds: float | None = None
    # Highest share of logged-in time spent on work; above ~85% agents burn out.
    occupancy_cap: float = 0.85
    # Mean caller patience; when given, voice and chat use Erlang A instead of Erlang C.
    patience_seconds: float | None = None
    # Chats one agent handles at once; the handle time is that of a chat while sharing.
    chat_concurrency: int = 1
    # Email: the response window; `target_service_level` of the messages arriving in an
    # interval are answered within this many seconds of arrival, the rest within two windows.
    email_response_seconds: float | None = None

    def __post_init__(self) -> None:
        if self.channel == Channel.EMAIL:
            # Deferred work can promise every message (1.0); a queue cannot promise every call.
            if not 0.0 < self.target_service_level <= 1.0:
                raise ValueError("target_service_level must be in (0, 1] for email")
        elif not 0.0 <= self.target_service_level < 1.0:
            raise ValueError("target_service_level must be in [0, 1)")
        if self.target_answer_seconds < 0:
            raise ValueError("target_answer_seconds must be >= 0")
        if not 0.0 < self.occupancy_cap <= 1.0:
            raise ValueError("occupancy_cap must be in (0, 1]")
        if self.chat_concurrency < 1:
            raise ValueError("chat_concurrency must be >= 1")
        if self.patience_seconds is not None and self.patience_seconds <= 0:
            raise ValueError("patience_seconds must be > 0")
        if self.max_asa_seconds is not None and self.max_asa_seconds <= 0:
            raise ValueError("max_asa_seconds must be > 0")
        if self.channel == Channel.EMAIL and (
            self.email_response_seconds is None or self.email_response_seconds <= 0
        ):
            raise ValueError("email queues need email_response_seconds > 0")


@dataclass(frozen=True)
class Requirements:
    """Per-interval arrays, all of the input's shape."""

    workload_erlangs: FloatArray  # volume x AHT / interval length: agents busy on average
    agents: IntArray  # productive agents needed (service goal, then occupancy cap)
    scheduled_heads: IntArray  # agents grossed up for shrinkage: people to put on the roster
    service_level: FloatArray  # predicted with `agents` (email: share answered in the window)
    asa_seconds: FloatArray
    occupancy: FloatArray
    abandon_rate: FloatArray  # share of offered calls that hang up (0 without patience)


@dataclass(frozen=True)
class ServicePrediction:
    """Predicted service for a given number of productive agents, per interval."""

    service_level: FloatArray
    asa_seconds: FloatArray
    occupancy: FloatArray
    wait_probability: FloatArray
    abandon_rate: FloatArray


def workload_erlangs(
    volume: ArrayLike, aht_seconds: ArrayLike, interval_seconds: float
) -> FloatArray:
    """Offered load in Erlangs: contacts x handle time / interval length."""
    volume_arr, aht_arr = np.broadcast_arrays(_as_float(volume), _as_float(aht_seconds))
    if np.any(volume_arr < 0) or not np.all(np.isfinite(volume_arr)):
        raise ValueError("volume must be finite and >= 0")
    if np.any(aht_arr[volume_arr > 0] <= 0):
        raise ValueError("aht_seconds must be > 0 where there is volume")
    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be > 0")
    return np.asarray(volume_arr * np.where(volume_arr > 0, aht_arr, 0.0) / interval_seconds)


def _trailing_mean(load: FloatArray, width: int, lag: int = 0) -> FloatArray:
    """Mean over the last axis of the ``width`` intervals ending ``lag`` intervals ago
    (intervals before the start count as 0)."""
    padded = np.concatenate([np.zeros((*load.shape[:-1], width + lag)), load], axis=-1).cumsum(
        axis=-1
    )
    size = load.shape[-1]
    ends = padded[..., width : width + size]  # cumulative up to t - lag (inclusive)
    starts = padded[..., :size]  # cumulative up to t - lag - width
    return np.asarray((ends - starts) / width)


def email_agents_required(
    workload: ArrayLike,
    *,
    interval_seconds: float,
    response_seconds: float,
    occupancy_cap: float,
    answered_share: float = 1.0,
) -> FloatArray:
    """Agents (fractional) so that ``answered_share`` of the emails arriving in an interval
    are answered within ``response_seconds``, by workload inside the response window.

    The last axis is time; the window is ``w = ceil(window / interval)`` intervals.  Email is
    deferred work, so it is planned as a fluid rather than a queue: the work arriving in an
    interval may be done at any time in its window, and the agents of an interval work on the
    emails of the windows that cover it.

    - All within the window (``answered_share`` 1): each interval's workload is spread evenly
      over the next ``w`` intervals, so the requirement is the trailing mean of the workload
      over ``w`` intervals.  Each email is answered by the end of its window.
    - Y% within the window: the share Y of each interval's work is spread over its window as
      above, and the remaining ``1 - Y`` over the following window (answered between one and
      two windows after arrival).  The requirement is
      ``Y * mean(last w) + (1 - Y) * mean(the w before those)``.

    Approximation: this is a feasible plan, not the cheapest one (a planner who answers
    earliest-deadline-first may need a little less at peaks), and it ignores randomness within
    an interval, which is small against a window of hours.  Every email is still answered
    (total agent time equals total workload); a lower Y does not reduce the work, it lets the
    late share of a peak be answered in the quieter hours after it.  With a steady arrival
    rate Y changes nothing.  The result is divided by the occupancy cap.
    """
    if not 0.0 < answered_share <= 1.0:
        raise ValueError("answered_share must be in (0, 1]")
    load = _as_float(workload)
    width = max(1, int(np.ceil(response_seconds / interval_seconds - 1e-9)))
    if load.ndim == 0:
        return np.asarray(load / occupancy_cap)
    in_window = _trailing_mean(load, width)
    if answered_share >= 1.0:
        return np.asarray(in_window / occupancy_cap)
    late = _trailing_mean(load, width, lag=width)
    return np.asarray((answered_share * in_window + (1.0 - answered_share) * late) / occupancy_cap)


def agents_required(
    *,
    volume: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: float,
    rules: StaffingRules,
    shrinkage: ArrayLike = 0.0,
) -> Requirements:
    """Agents and scheduled heads per interval to meet the queue's service goal.

    Order of the rules: the service goal (Erlang C, or Erlang A with patience; chat on
    ``agents x concurrency`` slots; email by workload inside its window), then the occupancy
    cap, then shrinkage.  Zero volume needs 0 agents.  Arrays broadcast; for email the last
    axis must be consecutive intervals.
    """
    load = workload_erlangs(volume, aht_seconds, interval_seconds)
    aht = np.broadcast_to(_as_float(aht_seconds), load.shape)
    safe_aht = np.where(aht > 0, aht, 1.0)
    if rules.channel == Channel.EMAIL:
        assert rules.email_response_seconds is not None  # checked in StaffingRules
        fractional = email_agents_required(
            load,
            interval_seconds=interval_seconds,
            response_seconds=rules.email_response_seconds,
            occupancy_cap=rules.occupancy_cap,
            answered_share=rules.target_service_level,
        )
        agents = np.ceil(fractional - 1e-9).astype(np.int64)
        heads = apply_shrinkage(agents, shrinkage)
        busy_share = fractional * rules.occupancy_cap / np.maximum(agents, 1)
        occupancy = np.where(agents > 0, np.minimum(busy_share, 1.0), 0.0)
        zeros = np.zeros(load.shape)
        return Requirements(
            workload_erlangs=load,
            agents=agents,
            scheduled_heads=heads,
            service_level=_email_answered_share(load, agents, interval_seconds, rules),
            asa_seconds=zeros,
            occupancy=np.asarray(occupancy, dtype=np.float64),
            abandon_rate=zeros,
        )

    if rules.patience_seconds is not None:
        slots = erlang_a_agents(
            load,
            safe_aht,
            rules.patience_seconds,
            rules.target_service_level,
            rules.target_answer_seconds,
            rules.max_asa_seconds,
        )
    else:
        slots = erlang_c_agents(
            load,
            safe_aht,
            rules.target_service_level,
            rules.target_answer_seconds,
            rules.max_asa_seconds,
        )
    slots = np.maximum(slots, occupancy_cap_agents(load, rules.occupancy_cap))
    concurrency = rules.chat_concurrency if rules.channel == Channel.CHAT else 1
    agents = np.ceil(slots / concurrency - 1e-9).astype(np.int64)
    prediction = service_predict(
        volume=volume,
        aht_seconds=aht_seconds,
        interval_seconds=interval_seconds,
        agents=agents,
        rules=rules,
    )
    return Requirements(
        workload_erlangs=load,
        agents=agents,
        scheduled_heads=apply_shrinkage(agents, shrinkage),
        service_level=prediction.service_level,
        asa_seconds=prediction.asa_seconds,
        occupancy=prediction.occupancy,
        abandon_rate=prediction.abandon_rate,
    )


def service_predict(
    *,
    volume: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: float,
    agents: ArrayLike,
    rules: StaffingRules,
) -> ServicePrediction:
    """Predicted service level, ASA and occupancy for a given number of productive agents.

    The inverse of :func:`agents_required`, for the roster engine and swap checks: pass the
    agents actually on the floor (after shrinkage).  Chat agents count as
    ``agents x concurrency`` slots.  Email: the share answered within the window, 1 when the
    agents cover the workload spread over the window, else the covered share.
    """
    load = workload_erlangs(volume, aht_seconds, interval_seconds)
    agents_arr = np.broadcast_to(_as_float(agents), load.shape)
    if np.any(agents_arr < 0):
        raise ValueError("agents must be >= 0")
    aht = np.where(np.broadcast_to(_as_float(aht_seconds), load.shape) > 0, aht_seconds, 1.0)
    if rules.channel == Channel.EMAIL:
        assert rules.email_response_seconds is not None
        needed = email_agents_required(
            load,
            interval_seconds=interval_seconds,
            response_seconds=rules.email_response_seconds,
            occupancy_cap=1.0,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            occupancy = np.where(agents_arr > 0, np.minimum(needed / agents_arr, 1.0), 0.0)
        zeros = np.zeros(load.shape)
        return ServicePrediction(
            service_level=_email_answered_share(load, agents_arr, interval_seconds, rules),
            asa_seconds=zeros,
            occupancy=np.asarray(occupancy, dtype=np.float64),
            wait_probability=zeros,
            abandon_rate=zeros,
        )
    concurrency = rules.chat_concurrency if rules.channel == Channel.CHAT else 1
    slots = agents_arr * concurrency
    if rules.patience_seconds is not None:
        level, asa, occupancy, wait, abandon = erlang_a_metrics(
            load, slots, aht, rules.patience_seconds, rules.target_answer_seconds
        )
    else:
        level, asa, occupancy, wait = erlang_c_metrics(
            load, slots, aht, rules.target_answer_seconds
        )
        abandon = np.zeros(load.shape)
    return ServicePrediction(
        service_level=level,
        asa_seconds=asa,
        occupancy=occupancy,
        wait_probability=wait,
        abandon_rate=abandon,
    )


def _email_answered_share(
    load: FloatArray, agents: ArrayLike, interval_seconds: float, rules: StaffingRules
) -> FloatArray:
    """Share of the emails answered within the window with ``agents`` fully busy: the agents
    against the workload spread over the window (all within it), capped at 1."""
    assert rules.email_response_seconds is not None
    needed = email_agents_required(
        load,
        interval_seconds=interval_seconds,
        response_seconds=rules.email_response_seconds,
        occupancy_cap=1.0,
    )
    agents_arr = np.broadcast_to(_as_float(agents), load.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        covered = np.where(needed > 0, np.minimum(agents_arr / needed, 1.0), 1.0)
    return np.asarray(covered, dtype=np.float64)


@dataclass(frozen=True)
class SkillQueue:
    """One queue's forecast and rules, tagged with the skills an agent needs to serve it."""

    queue_id: str
    skills: frozenset[str]
    volume: ArrayLike
    aht_seconds: ArrayLike
    rules: StaffingRules
    shrinkage: ArrayLike = field(default=0.0)


def skill_group_requirements(
    *, queues: Iterable[SkillQueue], interval_seconds: float
) -> dict[frozenset[str], Requirements]:
    """Requirements per skill group (queues that need the same set of skills).

    Approximation (see the package docstring): voice queues of a group are pooled into one
    Erlang system (summed volume, volume-weighted handle time, the strictest goal, the lowest
    occupancy cap, the shortest patience, the highest shrinkage); chat and email queues of the
    group add their own requirement on top.  No credit is taken for agents of other groups
    who also hold these skills, so the sum over groups is an upper bound on what a
    well-routed multi-skill floor needs.
    """
    groups: dict[frozenset[str], list[SkillQueue]] = {}
    for queue in queues:
        groups.setdefault(frozenset(queue.skills), []).append(queue)
    result: dict[frozenset[str], Requirements] = {}
    for skills, members in groups.items():
        parts: list[Requirements] = []
        voice = [q for q in members if q.rules.channel == Channel.VOICE]
        if voice:
            volumes = np.broadcast_arrays(*[_as_float(q.volume) for q in voice])
            ahts = np.broadcast_arrays(*[_as_float(q.aht_seconds) for q in voice])
            total_volume = np.sum(volumes, axis=0)
            total_work = np.sum([v * a for v, a in zip(volumes, ahts, strict=True)], axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                pooled_aht = np.where(total_volume > 0, total_work / total_volume, 1.0)
            patiences = [q.rules.patience_seconds for q in voice]
            asas = [q.rules.max_asa_seconds for q in voice if q.rules.max_asa_seconds is not None]
            pooled_rules = StaffingRules(
                channel=Channel.VOICE,
                target_service_level=max(q.rules.target_service_level for q in voice),
                target_answer_seconds=min(q.rules.target_answer_seconds for q in voice),
                max_asa_seconds=min(asas) if asas else None,
                occupancy_cap=min(q.rules.occupancy_cap for q in voice),
                patience_seconds=None if None in patiences else min(p for p in patiences if p),
            )
            shrinkage = np.max(np.broadcast_arrays(*[_as_float(q.shrinkage) for q in voice]), 0)
            parts.append(
                agents_required(
                    volume=total_volume,
                    aht_seconds=pooled_aht,
                    interval_seconds=interval_seconds,
                    rules=pooled_rules,
                    shrinkage=shrinkage,
                )
            )
        for queue in members:
            if queue.rules.channel != Channel.VOICE:
                parts.append(
                    agents_required(
                        volume=queue.volume,
                        aht_seconds=queue.aht_seconds,
                        interval_seconds=interval_seconds,
                        rules=queue.rules,
                        shrinkage=queue.shrinkage,
                    )
                )
        result[skills] = _combine(parts)
    return result


def _combine(parts: list[Requirements]) -> Requirements:
    if len(parts) == 1:
        return parts[0]
    agents = np.sum([p.agents for p in parts], axis=0)
    work = np.sum([p.workload_erlangs for p in parts], axis=0)
    weights = np.array([p.workload_erlangs for p in parts])
    total = np.where(work > 0, work, 1.0)

    def weighted(values: list[FloatArray]) -> FloatArray:
        return np.asarray(np.sum(np.array(values) * weights, axis=0) / total)

    return Requirements(
        workload_erlangs=work,
        agents=agents.astype(np.int64),
        scheduled_heads=np.sum([p.scheduled_heads for p in parts], axis=0).astype(np.int64),
        service_level=weighted([p.service_level for p in parts]),
        asa_seconds=weighted([p.asa_seconds for p in parts]),
        occupancy=np.asarray(
            np.sum([p.occupancy * p.agents for p in parts], axis=0) / np.maximum(agents, 1)
        ),
        abandon_rate=weighted([p.abandon_rate for p in parts]),
    )
