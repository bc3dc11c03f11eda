"""Models of exchange: outbound (docs/exchange.md).

- ``OutboxRecord``: the one outbox for every outside receiver (the provincial platform, the other
  hotlines). A record is written in the same transaction as what it reports and delivered by
  ``zhengwu.exchange.push``; nothing else writes it.
- ``TransferPlatform``: another platform a hotline ticket can be handed over to (a county or
  department hotline, the 110 platform), with its endpoint and how long it has to acknowledge.
- ``Transfer``: one hand-over of a ticket to such a platform and its acknowledgment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PROVINCE = "province"


class OutboxRecord(models.Model):
    """One record for an outside receiver: its key (the receiver dedupes by it), its stream
    (records of one stream - one case, one joint case, one ticket - go out in the order they were
    written) and its payload, valid against ``schema`` (``zhengwu.exchange.records``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused as invalid")

    receiver = models.CharField(_("receiver"), max_length=40, default=PROVINCE)
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    schema = models.CharField(_("schema"), max_length=60)
    stream = models.CharField(_("stream"), max_length=80)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    reference = models.CharField(_("receiver's reference"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox record")
        verbose_name_plural = _("outbox records")
        indexes = [
            # The claim's order itself: the pending records in id order, the receiver and the
            # due time checked in the index, so a batch reads its rows and stops and another
            # receiver's backlog costs index entries, not table rows (docs/exchange.md, "Claim
            # plan"). Led by the due time instead (the former ``outbox_due``), a freshly filled
            # outbox's claim read every pending record and sorted them for each batch
            # (400-600 ms a batch at 100,000 pending, bench/exchange.py).
            models.Index(
                fields=["id", "receiver", "next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_claim",
            ),
            models.Index(
                fields=["stream", "id"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="outbox_stream_open",
            ),
            models.Index(fields=["status", "-id"], name="outbox_status"),
            models.Index(fields=["created_at", "id"], name="outbox_created"),
        ]

    def __str__(self):
        return self.key


class TransferPlatform(models.Model):
    """A platform hotline tickets are handed over to (一号受理: county and department hotlines,
    the 110 platform)."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("County hotline")
        DEPARTMENT = "department", _("Department hotline")
        POLICE = "110", _("110 platform")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    url = models.URLField(_("endpoint"), max_length=300, blank=True)
    ack_hours = models.PositiveIntegerField(_("hours to acknowledge"), default=4)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("transfer platform")
        verbose_name_plural = _("transfer platforms")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class Transfer(models.Model):
    """A ticket handed over to another platform; acknowledged when the platform accepts the
    record (its reference kept), urged when not acknowledged by ``ack_due_at``."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        related_name="platform_transfers",
        verbose_name=_("ticket"),
    )
    platform = models.ForeignKey(
        TransferPlatform,
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("platform"),
    )
    reason = models.TextField(_("reason"))
    key = models.CharField(_("record key"), max_length=120, unique=True)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("transferred by"),
    )
    transferred_at = models.DateTimeField(_("transferred at"))
    ack_due_at = models.DateTimeField(_("acknowledgment due"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    reference = models.CharField(_("receiver's reference"), max_length=80, blank=True)
    urges = models.PositiveIntegerField(_("urges"), default=0)
    urged_at = models.DateTimeField(_("last urged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("platform transfer")
        verbose_name_plural = _("platform transfers")
        indexes = [
            models.Index(
                fields=["ack_due_at", "id"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="transfer_unacknowledged",
            ),
        ]

    def __str__(self):
        return self.key
