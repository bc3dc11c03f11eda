"""Cases (办件), their append-only events and the files handed in with them.

The deadline fields of a case are stored (DESIGN.md: Deadlines are stored) and written only by
``zhengwu.cases.services`` from ``compute_clocks`` over the case's events; nothing else sets them.
Events are never updated or deleted: the model refuses both, and ``verify_audit`` finds a row
changed behind its back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.rules import State
from zhengwu.core.models import ChainedEvent

OPEN_STATE_VALUES = ("submitted", "supplement_requested", "accepted", "suspended")


class Channel(models.TextChoices):
    WINDOW = "window", _("Window")
    ONLINE = "online", _("Online")


class CaseState(models.TextChoices):
    SUBMITTED = State.SUBMITTED.value, _("Awaiting intake")
    SUPPLEMENT_REQUESTED = State.SUPPLEMENT_REQUESTED.value, _("Awaiting supplement")
    ACCEPTED = State.ACCEPTED.value, _("Under review")
    SUSPENDED = State.SUSPENDED.value, _("Suspended")
    GRANTED = State.GRANTED.value, _("Granted")
    DENIED = State.DENIED.value, _("Denied")
    DELIVERED = State.DELIVERED.value, _("Delivered")
    REFUSED = State.REFUSED.value, _("Not accepted")
    WITHDRAWN = State.WITHDRAWN.value, _("Withdrawn")


class CaseLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    YELLOW = "yellow", _("Yellow warning")
    RED = "red", _("Red warning")
    STATUTORY_OVERDUE = "statutory_overdue", _("Past the statutory limit")


# The levels the supervision sweep warns of; only an open case holds one.
WARNING_LEVELS = (CaseLevel.YELLOW, CaseLevel.RED, CaseLevel.STATUTORY_OVERDUE)


class CaseCompletion(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=32, null=True)
    item = models.ForeignKey(
        "catalog.ServiceItem",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("service item"),
    )
    item_version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("catalogue version"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("department"),
    )
    applicant = models.ForeignKey(
        "accounts.Applicant",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("applicant"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_cases",
        verbose_name=_("applicant account"),
        help_text=_("The account that follows the case online."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # An online application received on the provincial platform and filed here by it: the
    # platform's own application number (unique; a resend finds the case filed first).
    platform_number = models.CharField(
        _("platform application number"), max_length=64, null=True, blank=True
    )
    window = models.ForeignKey(
        "accounts.Window",
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("window"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_cases",
        verbose_name=_("created by"),
    )
    state = models.CharField(_("state"), max_length=24, choices=CaseState.choices)
    materials = models.JSONField(_("materials handed in"), default=list)
    missing = models.JSONField(_("materials asked for"), default=list)
    # The day the materials of the latest one-time notice are to be handed in by (stated in the
    # notice's event, ``settings.SUPPLEMENT_PERIOD_WORKDAYS`` working days after it); set while
    # the case waits for them. The sweep reminds the applicant the working day before.
    supplement_due = models.DateField(_("supplement due"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    # Clocks: written only from compute_clocks.
    received_on = models.DateField(_("received on"))
    intake_due = models.DateField(_("intake due"))
    accepted_on = models.DateField(_("accepted on"), null=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    # Accepted into parallel approval (并联审批), for an item whose version allows it.
    parallel = models.BooleanField(_("parallel approval"), default=False, db_default=False)
    promised_due = models.DateField(_("promised due"), null=True)
    statutory_due = models.DateField(_("statutory due"), null=True)
    delivery_due = models.DateField(_("delivery due"), null=True)
    delivered_on = models.DateField(_("delivered on"), null=True)
    suspended_since = models.DateField(_("suspended since"), null=True)
    suspended_workdays = models.PositiveIntegerField(_("suspended working days"), default=0)
    extension_workdays = models.PositiveIntegerField(_("extension working days"), default=0)
    completed_on = models.DateField(_("completed on"), null=True)
    completion = models.CharField(
        _("completion"), max_length=8, choices=CaseCompletion.choices, blank=True
    )
    workdays_used = models.PositiveIntegerField(
        _("working days used"),
        null=True,
        help_text=_("From acceptance to decision, less special procedures."),
    )
    level = models.CharField(_("level"), max_length=20, choices=CaseLevel.choices, blank=True)
    statutory_overdue = models.BooleanField(_("past the statutory limit"), default=False)
    delivery_overdue = models.BooleanField(_("delivery overdue"), default=False)
    provisional = models.BooleanField(_("relies on a provisional calendar"), default=False)
    clocks_on = models.DateField(_("clocks computed for"))
    # The trail.
    version = models.PositiveIntegerField(_("version"), default=1)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    head_hash = models.CharField(_("last event hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # Every index here is written by each filing and by each update that changes one of its
        # columns, so the table keeps only the ones a query needs (docs/cases.md, "Indexes"):
        # most foreign keys are not indexed on their own (each leads a composite index below, or
        # is looked up only when an account or a window is deleted, which the platform does not
        # do; the catalogue version keeps its index: a draft version is deleted while cases
        # protect the published ones), and ``level`` is in none of them, so the supervision
        # sweep moves levels with heap-only updates.
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(
                fields=["platform_number"],
                condition=models.Q(platform_number__isnull=False),
                name="case_platform_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state", "-id"], name="case_dept_state"),
            models.Index(fields=["state", "intake_due"], name="case_state_intake"),
            models.Index(fields=["owner", "-id"], name="case_owner"),
            models.Index(fields=["applicant", "-id"], name="case_applicant"),
            models.Index(fields=["item", "-id"], name="case_item"),
            models.Index(fields=["received_on", "-id"], name="case_received"),
            # What the platform filed (its scope); other filings write nothing here.
            models.Index(
                fields=["created_by", "-id"],
                condition=models.Q(platform_number__isnull=False),
                name="case_platform_filed",
            ),
            models.Index(
                fields=["state"], condition=models.Q(provisional=True), name="case_provisional"
            ),
            models.Index(
                fields=["supplement_due"],
                condition=models.Q(state="supplement_requested"),
                name="case_supplement_due",
            ),
            # The open cases by department and promised due date (``level`` is in no index: the
            # sweep changes it daily with heap-only updates; the lists at warning levels read
            # ``CaseAtLevel`` instead).
            models.Index(
                fields=["department", "promised_due"],
                condition=models.Q(state__in=OPEN_STATE_VALUES),
                name="case_open_due",
            ),
            # The suspended cases with a due date no pause moves (the suspension began after it,
            # or it is the acceptance day): the only ones whose level can change while they
            # wait, which the sweep looks for (``supervision.sweep``, ``FIXED_DUE_SQL``). None
            # of these columns changes with a level, so level writes stay heap-only.
            models.Index(
                fields=["id"],
                condition=models.Q(state="suspended")
                & (
                    models.Q(promised_due__lt=models.F("suspended_since"))
                    | models.Q(promised_due__lte=models.F("accepted_on"))
                    | models.Q(statutory_due__lt=models.F("suspended_since"))
                    | models.Q(statutory_due__lte=models.F("accepted_on"))
                ),
                name="case_suspended_fixed_due",
            ),
            # The decisions granted and not yet delivered, by the delivery's due date: what the
            # sweep's 环节超时 check reads (``supervision.sweep._step_timeouts``) instead of the
            # whole table at every sweep. None of these columns changes with a level.
            models.Index(
                fields=["delivery_due"],
                condition=models.Q(state="granted", delivered_on__isnull=True),
                name="case_undelivered_due",
            ),
            # The indicators (zhengwu.assessment): a period's cases by the date each family
            # counts on, with every column the aggregates group and count by (index-only scans).
            models.Index(
                fields=[
                    "received_on",
                    "department",
                    "channel",
                    "parallel",
                    "window",
                    "created_by",
                    "item",
                    "item_version",
                ],
                name="case_ind_received",
            ),
            models.Index(
                fields=[
                    "accepted_on",
                    "department",
                    "completed_on",
                    "channel",
                    "window",
                    "created_by",
                    "item",
                ],
                condition=models.Q(accepted_on__isnull=False),
                name="case_ind_accepted",
            ),
            models.Index(
                fields=[
                    "completed_on",
                    "department",
                    "completion",
                    "accepted_on",
                    "workdays_used",
                    "channel",
                    "window",
                    "created_by",
                    "item",
                    "item_version",
                ],
                condition=models.Q(completed_on__isnull=False),
                name="case_ind_completed",
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATE_VALUES


class CaseAtLevel(models.Model):
    """An open case stored at a warning level, with its department: what the lists at warning
    levels read (``selectors.at_levels``). ``level`` is in no index of the cases table, so that
    the supervision sweep's daily level writes stay heap-only (docs/decisions/0004); this narrow
    table is the index instead. Only the database writes it: triggers on the cases table insert,
    move or delete a case's row in the statement that changes its level, state or department
    (``cases.at_level``), so it never lags the cases and no code path can forget it."""

    case = models.OneToOneField(
        Case,
        on_delete=models.DO_NOTHING,  # the trigger deletes the row with its case
        primary_key=True,
        db_constraint=False,
        related_name="at_level",
        verbose_name=_("case"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        db_index=False,  # it leads no lookup; the index below holds it
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("department"),
    )
    level = models.CharField(_("level"), max_length=20, choices=CaseLevel.choices)

    class Meta:
        verbose_name = _("open case at a warning level")
        verbose_name_plural = _("open cases at warning levels")
        indexes = [
            # a department's (or a region's departments') cases at a level, read from the index
            # alone; the department leads (an index scan of several departments takes them as
            # one condition, and over every department the key read backwards finds the newest)
            models.Index(fields=["department", "level", "-case"], name="case_at_level"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.level}"


class CaseEvent(ChainedEvent):
    """One step of a case: append-only and hash-chained (DESIGN.md Events)."""

    append_only_message = "case events are append-only"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
    )

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["kind", "recorded_at"], name="case_event_kind"),
            models.Index(fields=["retroactive", "recorded_at"], name="case_event_retro"),
        ]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.kind}"


class _PrivateStorage(LazyObject):
    """Uploaded materials live under VAR_DIR/private, outside MEDIA_ROOT and the static root, and
    are served only by permission-checked views."""

    def _setup(self):
        self._wrapped = FileSystemStorage(
            location=settings.VAR_DIR / "private", base_url="/private-not-served/"
        )


private_storage = _PrivateStorage()


def private_file_storage():
    """The storage of uploaded materials, named by a callable so that migrations do not record
    this machine's VAR_DIR."""
    return private_storage


def _file_path(instance, filename: str) -> str:
    return f"cases/{instance.sha256[:2]}/{instance.sha256}"


class CaseFile(models.Model):
    """A file handed in online for one material of a case; its type was checked by content."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="files", verbose_name=_("case")
    )
    material_code = models.CharField(_("material code"), max_length=32)
    file = models.FileField(_("file"), upload_to=_file_path, storage=private_file_storage)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("material file")
        verbose_name_plural = _("material files")
        ordering = ["case", "material_code", "id"]

    def __str__(self):
        return f"{self.material_code} {self.original_name}"
