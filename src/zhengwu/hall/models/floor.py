"""The floor both halves of the hall app stand on: the hall itself (its hours and where it is,
for attendance by location), the A and B posts of each window, and who is signed in at a window
now. The queue (``queue``) calls only at a window someone is signed in to; the empty-post sweep
(``staffing``) reads the same sign-ins."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Center, Window


class Hall(models.Model):
    """A service hall (服务大厅) of a center. Opening hours apply on the calendar's working days
    only (make-up Saturdays open, holidays closed); a lunch break is optional."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="halls", verbose_name=_("service center")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)
    radius_m = models.PositiveIntegerField(
        _("sign-in radius (metres)"),
        default=50,
        help_text=_("A sign-in by location farther than this from the hall is refused."),
    )
    opens_at = models.TimeField(_("opens at"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(17, 0))
    break_from = models.TimeField(_("lunch break from"), null=True, blank=True)
    break_to = models.TimeField(_("lunch break to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        ordering = ["center", "code"]

    def __str__(self):
        return self.name


class WindowPost(models.Model):
    """A window on the hall floor with its A post (A岗, the usual clerk) and B post (B岗, who
    covers when A is away)."""

    window = models.OneToOneField(
        Window, on_delete=models.CASCADE, related_name="post", verbose_name=_("window")
    )
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="posts", verbose_name=_("service hall")
    )
    post_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="a_posts",
        verbose_name=_("A post"),
    )
    post_b = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="b_posts",
        verbose_name=_("B post"),
    )

    class Meta:
        verbose_name = _("window post")
        verbose_name_plural = _("window posts")
        ordering = ["hall", "window__number"]

    def __str__(self):
        return str(self.window)


class WindowSession(models.Model):
    """A member of staff signed in at a window, from ``started_at`` until ``ended_at`` (open while
    empty). At most one open session per window and per person."""

    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("window")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="window_sessions",
        verbose_name=_("staff"),
    )
    started_at = models.DateTimeField(_("signed in at"))
    ended_at = models.DateTimeField(_("signed out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("window sign-in")
        verbose_name_plural = _("window sign-ins")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window"],
                condition=models.Q(ended_at__isnull=True),
                name="hall_one_open_session_per_window",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(ended_at__isnull=True),
                name="hall_one_open_session_per_user",
            ),
        ]
        indexes = [models.Index(fields=["window", "started_at"], name="hall_session_window")]

    def __str__(self):
        return f"{self.window} {self.user}"
