"""The private calendar feed: no login (calendar apps cannot log in), the token is the key."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from scheduler.services.calendar import calendar_for_token


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    body = calendar_for_token(token=token)
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="shifts.ics"'
    return response
