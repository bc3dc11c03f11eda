"""The reads of the disclosure pages: the office's queues (filters, newest first), the requests
an applicant may see (their own account's, or the ones this browser found by number and phone),
and which of the transition table's actions the page offers."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import NotFound
from zhengwu.core.roles import Role, has_role, is_center_wide
from zhengwu.disclosure import presenters, presenters_pages, rules, selectors, services
from zhengwu.disclosure.models import OPEN_STATE_VALUES, DisclosureRequest

# The office's queues: (label, what it holds).
QUEUES = {
    "received": (
        _("To register"),
        _("Received and not yet routed to the department that holds the information."),
    ),
    "supplement": (
        _("Awaiting supplement"),
        _("A notice to supplement is out; the reply period waits for the supplement."),
    ),
    "consulting": (
        _("Consulting"),
        _("Opinions of a third party or another agency are asked for; the time is not counted."),
    ),
    "due_soon": (
        _("Due soon"),
        _("Open requests with at most one working day left before the reply is due."),
    ),
    "overdue": (
        _("Overdue"),
        _("Open requests whose reply due date has passed."),
    ),
    "to_deliver": (
        _("To deliver"),
        _("Replied; the reply is still to be delivered to the applicant."),
    ),
    "open": (_("All open"), _("Every request still being handled.")),
    "all": (_("All"), _("Every request.")),
}


def is_officer(user) -> bool:
    return has_role(user, Role.DISCLOSURE_OFFICER)


def may_open_office_pages(user) -> bool:
    """The office's pages: its officers, and the roles that watch every request."""
    return is_officer(user) or is_center_wide(user)


def visible(user) -> QuerySet:
    """What the office pages list: the officer's scope or, for the watching roles, every
    request (``selectors.scope``), never an applicant's own requests."""
    if not may_open_office_pages(user):
        return DisclosureRequest.objects.none()
    return selectors.visible(user)


def sees_all(user) -> bool:
    return is_officer(user) and user.department_id is None


def handles(user, item) -> bool:
    """Whether the reader handles the request (sees identity numbers and phones in full)."""
    return presenters.handles(user, item)


def queue(user, name: str, filters: dict) -> QuerySet:
    rows = visible(user).select_related("department")
    today = _today()
    if name == "received":
        rows = rows.filter(state=rules.State.RECEIVED)
    elif name == "supplement":
        rows = rows.filter(state=rules.State.AWAITING_SUPPLEMENT)
    elif name == "consulting":
        rows = rows.filter(state=rules.State.CONSULTING)
    elif name == "due_soon":
        rows = rows.filter(state__in=OPEN_STATE_VALUES, level="yellow")
    elif name == "overdue":
        rows = rows.filter(state__in=OPEN_STATE_VALUES, reply_due__lt=today)
    elif name == "to_deliver":
        rows = rows.filter(state=rules.State.REPLIED)
    elif name == "open":
        rows = rows.filter(state__in=OPEN_STATE_VALUES)
    if filters.get("number"):
        rows = rows.filter(number__icontains=filters["number"].strip())
    if filters.get("name"):
        rows = rows.filter(applicant_name__icontains=filters["name"].strip())
    if filters.get("department"):
        rows = rows.filter(department__code=filters["department"])
    if filters.get("received_from"):
        rows = rows.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        rows = rows.filter(received_on__lte=filters["received_to"])
    if name in ("due_soon", "overdue"):
        return rows.order_by("reply_due", "id")
    return rows.order_by("-id")


def _today() -> dt.date:
    from zhengwu.core import clock

    return clock.today()


def is_overdue(item, today: dt.date) -> bool:
    return item.state in OPEN_STATE_VALUES and item.reply_due is not None and item.reply_due < today


def get_request(user, number: str):
    """The request ``number`` in the office pages' scope, else ``NotFound`` (a 404)."""
    item = (
        visible(user)
        .select_related("department")
        .filter(number=selectors.clean_number(number))
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def request_by_number(number: str):
    number = selectors.clean_number(number)
    return DisclosureRequest.objects.select_related("department").filter(number=number).first()


find_by_number_and_phone = selectors.find_by_number_and_phone


def own_request(user, number: str):
    if not user.is_authenticated:
        return None
    return (
        DisclosureRequest.objects.select_related("department")
        .filter(number=selectors.clean_number(number), owner=user)
        .first()
    )


def own_requests(user) -> QuerySet:
    return DisclosureRequest.objects.filter(owner=user).order_by("-id")


def page_actions(user, item) -> list[str]:
    """The actions of the transition table ``user`` may take on the request now, by their page
    (and API) names, in the page's order. The applicant's own steps taken on their behalf (the
    supplement, the reasons, the payment, the withdrawal) are the officer's too."""
    allowed = rules.allowed_actions(
        item.state,
        services.acting_roles(user, item),
        notified=item.events.filter(kind=rules.Action.REQUEST_SUPPLEMENT).exists(),
        extended=item.extension_workdays > 0,
        deferred=item.deferred_workdays > 0,
    )
    names = {name for name, action in services.ACTIONS.items() if action in allowed}
    return [name for name in presenters_pages.ORDER if name in names]
