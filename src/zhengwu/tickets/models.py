"""Hotline tickets (12345 诉求/工单), their categories, routing rules and append-only events.

The deadline fields of a ticket (``accept_due``, ``due_at``, ``urge_due``) are stored and written
only by ``zhengwu.tickets.services`` (DESIGN.md: Deadlines are stored), so the queues, the sweep and
the reports are indexed queries. Events are never updated or deleted: the model refuses both, and
``verify_audit`` finds a row changed behind its back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models import ChainedEvent
from zhengwu.tickets.rules import HANDLING_STATES, OPEN_STATES, State

OPEN_STATE_VALUES = tuple(sorted(s.value for s in OPEN_STATES))
HANDLING_STATE_VALUES = tuple(sorted(s.value for s in HANDLING_STATES))


class Kind(models.TextChoices):
    CONSULT = "consult", _("Consultation")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of wrongdoing")
    SUGGESTION = "suggestion", _("Suggestion")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile")


class TicketState(models.TextChoices):
    RECEIVED = State.RECEIVED.value, _("Awaiting dispatch")
    DISPATCHED = State.DISPATCHED.value, _("Awaiting acceptance")
    ACCEPTED = State.ACCEPTED.value, _("Being handled")
    RETURN_REQUESTED = State.RETURN_REQUESTED.value, _("Return under review")
    EXTENSION_REQUESTED = State.EXTENSION_REQUESTED.value, _("Extension under review")
    REPLIED = State.REPLIED.value, _("Awaiting callback")
    CALLED_BACK = State.CALLED_BACK.value, _("Called back, not settled")
    CLOSED = State.CLOSED.value, _("Closed")
    TRANSFERRED = State.TRANSFERRED.value, _("Transferred to emergency services")
    MERGED = State.MERGED.value, _("Merged as a duplicate")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    NOT = "not", _("Not substantiated")


class EmergencyService(models.TextChoices):
    POLICE = "110", _("110 Police")
    FIRE = "119", _("119 Fire and rescue")
    AMBULANCE = "120", _("120 Ambulance")
    TRAFFIC = "122", _("122 Traffic police")


class ExtensionStatus(models.TextChoices):
    NONE = "", _("None")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Category(models.Model):
    """A ticket category; a tree (e.g. 效能投诉 › 推诿扯皮效率低下)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    kind_hint = models.CharField(
        _("usual kind"),
        max_length=16,
        choices=Kind.choices,
        blank=True,
        help_text=_("The kind of ticket this category usually comes with."),
    )
    is_efficiency = models.BooleanField(
        _("efficiency complaint"),
        default=False,
        help_text=_(
            "Complaints about officials' conduct or efficiency, investigated by a supervisor."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class RoutingRule(models.Model):
    """Where a ticket goes: the first active rule by ``order`` that matches wins."""

    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("category"),
    )
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Separated by commas or 、; any one matches.")
    )
    area = models.CharField(_("area"), max_length=100, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.CASCADE,
        related_name="ticket_routing_rules",
        verbose_name=_("handling unit"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.order}: {self.department}"


class Ticket(models.Model):
    number = models.CharField(_("ticket number"), max_length=32, unique=True, null=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("category")
    )
    content = models.TextField(_("content"))
    caller_phone = models.CharField(_("caller's phone"), max_length=20)
    caller_name = models.CharField(_("caller's name"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    urgent = models.BooleanField(_("urgent"), default=False)
    related_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("related case"),
    )
    related_department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complained_tickets",
        verbose_name=_("department complained about"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("handling unit"),
    )
    state = models.CharField(_("state"), max_length=24, choices=TicketState.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_tickets",
        verbose_name=_("registered by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tickets",
        verbose_name=_("citizen account"),
    )
    received_at = models.DateTimeField(_("received at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accept_due = models.DateTimeField(_("acceptance due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    extension_status = models.CharField(
        _("extension"), max_length=10, choices=ExtensionStatus.choices, blank=True, default=""
    )
    extension_workdays = models.PositiveIntegerField(_("extension working days"), default=0)
    returned = models.BooleanField(_("returned once"), default=False)
    redo_count = models.PositiveIntegerField(_("times sent back for redoing"), default=0)
    urge_level = models.PositiveSmallIntegerField(_("urge level"), default=0)
    urge_due = models.DateTimeField(_("urge response due"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    callback_reached = models.BooleanField(_("caller reached"), null=True, blank=True)
    callback_resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    # The redo round (``redo_count``) of the reply the latest callback was about: equal to
    # ``redo_count`` while that reply is the current one, smaller once the ticket is sent back.
    callback_round = models.PositiveIntegerField(_("callback round"), null=True, blank=True)
    investigation_outcome = models.CharField(
        _("investigation outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    investigated_department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investigated_tickets",
        verbose_name=_("department found responsible"),
    )
    investigated_staff = models.CharField(_("staff member named"), max_length=100, blank=True)
    emergency_service = models.CharField(
        _("transferred to"), max_length=3, choices=EmergencyService.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The trail.
    version = models.PositiveIntegerField(_("version"), default=1)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    head_hash = models.CharField(_("last event hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Queues.
            models.Index(fields=["state", "-id"], name="ticket_state"),
            models.Index(fields=["department", "state", "-id"], name="ticket_dept_state"),
            models.Index(fields=["owner", "-id"], name="ticket_owner"),
            models.Index(fields=["caller_phone", "-id"], name="ticket_phone"),
            # The sweep.
            models.Index(fields=["state", "accept_due"], name="ticket_state_accept_due"),
            models.Index(fields=["state", "due_at"], name="ticket_state_due"),
            models.Index(fields=["state", "urge_due"], name="ticket_state_urge_due"),
            # Reports: by period, index-only for the category report.
            models.Index(
                fields=["received_at", "category", "investigation_outcome"],
                name="ticket_report_category",
            ),
            # The unit report (selectors.performance_report) reads this index only: the period
            # first (a year of a three-year table is a range of it), then the unit and, carried
            # along, every column the report counts.
            models.Index(
                fields=["received_at", "department"],
                include=[
                    "dispatched_at",
                    "accepted_at",
                    "accept_due",
                    "replied_at",
                    "due_at",
                    "callback_round",
                    "redo_count",
                    "callback_reached",
                    "callback_resolved",
                    "satisfaction",
                    "returned",
                ],
                name="ticket_report_dept",
            ),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATE_VALUES


class TicketEvent(ChainedEvent):
    """One step of a ticket: append-only and hash-chained (DESIGN.md Events)."""

    append_only_message = "ticket events are append-only"

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="events", verbose_name=_("ticket")
    )

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["ticket", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="ticket_event_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["kind", "recorded_at"], name="ticket_event_kind"),
        ]

    def __str__(self):
        return f"{self.ticket_id}#{self.seq} {self.kind}"
