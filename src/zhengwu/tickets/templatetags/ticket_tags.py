"""Template helpers of the ticket pages: rates, states and the pages' navigation."""

from __future__ import annotations

from django import template

from zhengwu.core.ratios import Ratio
from zhengwu.core.roles import Role, role_names

register = template.Library()

STATE_COLOURS = {
    "received": "warning",
    "dispatched": "info",
    "accepted": "primary",
    "return_requested": "danger",
    "extension_requested": "warning",
    "replied": "info",
    "called_back": "danger",
    "closed": "success",
    "transferred": "dark",
    "merged": "secondary",
}


@register.filter
def pct(value) -> str:
    """A ``Ratio`` as a percentage, one decimal, rounded half up; "—" when there is no data."""
    if isinstance(value, Ratio):
        value = value.percent(1)
    return "—" if value is None else f"{value}%"


@register.filter
def signed(value) -> str:
    """A difference in points or a change with its sign; "—" when there is none."""
    if isinstance(value, Ratio):
        value = value.percent(1)
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


@register.filter
def count(value) -> int:
    """The count behind a ``Ratio`` (its numerator), or the value itself."""
    return value.numerator if isinstance(value, Ratio) else value


@register.filter
def state_colour(state) -> str:
    return STATE_COLOURS.get(str(state), "secondary")


@register.inclusion_tag("tickets/_nav.html", takes_context=True)
def ticket_nav(context, active: str = ""):
    roles = role_names(context["request"].user)
    desk = bool(roles & {Role.OPERATOR, Role.ADMIN})
    staff = desk or bool(
        roles
        & {
            Role.WINDOW_CLERK,
            Role.REVIEWER,
            Role.DEPARTMENT_HEAD,
            Role.SUPERVISOR,
            Role.LEADER,
        }
    )
    return {
        "active": active,
        "desk": desk,
        "staff": staff,
        "reports": desk or bool(roles & {Role.SUPERVISOR, Role.LEADER}),
    }
