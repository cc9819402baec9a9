"""Workload -> agents required, and the inverse (pure: stdlib and numpy, no Django).

Entry points (all vectorised over intervals; pass whole horizons as arrays):

- :func:`agents_required` -- per interval: workload in Erlangs, productive agents for the
  service goal (Erlang C; Erlang A when the queue has a caller patience; chat on
  ``agents x concurrency`` slots; email by workload spread over its response window, so that
  the target share of each interval's emails is answered within it), then the
  occupancy cap, then shrinkage to scheduled heads.  Zero volume needs 0 agents.
- :func:`service_predict` -- the inverse: predicted service level, ASA, occupancy, wait and
  abandonment probability for a given number of productive agents.
- :func:`skill_group_requirements` -- requirements per skill group for multi-skill rosters.
- Building blocks: :func:`erlang_b`, :func:`erlang_c`, :func:`erlang_c_metrics`,
  :func:`erlang_c_agents`, :func:`erlang_a_metrics`, :func:`erlang_a_agents`.

Multi-skill approximation
-------------------------
Exact multi-skill queueing (skill-based routing with overlapping skill sets) has no closed form;
planners use simulation or approximations.  Here queues are grouped by the exact set of skills an
agent needs to serve them ("skill group").  Within a group, voice queues are pooled into one
Erlang system: volumes add up, the handle time is volume-weighted, the strictest service goal,
occupancy cap and patience apply; chat and email queues of the group add their own requirement.
Across groups no pooling is assumed: each group gets the agents it would need if only agents
dedicated to it answered it.  A roster that covers every group's requirement with agents holding
that group's skills therefore meets every goal (the sum over groups is an upper bound; an agent
with several skills may be counted towards one group per interval).  Real routing across
overlapping skills only helps, typically saving a few percent, which is left as slack.

Model assumptions: Poisson arrivals within an interval, exponential handle times, each
interval in steady state (no carry-over of queue between intervals), agents identical.
"""

from .erlang_a import erlang_a_agents, erlang_a_metrics
from .erlang_c import (
    apply_shrinkage,
    erlang_b,
    erlang_c,
    erlang_c_agents,
    erlang_c_metrics,
    occupancy_cap_agents,
)
from .requirements import (
    Channel,
    Requirements,
    ServicePrediction,
    SkillQueue,
    StaffingRules,
    agents_required,
    email_agents_required,
    service_predict,
    skill_group_requirements,
    workload_erlangs,
)

__all__ = [
    "Channel",
    "Requirements",
    "ServicePrediction",
    "SkillQueue",
    "StaffingRules",
    "agents_required",
    "apply_shrinkage",
    "email_agents_required",
    "erlang_a_agents",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents",
    "erlang_c_metrics",
    "occupancy_cap_agents",
    "service_predict",
    "skill_group_requirements",
    "workload_erlangs",
]
