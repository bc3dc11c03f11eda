"""Stored calendar data. The package gives the base; these rows always win (docs/calendar.md).

Rows are written only through ``zhengwu.workdays.services``, which logs every change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core import clock
from zhengwu.workdays.formatting import show_date


class CalendarYear(models.Model):
    """A year's status. Without a row, the package decides (official if it knows the year)."""

    class Status(models.TextChoices):
        OFFICIAL = "official", _("official")
        PROVISIONAL = "provisional", _("provisional")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    notice = models.CharField(
        _("notice"),
        max_length=200,
        blank=True,
        help_text=_("The State Council notice the schedule comes from."),
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}"

    @property
    def is_imported(self) -> bool:
        return self.imported_at is not None


class CalendarDay(models.Model):
    """A stored day: whether it is a working day wins over the package."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        IMPORT = "import", _("official schedule import")

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return show_date(self.date)


class CalendarChange(models.Model):
    """Append-only log of what an import or an edit changed.

    A day change has a ``date`` and ``before``/``after`` states ``{"is_workday", "name",
    "provisional"}``; a year change (an import) has no date and ``{"status"}`` states.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", _("official schedule import")
        EDIT = "edit", _("edit")
        DELETE = "delete", _("override removed")

    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.year} {self.date or ''} {self.get_kind_display()}"
