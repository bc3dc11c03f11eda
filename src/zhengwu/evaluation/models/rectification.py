"""Models of evaluation: the rectification ledger (整改台账, DOMAIN §13; docs/evaluation.md).

A ``Rectification`` is one source of findings (an inspection, an evaluation, a people's congress
or CPPCC report, the monthly brief's last three, a confirmed complaint, a trading or supervision
finding) with its ledger: ``Area`` (方面) → ``Item`` (大项) → ``Problem`` (具体问题) → ``Measure``
(整改措施). Every step of the ledger is an event on the rectification's hash-chained trail
(``RectificationEvent``, ``zhengwu.core.trail``). A measure's progress updates carry evidence
files (``Evidence``, stored outside the web root); the sweep records a measure's reminders and
overdue findings once (``MeasureFinding``); discipline taken over a problem is a
``DisciplineRecord``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import private_file_storage
from zhengwu.core.models import AppendOnly, ChainedEvent


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection (巡察)")
    EVALUATION = "evaluation", _("Democratic evaluation")
    CONGRESS = "congress", _("People's congress report")
    CPPCC = "cppcc", _("CPPCC report")
    BRIEF = "brief", _("Monthly brief: last three two months running")
    COMPLAINT = "complaint", _("Confirmed efficiency complaint")
    TRADING = "trading", _("Trading supervision finding")
    SUPERVISION = "supervision", _("E-supervision finding")


class MeasureKind(models.TextChoices):
    IMMEDIATE = "immediate", _("Rectify at once")
    DEADLINE = "deadline", _("Rectify by a deadline")
    LONG_TERM = "long_term", _("Keep up long-term")


class MeasureState(models.TextChoices):
    OPEN = "open", _("In progress")
    CLAIMED = "claimed", _("Completion claimed")
    VERIFIED = "verified", _("Verified complete")


class DisciplineKind(models.TextChoices):
    INTERVIEW = "interview", _("Admonition talk")
    CRITICISM = "criticism", _("Criticism and education")
    NOTICE = "notice", _("Notice by letter")
    RETURN = "return", _("Returned to the home unit")


def _reference():
    return models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("linked record type"),
    )


class Rectification(models.Model):
    """A source of findings and its ledger; the owner of the trail of every step in it."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    kind = models.CharField(_("source"), max_length=16, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    source_date = models.DateField(_("date of the source"))
    # The platform's record the findings came from (an evaluation, a brief, a ticket, ...):
    # an optional generic reference, so no app's model is imported here.
    reference_type = _reference()
    reference_id = models.BigIntegerField(_("linked record"), null=True, blank=True)
    reference = GenericForeignKey("reference_type", "reference_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    event_count = models.PositiveIntegerField(_("events"), default=0)
    head_hash = models.CharField(_("last hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-source_date", "-id"]
        indexes = [models.Index(fields=["kind", "-source_date"], name="rectification_kind")]

    def __str__(self):
        return f"{self.number} {self.title}"


class Area(models.Model):
    """方面: the first level of a ledger's findings."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.PROTECT, related_name="areas", verbose_name=_("ledger")
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["rectification", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "seq"], name="rect_area_seq"),
        ]

    def __str__(self):
        return self.title


class Item(models.Model):
    """大项: a group of problems within an area."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="items", verbose_name=_("area")
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=500)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["area", "seq"]
        constraints = [models.UniqueConstraint(fields=["area", "seq"], name="rect_item_seq")]

    def __str__(self):
        return self.title


class Problem(models.Model):
    """具体问题, optionally raised from a record of the platform (a generic link)."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.PROTECT, related_name="problems", verbose_name=_("ledger")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="problems", verbose_name=_("item")
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("problem"))
    link_type = _reference()
    link_id = models.BigIntegerField(_("linked record"), null=True, blank=True)
    link = GenericForeignKey("link_type", "link_id")
    link_label = models.CharField(_("linked record"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["item", "seq"]
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="rect_problem_seq")]

    def __str__(self):
        return self.text[:40]


class Measure(models.Model):
    """整改措施: what a unit does about a problem, by when, and how far it has come."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.PROTECT, related_name="measures", verbose_name=_("ledger")
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="measures", verbose_name=_("problem")
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("measure"))
    unit = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible leader"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=16, choices=MeasureState.choices, default=MeasureState.OPEN
    )
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    returned = models.PositiveSmallIntegerField(_("times returned"), default=0)
    return_reason = models.TextField(_("reason returned"), blank=True)
    # A long-term measure reports by this day (after its stage is verified, periodically).
    report_due = models.DateField(_("next report due"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["problem", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "seq"], name="rect_measure_seq"),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="rect_measure_unit"),
            models.Index(fields=["state", "deadline"], name="rect_measure_due"),
        ]

    def __str__(self):
        return self.text[:40]


class Progress(AppendOnly, models.Model):
    """A progress update (or a long-term measure's periodic report) with its evidence files."""

    append_only_message = "progress updates are append-only"

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="progress", verbose_name=_("measure")
    )
    text = models.TextField(_("progress"))
    periodic = models.BooleanField(_("periodic report"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["measure", "reported_at", "id"]

    def __str__(self):
        return self.text[:40]


def _evidence_path(instance, filename: str) -> str:
    return f"rectification/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file proving a progress update, in the private storage; served by an access check."""

    progress = models.ForeignKey(
        Progress, on_delete=models.PROTECT, related_name="files", verbose_name=_("progress")
    )
    file = models.FileField(_("file"), upload_to=_evidence_path, storage=private_file_storage)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["progress", "id"]

    def __str__(self):
        return self.original_name


class MeasureFinding(models.Model):
    """What the sweep found on a measure, once per (measure, kind, key): a reminder before its
    deadline, the deadline passed, a long-term measure's report due or overdue."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Deadline near")
        OVERDUE = "overdue", _("Deadline passed without verified completion")
        REPORT_REMINDER = "report_reminder", _("Periodic report due soon")
        REPORT_OVERDUE = "report_overdue", _("Periodic report overdue")

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="findings", verbose_name=_("measure")
    )
    unit = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=32)
    irregular = models.BooleanField(_("irregularity"))
    due = models.DateField(_("due date"))
    detected_on = models.DateField(_("detected on"))
    detected_at = models.DateTimeField(_("detected at"))

    class Meta:
        verbose_name = _("measure finding")
        verbose_name_plural = _("measure findings")
        ordering = ["-detected_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "kind", "key"], name="rect_finding_once"),
        ]

    def __str__(self):
        return f"{self.measure_id} {self.kind} {self.key}"


class DisciplineRecord(models.Model):
    """约谈, 批评教育, 发函通报 or 退回原单位 of one person over a problem of a ledger (一人次)."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.PROTECT, related_name="discipline", verbose_name=_("ledger")
    )
    problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discipline",
        verbose_name=_("problem"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DisciplineKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    person_name = models.CharField(_("person"), max_length=60)
    unit = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    taken_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        ordering = ["-taken_on", "-id"]
        indexes = [models.Index(fields=["kind", "taken_on"], name="rect_discipline_kind")]

    def __str__(self):
        return f"{self.kind} {self.person_name}"


class RectificationEvent(ChainedEvent):
    """One step of a ledger: created, problem added, measure added, progress, claim, verify,
    return, discipline recorded (``data`` names the measure or problem)."""

    append_only_message = "rectification events are append-only"

    rectification = models.ForeignKey(
        Rectification, on_delete=models.PROTECT, related_name="events", verbose_name=_("ledger")
    )

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        constraints = [
            models.UniqueConstraint(fields=["rectification", "seq"], name="rect_event_seq"),
        ]

    def __str__(self):
        return f"{self.rectification_id}#{self.seq} {self.kind}"
