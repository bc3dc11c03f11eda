"""The words of a notification, rendered in the reader's language when shown or sent."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.cases.models import CaseLevel
from zhengwu.cases.selectors import as_of_today
from zhengwu.notifications.models import Notification, NotificationKind


def title(notification: Notification) -> str:
    number = notification.case.number if notification.case_id else ""
    if notification.kind == NotificationKind.WARNING:
        label = dict(CaseLevel.choices).get(notification.code, notification.code)
        return _("Case %(number)s: %(level)s") % {"number": number, "level": label}
    from zhengwu.supervision.models import IrregularityKind

    label = dict(IrregularityKind.choices).get(notification.code, notification.code)
    return _("Case %(number)s: irregularity found: %(kind)s") % {"number": number, "kind": label}


def body(notification: Notification) -> str:
    case = notification.case
    if case is None:
        return title(notification)
    as_of_today(case)
    if notification.kind == NotificationKind.WARNING:
        return _(
            "%(title)s. Promised due date %(promised)s, statutory due date %(statutory)s. "
            "Please handle it in time."
        ) % {
            "title": title(notification),
            "promised": _cn(case.promised_due),
            "statutory": _cn(case.statutory_due),
        }
    return _("%(title)s. A supervisor will review it; the case page shows the evidence.") % {
        "title": title(notification)
    }


def link(notification: Notification) -> str:
    if notification.case_id is None:
        return reverse("notifications:inbox")
    return reverse("cases:detail", args=[notification.case.number])


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"
