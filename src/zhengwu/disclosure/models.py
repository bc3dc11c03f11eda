"""Disclosure requests (依申请公开, 政府信息公开条例 2019, DOMAIN §8).

A ``DisclosureRequest`` carries what the annual report counts directly on its row (applicant
type, received_on, completed_on, state, result and reason, department), its stored clocks
(written only by ``zhengwu.disclosure.services`` from ``zhengwu.disclosure.clocks``) and the head
of its append-only hash chain (``DisclosureEvent``, ``zhengwu.core.trail``). Every step writes a
dated ``DisclosureDocument``; appeals (行政复议, 行政诉讼) are ``DisclosureAppeal`` rows. The keys
of the choices are documented in docs/disclosure.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models import ChainedEvent
from zhengwu.disclosure import rules


class Channel(models.TextChoices):
    IN_PERSON = rules.Channel.IN_PERSON.value, _("In person")
    POST_SIGNED = rules.Channel.POST_SIGNED.value, _("By post (signed for)")
    POST_ORDINARY = (
        rules.Channel.POST_ORDINARY.value,
        _("By ordinary letter (confirmed on arrival)"),
    )
    INTERNET = rules.Channel.INTERNET.value, _("Online")
    FAX = rules.Channel.FAX.value, _("By fax")


class ApplicantType(models.TextChoices):
    PERSON = rules.ApplicantType.PERSON.value, _("Natural person")
    BUSINESS = rules.ApplicantType.BUSINESS.value, _("Business enterprise")
    RESEARCH = rules.ApplicantType.RESEARCH.value, _("Research institution")
    PUBLIC_INTEREST = rules.ApplicantType.PUBLIC_INTEREST.value, _("Public-interest organisation")
    LEGAL_SERVICE = rules.ApplicantType.LEGAL_SERVICE.value, _("Legal service organisation")
    OTHER = rules.ApplicantType.OTHER.value, _("Other organisation")


class Form(models.TextChoices):
    PAPER = rules.Form.PAPER.value, _("Paper")
    ELECTRONIC = rules.Form.ELECTRONIC.value, _("Electronic")
    INSPECTION = rules.Form.INSPECTION.value, _("Inspection on site")


class Delivery(models.TextChoices):
    COLLECT = rules.Delivery.COLLECT.value, _("Collect in person")
    POST = rules.Delivery.POST.value, _("By post")
    EMAIL = rules.Delivery.EMAIL.value, _("By e-mail")
    ONLINE = rules.Delivery.ONLINE.value, _("Online")
    FAX = rules.Delivery.FAX.value, _("By fax")


class State(models.TextChoices):
    RECEIVED = rules.State.RECEIVED.value, _("Registered, awaiting routing")
    IN_PROGRESS = rules.State.IN_PROGRESS.value, _("In progress")
    AWAITING_SUPPLEMENT = rules.State.AWAITING_SUPPLEMENT.value, _("Awaiting supplement")
    CONSULTING = rules.State.CONSULTING.value, _("Consulting")
    AWAITING_REASONS = rules.State.AWAITING_REASONS.value, _("Awaiting the applicant's reasons")
    AWAITING_PAYMENT = rules.State.AWAITING_PAYMENT.value, _("Awaiting payment")
    REPLIED = rules.State.REPLIED.value, _("Replied, awaiting delivery")
    DELIVERED = rules.State.DELIVERED.value, _("Delivered")
    ABANDONED = rules.State.ABANDONED.value, _("Deemed abandoned")
    WITHDRAWN = rules.State.WITHDRAWN.value, _("Withdrawn")


class Result(models.TextChoices):
    DISCLOSED = rules.Result.DISCLOSED.value, _("Disclosed")
    PARTIAL = rules.Result.PARTIAL.value, _("Partly disclosed")
    WITHHELD = rules.Result.WITHHELD.value, _("Not disclosed")
    UNAVAILABLE = rules.Result.UNAVAILABLE.value, _("Cannot be provided")
    NOT_HANDLED = rules.Result.NOT_HANDLED.value, _("Not handled")
    OTHER = rules.Result.OTHER.value, _("Otherwise handled")


OPEN_STATE_VALUES = tuple(s.value for s in rules.OPEN_STATES)
# What the annual report groups by, carried by its two covering indexes.
ANNUAL_COLUMNS = ["department", "applicant_type", "result", "result_reason"]


class DisclosureRequest(models.Model):
    number = models.CharField(_("request number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The applicant (art. 29): real-name details.
    applicant_type = models.CharField(
        _("applicant type"), max_length=16, choices=ApplicantType.choices
    )
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    id_number = models.CharField(_("ID card number"), max_length=18, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosure_requests",
        verbose_name=_("applicant account"),
    )
    # What is asked for (art. 29).
    description = models.TextField(_("information asked for"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    form = models.CharField(_("form wanted"), max_length=12, choices=Form.choices)
    delivery = models.CharField(_("how to receive it"), max_length=12, choices=Delivery.choices)
    # Handling.
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
        verbose_name=_("department"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    state = models.CharField(_("state"), max_length=24, choices=State.choices)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    result_reason = models.PositiveSmallIntegerField(_("result reason"), null=True, blank=True)
    reply_type = models.CharField(_("reply type"), max_length=16, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hotline ticket"),
    )
    fee_yuan = models.PositiveIntegerField(_("information processing fee (yuan)"), default=0)
    received_at = models.DateTimeField(_("received at"))
    # Clocks: written only from zhengwu.disclosure.clocks.compute_clocks.
    received_on = models.DateField(_("received on"))
    reply_due = models.DateField(_("reply due date"), null=True)
    supplement_due = models.DateField(_("supplement due"), null=True)
    consult_due = models.DateField(_("consultation answer due"), null=True)
    payment_due = models.DateField(_("payment due"), null=True)
    paused_workdays = models.PositiveIntegerField(_("paused working days"), default=0)
    extension_workdays = models.PositiveIntegerField(_("extension working days"), default=0)
    deferred_workdays = models.PositiveIntegerField(_("delayed working days (art. 35)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True)
    on_time = models.BooleanField(_("replied on time"), null=True)
    level = models.CharField(_("level"), max_length=20, blank=True)
    provisional = models.BooleanField(_("relies on a provisional calendar"), default=False)
    clocks_on = models.DateField(_("clocks computed for"))
    # The trail.
    version = models.PositiveIntegerField(_("version"), default=1)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    head_hash = models.CharField(_("last event hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")
        indexes = [
            models.Index(fields=["department", "state", "-id"], name="disclosure_dept_state"),
            models.Index(fields=["state", "reply_due"], name="disclosure_state_due"),
            models.Index(fields=["received_on"], name="disclosure_received"),
            models.Index(fields=["completed_on"], name="disclosure_completed"),
            models.Index(fields=["owner", "-id"], name="disclosure_owner"),
            # The annual report (zhengwu.disclosure.report): received in the year, and completed
            # in or after it (or open), read index-only on PostgreSQL.
            models.Index(
                fields=["received_on"],
                include=[*ANNUAL_COLUMNS, "completed_on"],
                name="disclosure_annual_received",
            ),
            models.Index(
                fields=["completed_on"],
                include=[*ANNUAL_COLUMNS, "received_on"],
                name="disclosure_annual_completed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="") | Q(completed_on__isnull=False),
                name="disclosure_result_completed",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATE_VALUES


class DisclosureEvent(ChainedEvent):
    """One step of a disclosure request: append-only and hash-chained."""

    append_only_message = "disclosure request events are append-only"

    request = models.ForeignKey(
        DisclosureRequest,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("disclosure request"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosure_events",
        verbose_name=_("actor"),
    )

    class Meta:
        verbose_name = _("disclosure request event")
        verbose_name_plural = _("disclosure request events")
        ordering = ["request", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["request", "seq"], name="disclosure_event_seq_unique"),
        ]

    def __str__(self):
        return f"{self.request_id}#{self.seq} {self.kind}"


class DisclosureDocument(models.Model):
    """A dated written act of a step (补正告知书, 延期答复告知书, 第三方意见征询函, 答复书,
    收费通知): what it says is ``data``, fixed when issued; the print view and .docx render it."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
        SUPPLEMENT_NOTICE = "supplement_notice", _("Notice to supplement")
        CONSULTATION = "consultation", _("Letter asking for an opinion")
        EXTENSION_NOTICE = "extension_notice", _("Notice of extension")
        REASONS_NOTICE = "reasons_notice", _("Notice asking for reasons")
        DEFERRAL_NOTICE = "deferral_notice", _("Notice of a delayed reply")
        FEE_NOTICE = "fee_notice", _("Fee notice")
        REPLY = "reply", _("Reply")

    request = models.ForeignKey(
        DisclosureRequest,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("disclosure request"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=48, unique=True)
    issued_on = models.DateField(_("issued on"))
    event_seq = models.PositiveIntegerField(_("event"))
    data = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("disclosure document")
        verbose_name_plural = _("disclosure documents")
        ordering = ["request", "issued_on", "id"]

    def __str__(self):
        return self.number


class DisclosureAppeal(models.Model):
    """An administrative reconsideration or lawsuit about a request (table 四)."""

    class Kind(models.TextChoices):
        RECONSIDERATION = rules.Appeal.RECONSIDERATION.value, _("Administrative reconsideration")
        LAWSUIT_DIRECT = rules.Appeal.LAWSUIT_DIRECT.value, _("Lawsuit without reconsideration")
        LAWSUIT_AFTER_RECONSIDERATION = (
            rules.Appeal.LAWSUIT_AFTER_RECONSIDERATION.value,
            _("Lawsuit after reconsideration"),
        )

    class Outcome(models.TextChoices):
        UPHELD = rules.AppealResult.UPHELD.value, _("Upheld")
        CORRECTED = rules.AppealResult.CORRECTED.value, _("Corrected")
        OTHER = rules.AppealResult.OTHER.value, _("Other result")
        PENDING = rules.AppealResult.PENDING.value, _("Not yet concluded")

    request = models.ForeignKey(
        DisclosureRequest,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("disclosure request"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    filed_on = models.DateField(_("filed on"))
    result = models.CharField(
        _("result"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("disclosure appeal")
        verbose_name_plural = _("disclosure appeals")
        ordering = ["request", "filed_on", "id"]
        indexes = [models.Index(fields=["filed_on"], name="disclosure_appeal_filed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="pending") | Q(decided_on__isnull=False),
                name="disclosure_appeal_decided",
            ),
        ]

    def __str__(self):
        return f"{self.request_id} {self.kind}"


class DisclosureFinding(models.Model):
    """What the supervision sweep found on a request, recorded once per (request, kind, key): a
    warning before the reply due date, the reply due date passed, a second 补正 notice."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Reply due within a working day")
        LATE_REPLY = "late_reply", _("Reply due date passed")
        SECOND_NOTICE = "second_notice", _("Second notice to supplement")
        LATE_NOTICE = "late_notice", _("Notice to supplement after 7 working days")

    request = models.ForeignKey(
        DisclosureRequest,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("disclosure request"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=32)
    irregular = models.BooleanField(_("irregularity"))
    due = models.DateField(_("due date"), null=True, blank=True)
    event_seq = models.PositiveIntegerField(_("event"), null=True, blank=True)
    detected_on = models.DateField(_("detected on"))
    detected_at = models.DateTimeField(_("detected at"))

    class Meta:
        verbose_name = _("disclosure finding")
        verbose_name_plural = _("disclosure findings")
        ordering = ["-detected_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "key"], name="disclosure_finding_once"
            ),
        ]
        indexes = [models.Index(fields=["detected_on", "department"], name="disclosure_found")]

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.key}"


class AnnualReportText(models.Model):
    """The prose sections of a year's 年度报告 (政府信息公开工作年度报告) of one department, or of
    the whole government (no department): written on the annual report page, kept for every
    download. Tables 三 and 四 are never stored: they are counted from the requests."""

    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    overview = models.TextField(_("overview"), blank=True)
    proactive = models.TextField(
        _("information disclosed on the agency's own initiative"), blank=True
    )
    problems = models.TextField(_("main problems and improvements"), blank=True)
    other_matters = models.TextField(_("other matters to report"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    updated_at = models.DateTimeField(_("last edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual report text")
        verbose_name_plural = _("annual report texts")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "department"],
                condition=Q(department__isnull=False),
                name="disclosure_annual_text_department",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(department__isnull=True),
                name="disclosure_annual_text_government",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.department_id or ''}".strip()
