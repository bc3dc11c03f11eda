"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengwu.notifications.models import Notification

UNREAD_CAP = 100


def unread_count(user, cap: int = UNREAD_CAP) -> int:
    """Unread notifications, counted no further than ``cap`` (one index-only count)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[:cap].count()


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=user).select_related("case")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-id")
