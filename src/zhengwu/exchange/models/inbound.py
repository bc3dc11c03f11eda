"""Models of exchange: inbound (DOMAIN §14).

- ``RecordBatch`` / ``DepartmentRecord``: what a department's own system holds of its cases,
  received by the API or imported from a spreadsheet, one row per department and record number
  (a record sent again replaces its dates);
- ``Reconciliation`` / ``ReconciliationFinding``: the month's comparison of a department's
  records with the center's cases, and what it found (体外循环, 两头受理, 先办后录, dates
  against the trail), kept as e-supervision findings with their evidence and review status
  (the shape of ``supervision.models.Finding``);
- ``InboundTicket``: a ticket handed over by a county or department hotline or by the 110
  platform, under the sender's own ticket number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.supervision.models import Finding, FindingReview


class RecordSource(models.TextChoices):
    API = "api", _("Interface")
    IMPORT = "import", _("Spreadsheet import")


class RecordBatch(models.Model):
    """One delivery of department records: an API batch or an imported file, all or nothing."""

    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    source = models.CharField(_("source"), max_length=8, choices=RecordSource.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("department record batch")
        verbose_name_plural = _("department record batches")
        indexes = [models.Index(fields=["department", "-received_at"], name="exch_batch_dept")]

    def __str__(self):
        return f"{self.department_id} {self.received_at:%Y-%m-%d} ({self.rows})"


class DepartmentRecord(models.Model):
    """A case as a department's own system records it: its number there (the center's case
    number when the case came from the center), the item, the applicant's ID number or credit
    code and the dates of each step."""

    department = models.ForeignKey(
        "accounts.Department",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    record_number = models.CharField(_("record number"), max_length=64)
    item = models.ForeignKey(
        "catalog.ServiceItem",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service item"),
    )
    applicant_number = models.CharField(_("applicant ID number or credit code"), max_length=18)
    # The applicant of that number known here when the record arrived (the attribute match).
    applicant = models.ForeignKey(
        "accounts.Applicant",
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applicant"),
    )
    received_on = models.DateField(_("received on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    batch = models.ForeignKey(
        RecordBatch,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("batch"),
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("department record")
        verbose_name_plural = _("department records")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "record_number"], name="exch_record_once"
            ),
        ]
        indexes = [
            models.Index(fields=["received_on", "department"], name="exch_record_month"),
        ]

    def __str__(self):
        return f"{self.department_id} {self.record_number}"


class Reconciliation(models.Model):
    """The latest comparison of one department's records of one month (by the day received)
    with the center's cases: how many matched, how, and what was found."""

    department = models.ForeignKey(
        "accounts.Department",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    records = models.PositiveIntegerField(_("records"))
    by_number = models.PositiveIntegerField(_("matched by number"))
    by_attributes = models.PositiveIntegerField(_("matched by item, applicant and date"))
    unmatched = models.PositiveIntegerField(_("without a case here"))
    findings = models.JSONField(_("findings by kind"), default=dict)
    run_at = models.DateTimeField(_("reconciled at"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reconciled by"),
    )

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="exch_reconciled_once"),
        ]
        indexes = [models.Index(fields=["month", "department"], name="exch_reconciled_month")]

    def __str__(self):
        return f"{self.department_id} {self.month:%Y-%m}"


class FindingKind(models.TextChoices):
    OFF_SYSTEM = "off_system", _("Handled outside the system (体外循环)")
    DOUBLE_INTAKE = "double_intake", _("Accepted at both (两头受理)")
    RETROACTIVE = "retroactive", _("Handled first, entered later (先办后录)")
    TRAIL_CONFLICT = "trail_conflict", _("Dates contradicting the trail")


class ReconciliationFinding(Finding):
    """What reconciliation found on one department record, once per record and kind: the case
    here it matched (none for 体外循环) and the evidence (both sides' numbers and dates)."""

    record = models.ForeignKey(
        DepartmentRecord,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("department record"),
    )
    case = models.ForeignKey(
        "cases.Case",
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FindingKind.choices)
    month = models.DateField(_("month"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation finding")
        verbose_name_plural = _("reconciliation findings")
        constraints = [
            models.UniqueConstraint(fields=["record", "kind"], name="exch_finding_once"),
        ]
        indexes = [
            models.Index(fields=["month", "department", "kind"], name="exch_finding_month"),
            models.Index(fields=["status", "detected_on"], name="exch_finding_status"),
        ]

    def __str__(self):
        return f"{self.record_id} {self.kind}"


class ReconciliationReview(FindingReview):
    """A review step on a reconciliation finding: the same steps, rules and service as an
    irregularity's (``supervision.services.record_review``)."""

    finding = models.ForeignKey(
        ReconciliationFinding,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("reconciliation finding"),
    )

    class Meta:
        verbose_name = _("reconciliation finding review")
        verbose_name_plural = _("reconciliation finding reviews")
        ordering = ["finding", "id"]

    def __str__(self):
        return f"{self.finding_id} {self.outcome}"


class ReconciliationRun(models.Model):
    """A reconciliation of a month started from the page (one department or all of them), run
    by a task worker: queued, running (the departments done so far), done or failed."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    month = models.DateField(_("month"))
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    departments = models.PositiveIntegerField(_("departments to reconcile"), default=0)
    departments_done = models.PositiveIntegerField(_("departments reconciled"), default=0)
    findings = models.PositiveIntegerField(_("findings"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        indexes = [models.Index(fields=["-created_at"], name="exch_run_recent")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.department_id or '*'} {self.state}"


class TicketSource(models.TextChoices):
    COUNTY_HOTLINE = "county_hotline", _("County hotline")
    DEPARTMENT_HOTLINE = "department_hotline", _("Department hotline")
    POLICE_110 = "police_110", _("110 platform")


class InboundTicket(models.Model):
    """A ticket handed over to 12345 by another platform, under that platform's ticket number:
    one ticket here per source and number (a resend finds it)."""

    source = models.CharField(_("source platform"), max_length=24, choices=TicketSource.choices)
    source_number = models.CharField(_("ticket number there"), max_length=64)
    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        related_name="inbound",
        verbose_name=_("ticket"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("ticket from another platform")
        verbose_name_plural = _("tickets from other platforms")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_number"], name="exch_ticket_once"),
        ]
        indexes = [models.Index(fields=["received_at", "source"], name="exch_ticket_day")]

    def __str__(self):
        return f"{self.source} {self.source_number}"
