"""Licences (电子证照) issued by grants, and the types they are of (DOMAIN §10).

A catalogue version that names a ``LicenceType`` code (``ServiceItemVersion.licence_type``) issues
a licence of that type when a case of it is granted; a material that names one
(``Material.licence_type``) need not be handed in while the holder has a valid licence of it.
A joint case of a scene that issues one composite licence (一业一证) records a
``CompositeLicence`` on its delivery, listing the licences of its items. Every licence carries a
verification code: its public page (``/licences/verify/<code>``, no login) says whether it is
valid, expired or revoked. Written only by ``zhengwu.licences.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceType(models.Model):
    code = models.CharField(_("licence type code"), max_length=32, unique=True)
    name = models.CharField(_("licence name"), max_length=200)
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"),
        null=True,
        blank=True,
        help_text=_("Empty: valid until revoked."),
    )

    class Meta:
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Licence(models.Model):
    number = models.CharField(_("licence number"), max_length=40, unique=True)
    type = models.ForeignKey(
        LicenceType, on_delete=models.PROTECT, related_name="licences", verbose_name=_("type")
    )
    name = models.CharField(_("licence name"), max_length=200)
    holder = models.CharField(_("holder's ID number or credit code"), max_length=18, db_index=True)
    holder_name = models.CharField(_("holder"), max_length=200)
    applicant = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("applicant"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="licence",
        verbose_name=_("issuing case"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    verify_code = models.CharField(
        _("verification code"), max_length=32, unique=True, null=True, blank=True
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["holder", "-valid_from", "id"]
        indexes = [models.Index(fields=["holder", "type"], name="licence_holder_type")]

    def __str__(self):
        return self.number


class CompositeLicence(models.Model):
    """One 行业综合许可证 issued by the delivery of a joint case (一业一证): the licences of the
    scene's items listed on it (``entries``: number and name, as issued)."""

    number = models.CharField(_("licence number"), max_length=40, unique=True)
    name = models.CharField(_("licence name"), max_length=200)
    holder = models.CharField(_("holder's ID number or credit code"), max_length=18, db_index=True)
    holder_name = models.CharField(_("holder"), max_length=200)
    applicant = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.PROTECT,
        related_name="composite_licences",
        verbose_name=_("applicant"),
    )
    issuer = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="composite_licences",
        verbose_name=_("issuing department"),
    )
    joint = models.OneToOneField(
        "joint.JointCase",
        on_delete=models.PROTECT,
        related_name="composite_licence",
        verbose_name=_("issuing joint case"),
    )
    entries = models.JSONField(_("licences listed"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    verify_code = models.CharField(_("verification code"), max_length=32, unique=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("composite licence")
        verbose_name_plural = _("composite licences")
        ordering = ["holder", "-valid_from", "id"]

    def __str__(self):
        return self.number
