"""好差评: ratings, the bad-rating loop (rectification tasks, their steps, appeals) and
invitations. Written only by ``zhengwu.ratings.services`` (what is pushed to the provincial
platform goes through the one outbox, ``zhengwu.exchange.outbox``).

"One rating per case per service event": the service event of a case is its completion, the
decision event (``decide_grant`` / ``decide_deny``); the delivery of the decision belongs to the
same service event. ``Rating.service_event`` holds that event's ``seq`` and a unique constraint on
``(case, service_event)`` enforces the rule whatever the channel.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengwu.core.models import ChainedEvent
from zhengwu.ratings.rules import Outcome, TaskState


class Channel(models.TextChoices):
    ONSITE = "onsite", _("On site")
    ONLINE = "online", _("Online")
    SMS = "sms", _("SMS invitation")
    PHONE = "phone", _("Telephone")


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class Rating(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="ratings", verbose_name=_("case")
    )
    service_event = models.PositiveIntegerField(
        _("service event"), help_text=_("The sequence number of the case's decision event.")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    level = models.PositiveSmallIntegerField(
        pgettext_lazy("rating", "level"), choices=Level.choices
    )
    dimensions = models.JSONField(_("dimensions"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    real_name = models.BooleanField(_("real name"), default=False)
    rater_name = models.CharField(_("rater"), max_length=200, blank=True)
    rater_phone = models.CharField(_("rater's phone"), max_length=20, blank=True)
    rated_at = models.DateTimeField(_("rated at"))
    rated_on = models.DateField(_("rated on"))
    # Who served: copied from the case when the rating is given (谁办理、谁负责).
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        "accounts.Window",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("window"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff member"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    excluded = models.BooleanField(
        _("left out of the statistics"),
        default=False,
        help_text=_("An upheld appeal leaves the rating in place but out of every figure."),
    )
    reply = models.TextField(_("department's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "service_event"], name="rating_one_per_service_event"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="rating_level_range"
            ),
        ]
        indexes = [
            models.Index(fields=["rated_on", "department"], name="rating_day_dept"),
            models.Index(fields=["department", "-id"], name="rating_dept"),
            models.Index(fields=["item", "-id"], name="rating_item"),
            models.Index(fields=["level", "-id"], name="rating_level"),
        ]

    def __str__(self):
        return f"{self.case_id}:{self.level}"

    @property
    def is_bad(self) -> bool:
        return self.level <= 2


class RectificationTask(models.Model):
    """The bad-rating loop of one 差评, owned by the department that handled the case."""

    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="task", verbose_name=_("rating")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=[(s.value, s.value) for s in TaskState],
        default=TaskState.OPEN.value,
    )
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"))
    provisional = models.BooleanField(_("relies on a provisional calendar"), default=False)
    called_back_at = models.DateTimeField(_("first callback at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        blank=True,
        choices=[(o.value, o.value) for o in Outcome],
    )
    ledger_due = models.DateField(_("ledger deadline"), null=True, blank=True)
    outcome_text = models.TextField(_("outcome"), blank=True)
    feedback = models.TextField(_("feedback to the rater"), blank=True)
    fed_back_at = models.DateTimeField(_("fed back at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("why the rater rejected"), blank=True)
    escalated = models.BooleanField(_("escalated to the supervisor"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    event_count = models.PositiveIntegerField(_("steps"), default=0)
    head_hash = models.CharField(_("last step hash"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        indexes = [
            models.Index(fields=["department", "state", "due_on"], name="rtask_dept_state"),
            models.Index(fields=["state", "due_on"], name="rtask_state_due"),
            models.Index(fields=["escalated", "state"], name="rtask_escalated"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.state}"

    @property
    def number(self) -> str:
        """The task's name in its trail and in ``verify_audit``: the rated case's number and the
        task id (a case is rated once per service event, so it may have several tasks)."""
        return task_number(self.rating.case.number, self.pk)


def task_number(case_number: str, task_id: int) -> str:
    return f"{case_number}/{task_id}"


class TaskEvent(ChainedEvent):
    """One step of a task: append-only and hash-chained like a case's events
    (``zhengwu.core.trail``, label ``task``, the task's ``number``)."""

    append_only_message = "task steps are append-only"

    task = models.ForeignKey(
        RectificationTask, on_delete=models.PROTECT, related_name="events", verbose_name=_("task")
    )

    class Meta:
        verbose_name = _("task step")
        verbose_name_plural = _("task steps")
        ordering = ["task", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["task", "seq"], name="rtask_event_seq_unique"),
        ]

    def __str__(self):
        return f"{self.task_id}#{self.seq} {self.kind}"


class Appeal(models.Model):
    class Reason(models.TextChoices):
        MISTAKEN = "mistaken", _("Mistaken rating (误评)")
        MALICIOUS = "malicious", _("Malicious bad rating (恶意差评)")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    task = models.ForeignKey(
        RectificationTask, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("task")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    evidence = models.TextField(_("evidence"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"))
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [models.Index(fields=["decision", "filed_at"], name="appeal_decision")]

    def __str__(self):
        return f"{self.task_id} {self.decision}"


class Invitation(models.Model):
    """The SMS invitation to rate a completed case; at most one per case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    phone = models.CharField(_("phone"), max_length=20)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")

    def __str__(self):
        return f"{self.case_id}"
