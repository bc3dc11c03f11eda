"""Template helpers of 好差评: level labels, the QR code, the plain-words deadline of a task, and
the panels other apps include (the portal's rating and feedback, the guide's satisfaction)."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import clock
from zhengwu.core.identity import mask_name as _mask_name
from zhengwu.core.identity import mask_phone as _mask_phone
from zhengwu.ratings import presenters, rules, selectors, services

register = template.Library()

TASK_STATE_LABELS = {
    "open": gettext_lazy("Callback due"),
    "called_back": gettext_lazy("Outcome due"),
    "resolved": gettext_lazy("Feedback due"),
    "fed_back": gettext_lazy("Fed back"),
    "closed": gettext_lazy("Closed"),
    "appeal_upheld": gettext_lazy("Appeal upheld"),
}
OUTCOME_LABELS = {
    "rectified": gettext_lazy("Rectified at once"),
    "ledger": gettext_lazy("In the rectification ledger"),
    "explained": gettext_lazy("Explained: no legal basis"),
}
STEP_LABELS = {
    "opened": gettext_lazy("Task opened"),
    "callback": gettext_lazy("Callback"),
    "outcome": gettext_lazy("Outcome recorded"),
    "feedback": gettext_lazy("Feedback sent"),
    "accepted": gettext_lazy("Rater accepted the feedback"),
    "rejected": gettext_lazy("Rater rejected the feedback"),
    "appeal": gettext_lazy("Appeal filed"),
    "appeal_decided": gettext_lazy("Appeal decided"),
}
CHANNEL_LABELS = {
    "onsite": gettext_lazy("On site"),
    "online": gettext_lazy("Online"),
    "sms": gettext_lazy("SMS invitation"),
    "phone": gettext_lazy("Telephone"),
}


@register.filter
def level_label(level) -> str:
    return rules.LEVELS.get(level, "")


@register.filter
def dimension_label(key) -> str:
    return rules.DIMENSION_LABELS.get(key, key)


@register.filter
def task_state_label(state) -> str:
    return str(TASK_STATE_LABELS.get(state, state))


@register.filter
def outcome_label(outcome) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome or ""))


@register.filter
def step_label(kind) -> str:
    return str(STEP_LABELS.get(kind, kind))


@register.filter
def rating_channel_label(channel) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


@register.filter
def mask_name(value) -> str:
    return _mask_name(value or "")


@register.filter
def mask_phone(value) -> str:
    return _mask_phone(value or "")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def task_remaining(task, *, today=None) -> str:
    """The deadline of a task in plain words: 还剩 3 个工作日, 今天到期, 已超期 2 个工作日."""
    if task.state not in rules.DEPARTMENT_PENDING_STATES:
        return str(TASK_STATE_LABELS.get(task.state, task.state))
    from zhengwu.workdays.loader import workdays_between

    today = today or clock.today()
    if today == task.due_on:
        return _("Due today")
    left = int(workdays_between(today, task.due_on))
    if today > task.due_on:
        return _("%(n)s working days overdue") % {"n": max(-left, 1)}
    if left <= 0:
        return _("Due today")
    return _("%(n)s working days left") % {"n": left}


@register.filter
def remaining_phrase(task) -> str:
    return task_remaining(task)


@register.filter
def is_overdue(task) -> bool:
    return task.state in rules.DEPARTMENT_PENDING_STATES and task.due_on < clock.today()


@register.simple_tag(takes_context=True)
def rating_qr(context, path: str, scale: int = 5) -> str:
    """An inline SVG QR code of the absolute address of ``path``."""
    import segno

    url = services.public_url(path, context.get("request"))
    return mark_safe(segno.make(url, error="m").svg_inline(scale=scale, title=url))  # noqa: S308


@register.simple_tag(takes_context=True)
def public_link(context, path: str) -> str:
    return services.public_url(path, context.get("request"))


@register.inclusion_tag("ratings/_portal_panel.html", takes_context=True)
def rating_panel(context, case):
    """The portal's rating box of a completed case: the form, or the rating and its feedback."""
    from django.conf import settings

    rating = selectors.case_rating(case)
    task = getattr(rating, "task", None) if rating is not None and rating.is_bad else None
    window = rules.rating_window(case.completed_on, clock.today(), settings.RATINGS_WINDOW_DAYS)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "case": case,
        "rating": rating,
        "task": task,
        "open": window == "open" and rating is None,
        "closes_on": case.completed_on
        and rules.rating_closes_on(case.completed_on, settings.RATINGS_WINDOW_DAYS),
        "levels": sorted(rules.LEVELS.items(), reverse=True),
        "dimensions": presenters.dimension_fields("online", case.channel),
        "values": {},
        "errors": {},
    }


@register.inclusion_tag("ratings/_guide_panel.html")
def item_ratings(item):
    return {"summary": selectors.item_summary(item.pk)}


@register.inclusion_tag("ratings/_notice_qr.html", takes_context=True)
def notice_rating_qr(context, path: str):
    """The rating QR code printed on a decision notice."""
    return {"request": context.get("request"), "path": path, "caption": presenters.QR_CAPTION}
