"""Who may see and change demand data. The API, the pages and the admin all ask this module.

Planners are team leads and admins: they keep queues, events and adjustments, import history
and generate forecasts.  HR reads demand (to plan hiring) but does not change it.  Agents see
none of it: forecasts and requirements are management information.
"""

from typing import Any

from staffing.policy import Role, roles_of

DEMAND_READERS = frozenset({Role.TEAM_LEAD, Role.HR, Role.ADMIN})
PLANNERS = frozenset({Role.TEAM_LEAD, Role.ADMIN})


def can_read_demand(user: Any) -> bool:
    """Queues, history, forecasts, requirements: team leads, HR and admins."""
    return bool(roles_of(user) & DEMAND_READERS)


def can_plan_demand(user: Any) -> bool:
    """Queues, events, adjustments, history imports and forecast runs: team leads and admins."""
    return bool(roles_of(user) & PLANNERS)
