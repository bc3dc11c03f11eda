from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.core.display import person_name


class Region(models.Model):
    """An administrative division (行政区划), e.g. a city or district."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent region"),
    )
    # The division codes from the top down, "330000/330100/330106/" (accounts.regions.place):
    # everything under a region is one prefix match.
    path = models.CharField(_("path"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return self.name


class Center(models.Model):
    """A government service center (政务服务中心) of a region."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="centers", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(models.Model):
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("service center"),
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent department"),
    )
    head = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Window(models.Model):
    """A counter in the hall. A comprehensive window (综合窗口) accepts for several departments."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="windows", verbose_name=_("service center")
    )
    number = models.CharField(_("window number"), max_length=16)
    name = models.CharField(_("name"), max_length=100, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="windows",
        verbose_name=_("department"),
        help_text=_("Empty for a comprehensive window."),
    )
    serves = models.ManyToManyField(
        Department,
        blank=True,
        related_name="comprehensive_windows",
        verbose_name=_("departments served"),
        help_text=_("For a comprehensive window: the departments it accepts applications for."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["center", "number"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="window_number_unique"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}".strip()

    @property
    def is_comprehensive(self) -> bool:
        return self.department_id is None


class User(AbstractUser):
    """Staff and applicants alike; roles are groups (zhengwu.core.roles)."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("window"),
    )
    # What a center-wide role (supervisor, leader, administrator) oversees (accounts.regions):
    # everything under ``region`` if set, else the one ``center``, else the whole deployment.
    center = models.ForeignKey(
        Center,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("service center"),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overseers",
        verbose_name=_("region overseen"),
        help_text=_("For supervisors and leaders above one center: every center under it."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name people read (zhengwu.core.display.person_name): never the login."""
        return person_name(self)


class Applicant(models.Model):
    """A natural person or organisation that applies. May or may not have a portal login."""

    class Kind(models.TextChoices):
        PERSON = "person", _("natural person")
        ORG = "org", _("legal person or organisation")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    id_number = models.CharField(_("ID card number"), max_length=18, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    contact = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant",
        verbose_name=_("portal account"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(kind="person"), name="applicant_person_unique"
            ),
            models.UniqueConstraint(
                fields=["uscc"], condition=Q(kind="org"), name="applicant_org_unique"
            ),
            models.CheckConstraint(
                condition=(Q(kind="person") & ~Q(id_number="")) | (Q(kind="org") & ~Q(uscc="")),
                name="applicant_has_number",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def number(self) -> str:
        return self.id_number if self.kind == self.Kind.PERSON else self.uscc


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
