from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnly:
    """A row that is written once and never updated or deleted (event trails, reviews).

    Put it before ``models.Model`` in the bases; it adds no field, so no migration. Set
    ``append_only_message`` to say what the rows are in the error."""

    append_only_message = "rows of this table are append-only"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(self.append_only_message)


class IdempotencyKey(models.Model):
    """The first answer to a creating request sent with an ``Idempotency-Key`` header."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    scope = models.CharField(_("scope"), max_length=64)
    key = models.CharField(_("key"), max_length=128)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(pgettext_lazy("HTTP", "status"), default=0)
    body = models.JSONField(_("response body"), default=dict)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self):
        return f"{self.scope}:{self.key}"


class ChainedEvent(AppendOnly, models.Model):
    """One step of an append-only, hash-chained trail (DESIGN.md Events; ``zhengwu.core.trail``).

    A concrete event adds the foreign key to what it belongs to. ``actor`` is the account that
    took the step (none for the system's steps; the trail keeps the login in ``actor_name``, so
    the step stays legible when the account is deleted); a person's steps are looked up through
    the trails, never from the account, so it has no reverse accessor. Rows are only ever
    inserted: saving an existing row or deleting one raises.
    """

    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=32)
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor"), max_length=150)
    data = models.JSONField(_("data"), default=dict)
    retroactive = models.BooleanField(_("retroactive entry"), default=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        abstract = True


class TrailAnchor(models.Model):
    """Where the kept history of one trail starts after its earliest events were archived
    (``manage.py partitions --archive-before``): the last archived event's ``seq`` and ``hash``.
    ``verify_audit`` checks the events kept from ``seq + 1`` on, chained onto ``hash``; the
    archive's manifest holds the same pair, to check this row against."""

    events_table = models.CharField(_("events table"), max_length=63)
    owner_id = models.BigIntegerField(_("owner"))
    seq = models.PositiveIntegerField(_("last archived sequence"))
    hash = models.CharField(_("last archived hash"), max_length=64)
    recorded_at = models.DateTimeField(_("last archived event recorded at"))
    archive = models.CharField(_("archive file"), max_length=200)
    archived_at = models.DateTimeField(_("archived at"))

    class Meta:
        verbose_name = _("trail anchor")
        verbose_name_plural = _("trail anchors")
        constraints = [
            models.UniqueConstraint(fields=["events_table", "owner_id"], name="trail_anchor_once"),
        ]

    def __str__(self):
        return f"{self.events_table}:{self.owner_id}@{self.seq}"
