"""The words of the hall's staffing notifications (``hall_irregular``, ``duty_roster``),
rendered in the reader's language by ``zhengwu.notifications.messages``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.core.display import cn_date, cn_datetime, person_name
from zhengwu.hall.models.staffing import DutyRoster, HallIrregularity
from zhengwu.notifications.models import Notification, NotificationKind

KINDS = (NotificationKind.HALL_IRREGULARITY, NotificationKind.DUTY_ROSTER)


def _source(notification: Notification):
    if not hasattr(notification, "_hall_source"):
        if notification.kind == NotificationKind.DUTY_ROSTER:
            found = (
                DutyRoster.objects.select_related("hall", "leader_a", "leader_b")
                .prefetch_related("patrol_staff")
                .filter(pk=notification.source_id)
                .first()
            )
        else:
            found = (
                HallIrregularity.objects.select_related("hall", "window", "finding")
                .filter(pk=notification.source_id)
                .first()
            )
        notification._hall_source = found
    return notification._hall_source


def title(notification: Notification) -> str:
    found = _source(notification)
    if notification.kind == NotificationKind.DUTY_ROSTER:
        day = cn_date(found.day) if found is not None else ""
        return _("Duty roster of %(day)s") % {"day": day}
    label = dict(HallIrregularity.Kind.choices).get(notification.code, notification.code)
    if found is not None and found.window_id:
        return _("Hall irregularity: %(kind)s at window %(window)s") % {
            "kind": label,
            "window": found.window.number,
        }
    return _("Hall irregularity: %(kind)s") % {"kind": label}


def body(notification: Notification) -> str:
    found = _source(notification)
    if found is None:
        return title(notification)
    if notification.kind == NotificationKind.DUTY_ROSTER:
        staff = "、".join(person_name(u) for u in found.patrol_staff.all()) or "—"
        return _(
            "%(hall)s, %(day)s: duty leader A %(a)s, duty leader B %(b)s, patrol staff %(staff)s."
        ) % {
            "hall": found.hall.name,
            "day": cn_date(found.day),
            "a": person_name(found.leader_a),
            "b": person_name(found.leader_b) or "—",
            "staff": staff,
        }
    return _("%(title)s, since %(start)s. Please see to it.") % {
        "title": title(notification),
        "start": cn_datetime(found.started_at),
    }


def link(notification: Notification) -> str:
    if notification.kind == NotificationKind.DUTY_ROSTER:
        return reverse("hall:patrols")
    return reverse("hall:irregularities")
