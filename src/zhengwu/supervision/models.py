"""E-supervision (电子监察, DOMAIN §4): warnings, irregularities and their reviews, the daily seal.

Every row here is written by ``zhengwu.supervision.sweep`` (warnings, irregularities, seals) or
``zhengwu.supervision.services`` (reviews). Warnings and irregularities carry the case's
department (denormalised) and their date, indexed, so reports filter them without a join.
Uniqueness constraints make every sweep idempotent: a second sweep, or two at once, records
nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import CaseLevel
from zhengwu.core.models import AppendOnly


class WarningLevel(models.TextChoices):
    YELLOW = CaseLevel.YELLOW.value, _("Yellow warning")
    RED = CaseLevel.RED.value, _("Red warning")
    STATUTORY_OVERDUE = CaseLevel.STATUTORY_OVERDUE.value, _("Past the statutory limit")


class RaisedWarning(models.Model):
    """What every warning holds: the department told, the level, the limit's period (the
    original promised limit is period 0, the limit after the extension period 1), the due date it
    is about, when and by which sweep it was raised. The department has no index of its own and
    is no database constraint (docs/decisions/0004-sweep-writes.md): the sweep inserts warnings
    from the rows they are about; a department's warnings of a period are read through each
    table's (raised_on, department) index."""

    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
        verbose_name=_("department"),
    )
    level = models.CharField(_("level"), max_length=20, choices=WarningLevel.choices)
    period = models.PositiveSmallIntegerField(_("period"), default=0)
    due = models.DateField(_("due date"))
    raised_on = models.DateField(_("raised on"))
    raised_at = models.DateTimeField(_("raised at"))
    sweep = models.CharField(_("sweep"), max_length=32)
    # When the case (or joint case) warned of was received, copied by the sweep from the row it
    # raises the warning from. It never changes, so it is a function of the warning's key: the
    # month PostgreSQL partitions the warnings by (docs/decisions/0008), which the unique
    # constraint must include there without weakening it.
    case_received_at = models.DateTimeField(_("case received at"))

    class Meta:
        abstract = True


class CaseWarning(RaisedWarning):
    """A case reached a warning level: recorded once per case, level and period (the original
    promised limit is period 0, the limit after the extension period 1)."""

    # Neither key has an index of its own: the unique constraint leads with the case, and a
    # department's warnings of a period are read through ``sup_warning_day`` (the sweep writes
    # every index of this table, tens of thousands of rows on a busy day).
    # Neither is a database constraint (docs/decisions/0004-sweep-writes.md): the sweep inserts
    # warnings from the cases themselves, and a case cannot be deleted while its events (a real
    # constraint) exist, nor a department while it has cases; checking each of a day's tens of
    # thousands of warnings against them again at commit cost more than the rest of the insert.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="warnings",
        verbose_name=_("case"),
    )

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "level", "period"], name="supervision_warning_once"
            ),
        ]
        indexes = [
            models.Index(fields=["raised_on", "department"], name="sup_warning_day"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.level} {self.raised_on}"


class IrregularityKind(models.TextChoices):
    DEEMED_ACCEPTANCE = "deemed_acceptance", _("Deemed acceptance (intake limit missed)")
    RETROACTIVE = "retroactive", _("Retroactive entry")
    REPEAT_SUPPLEMENT = "repeat_supplement", _("Second supplement notice with new materials")
    STEP_TIMEOUT = "step_timeout", _("Step over its time limit")
    NO_CERTIFICATE = "no_certificate", _("Acceptance or decision without its certificate")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Bad-rating rectification overdue")
    NO_DECISION_POWER = "no_decision_power", _("Joint review meeting attendee unable to decide")


class IrregularityStatus(models.TextChoices):
    """Where the review of a finding stands (``supervision.review_rules``)."""

    OPEN = "open", _("Awaiting review")
    REFERRED = "referred", _("Awaiting the department's explanation")
    ANSWERED = "answered", _("Explained by the department, awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    EXPLAINED = "explained", _("Explained")


class Finding(models.Model):
    """What every irregularity holds: the department told, a ``key`` telling two of one kind
    apart, the evidence, when and by which sweep it was detected, and its review status."""

    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    key = models.CharField(_("key"), max_length=32)
    evidence = models.JSONField(_("evidence"), default=dict)
    detected_on = models.DateField(_("detected on"))
    detected_at = models.DateTimeField(_("detected at"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=IrregularityStatus.choices,
        default=IrregularityStatus.OPEN,
    )
    sweep = models.CharField(_("sweep"), max_length=32)

    class Meta:
        abstract = True


class Irregularity(Finding):
    """One irregularity of one case with its evidence; ``key`` tells two of one kind apart (the
    event's sequence number, or the step)."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="irregularities",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=IrregularityKind.choices)
    event_seq = models.PositiveIntegerField(_("event"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("irregularity")
        verbose_name_plural = _("irregularities")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "key"], name="supervision_irregularity_once"
            ),
        ]
        indexes = [
            models.Index(fields=["detected_on", "department"], name="sup_irr_day"),
            models.Index(fields=["department", "detected_on"], name="sup_irr_dept"),
            models.Index(fields=["status", "detected_on"], name="sup_irr_status"),
            models.Index(fields=["sweep"], name="sup_irr_sweep"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.key}"


class ReviewOutcome(models.TextChoices):
    """A step of the review (``supervision.review_rules.Step``)."""

    CONFIRMED = "confirmed", _("Confirmed: an irregularity")
    EXPLAINED = "explained", _("Explained: a justified exception")
    REFERRED = "referred", _("Handed to the department for explanation")
    ANSWERED = "answered", _("The department's explanation")


class FindingReview(AppendOnly, models.Model):
    """One step of the review of a finding (``supervision.review_rules``), with its note:
    append-only, never deleted. Each kind of finding keeps its reviews in a model of this shape
    with a foreign key ``finding`` to it; ``supervision.services.record_review`` writes them."""

    append_only_message = "reviews are never changed or deleted"

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=ReviewOutcome.choices)
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        abstract = True


class IrregularityReview(FindingReview):
    """A review step on an irregularity of a case."""

    irregularity = models.ForeignKey(
        Irregularity,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("irregularity"),
    )

    class Meta:
        verbose_name = _("irregularity review")
        verbose_name_plural = _("irregularity reviews")
        ordering = ["irregularity", "id"]

    def __str__(self):
        return f"{self.irregularity_id} {self.outcome}"


class SweepMark(models.Model):
    """Where the sweep stands: the high-water mark of case events read for irregularities, the
    fingerprint of the working-day table. Locked while a sweep runs (one sweep at a time)."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    value = models.BigIntegerField(_("value"), default=0)
    text = models.CharField(_("text"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), null=True)

    class Meta:
        verbose_name = _("sweep mark")
        verbose_name_plural = _("sweep marks")

    def __str__(self):
        return f"{self.name}={self.value}"


class WorkdayOrdinal(models.Model):
    """The calendar as a table for the set-based sweep: ``ordinal`` counts working days through
    ``day``, ``provisional_ordinal`` the days of provisional years through it. Rebuilt from
    ``workdays.loader.get_calendar()`` whenever the calendar changes."""

    day = models.DateField(_("day"), primary_key=True)
    ordinal = models.IntegerField(_("working-day ordinal"))
    provisional_ordinal = models.IntegerField(_("provisional ordinal"))
    workday = models.BooleanField(_("working day"))

    class Meta:
        verbose_name = _("working-day ordinal")
        verbose_name_plural = _("working-day ordinals")
        constraints = [
            models.UniqueConstraint(
                fields=["ordinal"],
                condition=models.Q(workday=True),
                name="sup_workday_ordinal",
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.ordinal}"


class DailySeal(models.Model):
    """One hash over the head of every case's event chain at the end of ``day``, chained to the
    previous seal: deleting a whole chain (a case and all its events) changes it."""

    day = models.DateField(_("day"), unique=True)
    cases = models.PositiveIntegerField(_("cases"))
    events = models.PositiveBigIntegerField(_("events"))
    digest = models.CharField(_("digest of the chain heads"), max_length=64)
    prev_hash = models.CharField(_("previous seal"), max_length=64)
    hash = models.CharField(_("seal"), max_length=64)
    created_at = models.DateTimeField(_("sealed at"))
    # the worker's recomputation from the events, a day after sealing (seal.recheck)
    rechecked_at = models.DateTimeField(_("rechecked at"), null=True, blank=True)
    recheck_cases = models.PositiveIntegerField(_("cases found at the recheck"), null=True)
    recheck_events = models.PositiveBigIntegerField(_("events found at the recheck"), null=True)
    recheck_digest = models.CharField(_("digest found at the recheck"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("daily seal")
        verbose_name_plural = _("daily seals")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.hash[:12]}"


class JointIrregularityKind(models.TextChoices):
    DEEMED_ACCEPTANCE = "deemed_acceptance", _("Deemed acceptance (intake limit missed)")
    STATUTORY_OVERDUE = "statutory_overdue", _("Joint case past its statutory limit")


class JointWarning(RaisedWarning):
    """A joint case (联办件) reached a warning level on its joint clock: recorded once per joint
    case, level and period like a case's warning, under the lead department."""

    # Not database constraints, for the same reason as ``CaseWarning``'s (decision 0004): the
    # sweep inserts these rows from the joint cases themselves.
    joint = models.ForeignKey(
        "joint.JointCase",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="warnings",
        verbose_name=_("joint case"),
    )

    class Meta:
        verbose_name = _("joint case warning")
        verbose_name_plural = _("joint case warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["joint", "level", "period"], name="sup_joint_warning_once"
            ),
        ]
        indexes = [
            models.Index(fields=["raised_on", "department"], name="sup_joint_warning_day"),
        ]

    def __str__(self):
        return f"{self.joint_id} {self.level} {self.raised_on}"


class JointIrregularity(Finding):
    """One irregularity of one joint case with its evidence, under the lead department: its
    deemed acceptance, or its joint clock past the statutory limit (45 working days + the
    extension + the working days paused). ``key`` tells two of one kind apart."""

    joint = models.ForeignKey(
        "joint.JointCase",
        on_delete=models.PROTECT,
        related_name="irregularities",
        verbose_name=_("joint case"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=JointIrregularityKind.choices)

    class Meta:
        verbose_name = _("joint case irregularity")
        verbose_name_plural = _("joint case irregularities")
        constraints = [
            models.UniqueConstraint(
                fields=["joint", "kind", "key"], name="sup_joint_irregularity_once"
            ),
        ]
        indexes = [
            models.Index(fields=["detected_on", "department"], name="sup_joint_irr_day"),
            models.Index(fields=["sweep"], name="sup_joint_irr_sweep"),
        ]

    def __str__(self):
        return f"{self.joint_id} {self.kind} {self.key}"
