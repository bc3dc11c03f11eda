"""The workbench queues (办件工作台): which cases each tab lists and which tab each role opens on.

A queue is a ``CaseFilters`` (the selectors' vocabulary) plus, where a filter cannot say it, the
levels it lists (``selectors.at_levels``). ``queryset()`` combines the queue with the caller's
own filters on top of ``selectors.filtered``, so every tab stays inside the caller's scope. Tab
counts use ``core.paging.capped_count``: never a full-table COUNT.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import Case, CaseLevel
from zhengwu.cases.rules import DECISION_STATES, State
from zhengwu.cases.selectors import CaseFilters, filtered, held_rows
from zhengwu.core import paging
from zhengwu.core.paging import capped_count
from zhengwu.core.roles import Role, role_names

COUNT_CAP = paging.COUNT_CAP
STAFF_ROLES = frozenset({Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD})
WATCHING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
WORKBENCH_ROLES = STAFF_ROLES | WATCHING_ROLES
DONE_STATES = tuple(
    sorted({*(s.value for s in DECISION_STATES), State.REFUSED.value, State.WITHDRAWN.value})
)


@dataclass(frozen=True)
class Queue:
    key: str
    label: object
    filters: CaseFilters
    levels: tuple[str, ...] = ()
    # The roles that open the workbench on this tab when no tab is asked for.
    default_for: frozenset[str] = frozenset()
    # The deadline the tab's rows show: the decision's, or the delivery's on 待送达.
    due_field: str = "promised_due"

    def apply(self, base: CaseFilters) -> CaseFilters:
        """The caller's filters with this queue's state, level and open-only restrictions."""
        return dataclasses.replace(
            base,
            state=self.filters.state,
            level=self.filters.level,
            open_only=self.filters.open_only,
        )


QUEUES: tuple[Queue, ...] = (
    Queue(
        "intake",
        _("Awaiting intake"),
        CaseFilters(state=(State.SUBMITTED.value,)),
        default_for=frozenset({Role.WINDOW_CLERK.value}),
    ),
    Queue(
        "supplement",
        _("Awaiting supplement"),
        CaseFilters(state=(State.SUPPLEMENT_REQUESTED.value,)),
    ),
    Queue(
        "review",
        _("Under review"),
        CaseFilters(state=(State.ACCEPTED.value,)),
        default_for=frozenset({Role.REVIEWER.value, Role.DEPARTMENT_HEAD.value}),
    ),
    Queue("suspended", _("Suspended"), CaseFilters(state=(State.SUSPENDED.value,))),
    # Granted, not yet delivered: the window delivers within 10 working days (DOMAIN §3.6).
    Queue(
        "delivery",
        _("Awaiting delivery"),
        CaseFilters(state=(State.GRANTED.value,)),
        due_field="delivery_due",
    ),
    Queue(
        "due_soon",
        _("Due soon"),
        CaseFilters(level=CaseLevel.YELLOW.value, open_only=True),
    ),
    Queue(
        "overdue",
        _("Overdue"),
        CaseFilters(),  # open only: the levels imply it (``at_levels``)
        levels=(CaseLevel.RED.value, CaseLevel.STATUTORY_OVERDUE.value),
        default_for=frozenset({r.value for r in WATCHING_ROLES}),
    ),
    Queue("done", _("Completed"), CaseFilters(state=DONE_STATES)),
)
BY_KEY = {queue.key: queue for queue in QUEUES}
# Which default wins when a user holds several roles: the first role listed here they hold.
ROLE_PRECEDENCE = (
    Role.WINDOW_CLERK,
    Role.REVIEWER,
    Role.DEPARTMENT_HEAD,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.ADMIN,
)
# Hints shown on a tab for a role: a department head approves extensions from the review tabs.
HINTS: dict[tuple[str, str], str] = {
    (Role.DEPARTMENT_HEAD.value, "review"): "extension",
    (Role.DEPARTMENT_HEAD.value, "due_soon"): "extension",
    (Role.DEPARTMENT_HEAD.value, "suspended"): "extension",
}


def may_use_workbench(user) -> bool:
    return bool(role_names(user) & WORKBENCH_ROLES)


def default_queue(roles) -> str:
    held = {str(r) for r in roles}
    for role in ROLE_PRECEDENCE:
        if role.value in held:
            for queue in QUEUES:
                if role.value in queue.default_for:
                    return queue.key
    return QUEUES[0].key


def resolve(key: str | None, roles) -> Queue:
    """The queue asked for, or the caller's default tab for an unknown or missing key."""
    return BY_KEY.get(key or "") or BY_KEY[default_queue(roles)]


def hints(roles, key: str) -> list[str]:
    held = {str(r) for r in roles}
    return sorted({hint for (role, queue), hint in HINTS.items() if role in held and queue == key})


def queryset(user, queue: Queue, base: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases of ``queue`` that ``user`` may see, narrowed by the caller's ``base`` filters."""
    return filtered(user, queue.apply(base or CaseFilters()), queue.levels)


def count(
    user, queue: Queue, base: CaseFilters | None = None, cap: int = COUNT_CAP
) -> tuple[int, bool]:
    """A tab's capped count ``(count, capped)``; a warning tab with no filter of the caller's
    counts the rows of the open cases at warning levels alone (``selectors.held_rows``)."""
    levels = queue.levels or ((queue.filters.level,) if queue.filters.level else ())
    rows = held_rows(user, levels, base)
    return capped_count(queryset(user, queue, base) if rows is None else rows, cap)


def counts(user, base: CaseFilters | None = None, cap: int = COUNT_CAP) -> dict[str, str]:
    """Every tab's count as shown: a number, or ``"999+"`` past the cap."""
    out = {}
    for queue in QUEUES:
        number, capped = count(user, queue, base, cap)
        out[queue.key] = f"{number}+" if capped else str(number)
    return out


def parse_count(shown: str) -> tuple[int, bool]:
    """A count as ``counts`` shows it back to ``(count, capped)``."""
    return int(shown.rstrip("+")), shown.endswith("+")


def extension_candidate(case: Case) -> bool:
    """A case a department head may still extend: in review, not extended, running short."""
    return (
        case.state in (State.ACCEPTED.value, State.SUSPENDED.value)
        and case.extension_workdays == 0
        and case.level in (CaseLevel.YELLOW.value, CaseLevel.RED.value)
    )


# The tabs each role's home page counts, in the workbench's order.
HOME_QUEUES: dict[Role, tuple[str, ...]] = {
    Role.WINDOW_CLERK: ("intake", "supplement", "delivery", "due_soon"),
    Role.REVIEWER: ("review", "due_soon", "overdue"),
    Role.DEPARTMENT_HEAD: ("review", "suspended", "due_soon", "overdue"),
    Role.SUPERVISOR: ("due_soon", "overdue"),
    Role.LEADER: ("due_soon", "overdue"),
    Role.ADMIN: ("due_soon", "overdue"),
}
URGENT_QUEUES = frozenset({"due_soon", "overdue"})


def waiting_work(user) -> list:
    """The home page's lines: each counted tab of the user's roles, linked to that tab."""
    from zhengwu.core.paging import shown
    from zhengwu.core.workbench import Work

    held = role_names(user)
    keys = {key for role, tabs in HOME_QUEUES.items() if role.value in held for key in tabs}
    url = reverse("cases:workbench")
    return [
        Work(
            key=f"cases-{queue.key}",
            label=queue.label,
            count=shown(*count(user, queue)),
            url=f"{url}?queue={queue.key}",
            urgent=queue.key in URGENT_QUEUES,
            section=_("Cases"),
        )
        for queue in QUEUES
        if queue.key in keys
    ]


def applicant_work(user) -> list:
    """An applicant's home page lines: their cases awaiting a supplement, and those in progress."""
    from zhengwu.cases.rules import OPEN_STATES
    from zhengwu.cases.selectors import visible_cases
    from zhengwu.core.paging import shown
    from zhengwu.core.workbench import Work

    if Role.APPLICANT.value not in role_names(user):
        return []
    own = visible_cases(user).filter(owner=user)
    url = reverse("portal:home")
    supplement = own.filter(state=State.SUPPLEMENT_REQUESTED.value)
    in_progress = own.filter(state__in=sorted(s.value for s in OPEN_STATES))
    return [
        Work(
            "portal-supplement",
            _("Materials to hand in"),
            shown(*capped_count(supplement, COUNT_CAP)),
            url,
            urgent=True,
            section=_("My applications"),
        ),
        Work(
            "portal-open",
            _("Applications in progress"),
            shown(*capped_count(in_progress, COUNT_CAP)),
            url,
            section=_("My applications"),
        ),
    ]
