"""What every page needs to draw the shell: the role-aware menu and the site's time zone."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from . import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None, "site_time_zone": timezone.get_current_timezone_name()}
    agent = policy.own_agent(user)
    return {
        "nav": {
            "is_agent": agent is not None,
            "is_lead": bool(policy.led_team_ids(user)),
            "is_hr": policy.is_hr_or_admin(user),
            "is_admin": policy.is_admin(user),
            "agent": agent,
        },
        "site_time_zone": timezone.get_current_timezone_name(),
    }
