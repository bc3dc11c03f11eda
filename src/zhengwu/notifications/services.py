"""Writes of notifications: marking them read, and sending a batch by e-mail and SMS."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from zhengwu.core import clock, sms
from zhengwu.notifications import messages, selectors
from zhengwu.notifications.models import Notification

log = logging.getLogger(__name__)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications ``ids`` (all unread ones when ``None``) read."""
    queryset = selectors.own(user).filter(read_at__isnull=True)
    if ids is not None:
        clean = [int(i) for i in ids if str(i).isdigit()]
        queryset = queryset.filter(pk__in=clean)
    return queryset.update(read_at=clock.now())


def deliver(*, batch: str) -> tuple[int, int]:
    """E-mail and text the notifications of ``batch`` not sent yet: ``(e-mailed, texted)``.
    Each row is claimed under its lock, so two workers never send one twice. A row's own
    ``phone`` (an applicant's, from the case) is texted instead of the recipient's; a row with
    no recipient is only texted."""
    emailed = texted = 0
    backend = sms.backend()
    ids = list(
        Notification.objects.filter(batch=batch)
        .filter(emailed_at__isnull=True, texted_at__isnull=True)
        .values_list("id", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        for pk in ids:
            with transaction.atomic():
                row = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient", "case")
                    .filter(pk=pk, emailed_at__isnull=True, texted_at__isnull=True)
                    .first()
                )
                if row is None:
                    continue
                user = row.recipient
                now = clock.now()
                subject, text = messages.title(row), messages.body(row)
                if user is not None and user.email:
                    send_mail(subject, text, None, [user.email], fail_silently=False)
                    row.emailed_at = now
                    emailed += 1
                phone = row.phone or (user.phone if user is not None else "")
                if phone:
                    backend.send(phone, text)
                    row.texted_at = now
                    texted += 1
                if row.emailed_at or row.texted_at:
                    row.save(update_fields=["emailed_at", "texted_at"])
    return emailed, texted
