"""Template helpers of the case pages: the remaining-time phrase, Chinese dates, badges, labels.

``remaining`` and ``cn_date`` are plain functions (tested directly); the filters wrap them.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases.models import CaseCompletion, CaseLevel, CaseState
from zhengwu.cases.selectors import remaining_workdays
from zhengwu.catalog.choices import SPECIAL_PROCEDURES
from zhengwu.core import clock
from zhengwu.core.display import cn_date, cn_datetime

register = template.Library()

EVENT_LABELS = {
    "submit": gettext_lazy("Received"),
    "request_supplement": gettext_lazy("One-time notice"),
    "supplement": gettext_lazy("Supplemented"),
    "supplement_part": gettext_lazy("Partly supplemented"),
    "accept": gettext_lazy("Accepted"),
    "refuse": gettext_lazy("Not accepted"),
    "deem_accept": gettext_lazy("Deemed accepted"),
    "suspend": gettext_lazy("Special procedure started"),
    "resume": gettext_lazy("Special procedure ended"),
    "extend": gettext_lazy("Extended"),
    "decide_grant": gettext_lazy("Granted"),
    "decide_deny": gettext_lazy("Denied"),
    "deliver": gettext_lazy("Delivered"),
    "withdraw": gettext_lazy("Withdrawn"),
    "clocks_recomputed": gettext_lazy("Time limits recomputed"),
}
DELIVERY_LABELS = {
    "window": gettext_lazy("At the window"),
    "mail": gettext_lazy("By mail"),
    "electronic": gettext_lazy("Electronically"),
}
CHANNEL_LABELS = {
    "window": gettext_lazy("Window"),
    "online": gettext_lazy("Online"),
}
STATE_COLOURS = {
    CaseState.SUBMITTED: "primary",
    CaseState.SUPPLEMENT_REQUESTED: "warning",
    CaseState.ACCEPTED: "info",
    CaseState.SUSPENDED: "secondary",
    CaseState.GRANTED: "success",
    CaseState.DENIED: "danger",
    CaseState.DELIVERED: "success",
    CaseState.REFUSED: "dark",
    CaseState.WITHDRAWN: "light",
}
LEVEL_COLOURS = {
    CaseLevel.NORMAL: "success",
    CaseLevel.YELLOW: "warning",
    CaseLevel.RED: "danger",
    CaseLevel.STATUTORY_OVERDUE: "dark",
}
OPEN = ("submitted", "supplement_requested", "accepted", "suspended")


def _calendar():
    from zhengwu.workdays.loader import get_calendar

    return get_calendar()


def _left(due: dt.date, today: dt.date, calendar) -> int | None:
    """Working days in (today, due] (the intake clock)."""
    try:
        return int((calendar or _calendar()).between(today, due))
    except (ValueError, TypeError):
        return None


def remaining(case, *, today: dt.date | None = None, calendar=None) -> str:
    """The remaining time of a case in plain words: 还剩 3 个工作日, 今天到期, 已超期 2 个工作日."""
    today = today or clock.today()
    state = case.state
    if state == CaseState.SUSPENDED:
        return _("Suspended")
    if state not in OPEN:
        if case.completion:
            return str(CaseCompletion(case.completion).label)
        return str(CaseState(state).label)
    if state == CaseState.SUPPLEMENT_REQUESTED:
        return _("Waiting for the applicant")
    if state == CaseState.SUBMITTED or case.promised_due is None:
        due = case.intake_due
        if due is None:
            return ""
        if today > due:
            return _("Intake limit passed")
        if today == due:
            return _("Intake due today")
        left = _left(due, today, calendar)
        return _("%(n)s working days left for intake") % {"n": left}
    due = case.promised_due
    if today == due:
        return _("Due today")
    left = remaining_workdays(case, today=today, calendar=calendar)
    if today > due:
        late = -left if left is not None else 0
        if late <= 0:
            return _("Overdue")
        return _("%(n)s working days overdue") % {"n": late}
    if left is None:
        return ""
    if left <= 0:
        return _("Due today")
    return _("%(n)s working days left") % {"n": left}


@register.filter(name="cn_date")
def cn_date_filter(value) -> str:
    return cn_date(value)


@register.filter(name="cn_datetime")
def cn_datetime_filter(value) -> str:
    return cn_datetime(value)


@register.filter
def remaining_phrase(case) -> str:
    return remaining(case)


@register.filter
def state_colour(state) -> str:
    return STATE_COLOURS.get(state, "secondary")


@register.filter
def level_colour(level) -> str:
    return LEVEL_COLOURS.get(level, "secondary")


@register.filter
def state_label(state) -> str:
    try:
        return str(CaseState(state).label)
    except ValueError:
        return str(state)


@register.filter
def level_label(level) -> str:
    try:
        return str(CaseLevel(level).label)
    except ValueError:
        return ""


@register.filter
def event_label(kind) -> str:
    return str(EVENT_LABELS.get(kind, kind))


@register.filter
def channel_label(channel) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


@register.filter
def procedure_label(code) -> str:
    for value, label, _chinese in SPECIAL_PROCEDURES:
        if value == code:
            return _(label)
    return str(code or "")


@register.filter
def delivery_label(method) -> str:
    return str(DELIVERY_LABELS.get(method, method))


@register.inclusion_tag("cases/staff/_state_badge.html")
def state_badge(case):
    return {"state": case.state, "testid": "case-state"}


@register.inclusion_tag("cases/staff/_level_badge.html")
def level_badge(case):
    return {"level": case.level, "is_open": case.state in OPEN}


@register.filter(name="workdays_left")
def workdays_left_filter(case):
    """The working days left on an open case's promised clock (computed, not stored)."""
    return remaining_workdays(case)
