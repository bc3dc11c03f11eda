"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhengwu.accounts.models import Applicant
from zhengwu.notifications.models import Notification

UNREAD_CAP = 100


def own(user) -> QuerySet[Notification]:
    """The user's notifications: those addressed to them, and those of the applicant linked to
    their account that reached no account (a case filed at the window before they had one)."""
    linked = Applicant.objects.filter(user=user).values("id")
    return Notification.objects.filter(
        Q(recipient=user) | Q(recipient__isnull=True, applicant_id__in=linked)
    )


def unread_count(user, cap: int = UNREAD_CAP) -> int:
    """Unread notifications, counted no further than ``cap`` (index-only counts)."""
    return own(user).filter(read_at__isnull=True)[:cap].count()


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    # the words of each row name the item and its materials: read with the page, not per row
    queryset = own(user).select_related("case__item_version")
    queryset = queryset.prefetch_related("case__item_version__materials")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-id")
