"""Staffing of the hall (DOMAIN §11): attendance and leave, the empty-post and patrol
irregularities, the duty roster, the six patrols a day with their findings, and 帮办代办.

The rules live in ``zhengwu.hall.staffing_rules`` (pure) and every write in
``zhengwu.hall.staffing_services``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengwu.accounts.models import Department, Window
from zhengwu.cases.models import private_file_storage
from zhengwu.hall.models.floor import Hall

USER = settings.AUTH_USER_MODEL


class StaffingSettings(models.Model):
    """A hall's staffing configuration [cfg]; a hall without one uses the defaults."""

    hall = models.OneToOneField(
        Hall, on_delete=models.CASCADE, related_name="staffing", verbose_name=_("service hall")
    )
    empty_grace_minutes = models.PositiveIntegerField(
        _("empty-post grace (minutes)"),
        default=10,
        help_text=_("A window left with nobody signed in longer than this is an empty post."),
    )
    patrol_grace_minutes = models.PositiveIntegerField(
        _("patrol grace (minutes)"),
        default=30,
        help_text=_("A patrol not recorded by its time plus this is missed."),
    )
    finding_workdays = models.PositiveIntegerField(
        _("working days to follow up a finding"), default=1
    )
    late_tolerance_minutes = models.PositiveIntegerField(
        _("late and early tolerance (minutes)"), default=0
    )
    roster_publish_at = models.TimeField(_("duty roster published at"), default=dt.time(8, 0))
    areas = models.TextField(
        _("patrol areas"),
        default="等候区\n咨询导办台\n自助服务区",
        help_text=_("One area a line; every window of the hall is checked as well."),
    )

    class Meta:
        verbose_name = _("hall staffing settings")
        verbose_name_plural = _("hall staffing settings")

    def __str__(self):
        return str(self.hall)

    def area_list(self) -> list[str]:
        return [line.strip() for line in self.areas.splitlines() if line.strip()]


class PatrolSlot(models.Model):
    """One of the day's patrols of a hall (一日六巡) at its configured time."""

    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, related_name="patrol_slots", verbose_name=_("service hall")
    )
    number = models.PositiveSmallIntegerField(_("patrol number"))
    at = models.TimeField(_("patrol time"))

    class Meta:
        verbose_name = _("patrol time")
        verbose_name_plural = _("patrol times")
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="hall_patrol_slot_once"),
        ]

    def __str__(self):
        return f"{self.number} {self.at:%H:%M}"


class AttendanceMethod(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk with face photo")
    PANEL = "panel", _("Window panel")
    MOBILE = "mobile", _("Mobile with location")


def _photo_path(instance, filename: str) -> str:
    return f"hall/attendance/{instance.day:%Y%m}/{instance.user_id}-{instance.day:%d}.jpg"


class Attendance(models.Model):
    """A member of staff's attendance on one day: the first sign-in and the last sign-out,
    each with its method, and the minutes late and early against the hall's hours."""

    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("staff")
    )
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("service hall")
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    day = models.DateField(_("date"))
    signed_in_at = models.DateTimeField(_("signed in at"))
    sign_in_method = models.CharField(
        _("sign-in method"), max_length=8, choices=AttendanceMethod.choices
    )
    signed_out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    sign_out_method = models.CharField(
        _("sign-out method"), max_length=8, choices=AttendanceMethod.choices, blank=True
    )
    distance_m = models.PositiveIntegerField(_("distance from the hall (metres)"), null=True)
    photo = models.FileField(
        _("face photo"),
        storage=private_file_storage,
        upload_to=_photo_path,
        max_length=200,
        blank=True,
    )
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    early_minutes = models.PositiveIntegerField(_("minutes left early"), default=0)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="hall_attendance_once_a_day"),
        ]
        indexes = [models.Index(fields=["department", "day"], name="hall_attendance_dept_day")]

    def __str__(self):
        return f"{self.user} {self.day}"


class LeaveRequest(models.Model):
    """Leave asked for beforehand and approved by the head of the department before its first
    day; the days of an approved request are leave on the attendance sheet."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal leave")
        SICK = "sick", _("Sick leave")
        ANNUAL = "annual", _("Annual leave")
        DUTY = "duty", _("Official business")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Not approved")

    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="leave_requests", verbose_name=_("staff")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    kind = models.CharField(_("kind of leave"), max_length=8, choices=Kind.choices)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(
        pgettext_lazy("leave", "state"), max_length=8, choices=State.choices, default=State.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-first_day", "-id"]
        indexes = [
            models.Index(fields=["department", "state", "first_day"], name="hall_leave_dept"),
            models.Index(fields=["user", "first_day"], name="hall_leave_user"),
        ]

    def __str__(self):
        return f"{self.user} {self.first_day}–{self.last_day}"


class DutyRoster(models.Model):
    """Who is on duty in the hall on a day: duty leaders A and B and the patrol staff;
    published to them in the notification centre that morning."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="rosters", verbose_name=_("service hall")
    )
    day = models.DateField(_("date"))
    leader_a = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("duty leader A")
    )
    leader_b = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("duty leader B"),
    )
    patrol_staff = models.ManyToManyField(
        USER, blank=True, related_name="patrol_duties", verbose_name=_("patrol staff")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-day", "hall"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day"], name="hall_roster_once_a_day"),
        ]

    def __str__(self):
        return f"{self.hall} {self.day}"


class Patrol(models.Model):
    """A patrol recorded: its slot of the day, when it was done and by whom, with the checks
    of every area and window and the findings."""

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("service hall")
    )
    day = models.DateField(_("date"))
    number = models.PositiveSmallIntegerField(_("patrol number"))
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"))
    done_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("patrolled by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-day", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "number"], name="hall_patrol_once"),
        ]

    def __str__(self):
        return f"{self.hall} {self.day} #{self.number}"


class PatrolCheck(models.Model):
    """The checklist of one area or window on a patrol: true where it was in order."""

    patrol = models.ForeignKey(
        Patrol, on_delete=models.CASCADE, related_name="checks", verbose_name=_("patrol")
    )
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("window"),
    )
    area = models.CharField(_("area"), max_length=60, blank=True)
    on_post = models.BooleanField(_("on post"), default=True)
    attire = models.BooleanField(_("attire"), default=True)
    order = models.BooleanField(_("order"), default=True)
    equipment = models.BooleanField(_("equipment"), default=True)
    safety = models.BooleanField(_("safety"), default=True)

    class Meta:
        verbose_name = _("patrol check")
        verbose_name_plural = _("patrol checks")
        ordering = ["patrol", "id"]

    def __str__(self):
        return self.area or str(self.window)


def _finding_photo_path(instance, filename: str) -> str:
    return f"hall/findings/{instance.patrol_id}/{filename[-80:]}"


class PatrolFinding(models.Model):
    """Something a patrol found wrong, assigned to a member of staff to follow up by its
    deadline."""

    class Item(models.TextChoices):
        ON_POST = "on_post", _("On post")
        ATTIRE = "attire", _("Attire")
        ORDER = "order", _("Order")
        EQUIPMENT = "equipment", _("Equipment")
        SAFETY = "safety", _("Safety")

    patrol = models.ForeignKey(
        Patrol, on_delete=models.PROTECT, related_name="findings", verbose_name=_("patrol")
    )
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("window"),
    )
    area = models.CharField(_("area"), max_length=60, blank=True)
    item = models.CharField(_("check item"), max_length=12, choices=Item.choices)
    description = models.CharField(_("what was found"), max_length=500)
    photo = models.FileField(
        _("photo"),
        storage=private_file_storage,
        upload_to=_finding_photo_path,
        max_length=200,
        blank=True,
    )
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="patrol_findings",
        verbose_name=_("assigned to"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    deadline = models.DateTimeField(_("follow up by"))
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("followed up by"),
    )

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["deadline"],
                condition=models.Q(followed_up_at__isnull=True),
                name="hall_finding_open",
            ),
        ]

    def __str__(self):
        return self.description[:40]


class HallIrregularity(models.Model):
    """What the staffing sweep found, recorded once per (kind, key): an empty post with its
    start and end (the end set when someone signs in, or at the break or the closing), a missed
    or late patrol, a finding not followed up by its deadline."""

    class Kind(models.TextChoices):
        EMPTY_POST = "empty_post", _("Empty post")
        MISSED_PATROL = "missed_patrol", _("Patrol not done in time")
        FINDING_OVERDUE = "finding_overdue", _("Finding not followed up in time")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=64)
    hall = models.ForeignKey(
        Hall,
        on_delete=models.PROTECT,
        related_name="irregularities",
        verbose_name=_("service hall"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("window"),
    )
    finding = models.ForeignKey(
        PatrolFinding,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("patrol finding"),
    )
    day = models.DateField(_("date"))
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"))

    class Meta:
        verbose_name = _("hall irregularity")
        verbose_name_plural = _("hall irregularities")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="hall_irregularity_once"),
        ]
        indexes = [
            models.Index(fields=["hall", "day"], name="hall_irregularity_day"),
            models.Index(
                fields=["kind"],
                condition=models.Q(ended_at__isnull=True),
                name="hall_irregularity_open",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"


class AssistedService(models.Model):
    """A 帮办代办 record: who helped whom with which items or cases, on site or at home (上门),
    and the callback with its satisfaction."""

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        HOME = "home", _("Home visit")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        FAIR = "fair", _("Fairly satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="assisted", verbose_name=_("service hall")
    )
    helper = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="assisted", verbose_name=_("helped by")
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    person = models.CharField(_("person helped"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    items = models.CharField(_("items"), max_length=300)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )
    mode = models.CharField(_("where"), max_length=8, choices=Mode.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    served_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"))
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called back by"),
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    callback_note = models.CharField(_("callback note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assisted service")
        verbose_name_plural = _("assisted services")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["hall", "served_on"], name="hall_assisted_day")]

    def __str__(self):
        return f"{self.person} {self.served_on}"
