"""Scenes (一件事) in the catalogue and joint cases (联办件) over child cases (DOMAIN §10).

A ``Scene`` is the identity (its code); its content lives in ``SceneVersion`` rows like an item's:
at most one draft and one published version, earlier ones superseded and kept, because joint
cases hold the version they were filed under. A version bundles items (``SceneItem``, each in a
stage: items of one stage run in parallel, stages one after another) and the merged material list
(``SceneMaterial``: a material several items need appears once and serves them all).

A ``JointCase`` is one application for a scene; ``JointChild`` rows say, per item, its stage and
the ordinary case (``cases.Case``) opened for it when its stage opened (none before, and none
when an earlier stage's denial closed it). Its deadline fields are written only by
``zhengwu.joint.services`` from ``zhengwu.joint.clocks``; its events are an append-only hash
chain (``zhengwu.core.trail``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models import ChainedEvent
from zhengwu.joint.rules import State

OPEN_STATE_VALUES = ("submitted", "supplement_requested", "accepted")


class Scene(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (never published)")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    code = models.CharField(_("scene code"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    current_version = models.ForeignKey(
        "SceneVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current published version"),
    )
    draft_version = models.ForeignKey(
        "SceneVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("draft version"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("scene")
        verbose_name_plural = _("scenes")
        ordering = ["code"]

    def __str__(self):
        return self.code


class SceneVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    scene = models.ForeignKey(
        Scene, on_delete=models.PROTECT, related_name="versions", verbose_name=_("scene")
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    name = models.CharField(_("scene name"), max_length=200)
    lead_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="led_scene_versions",
        verbose_name=_("lead department"),
    )
    promised_limit = models.PositiveIntegerField(_("promised limit (working days)"))
    composite_licence = models.BooleanField(_("issues one composite licence"), default=False)
    # The name of each stage, in order (立项用地规划许可, 工程建设许可 ...); shorter than the
    # stages when some are unnamed (shown as 第N阶段).
    stage_names = models.JSONField(_("stage names"), default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("scene version")
        verbose_name_plural = _("scene versions")
        ordering = ["scene", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scene", "number"], name="joint_version_number"),
            models.UniqueConstraint(
                fields=["scene"], condition=Q(status="draft"), name="joint_one_draft"
            ),
            models.UniqueConstraint(
                fields=["scene"], condition=Q(status="published"), name="joint_one_published"
            ),
        ]

    def __str__(self):
        return f"{self.scene_id}#{self.number} {self.name}"


class SceneItem(models.Model):
    version = models.ForeignKey(
        SceneVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version")
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        on_delete=models.PROTECT,
        related_name="scene_entries",
        verbose_name=_("service item"),
    )
    stage = models.PositiveSmallIntegerField(_("stage"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scene item")
        verbose_name_plural = _("scene items")
        ordering = ["version", "stage", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "item"], name="joint_scene_item_once"),
        ]

    def __str__(self):
        return f"{self.version_id}: {self.item_id} (stage {self.stage})"


class SceneMaterial(models.Model):
    """One material of the merged list; ``sources`` maps each item's implementation code to the
    code of the material it stands for in that item's published version."""

    version = models.ForeignKey(
        SceneVersion,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("material code"), max_length=32)
    name = models.CharField(_("material name"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    licence_type = models.CharField(_("satisfied by a licence of type"), max_length=32, blank=True)
    sources = models.JSONField(_("the items' materials it serves"), default=dict)

    class Meta:
        verbose_name = _("scene material")
        verbose_name_plural = _("scene materials")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="joint_material_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class JointState(models.TextChoices):
    SUBMITTED = State.SUBMITTED.value, _("Awaiting intake")
    SUPPLEMENT_REQUESTED = State.SUPPLEMENT_REQUESTED.value, _("Awaiting supplement")
    ACCEPTED = State.ACCEPTED.value, _("In progress")
    COMPLETED = State.COMPLETED.value, _("Completed")
    STOPPED = State.STOPPED.value, _("Stopped by a denial")
    DELIVERED = State.DELIVERED.value, _("Delivered")
    REFUSED = State.REFUSED.value, _("Not accepted")
    WITHDRAWN = State.WITHDRAWN.value, _("Withdrawn")


class JointCase(models.Model):
    number = models.CharField(_("joint case number"), max_length=32, unique=True)
    scene = models.ForeignKey(
        Scene, on_delete=models.PROTECT, related_name="joint_cases", verbose_name=_("scene")
    )
    scene_version = models.ForeignKey(
        SceneVersion,
        on_delete=models.PROTECT,
        related_name="joint_cases",
        verbose_name=_("scene version"),
    )
    lead_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="led_joint_cases",
        verbose_name=_("lead department"),
    )
    applicant = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.PROTECT,
        related_name="joint_cases",
        verbose_name=_("applicant"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_joint_cases",
        verbose_name=_("applicant account"),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # The 投资项目代码 of the online approval platform (``zhengwu.joint.project_codes``).
    project_code = models.CharField(_("investment project code"), max_length=24, blank=True)
    channel = models.CharField(_("channel"), max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_joint_cases",
        verbose_name=_("created by"),
    )
    state = models.CharField(_("state"), max_length=24, choices=JointState.choices)
    materials = models.JSONField(_("materials handed in"), default=list)
    reused = models.JSONField(_("materials reused from licences"), default=dict)
    missing = models.JSONField(_("materials asked for"), default=list)
    received_at = models.DateTimeField(_("received at"))
    # Clocks: written only from compute_joint_clocks.
    received_on = models.DateField(_("received on"))
    intake_due = models.DateField(_("intake due"))
    accepted_on = models.DateField(_("accepted on"), null=True)
    promised_due = models.DateField(_("promised due"), null=True)
    statutory_due = models.DateField(_("statutory due"), null=True)
    stage = models.PositiveSmallIntegerField(_("open stage"), null=True)
    suspended_workdays = models.PositiveIntegerField(_("suspended working days"), default=0)
    extension_workdays = models.PositiveIntegerField(_("extension working days"), default=0)
    completed_on = models.DateField(_("completed on"), null=True)
    completion = models.CharField(_("completion"), max_length=8, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True)
    level = models.CharField(_("level"), max_length=20, blank=True)
    statutory_overdue = models.BooleanField(_("past the statutory limit"), default=False)
    provisional = models.BooleanField(_("relies on a provisional calendar"), default=False)
    clocks_on = models.DateField(_("clocks computed for"))
    # The trail.
    version = models.PositiveIntegerField(_("version"), default=1)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    head_hash = models.CharField(_("last event hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("joint case")
        verbose_name_plural = _("joint cases")
        indexes = [
            models.Index(fields=["lead_department", "state", "-id"], name="joint_lead_state"),
            models.Index(fields=["owner", "-id"], name="joint_owner"),
            models.Index(fields=["applicant", "-id"], name="joint_applicant"),
            models.Index(
                fields=["project_code", "-id"],
                condition=~Q(project_code=""),
                name="joint_project_code",
            ),
            # The queue's warning filters (?level=yellow|red|statutory_overdue): a few joint
            # cases among many, newest first.
            models.Index(
                fields=["level", "-id"],
                condition=Q(level__in=["yellow", "red", "statutory_overdue"]),
                name="joint_warning_level",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATE_VALUES


class JointChild(models.Model):
    joint = models.ForeignKey(
        JointCase, on_delete=models.PROTECT, related_name="children", verbose_name=_("joint case")
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service item"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="joint_children",
        verbose_name=_("department"),
    )
    stage = models.PositiveSmallIntegerField(_("stage"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_child",
        verbose_name=_("case"),
    )
    closed_reason = models.TextField(_("closed without a case because"), blank=True)

    class Meta:
        verbose_name = _("joint case item")
        verbose_name_plural = _("joint case items")
        ordering = ["joint", "stage", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["joint", "item"], name="joint_child_item_once"),
        ]
        indexes = [models.Index(fields=["department", "joint"], name="joint_child_dept")]

    def __str__(self):
        return f"{self.joint_id}: {self.item_id}"


class JointCaseEvent(ChainedEvent):
    """One step of a joint case: append-only and hash-chained."""

    append_only_message = "joint case events are append-only"

    joint = models.ForeignKey(
        JointCase, on_delete=models.PROTECT, related_name="events", verbose_name=_("joint case")
    )

    class Meta:
        verbose_name = _("joint case event")
        verbose_name_plural = _("joint case events")
        ordering = ["joint", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["joint", "seq"], name="joint_event_seq_unique"),
        ]

    def __str__(self):
        return f"{self.joint_id}#{self.seq} {self.kind}"


# ---------------------------------------------------------------- joint review meetings (联审会)


class MeetingState(models.TextChoices):
    CONVENED = "convened", _("Convened")
    CLOSED = "closed", _("Closed")


class Opinion(models.TextChoices):
    AGREE = "agree", _("Agree")
    CONDITIONAL = "conditional", _("Agree with conditions")
    DISAGREE = "disagree", _("Disagree")


class JointMeeting(models.Model):
    """A joint review meeting (联审会) of a joint case, convened by its lead department with the
    departments concerned; written only by ``zhengwu.joint.meetings``. Every step is also an
    event of the joint case's hash chain."""

    joint = models.ForeignKey(
        JointCase, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("joint case")
    )
    seq = models.PositiveSmallIntegerField(_("meeting number"))
    held_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=200)
    topic = models.CharField(_("topic"), max_length=500)
    departments = models.ManyToManyField(
        "accounts.Department",
        related_name="joint_meetings",
        verbose_name=_("departments concerned"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.CONVENED
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("convened by"),
    )
    convened_at = models.DateTimeField(_("convened at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint review meeting")
        verbose_name_plural = _("joint review meetings")
        ordering = ["joint", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["joint", "seq"], name="joint_meeting_seq"),
        ]

    def __str__(self):
        return f"{self.joint_id}#{self.seq}"

    @property
    def is_open(self) -> bool:
        return self.state == MeetingState.CONVENED


class MeetingAttendee(models.Model):
    """One person at a meeting for a department, and whether they may decide on the spot. One
    who may not is raised as an irregularity by the supervision sweep, on ``case`` (the
    department's case in the joint case, else the joint case's first case)."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.PROTECT, related_name="attendees", verbose_name=_("meeting")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    name = models.CharField(_("attendee's name"), max_length=50)
    title = models.CharField(_("post"), max_length=100, blank=True)
    may_decide = models.BooleanField(_("may decide on the spot"))
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("meeting attendee")
        verbose_name_plural = _("meeting attendees")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department", "name"], name="joint_attendee_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(may_decide=False), name="joint_attendee_powerless"
            ),
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.name}"


class MeetingDecision(models.Model):
    """The meeting's opinion on one item of the joint case, given by its department."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    child = models.ForeignKey(
        JointChild, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    opinion = models.CharField(_("opinion"), max_length=12, choices=Opinion.choices)
    text = models.TextField(_("conditions or reasons"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "child"], name="joint_decision_once"),
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.child_id} {self.opinion}"
