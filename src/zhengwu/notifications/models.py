"""A notification to one user: what happened (``kind`` and ``code``), to which case, and where it
went (read in the app, e-mailed, texted). The text is rendered in the reader's language when shown
(``zhengwu.notifications.messages``), so rows can be written set-based in SQL."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.clock import LOCAL_TZ


class NotificationKind(models.TextChoices):
    WARNING = "warning", _("Time-limit warning")
    IRREGULARITY = "irregularity", _("Irregularity")
    # To the applicant of a case: a step of the case (``code`` is the event's kind, ``source`` the
    # event), and the reminder that the supplement period is ending (``source`` the notice event).
    CASE_STEP = "case_step", _("Case progress")
    SUPPLEMENT_DUE = "supplement_due", _("Supplement reminder")
    # To the lead department of a joint case (``source`` the joint warning or irregularity;
    # ``case`` empty).
    JOINT_WARNING = "joint_warning", _("Joint case time-limit warning")
    JOINT_IRREGULARITY = "joint_irregular", _("Joint case irregularity")
    # The hall's staffing (``source`` a ``hall.HallIrregularity`` or a ``hall.DutyRoster``;
    # ``case`` empty): an empty post or a patrol irregularity, and the day's duty roster.
    HALL_IRREGULARITY = "hall_irregular", _("Hall irregularity")
    DUTY_ROSTER = "duty_roster", _("Duty roster")
    # To the responsible leader and person of a rectification measure (``source`` the sweep's
    # ``evaluation.MeasureFinding``, ``code`` its kind; ``case`` empty).
    MEASURE = "measure", _("Rectification measure")


# Where each kind's ``source`` is and which of its columns is ``source_at`` (the notification's
# partition key, docs/decisions/0008): every writer takes it from this row, never from the clock.
SOURCE_TIMES = {
    NotificationKind.WARNING: ("supervision.CaseWarning", "raised_at"),
    NotificationKind.IRREGULARITY: ("supervision.Irregularity", "detected_at"),
    NotificationKind.CASE_STEP: ("cases.CaseEvent", "recorded_at"),
    NotificationKind.SUPPLEMENT_DUE: ("cases.CaseEvent", "recorded_at"),
    NotificationKind.JOINT_WARNING: ("supervision.JointWarning", "raised_at"),
    NotificationKind.JOINT_IRREGULARITY: ("supervision.JointIrregularity", "detected_at"),
    NotificationKind.HALL_IRREGULARITY: ("hall.HallIrregularity", "detected_at"),
    # A roster is rewritten in place; its day never changes (one roster per hall and day).
    NotificationKind.DUTY_ROSTER: ("hall.DutyRoster", "day"),
    NotificationKind.MEASURE: ("evaluation.MeasureFinding", "detected_at"),
}


def day_start(day) -> dt.datetime:
    """A roster's ``source_at``: midnight of its day in Shanghai."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


# The kinds addressed to the applicant of a case rather than to staff.
APPLICANT_KINDS = (NotificationKind.CASE_STEP, NotificationKind.SUPPLEMENT_DUE)


class Notification(models.Model):
    # The keys have no index of their own: ``notification_inbox`` leads with the recipient,
    # ``notification_once`` with the source (who was told of a warning), and notifications are
    # never looked up by case (the sweep writes every index of this table).
    # Nor are they database constraints (docs/decisions/0004-sweep-writes.md): the sweep inserts
    # notifications from the recipients and cases themselves; deleting a user deletes theirs
    # (``on_delete``, carried out by Django), and a case cannot be deleted while its events exist.
    # The account told; empty for an applicant without a portal account (``applicant`` then
    # finds the message once an account is linked to them, and the SMS goes to ``phone``).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    applicant = models.ForeignKey(
        "accounts.Applicant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        related_name="+",
        verbose_name=_("applicant"),
    )
    # The number texted instead of the recipient's own (the phone on the applicant's case).
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_default="")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    code = models.CharField(_("code"), max_length=24)
    source_id = models.BigIntegerField(_("source"))
    # When the source was recorded (``SOURCE_TIMES``: the warning's raised_at, the event's
    # recorded_at, ...), set by the writer from the source row. It never changes, so it is a
    # function of (kind, source): the month PostgreSQL partitions the notifications by
    # (docs/decisions/0008), which the unique constraints must include there without weakening
    # them.
    source_at = models.DateTimeField(_("source recorded at"))
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
            # An applicant is told of a step (or reminded) once, with or without an account.
            models.UniqueConstraint(
                fields=["kind", "source_id"],
                condition=models.Q(applicant__isnull=False),
                name="notification_applicant_once",
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
            # An applicant's messages that reached no account (filed at the window).
            models.Index(
                fields=["applicant", "-id"],
                condition=models.Q(recipient__isnull=True),
                name="notification_applicant",
            ),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.code}"
