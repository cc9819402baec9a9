"""The unread count of the user's inbox, for the menu."""

from typing import Any

from django.http import HttpRequest

from scheduler.models.rosters import Notification
from staffing import readcache


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    # On every page: from the read cache until a notification is written.
    return {
        "inbox_unread": readcache.cached(
            "inbox-unread",
            parts=(user.pk,),
            depends_on=(Notification,),
            compute=lambda: Notification.objects.filter(user=user, read_at__isnull=True).count(),
        )
    }
