"""Show times in the user's site zone (an agent's site, else the first site they lead), and keep
a signed-in session alive while it is used (the idle timeout)."""

from collections.abc import Callable

from django.conf import settings
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


class SessionActivityMiddleware:
    """The idle timeout: a session in use is extended, one left alone for SESSION_COOKIE_AGE
    seconds expires. Rather than write the session on every request (SESSION_SAVE_EVERY_REQUEST,
    a database write and a transaction each time), the activity stamp is renewed at most every
    SESSION_ACTIVITY_REFRESH_SECONDS, which saves the session with a new expiry: a session
    expires between AGE - REFRESH and AGE seconds after its last request.
    Must come after SessionMiddleware, whose response handling does the saving."""

    KEY = "_active_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # only sessions that hold something (a signed-in user); reading one loaded it already
        if session is not None and session.accessed and not session.is_empty():
            now = int(timezone.now().timestamp())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_ACTIVITY_REFRESH_SECONDS:
                session[self.KEY] = now
        return response
