"""The service catalogue: items with a stable identity and immutable published versions.

A ``ServiceItem`` is the identity (implementation code, department, status). Its content lives in
``ServiceItemVersion`` rows: at most one draft (edited in place) and at most one published version
(the current one, pointed to by ``ServiceItem.current_version``); earlier published versions are
superseded but kept forever, because cases hold the version they were filed under. Every write goes
through ``zhengwu.catalog.services``.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog import choices

ATTACHMENT_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "xls", "xlsx", "wps", "jpg", "jpeg", "png"]


def _choices(vocabulary):
    return [(code, _(label)) for code, label in choices.choice_pairs(vocabulary)]


KIND_CHOICES = _choices(choices.ITEM_KINDS)
HANDLING_TYPE_CHOICES = _choices(choices.HANDLING_TYPES)
MATERIAL_FORM_CHOICES = _choices(choices.MATERIAL_FORMS)
ONLINE_DEPTH_CHOICES = _choices(choices.ONLINE_DEPTHS)
SPECIAL_PROCEDURE_CHOICES = _choices(choices.SPECIAL_PROCEDURES)
ROMAN = {value: roman for value, _label, roman in choices.ONLINE_DEPTHS}


def attachment_path(instance, filename: str) -> str:
    """A random stored name: the original name is kept only for the download."""
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"catalog/materials/{uuid.uuid4().hex}{ext}"


class ServiceItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (never published)")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    impl_code = models.CharField(_("implementation code"), max_length=64, unique=True)
    base_code = models.CharField(_("basic code"), max_length=64, db_index=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("department"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    current_version = models.ForeignKey(
        "ServiceItemVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current published version"),
    )
    draft_version = models.ForeignKey(
        "ServiceItemVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("draft version"),
    )
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        help_text=_("Grows with every change; an edit made on an older revision is refused."),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.TextField(_("reason for retiring"), blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("retired by"),
    )

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["impl_code"]
        indexes = [models.Index(fields=["status", "department"], name="catalog_item_status_dept")]

    def __str__(self):
        return self.impl_code

    @property
    def latest_version(self):
        """The version an editor works on: the draft when there is one, else the current one."""
        return self.draft_version or self.current_version


class ServiceItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="versions", verbose_name=_("item")
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last edited by"),
    )

    name = models.CharField(_("item name"), max_length=200)
    kind = models.CharField(_("item kind"), max_length=2, choices=KIND_CHOICES)
    handling_type = models.CharField(
        _("handling type"), max_length=12, choices=HANDLING_TYPE_CHOICES
    )
    statutory_limit = models.PositiveIntegerField(_("statutory limit (working days)"), default=0)
    promised_limit = models.PositiveIntegerField(_("promised limit (working days)"), default=0)
    onsite_visits = models.PositiveSmallIntegerField(_("on-site visits"), default=0)
    onsite_reason = models.CharField(_("reason for on-site visits"), max_length=500, blank=True)
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=ONLINE_DEPTH_CHOICES, default=1
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("acceptance conditions"), blank=True)
    special_procedures = models.JSONField(
        _("special procedures that may apply"), default=list, blank=True
    )
    parallel_approval = models.BooleanField(_("parallel approval applies"), default=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    hours = models.CharField(_("hours"), max_length=300, blank=True)
    consult_phone = models.CharField(_("consultation phone"), max_length=100, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=100, blank=True)
    # The code of the licence type (zhengwu.licences) a grant of this version issues.
    licence_type = models.CharField(
        _("issues a licence of type"), max_length=32, blank=True, default=""
    )

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_number"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="draft"), name="catalog_one_draft"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="published"), name="catalog_one_published"
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="catalog_version_status_kind")]

    def __str__(self):
        return f"{self.item_id}#{self.number} {self.name}"

    @property
    def is_immediate(self) -> bool:
        return self.handling_type == choices.IMMEDIATE

    @property
    def online_depth_roman(self) -> str:
        return ROMAN.get(self.online_depth, "")

    @property
    def special_procedure_labels(self) -> list:
        labels = dict(SPECIAL_PROCEDURE_CHOICES)
        return [labels[code] for code in self.special_procedures if code in labels]


class Material(models.Model):
    version = models.ForeignKey(
        ServiceItemVersion,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("material code"), max_length=32)
    name = models.CharField(_("material name"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    form = models.CharField(
        _("form"), max_length=12, choices=MATERIAL_FORM_CHOICES, default="paper"
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    source = models.CharField(_("source"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A valid licence of this type (zhengwu.licences) stands in for the material.
    licence_type = models.CharField(
        _("satisfied by a licence of type"), max_length=32, blank=True, default=""
    )
    blank_form = models.FileField(
        _("blank form"),
        upload_to=attachment_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )
    sample = models.FileField(
        _("filled-in sample"),
        upload_to=attachment_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )

    class Meta:
        verbose_name = _("application material")
        verbose_name_plural = _("application materials")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_material_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Fee(models.Model):
    version = models.ForeignKey(
        ServiceItemVersion, on_delete=models.CASCADE, related_name="fees", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("fee"), max_length=200)
    standard = models.CharField(_("standard"), max_length=500, blank=True)
    basis = models.CharField(_("basis for the fee"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "position", "id"]

    def __str__(self):
        return self.name


class ProcessStep(models.Model):
    version = models.ForeignKey(
        ServiceItemVersion,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("step"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "position", "id"]

    def __str__(self):
        return self.name


class CenterHandling(models.TextChoices):
    """How a center handles an item it has taken in (进驻)."""

    FULL = "full", _("handled wholly in the center")  # 全程在中心办理
    RECEIVE_ONLY = "receive_only", _("the window only receives")  # 窗口只收件（收发室）


class CenterItem(models.Model):
    """An item a center handles (事项进驻): how, whether a township center handles it near the
    applicant (就近办), and for an item delegated down to a center below the department's own,
    the department that delegated it (委托/下放). Rules: ``catalog.stations``."""

    center = models.ForeignKey(
        "accounts.Center",
        on_delete=models.PROTECT,
        related_name="items_handled",
        verbose_name=_("service center"),
    )
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="centers", verbose_name=_("item")
    )
    handling = models.CharField(
        _("handling in the center"),
        max_length=16,
        choices=CenterHandling.choices,
        default=CenterHandling.FULL,
    )
    nearby = models.BooleanField(
        _("on the nearby list (就近办)"),
        default=False,
        help_text=_("A township center's list of items handled near the applicant."),
    )
    delegated_by = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegated_items",
        verbose_name=_("delegated by"),
    )
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("item handled by a center")
        verbose_name_plural = _("items handled by centers")
        ordering = ["center", "item__impl_code"]
        constraints = [
            models.UniqueConstraint(fields=["center", "item"], name="center_item_once"),
        ]

    def __str__(self):
        return f"{self.center} {self.item}"
