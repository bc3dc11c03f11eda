"""Reads of e-supervision. Every list is filtered by the caller's scope in one query: supervisors,
leaders and administrators see every department; a department's staff (clerk, reviewer, head)
their own departments; anyone else nothing.

The report functions (``warning_counts``, ``irregularity_counts``, ``top_irregular_cases``) are the
contract of the assessment reports: plain values, a period of local dates ``[start, end]``, an
optional set of departments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department
from zhengwu.cases.models import OPEN_STATE_VALUES, Case, CaseLevel
from zhengwu.cases.selectors import (
    WARNING_LEVEL_VALUES,
    at_levels,
    level_scope,
    local_department_ids,
    staff_department_ids,
    visible_at_levels,
)
from zhengwu.core.errors import NotFound
from zhengwu.core.roles import Role, has_role, is_center_wide, role_names
from zhengwu.supervision.models import (
    CaseWarning,
    DailySeal,
    Irregularity,
    IrregularityKind,
    IrregularityStatus,
    WarningLevel,
)

BOARD_LEVELS = (
    CaseLevel.NORMAL,
    CaseLevel.YELLOW,
    CaseLevel.RED,
    CaseLevel.STATUTORY_OVERDUE,
)


# ---------------------------------------------------------------- the reports' contract


def _period(queryset: QuerySet, field: str, start: dt.date, end: dt.date, department_ids):
    queryset = queryset.filter(**{f"{field}__gte": start, f"{field}__lte": end})
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=sorted({int(d) for d in department_ids}))
    return queryset


def warning_counts(
    *, start: dt.date, end: dt.date, department_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Warnings raised in ``[start, end]`` by level: every level's key, 0 when none."""
    rows = (
        _period(CaseWarning.objects.all(), "raised_on", start, end, department_ids)
        .values_list("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {level.value: 0 for level in WarningLevel}
    for level, n in rows:
        counts[level] = n
    return counts


def irregularity_counts(
    *, start: dt.date, end: dt.date, department_ids: Iterable[int] | None = None
) -> list[tuple[str, str, int]]:
    """``(kind, Chinese label, count)`` of the irregularities detected in ``[start, end]``, most
    first; every kind is listed, those with none last. The findings other apps keep
    (``finding_sources``: the reconciliation's discrepancies) are counted too, after the case
    irregularities' kinds when counts tie."""
    from zhengwu.supervision import finding_sources

    if department_ids is not None:
        department_ids = sorted({int(d) for d in department_ids})
    rows = dict(
        _period(Irregularity.objects.all(), "detected_on", start, end, department_ids)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    out = [(kind.value, str(kind.label), rows.get(kind.value, 0)) for kind in IrregularityKind]
    out += finding_sources.counts(start, end, department_ids)
    order = {row[0]: i for i, row in enumerate(out)}
    return sorted(out, key=lambda row: (-row[2], order[row[0]]))


def top_irregular_cases(
    *,
    start: dt.date,
    end: dt.date,
    department_ids: Iterable[int] | None = None,
    limit: int = 10,
) -> list[dict]:
    """The cases with the most irregularities detected in ``[start, end]``: dicts with
    ``number``, ``department``, ``kind`` (the kinds' labels joined by 、), ``count`` and
    ``detected_on`` (the latest)."""
    base = _period(Irregularity.objects.all(), "detected_on", start, end, department_ids)
    top = list(
        base.values("case_id")
        .annotate(n=Count("id"), last=Max("detected_on"))
        .order_by("-n", "-last", "case_id")[: max(int(limit), 0)]
    )
    if not top:
        return []
    ids = [row["case_id"] for row in top]
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=ids)
        .select_related("department")
        .only("id", "number", "department__name")
    }
    kinds: dict[int, list[str]] = {}
    labels = dict(IrregularityKind.choices)
    for case_id, kind in base.filter(case_id__in=ids).values_list("case_id", "kind").distinct():
        kinds.setdefault(case_id, []).append(kind)
    order = {kind.value: i for i, kind in enumerate(IrregularityKind)}
    out = []
    for row in top:
        case = cases[row["case_id"]]
        names = sorted(kinds.get(case.pk, []), key=order.get)
        out.append(
            {
                "number": case.number,
                "department": case.department.name,
                "kind": "、".join(str(labels[k]) for k in names),
                "kinds": names,
                "count": row["n"],
                "detected_on": row["last"],
            }
        )
    return out


# ---------------------------------------------------------------- scope


def may_supervise(user) -> bool:
    """Whether the user may open the supervision pages at all."""
    return is_center_wide(user) or bool(staff_department_ids(user))


def department_scope(user) -> set[int] | None:
    """``None`` for every department (center-wide roles), else the user's departments."""
    if is_center_wide(user):
        return regions.overseen_department_ids(user)
    return local_department_ids(user)


def _scoped(queryset: QuerySet, user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not role_names(user):
        return queryset.none()
    if is_center_wide(user):
        # The departments overseen as a subquery in the same query (accounts.regions).
        return queryset.filter(regions.department_q(user, "department"))
    ids = department_scope(user)
    if ids is None:
        return queryset
    return queryset.filter(department_id__in=sorted(ids))


def visible_departments(user) -> QuerySet[Department]:
    ids = department_scope(user)
    departments = Department.objects.filter(is_active=True)
    return departments if ids is None else departments.filter(pk__in=sorted(ids))


# ---------------------------------------------------------------- the board


@dataclass(frozen=True)
class BoardRow:
    department: Department
    counts: dict[str, int]
    total: int


def board(user) -> tuple[list[BoardRow], dict[str, int]]:
    """Open cases by department and level, one GROUP BY over the open cases; rows for
    every visible department (zeros included) and the totals by level."""
    cases = _scoped(Case.objects.filter(state__in=OPEN_STATE_VALUES), user)
    counts: dict[int, dict[str, int]] = {}
    for department_id, level, n in (
        cases.values_list("department_id", "level").annotate(n=Count("id")).order_by()
    ):
        counts.setdefault(department_id, {})[level or CaseLevel.NORMAL.value] = n
    departments = visible_departments(user).order_by("sort_order", "code")
    rows = []
    totals = {level.value: 0 for level in BOARD_LEVELS}
    seen = set()
    for department in departments:
        seen.add(department.pk)
        by_level = {
            level.value: counts.get(department.pk, {}).get(level.value, 0) for level in BOARD_LEVELS
        }
        for key, n in by_level.items():
            totals[key] += n
        rows.append(BoardRow(department, by_level, sum(by_level.values())))
    return rows, totals


def rating_loop(user, *, limit: int = 10) -> dict:
    """The bad-rating loop on the board: overdue rectifications recorded and not reviewed yet,
    and real-name bad ratings whose rater has not been called back, in the user's scope."""
    from zhengwu.ratings.selectors import real_name_bad_without_callback

    overdue = _scoped(
        Irregularity.objects.filter(
            kind=IrregularityKind.RECTIFICATION_OVERDUE, status=IrregularityStatus.OPEN
        ),
        user,
    ).select_related("case", "department")
    no_callback = _scoped(real_name_bad_without_callback(), user)
    return {
        "overdue": list(overdue.order_by("-detected_at", "-id")[:limit]),
        "overdue_count": overdue.count(),
        "no_callback": list(no_callback[:limit]),
        "no_callback_count": no_callback.count(),
    }


def board_cases(user, *, department_id: int | None, level: str) -> QuerySet[Case]:
    """The open cases behind one cell of the board (paged newest first by
    ``cases.selectors.page``, which reads their item, version and department with them)."""
    if level in WARNING_LEVEL_VALUES and level_scope(user) is not None:
        # a scope of departments alone is the workbench's: stated once, on the table of the
        # open cases at warning levels (``cases.selectors.visible_at_levels``)
        cases = visible_at_levels(user, [level])
    else:
        cases = _scoped(Case.objects.filter(state__in=OPEN_STATE_VALUES), user)
        if level:
            cases = at_levels(cases, [level], user=user)
    if department_id is not None:
        cases = cases.filter(department_id=department_id)
    return cases


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class ListFilters:
    department: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    level: str = ""
    kind: str = ""
    status: str = ""
    number: str = ""


def _listed(queryset: QuerySet, user, filters: ListFilters, day: str, code: str, value: str):
    queryset = _scoped(queryset, user)
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.start:
        queryset = queryset.filter(**{f"{day}__gte": filters.start})
    if filters.end:
        queryset = queryset.filter(**{f"{day}__lte": filters.end})
    if value:
        queryset = queryset.filter(**{code: value})
    if filters.number:
        queryset = queryset.filter(case__number=filters.number)
    return queryset.select_related("case", "department")


def warnings(user, filters: ListFilters) -> QuerySet[CaseWarning]:
    queryset = _listed(
        CaseWarning.objects.all(), user, filters, "raised_on", "level", filters.level
    )
    return queryset.order_by("-raised_at", "-id")


def irregularities(user, filters: ListFilters) -> QuerySet[Irregularity]:
    queryset = _listed(
        Irregularity.objects.all(), user, filters, "detected_on", "kind", filters.kind
    )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by("-detected_at", "-id")


def get_irregularity(user, pk) -> Irregularity:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = (
        _scoped(Irregularity.objects.all(), user)
        .select_related("case", "department", "case__item_version")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def recipients(warning_ids: Iterable[int]) -> dict[int, list[str]]:
    """Who was told of each warning: display names by warning id."""
    from zhengwu.notifications.models import Notification

    out: dict[int, list[str]] = {}
    rows = (
        Notification.objects.filter(kind="warning", source_id__in=list(warning_ids))
        .select_related("recipient")
        .order_by("source_id", "recipient_id")
    )
    for row in rows:
        out.setdefault(row.source_id, []).append(row.recipient.display_name)
    return out


def for_case(case: Case) -> dict:
    """A case page's warnings and irregularities (the caller has already seen the case)."""
    return {
        "warnings": list(case.warnings.order_by("raised_at", "id")),
        "irregularities": list(
            case.irregularities.prefetch_related("reviews__reviewer").order_by("detected_at", "id")
        ),
    }


def latest_seal() -> DailySeal | None:
    return DailySeal.objects.order_by("-day").first()


@dataclass(frozen=True)
class SealStatus:
    """The daily seal in plain words for the board: the day last sealed, the seal last
    recomputed from the events by the worker (None before the first recheck), whether the trail
    was found whole, and each problem as a sentence."""

    day: dt.date
    cases: int
    events: int
    rechecked_day: dt.date | None
    rechecked_at: dt.datetime | None
    intact: bool
    problems: tuple[str, ...]


def seal_status() -> SealStatus | None:
    """The chain of seals checked now (cheap: one hash per day sealed) and the latest stored
    recheck of a seal against the events (``seal.recheck``, run by a worker the day after), or
    None before the first seal. No page recomputes a seal from the events."""
    from zhengwu.supervision.seal import SealProblem, chain_problems

    seals = list(DailySeal.objects.order_by("day"))
    if not seals:
        return None
    latest = seals[-1]
    found = chain_problems(seals)
    rechecked = max(
        (row for row in seals if row.rechecked_at is not None),
        key=lambda row: row.day,
        default=None,
    )
    if rechecked is not None and rechecked.recheck_digest != rechecked.digest:
        found.append(
            SealProblem(
                rechecked.day,
                "heads_changed",
                (rechecked.cases, rechecked.events),
                (rechecked.recheck_cases or 0, rechecked.recheck_events or 0),
            )
        )
    problems = tuple(_seal_problem(p) for p in found)
    return SealStatus(
        latest.day,
        latest.cases,
        latest.events,
        rechecked.day if rechecked else None,
        rechecked.rechecked_at if rechecked else None,
        not problems,
        problems,
    )


def _seal_problem(problem) -> str:
    from django.utils.translation import gettext as _

    from zhengwu.core.display import cn_date

    if problem.reason == "seal_chain":
        return _("The seal of %(day)s no longer follows from the seal before it.") % {
            "day": cn_date(problem.day)
        }
    return _(
        "The cases of %(day)s no longer match their seal: %(sealed_cases)d cases with "
        "%(sealed_events)d events were sealed, %(cases)d cases with %(events)d events are "
        "there now."
    ) % {
        "day": cn_date(problem.day),
        "sealed_cases": problem.sealed[0],
        "sealed_events": problem.sealed[1],
        "cases": problem.found[0],
        "events": problem.found[1],
    }


__all__ = [
    "BOARD_LEVELS",
    "board",
    "board_cases",
    "department_scope",
    "for_case",
    "get_irregularity",
    "irregularities",
    "irregularity_counts",
    "latest_seal",
    "may_supervise",
    "rating_loop",
    "seal_status",
    "top_irregular_cases",
    "warning_counts",
    "warnings",
]


# ---------------------------------------------------------------- home page

OPEN_WAITING = _lazy("Irregularities awaiting review")
ANSWERED_WAITING = _lazy("Irregularities explained by the department, awaiting review")
REFERRED_WAITING = _lazy("Irregularities awaiting your department's explanation")


def waiting_work(user) -> list:
    """A supervisor's or department head's home page line: irregularities awaiting review."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from zhengwu.core.paging import COUNT_CAP, capped_count, shown
    from zhengwu.core.workbench import Work

    if not has_role(user, Role.SUPERVISOR, Role.DEPARTMENT_HEAD) or not may_supervise(user):
        return []
    from zhengwu.supervision.models import IrregularityStatus

    lines = [("supervision-irregularities", IrregularityStatus.OPEN, OPEN_WAITING)]
    if has_role(user, Role.SUPERVISOR):
        lines.append(
            ("supervision-irregularities-answered", IrregularityStatus.ANSWERED, ANSWERED_WAITING)
        )
    if has_role(user, Role.DEPARTMENT_HEAD) and user.department_id:
        lines.append(
            ("supervision-irregularities-referred", IrregularityStatus.REFERRED, REFERRED_WAITING)
        )
    return [
        Work(
            key=key,
            label=label,
            count=shown(
                *capped_count(irregularities(user, ListFilters(status=status.value)), COUNT_CAP)
            ),
            url=reverse("supervision:irregularities") + f"?status={status.value}",
            urgent=True,
            section=gettext_lazy("Supervision"),
        )
        for key, status, label in lines
    ]
