"""Notifications: an in-app inbox row per user, and an email through Django's email backend
(console in the demo) sent after the transaction commits, so a rolled-back change tells nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from scheduler.models.rosters import Notification
from staffing import readcache


class Kind:
    """Notification kinds (the inbox filters on them)."""

    ROSTER_PUBLISHED = "roster_published"
    ROSTER_CHANGED = "roster_changed"
    SWAP_PROPOSED = "swap_proposed"
    SWAP_ACCEPTED = "swap_accepted"
    SWAP_APPROVED = "swap_approved"
    SWAP_REJECTED = "swap_rejected"
    SWAP_CANCELLED = "swap_cancelled"
    SWAP_EXPIRED = "swap_expired"
    OPEN_SHIFT_CLAIMED = "open_shift_claimed"
    LEAVE_DECIDED = "leave_decided"
    LEAVE_NEEDS_DECISION = "leave_needs_decision"
    CERTIFICATE_EXPIRING = "certificate_expiring"


def notify(
    users: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    payload: dict | None = None,
    email: bool = True,
) -> list[Notification]:
    """One inbox row per distinct user; an email to each with an address, after commit."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(user=user, kind=kind, title=str(title), body=body, payload=payload or {})
        )
    Notification.objects.bulk_create(rows)
    if email:
        addresses = [row.user.email for row in rows if row.user.email]
        if addresses:
            subject, text = str(title), body

            def send() -> None:
                for address in addresses:
                    send_mail(subject, text, None, [address], fail_silently=True)

            transaction.on_commit(send)
    return rows


def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    readcache.changed(Notification)  # a bulk update sends no post_save
    return count
