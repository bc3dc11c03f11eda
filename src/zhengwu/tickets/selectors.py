"""Reads of tickets. Every list and detail is filtered by the caller's scope in one query.

Scope: the hotline desk (operators), supervisors, leaders and administrators see every ticket;
the staff of a handling unit see the tickets dispatched to their department; a citizen sees the
tickets of their own account. Anyone else sees nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department
from zhengwu.core import clock
from zhengwu.core.cursors import decode_cursor, encode_cursor
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.ratios import Ratio
from zhengwu.core.roles import Role, role_names
from zhengwu.tickets import reports
from zhengwu.tickets.models import (
    HANDLING_STATE_VALUES,
    OPEN_STATE_VALUES,
    Category,
    Kind,
    Outcome,
    Satisfaction,
    Ticket,
    TicketEvent,
)
from zhengwu.tickets.rules import INVESTIGABLE_STATES, TERMINAL_STATES, State

DESK_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
UNIT_ROLES = frozenset({Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD})
SUBSTANTIATED = (Outcome.SUBSTANTIATED, Outcome.PARTLY)
# Replied by the deadline (a consultation answered on the spot has none and is on time).
ON_TIME = Q(replied_at__isnull=False) & (Q(due_at__isnull=True) | Q(replied_at__lte=F("due_at")))
# The current reply has been called back (a redo clears the reply and starts a new round, so an
# earlier round's callback does not count): always a subset of the replied tickets.
CALLED_BACK = Q(replied_at__isnull=False, callback_round=F("redo_count"))
SATISFIED = Q(callback_reached=True, satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])


def scope(user) -> Q:
    """The tickets ``user`` may see."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    roles = role_names(user)
    if Role.OPERATOR in roles:
        return Q()  # the hotline's desk takes and dispatches every ticket
    if roles & DESK_ROLES:
        # A supervisor, leader or administrator: the tickets dispatched to the departments they
        # oversee (everything, undispatched ones too, when they oversee the whole deployment).
        return regions.department_q(user)
    q = Q(pk__in=[])
    if roles & UNIT_ROLES and user.department_id:
        q |= Q(department_id=user.department_id)
    if Role.APPLICANT in roles:
        q |= Q(owner_id=user.pk)
    return q


def filter_departments(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The handling units a ticket list may be narrowed to, grouped by center
    (``regions.by_center``): every department for the hotline's operators and for those who
    oversee the whole deployment, the overseen ones for a supervisor, leader or administrator of
    a region or center, a handling unit's own department."""
    roles = role_names(user)
    if Role.OPERATOR in roles:
        return regions.by_center(Department.objects.all())
    if roles & DESK_ROLES:
        return regions.by_center(regions.overseen_departments_or_all(user))
    if roles & UNIT_ROLES and user.department_id:
        return regions.by_center(Department.objects.filter(pk=user.department_id))
    return []


def visible_tickets(user) -> QuerySet[Ticket]:
    return Ticket.objects.filter(scope(user))


def _text(value) -> str:
    """A lookup term as the database can take it (PostgreSQL refuses NUL)."""
    return str(value or "").replace("\x00", "").strip()


def get_ticket(user, number: str) -> Ticket:
    """The ticket ``number`` if ``user`` may see it; ``NotFound`` otherwise (never says which)."""
    number = _text(number)[:32]
    ticket = (
        visible_tickets(user)
        .select_related(
            "category",
            "department",
            "related_department",
            "related_case",
            "investigated_department",
            "duplicate_of",
        )
        .filter(number=number)
        .first()
        if number
        else None
    )
    if ticket is None:
        raise NotFound()
    return ticket


def events(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.order_by("seq").select_related("actor")


def categories(*, active_only: bool = True) -> QuerySet[Category]:
    queryset = Category.objects.select_related("parent")
    return queryset.filter(active=True) if active_only else queryset


@dataclass(frozen=True)
class TicketFilters:
    state: tuple[str, ...] = ()
    kind: str = ""
    category: str = ""
    department: str = ""
    number: str = ""
    phone: str = ""
    urgent: bool | None = None
    urged: bool | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def filtered(user, filters: TicketFilters) -> QuerySet[Ticket]:
    queryset = visible_tickets(user)
    if filters.state:
        queryset = queryset.filter(state__in=list(filters.state))
    if filters.kind:
        queryset = queryset.filter(kind=_text(filters.kind))
    if filters.category:
        code = _text(filters.category)
        queryset = queryset.filter(Q(category__code=code) | Q(category__parent__code=code))
    if filters.department:
        queryset = queryset.filter(department__code=_text(filters.department))
    if filters.number:
        queryset = queryset.filter(number=_text(filters.number))
    if filters.phone:
        queryset = queryset.filter(caller_phone=_text(filters.phone))
    if filters.urgent is not None:
        queryset = queryset.filter(urgent=filters.urgent)
    if filters.urged is not None:
        queryset = (
            queryset.filter(urge_level__gt=0) if filters.urged else queryset.filter(urge_level=0)
        )
    if filters.received_from:
        queryset = queryset.filter(received_at__gte=clock.start_of_day(filters.received_from))
    if filters.received_to:
        end = clock.start_of_day(filters.received_to + dt.timedelta(days=1))
        queryset = queryset.filter(received_at__lt=end)
    return queryset


# The work queues: name → (what it holds, as a filter on the visible tickets).
def _queues(now: dt.datetime, user) -> dict[str, Q]:
    return {
        "dispatch": Q(state=State.RECEIVED),
        "accept": Q(state=State.DISPATCHED),
        "handling": Q(state__in=[State.ACCEPTED, State.EXTENSION_REQUESTED]),
        "returns": Q(state=State.RETURN_REQUESTED),
        "extensions": Q(state=State.EXTENSION_REQUESTED),
        "callback": Q(state=State.REPLIED),
        "unsettled": Q(state=State.CALLED_BACK),
        "urged": Q(urge_level__gt=0, state__in=OPEN_STATE_VALUES),
        "overdue": Q(state__in=HANDLING_STATE_VALUES, due_at__lt=now),
        "investigate": Q(
            category__is_efficiency=True,
            investigation_outcome="",
            state__in=[s.value for s in INVESTIGABLE_STATES],
        ),
        "mine": Q(owner_id=user.pk) | Q(created_by_id=user.pk),
        "open": Q(state__in=OPEN_STATE_VALUES),
        "closed": Q(state__in=[s.value for s in TERMINAL_STATES]),
        "all": Q(),
    }


QUEUE_NAMES = (
    "dispatch",
    "accept",
    "handling",
    "returns",
    "extensions",
    "callback",
    "unsettled",
    "urged",
    "overdue",
    "investigate",
    "mine",
    "open",
    "closed",
    "all",
)


def queue(user, name: str, filters: TicketFilters | None = None) -> QuerySet[Ticket]:
    """The tickets of work queue ``name`` that ``user`` may see (``QUEUE_NAMES``)."""
    if name not in QUEUE_NAMES:
        raise ValidationFailed({"queue": [_unknown_queue()]})
    queryset = filtered(user, filters or TicketFilters())
    return queryset.filter(_queues(clock.now(), user)[name])


def _unknown_queue():
    from django.utils.translation import gettext as _

    return _("Choose one of the allowed values.")


def page(
    queryset: QuerySet[Ticket], *, after: str = "", limit: int = 20
) -> tuple[list[Ticket], str]:
    """Keyset paging, newest first: ``(tickets, next cursor or "")``. No COUNT is run."""
    after_id = decode_cursor(after)
    if after_id is not None:
        queryset = queryset.filter(id__lt=after_id)
    rows = list(queryset.select_related("category", "department").order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].pk) if more and rows else ""


# ---------------------------------------------------------------- reports


def _period(start: dt.date, end: dt.date) -> Q:
    """Tickets received on the Shanghai days ``start`` … ``end`` (both included)."""
    return Q(
        received_at__gte=clock.start_of_day(start),
        received_at__lt=clock.start_of_day(end + dt.timedelta(days=1)),
    )


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# The category reports count rows and outcomes only: ``count(*)`` and a count of the outcome
# column, both answered from the index ``ticket_report_category`` (received_at, category,
# investigation_outcome) without reading the table (counting ``id`` would read every row).
_CATEGORY_COUNTS = {
    "received": Count("*"),
    "substantiated": Count(
        "investigation_outcome", filter=Q(investigation_outcome__in=SUBSTANTIATED)
    ),
}


def _reported(reader) -> QuerySet[Ticket]:
    """The tickets a report counts: those ``reader`` may see (``scope``: the hotline desk every
    ticket, a supervisor or leader those of the centers under their region or their center), or
    every ticket without a reader (the public figures, the assessment provider, which filters
    by department itself)."""
    return Ticket.objects.all() if reader is None else Ticket.objects.filter(scope(reader))


def category_report(
    *, start: dt.date, end: dt.date, efficiency_only: bool = True, reader=None
) -> dict:
    """Received and substantiated per category for tickets received ``start`` … ``end``, with
    share, 查实率, its difference from the overall rate in points and the year-on-year change
    (``reports.category_rows``). By default only efficiency complaints (效能投诉) count; with a
    ``reader``, only the tickets they may see (``_reported``)."""
    base = _reported(reader)
    if efficiency_only:
        base = base.filter(category__is_efficiency=True)

    def counts(period: Q) -> dict[int, tuple[int, int]]:
        rows = (
            base.filter(period)
            .order_by()
            .values("category_id")
            .annotate(
                **_CATEGORY_COUNTS,
            )
        )
        return {r["category_id"]: (r["received"], r["substantiated"]) for r in rows}

    now = counts(_period(start, end))
    before = counts(_period(_year_before(start), _year_before(end)))
    names = dict(Category.objects.filter(pk__in=set(now) | set(before)).values_list("pk", "code"))
    labels = dict(Category.objects.filter(pk__in=list(names)).values_list("pk", "name"))
    data = [
        reports.CategoryCount(
            code=names[pk],
            name=labels[pk],
            received=now.get(pk, (0, 0))[0],
            substantiated=now.get(pk, (0, 0))[1],
            previous_received=before.get(pk, (0, 0))[0],
        )
        for pk in names
    ]
    return reports.category_rows(data)


def year_report(
    *, start: dt.date, end: dt.date, efficiency_only: bool = True, reader=None
) -> list[dict]:
    """Received and substantiated per year (Shanghai calendar years) of ``start`` … ``end``,
    each year with its categories (``reports.category_rows`` within the year, year on year
    against the year before when it is in the period); with a ``reader``, only the tickets they
    may see (``_reported``)."""
    base = _reported(reader).filter(_period(start, end))
    if efficiency_only:
        base = base.filter(category__is_efficiency=True)
    rows = list(
        base.annotate(year=ExtractYear("received_at", tzinfo=clock.LOCAL_TZ))
        .order_by()
        .values("year", "category_id")
        .annotate(
            **_CATEGORY_COUNTS,
        )
    )
    names = dict(
        Category.objects.filter(pk__in={r["category_id"] for r in rows}).values_list("pk", "code")
    )
    labels = dict(Category.objects.filter(pk__in=list(names)).values_list("pk", "name"))
    by_year: dict[int, dict[int, tuple[int, int]]] = {}
    for r in rows:
        by_year.setdefault(r["year"], {})[r["category_id"]] = (r["received"], r["substantiated"])
    totals = [
        (year, sum(v[0] for v in cats.values()), sum(v[1] for v in cats.values()))
        for year, cats in by_year.items()
    ]
    result = reports.year_rows(totals)
    for row in result:
        this, before = by_year[row["year"]], by_year.get(row["year"] - 1, {})
        row["categories"] = reports.category_rows(
            [
                reports.CategoryCount(
                    code=names[pk],
                    name=labels[pk],
                    received=received,
                    substantiated=substantiated,
                    previous_received=before.get(pk, (0, 0))[0],
                )
                for pk, (received, substantiated) in this.items()
            ]
        )["rows"]
    return result


def performance_report(*, start: dt.date, end: dt.date, reader=None) -> list[dict]:
    """Every handling unit's response, on-time, callback, resolution and satisfaction rates,
    returns and redo rounds, ranked (``reports.department_rows``), for tickets received
    ``start`` … ``end`` and dispatched; with a ``reader``, the units of the tickets they may see
    (``_reported``). Counted over ``department`` (never null here) and the columns the index
    ``ticket_report_dept`` carries, so the report reads that index only."""
    rows = (
        _reported(reader)
        .filter(_period(start, end), department__isnull=False)
        .order_by()
        .values("department_id")
        .annotate(
            dispatched=Count("department", filter=Q(dispatched_at__isnull=False)),
            accepted_in_time=Count("department", filter=Q(accepted_at__lte=F("accept_due"))),
            replied=Count("department", filter=Q(replied_at__isnull=False)),
            replied_on_time=Count("department", filter=ON_TIME),
            called_back=Count("department", filter=CALLED_BACK),
            reached=Count("department", filter=Q(callback_reached=True)),
            resolved=Count("department", filter=Q(callback_reached=True, callback_resolved=True)),
            satisfied=Count("department", filter=SATISFIED),
            returned=Count("department", filter=Q(returned=True)),
            redo=Sum("redo_count"),
        )
    )
    rows = list(rows)
    departments = {
        d.pk: d for d in Department.objects.filter(pk__in=[r["department_id"] for r in rows])
    }
    data = []
    for r in rows:
        department = departments[r.pop("department_id")]
        r["redo"] = r["redo"] or 0
        data.append(reports.DepartmentCount(code=department.code, name=department.name, **r))
    return reports.department_rows(data)


def public_monthly_stats(year: int, month: int, *, reader=None) -> dict:
    """A month's public figures (no personal data): received by kind, closed, replied on time
    and callbacks, with the on-time and satisfaction rates; with a ``reader`` (the quarterly
    bulletin), of the tickets they may see (``_reported``)."""
    start = dt.date(year, month, 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    base = _reported(reader).filter(_period(start, end)).order_by()
    by_kind = dict(base.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    totals = base.aggregate(
        received=Count("id"),
        closed=Count("id", filter=Q(closed_at__isnull=False)),
        replied=Count("id", filter=Q(replied_at__isnull=False)),
        replied_on_time=Count("id", filter=ON_TIME),
        reached=Count("id", filter=Q(callback_reached=True)),
        satisfied=Count("id", filter=SATISFIED),
    )
    return {
        "year": year,
        "month": month,
        "received": totals["received"],
        "by_kind": {kind: by_kind.get(kind, 0) for kind in Kind.values},
        "closed": totals["closed"],
        "on_time_rate": Ratio(totals["replied_on_time"], totals["replied"]),
        "satisfaction_rate": Ratio(totals["satisfied"], totals["reached"]),
    }


# ---------------------------------------------------------------- home page

# The queues each role's home page counts (the workbench's tabs of the same names).
HOME_QUEUES = (
    (frozenset({Role.OPERATOR, Role.ADMIN}), ("dispatch", "returns", "extensions", "callback")),
    (UNIT_ROLES, ("accept", "handling", "overdue")),
    (frozenset({Role.SUPERVISOR}), ("urged", "investigate")),
    (frozenset({Role.LEADER}), ("overdue", "urged")),
)
URGENT_QUEUES = frozenset({"overdue", "urged"})


def waiting_work(user) -> list:
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from zhengwu.core.paging import COUNT_CAP, capped_count, shown
    from zhengwu.core.workbench import Work

    labels = {
        "dispatch": gettext_lazy("New, awaiting dispatch"),
        "accept": gettext_lazy("Awaiting acceptance"),
        "handling": gettext_lazy("Being handled"),
        "returns": gettext_lazy("Returns to review"),
        "extensions": gettext_lazy("Extension requests"),
        "overdue": gettext_lazy("Overdue"),
        "callback": gettext_lazy("Awaiting callback"),
        "urged": gettext_lazy("Urged (督办)"),
        "investigate": gettext_lazy("Efficiency complaints to investigate"),
    }
    held = role_names(user)
    names: list[str] = []
    for roles, queue_names in HOME_QUEUES:
        if any(role.value in held for role in roles):
            names += [name for name in queue_names if name not in names]
    url = reverse("tickets:workbench")
    return [
        Work(
            key=f"tickets-{name}",
            label=labels[name],
            section=gettext_lazy("Hotline tickets"),
            count=shown(*capped_count(queue(user, name), COUNT_CAP)),
            url=f"{url}?queue={name}",
            urgent=name in URGENT_QUEUES,
        )
        for name in names
    ]
