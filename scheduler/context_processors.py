"""The unread count of the user's inbox, for the menu."""

from typing import Any

from django.http import HttpRequest

from scheduler.models.rosters import Notification


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
