"""Show times in the user's site zone: an agent's site, else the first site they lead."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from . import policy


class SiteTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            policy.remember_for_request(user)  # the view and the menu reuse these lookups
            agent = policy.own_agent(user)  # with its team and site
            if agent is not None:
                zone = agent.team.site.time_zone
            else:
                team = user.led_teams.select_related("site").first()
                zone = team.site.time_zone if team is not None else None
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
