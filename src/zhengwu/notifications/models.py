"""A notification to one user: what happened (``kind`` and ``code``), to which case, and where it
went (read in the app, e-mailed, texted). The text is rendered in the reader's language when shown
(``zhengwu.notifications.messages``), so rows can be written set-based in SQL."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    WARNING = "warning", _("Time-limit warning")
    IRREGULARITY = "irregularity", _("Irregularity")


class Notification(models.Model):
    # The keys have no index of their own: ``notification_inbox`` leads with the recipient,
    # ``notification_once`` with the source (who was told of a warning), and notifications are
    # never looked up by case (the sweep writes every index of this table).
    # Nor are they database constraints (docs/decisions/0004-sweep-writes.md): the sweep inserts
    # notifications from the recipients and cases themselves; deleting a user deletes theirs
    # (``on_delete``, carried out by Django), and a case cannot be deleted while its events exist.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    code = models.CharField(_("code"), max_length=24)
    source_id = models.BigIntegerField(_("source"))
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
        verbose_name=_("case"),
    )
    batch = models.CharField(_("batch"), max_length=32)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    texted_at = models.DateTimeField(_("texted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_id", "recipient"], name="notification_once"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox"),
            # The unread count in the header: one index-only count.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["batch"], name="notification_batch"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.code}"
