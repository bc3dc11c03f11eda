"""Reads of cases. Every list and detail is filtered by the caller's scope in one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department, User, Window
from zhengwu.cases.clocks import carry_forward
from zhengwu.cases.models import (
    OPEN_STATE_VALUES,
    WARNING_LEVELS,
    Case,
    CaseAtLevel,
    CaseEvent,
)
from zhengwu.cases.rules import State
from zhengwu.core import clock
from zhengwu.core.cursors import decode_cursor, encode_cursor
from zhengwu.core.errors import NotFound
from zhengwu.core.queries import CompiledQuery
from zhengwu.core.roles import (
    CENTER_WIDE_ROLES,
    Role,
    is_center_wide,
    remember_roles,
    role_names,
    roles_read,
)

STAFF_CASE_ROLES = frozenset({Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD})
WARNING_LEVEL_VALUES = frozenset(level.value for level in WARNING_LEVELS)


def as_of_today(cases, *, today: dt.date | None = None, calendar=None):
    """Bring the stored clocks of the suspended cases among ``cases`` (one case or an iterable)
    forward to ``today``, in memory: their due dates, suspended working days, provisional flag
    and ``clocks_on`` become what ``compute_clocks`` gives as of today
    (``clocks.carry_forward``). Stored, a suspended case keeps the clocks of its last step: the
    supervision sweep does not rewrite it every working day. Every read that shows a case
    goes through here; the services lock and recompute their own rows. Returns ``cases``."""
    many = not isinstance(cases, Case)
    rows = cases if many else (cases,)
    today = today or clock.today()
    for case in rows:
        if case.state != State.SUSPENDED or case.clocks_on is None or case.clocks_on >= today:
            continue
        if calendar is None:
            from zhengwu.workdays.loader import get_calendar

            calendar = get_calendar()
        try:
            carried = carry_forward(case, today, calendar)
        except (ValueError, TypeError):  # beyond the calendar's range: keep the stored clocks
            continue
        if carried is not None:
            case.promised_due = carried.promised_due
            case.statutory_due = carried.statutory_due
            case.suspended_workdays = carried.suspended_workdays
            case.provisional = carried.provisional
            case.clocks_on = carried.as_of
    return cases


def remaining_workdays(case, *, today: dt.date | None = None, calendar=None) -> int | None:
    """The working days left on an open case's promised clock: the working days in (today,
    ``promised_due``], negative when the due date has passed; ``None`` for a case not accepted yet
    or closed. Not stored (it changes every working day): computed here, O(1), the same figure as
    ``compute_clocks(..., as_of=today).remaining_workdays``. A suspended case counts from the day
    its clocks were computed for (``clocks_on``: today once carried forward by ``as_of_today``);
    a due date that moves while it waits keeps the figure frozen."""
    if case.state not in OPEN_STATE_VALUES or case.promised_due is None:
        return None
    if calendar is None:
        from zhengwu.workdays.loader import get_calendar

        calendar = get_calendar()
    today = today or clock.today()
    as_of = case.clocks_on if case.state == "suspended" and case.clocks_on else today
    try:
        return int(calendar.between(as_of, case.promised_due))
    except (ValueError, TypeError):
        return None


_ROLES_AND_WINDOW = CompiledQuery(
    lambda pk: (
        User.objects.filter(pk=pk)
        .order_by()
        .values_list(
            "groups__name",
            "window__department_id",
            "window__serves",
            "window__center_id",
            "window__serves__center_id",
        )
    ),
    kinds=(int,),
)


def staff_department_ids(user) -> set[int]:
    """The departments whose cases a clerk, reviewer or head handles: their own, and for a clerk
    at a comprehensive window every department the window serves. For a user at a window whose
    roles are not read yet, the roles and the window's departments are read in one query.

    A comprehensive window of a center below a served department's own (a township's
    便民服务中心 taking a county bureau's delegated items) handles only the cases received at
    its center's windows: those departments are kept apart (``_foreign_departments``)."""
    cached = getattr(user, "_zhengwu_case_departments", None)
    if cached is not None:
        return cached
    window_rows = None
    if user.window_id and not roles_read(user):
        rows = _ROLES_AND_WINDOW.rows(user.pk)
        remember_roles(user, {row[0] for row in rows if row[0]})
        window_rows = [row[1:] for row in rows]
    roles = role_names(user)
    user._zhengwu_case_foreign = (None, frozenset())
    if not roles & STAFF_CASE_ROLES:
        return set()
    ids = {user.department_id} if user.department_id else set()
    foreign: set[int] = set()
    window_center = None
    if user.window_id and Role.WINDOW_CLERK in roles:
        # The window's own department, or (comprehensive) each department it serves.
        if window_rows is None:
            window_rows = (
                Window.objects.filter(pk=user.window_id)
                .order_by()
                .values_list("department_id", "serves", "center_id", "serves__center_id")
            )
        for own, served, center, served_center in window_rows:
            window_center = center
            if own is not None:
                ids.add(own)
            elif served is not None:
                ids.add(served)
                if served_center != center and served != user.department_id:
                    foreign.add(served)
    user._zhengwu_case_departments = ids
    user._zhengwu_case_foreign = (window_center, frozenset(foreign))
    return ids


def local_department_ids(user) -> set[int]:
    """``staff_department_ids`` without the departments of another center a township's window
    serves (their cases count there only as received at that center: ``scope``), for the lists
    and figures kept by department (the board, the indicators)."""
    return staff_department_ids(user) - _foreign_departments(user)[1]


def _foreign_departments(user) -> tuple[int | None, frozenset[int]]:
    """The window's center and the served departments of other centers (after
    ``staff_department_ids``)."""
    staff_department_ids(user)
    return getattr(user, "_zhengwu_case_foreign", (None, frozenset()))


def scope(user) -> Q:
    """The cases ``user`` may see: staff their departments', applicants their own, the
    provincial platform those it filed."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return regions.department_q(user)
    q = Q(pk__in=[])
    departments = staff_department_ids(user)
    center, foreign = _foreign_departments(user)
    if departments - foreign:
        q |= Q(department_id__in=sorted(departments - foreign))
    if foreign:
        # Delegated items: only what this center's windows received.
        q |= Q(department_id__in=sorted(foreign), window__center_id=center)
    if Role.APPLICANT in roles:
        q |= Q(owner_id=user.pk)
    if Role.PLATFORM in roles:  # what it filed (the ``case_platform_filed`` index)
        q |= Q(created_by_id=user.pk, platform_number__isnull=False)
    return q


def visible_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(scope(user))


def get_case(user, number: str) -> Case:
    """The case ``number`` if ``user`` may see it; ``NotFound`` otherwise (never says which)."""
    number = str(number or "")[:32]
    if "\x00" in number:  # no case number has one; PostgreSQL refuses it in a query
        raise NotFound()
    case = (
        visible_cases(user)
        .select_related("item", "item_version", "department", "applicant", "window", "owner")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound()
    return as_of_today(case)


def find_by_number_and_phone(number: str, phone: str) -> Case:
    """Progress lookup without login: the number and the phone given with the application."""
    number, phone = _text(number)[:32], _text(phone)[:20]
    case = (
        Case.objects.select_related("item_version", "department")
        .filter(number=number, contact_phone=phone)
        .exclude(contact_phone="")
        .first()
    )
    if not number or not phone or case is None:
        raise NotFound()
    return as_of_today(case)


def events(case: Case) -> QuerySet[CaseEvent] | list[CaseEvent]:
    """The case's events in order; those it already holds (a case just filed) are not read."""
    held = getattr(case, "_prefetched_objects_cache", {}).get("events")
    if held is not None:
        return sorted(held, key=lambda row: row.seq)
    return case.events.order_by("seq").select_related("actor")


@dataclass(frozen=True)
class CaseFilters:
    state: tuple[str, ...] = ()
    level: str = ""
    department: str = ""
    item: str = ""
    applicant: str = ""
    number: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    open_only: bool = False


def _text(value) -> str:
    """A lookup term as the database can take it (PostgreSQL refuses NUL)."""
    return str(value or "").replace("\x00", "").strip()


def filtered(user, filters: CaseFilters, levels=()) -> QuerySet[Case]:
    """``user``'s cases as ``filters`` say; ``levels`` (a queue's) stand for ``filters.level``."""
    levels = [str(level) for level in levels or ([filters.level] if filters.level else [])]
    queryset = visible_at_levels(user, levels) if levels else visible_cases(user)
    if filters.state:
        queryset = queryset.filter(state__in=list(filters.state))
    if filters.open_only and not set(levels) & WARNING_LEVEL_VALUES:
        # (Only an open case is held at a warning level: ``at_levels`` reads those alone.)
        queryset = queryset.filter(state__in=OPEN_STATE_VALUES)
    if filters.department:
        queryset = queryset.filter(department__code=_text(filters.department))
    if filters.item:
        queryset = queryset.filter(item__impl_code=_text(filters.item))
    if filters.applicant:
        value = _text(filters.applicant).upper()
        queryset = queryset.filter(Q(applicant__id_number=value) | Q(applicant__uscc=value))
    if filters.number:
        queryset = queryset.filter(number=_text(filters.number))
    if filters.received_from:
        queryset = queryset.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        queryset = queryset.filter(received_on__lte=filters.received_to)
    return queryset


def at_levels(queryset: QuerySet[Case], levels, *, user=None) -> QuerySet[Case]:
    """The cases of ``queryset`` stored at one of ``levels``. Cases at warning levels are found
    through the table of the open cases at warning levels (``CaseAtLevel``, kept by the
    database: ``cases.at_level``), joined by key: ``level`` is in no index of the cases table.
    Given ``user``, the joined rows are narrowed to the departments that bound their cases
    (``department_bound``), so that a department's or a region's list reads only its own rows
    of that table, takes the newest and joins those few to the cases; the cases themselves keep
    the caller's exact scope. Other levels (normal, or a mix with one) are a plain filter."""
    levels = [str(level) for level in levels]
    if not levels or not set(levels) <= WARNING_LEVEL_VALUES:
        return queryset.filter(level__in=levels)
    held = _held(levels)
    if user is not None:
        held &= department_bound(user, "at_level__department")
    return queryset.filter(held)


def visible_at_levels(user, levels) -> QuerySet[Case]:
    """``user``'s cases stored at one of ``levels``. Where ``user``'s scope is departments and
    nothing else (``level_scope``) and the levels are warning levels, the scope is stated once,
    on the table of the open cases at warning levels, and not again on the cases: a row there
    has its case's department, and the same condition on both tables would make PostgreSQL
    count its selectivity twice (it would then expect a handful of rows, join every one to
    the cases and sort them, rather than take the newest first)."""
    levels = [str(level) for level in levels]
    exact = level_scope(user) if levels and set(levels) <= WARNING_LEVEL_VALUES else None
    if exact is None:
        return at_levels(visible_cases(user), levels, user=user)
    return Case.objects.filter(_held(levels) & exact)


def level_scope(user, field: str = "at_level__department") -> Q | None:
    """``scope(user)`` as a condition on ``<field>`` (by default a case's row of the open cases
    at warning levels) when the scope is departments and nothing else: a center-wide role's
    overseen departments (``Q()`` for every one), a staff member's own. ``None`` where it is
    more: an applicant's or the platform's own cases, a township window's cases of another
    center's departments (only those received at its center)."""
    departments, exact = _scope_departments(user)
    return _within(departments, field) if exact else None


def held_rows(user, levels, filters: CaseFilters | None = None) -> QuerySet[CaseAtLevel] | None:
    """The rows of the open cases at warning levels that stand one for one for ``user``'s cases
    at ``levels``, when they can be counted alone: warning levels, a scope of departments and
    nothing else (``level_scope``), no filter of the caller's (an item, an applicant, a number
    or a date is not on the row). A tab's count then reads that table's index and never the
    cases. ``None`` otherwise: count ``visible_at_levels``."""
    levels = [str(level) for level in levels]
    if not levels or not set(levels) <= WARNING_LEVEL_VALUES:
        return None
    if filters is not None and filters != CaseFilters():
        return None
    exact = level_scope(user, "department")
    if exact is None:
        return None
    return CaseAtLevel.objects.filter(_held(levels, "level") & exact)


def _held(levels: list[str], field: str = "at_level__level") -> Q:
    return Q(**{f"{field}__in": levels}) if len(levels) > 1 else Q(**{field: levels[0]})


def department_bound(user, field: str = "department") -> Q:
    """A condition on ``<field>`` that holds for the department of every case ``user`` may
    see (``scope``; ``Q()`` where nothing bounds them): the overseen departments of a
    center-wide role, a staff member's departments. An applicant's or the platform's own
    cases may be of any department."""
    return _within(_scope_departments(user)[0], field)


def _scope_departments(user) -> tuple[set[int] | None, bool]:
    """The departments that bound ``user``'s cases (``None``: any), and whether ``scope`` is
    exactly those departments' cases (``level_scope``, ``department_bound``)."""
    if not getattr(user, "is_authenticated", False):
        return None, False
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return regions.overseen_department_ids(user), True
    if Role.APPLICANT in roles or Role.PLATFORM in roles:
        return None, False
    departments = staff_department_ids(user)
    return departments, not _foreign_departments(user)[1]


def _within(departments: set[int] | None, field: str) -> Q:
    return Q() if departments is None else Q(**{f"{field}__in": sorted(departments)})


def filter_departments(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The departments a workbench user may narrow their lists to, grouped by center
    (``regions.by_center``): a center-wide role's overseen departments (every one for the
    province's), a staff member's own when they have more than one; none otherwise."""
    if is_center_wide(user):
        return regions.by_center(regions.overseen_departments_or_all(user))
    if len(own := staff_department_ids(user)) > 1:
        return regions.by_center(Department.objects.filter(pk__in=sorted(own)))
    return []


def page(queryset: QuerySet[Case], *, after: str = "", limit: int = 20) -> tuple[list[Case], str]:
    """Keyset paging, newest first: ``(cases, next cursor or "")``. No COUNT is run. The page's
    keys are chosen first, in a subquery of ``queryset`` alone, and only those rows are joined
    to their items, versions, departments and applicants: joined before the limit, PostgreSQL
    hashed every applicant to join every candidate and then kept 21. ``queryset`` gives the
    keys only: its own ``select_related``, ``only`` or annotations do not reach the rows."""
    after_id = decode_cursor(after)
    if after_id is not None:
        queryset = queryset.filter(id__lt=after_id)
    keys = queryset.order_by("-id").values("id")[: limit + 1]
    rows = list(
        Case.objects.filter(id__in=keys)
        .select_related("item", "item_version", "department", "applicant")
        .order_by("-id")
    )
    more = len(rows) > limit
    rows = as_of_today(rows[:limit])
    return rows, encode_cursor(rows[-1].pk) if more and rows else ""


WORKLIST_LIMIT = 50
# The states in which an applicant's case is under way without waiting for them.
RUNNING_STATES = (State.SUBMITTED, State.ACCEPTED, State.SUSPENDED, State.GRANTED)


def applicant_worklist(user, limit: int = WORKLIST_LIMIT) -> tuple[list[Case], list[Case]]:
    """The portal home's two lists of the applicant's own cases: those waiting for them
    (待补正, the nearest supplement due date first) and those under way (newest first)."""
    mine = visible_cases(user).filter(owner=user).select_related("item_version")
    # the waiting cases name their missing materials: one query for all their items' materials
    waiting = list(
        mine.filter(state=State.SUPPLEMENT_REQUESTED)
        .prefetch_related("item_version__materials")
        .order_by("supplement_due", "-id")[:limit]
    )
    running = list(mine.filter(state__in=RUNNING_STATES).order_by("-id")[:limit])
    return waiting, as_of_today(running)


def open_received_between(low: dt.datetime, high: dt.datetime) -> int:
    """Cases received in [low, high) and still open: their warnings would still be recorded
    in that month (``core.partitions``' archive keeps the month while any is)."""
    return Case.objects.filter(
        received_at__gte=low, received_at__lt=high, state__in=OPEN_STATE_VALUES
    ).count()
