"""The queue of the hall (DOMAIN §11): business types served by sets of windows, the numbers
taken for them (取号) and called at the windows (叫号), appointment slots with a capacity and the
appointments booked in them (预约).

A number's life is ``zhengwu.hall.queue_rules``: waiting → called → done, with recall, one skip
(过号: back into the queue once, missed the second time) and transfer to another business type.
Waiting time = first call − taken; serving time = finished − last call. Every step appends a
``TicketEvent`` (what the hall screen announces and the figures read)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengwu.accounts.models import Department, Window
from zhengwu.hall.models.floor import Hall


class BusinessType(models.Model):
    """What a citizen takes a number for (业务类型): a department's business, a comprehensive
    window group's (综合窗口), or an 一件事 counter; served by a set of windows."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department business")
        COMPREHENSIVE = "comprehensive", _("Comprehensive window group")
        BUNDLE = "bundle", _("One-thing counter")

    hall = models.ForeignKey(
        Hall,
        on_delete=models.PROTECT,
        related_name="business_types",
        verbose_name=_("service hall"),
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="business_types",
        verbose_name=_("department"),
    )
    prefix = models.CharField(
        _("number prefix"),
        max_length=2,
        help_text=_("The letter before the numbers of this business type, e.g. A in A012."),
    )
    windows = models.ManyToManyField(
        Window, blank=True, related_name="business_types", verbose_name=_("windows serving it")
    )
    slot_capacity = models.PositiveSmallIntegerField(
        _("appointments per slot"),
        default=4,
        help_text=_("How many appointments one half-hour slot takes; 0 takes none."),
    )
    position = models.PositiveSmallIntegerField(_("order on the kiosk"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        ordering = ["hall", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "prefix"], name="hall_business_prefix_unique"),
        ]

    def __str__(self):
        return self.name


class Slot(models.Model):
    """A time slot of a business type on a day with its capacity; ``booked`` counts the
    appointments held in it (raised and lowered only by a conditional update, so two bookings can
    never both take the last place)."""

    business_type = models.ForeignKey(
        BusinessType,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("business type"),
    )
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["day", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_type", "day", "starts_at"], name="hall_slot_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="hall_slot_not_over"
            ),
        ]

    def __str__(self):
        return f"{self.business_type} {self.day} {self.starts_at:%H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Appointment(models.Model):
    """An appointment (预约) in a slot. Arriving issues the number, which keeps the appointment's
    priority; one not arrived by the slot's end is a no-show (爽约)."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ARRIVED = "arrived", _("Arrived")

    code = models.CharField(_("appointment code"), max_length=12, unique=True)
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot")
    )
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hall_appointments",
        verbose_name=_("booked by"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.BOOKED)
    booked_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-booked_at"]
        indexes = [models.Index(fields=["state", "slot"], name="hall_appointment_state")]

    def __str__(self):
        return self.code


class Ticket(models.Model):
    """A queue number (排队号) of a business type in a hall on a day."""

    class Source(models.TextChoices):
        KIOSK = "kiosk", _("Kiosk")
        WINDOW = "window", _("At the window")
        APPOINTMENT = "appointment", _("Appointment")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        DONE = "done", _("Served")
        MISSED = "missed", pgettext_lazy("queue number", "Missed")
        CLOSED = "closed", _("Not served (closed at the end of the day)")

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service hall")
    )
    business_type = models.ForeignKey(
        BusinessType,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("business type"),
    )
    day = models.DateField(_("day"))
    number = models.CharField(_("number"), max_length=8)
    token = models.UUIDField(_("follow-up code"), default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("taken at"), max_length=12, choices=Source.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    priority_reason = models.CharField(_("priority reason"), max_length=16, blank=True)
    appointment = models.OneToOneField(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket",
        verbose_name=_("appointment"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.WAITING
    )
    taken_at = models.DateTimeField(_("taken at (time)"))
    # The place in the queue: the time taken, or the time a skipped number went back.
    queued_at = models.DateTimeField(_("in the queue since"))
    first_called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("window"),
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hall_tickets",
        verbose_name=_("served by"),
    )
    skips = models.PositiveSmallIntegerField(_("times skipped"), default=0)
    recalls = models.PositiveSmallIntegerField(_("times recalled"), default=0)
    transfers = models.PositiveSmallIntegerField(_("times transferred"), default=0)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hall_tickets",
        verbose_name=_("case"),
    )

    class Meta:
        verbose_name = _("queue number")
        verbose_name_plural = _("queue numbers")
        ordering = ["day", "queued_at"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "number"], name="hall_ticket_number"),
            # A window calls one number at a time.
            models.UniqueConstraint(
                fields=["window"],
                condition=models.Q(state="called"),
                name="hall_one_called_per_window",
            ),
        ]
        indexes = [
            # Call next: the waiting numbers of a day by type, priority first, then queue order.
            models.Index(
                fields=["hall", "day", "state", "business_type", "-priority", "queued_at"],
                name="hall_ticket_queue",
            ),
            models.Index(fields=["day", "business_type"], name="hall_ticket_day"),
            # The claim of call next: the waiting numbers of one business type in the calling
            # order itself (priority first, then the order of taking, then the row).
            models.Index(
                fields=["hall", "day", "business_type", "-priority", "queued_at", "id"],
                condition=models.Q(state="waiting"),
                name="hall_ticket_waiting",
            ),
            # The closing at the end of the day: the numbers still open, by hall and day.
            models.Index(
                fields=["hall", "day"],
                condition=models.Q(state__in=["waiting", "called"]),
                name="hall_ticket_open",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def wait_seconds(self) -> int | None:
        if self.first_called_at is None:
            return None
        return int((self.first_called_at - self.taken_at).total_seconds())

    @property
    def serve_seconds(self) -> int | None:
        if self.finished_at is None or self.called_at is None:
            return None
        return int((self.finished_at - self.called_at).total_seconds())


class TicketEvent(models.Model):
    """One step of a number: taken, called, recalled, skipped, transferred, finished, linked,
    closed (left open at the end of its day).
    Append-only; the hall screen announces the calls in ``id`` order."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("queue number")
    )
    kind = models.CharField(_("kind"), max_length=16)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("queue number step")
        verbose_name_plural = _("queue number steps")
        ordering = ["id"]
        indexes = [models.Index(fields=["kind", "at"], name="hall_ticket_event_kind")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"


class NumberCounter(models.Model):
    """The last number given out per hall, day and prefix (raised in the taking transaction, so
    numbers are dense and never given twice)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    prefix = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "prefix"], name="hall_counter_unique"),
        ]

    def __str__(self):
        return f"{self.day} {self.prefix}{self.last}"
