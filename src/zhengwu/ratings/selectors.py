"""Reads of 好差评, each scoped by the caller in one query; and the pure indicator contract that
the indicators API, the monthly brief and e-supervision use.

``rating_indicator_counts(start=, end=, group=, department_ids=None)`` returns
``{group_key: {indicator_key: (numerator, denominator)}}`` (DOMAIN.md §5):

=====================  =====================================================================
active_rating_rate     completed cases (``Case.completed_on`` in [start, end]) that have a
                       rating counted in the statistics ÷ those completed cases
good_rate              ratings of 5 or 4 ÷ ratings
satisfaction_rate      ratings of 5, 4 or 3 ÷ ratings
bad_rate               ratings of 2 or 1 ÷ ratings
rectification_rate     bad ratings whose task was fed back or closed ÷ bad ratings
callback_rate          real-name bad ratings whose rater was called back ÷ real-name bad ratings
=====================  =====================================================================

Date basis: ``active_rating_rate`` counts cases by their completion date (``Case.completed_on``);
the five others count ratings by their rating date (``Rating.rated_on``, Asia/Shanghai), so a bad
rating and its task's progress count in the period the rating was given, whenever the task moves.
A rating whose appeal was upheld (``excluded``) counts nowhere, numerator or denominator.

Groups are those of the assessment indicators (``assessment.selectors.group_expression``, applied
to the rated case): ``department`` (department id), ``window`` (window id; ``None``: online
applications), ``staff`` (the clerk who filed a window application, ``Case.created_by``;
``None``: online applications), ``item`` (service item id) and ``center`` (the department's
service center id). A group with no data is absent. ``rating_counts`` is the same figures as
the assessment app's provider (``assessment.providers``), registered in ``RatingsConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhengwu.accounts import regions
from zhengwu.assessment.formulas import Count as IndicatorCount
from zhengwu.assessment.selectors import GROUPS, group_expression
from zhengwu.cases.models import Case
from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core import clock
from zhengwu.core.errors import NotFound
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.ratings.models import Appeal, Rating, RectificationTask
from zhengwu.ratings.rules import (
    DEPARTMENT_PENDING_STATES,
    RECTIFIED_STATES,
    SATISFIED_LEVELS,
    Tally,
)


def rating_indicator_counts(
    *, start: dt.date, end: dt.date, group: str, department_ids=None
) -> dict[object, dict[str, tuple[int, int]]]:
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}; one of {sorted(GROUPS)}")
    tallies: dict[object, Tally] = defaultdict(Tally)

    cases = Case.objects.filter(completed_on__gte=start, completed_on__lte=end)
    ratings = Rating.objects.filter(rated_on__gte=start, rated_on__lte=end, excluded=False)
    if department_ids is not None:
        cases = cases.filter(department_id__in=list(department_ids))
        ratings = ratings.filter(department_id__in=list(department_ids))
    # The completed cases from the decided-cases index alone (no column outside it is read), and
    # those with a rating counted from the ratings' side: far fewer rows than the completed
    # cases, each joined to its case by primary key.
    case_rows = (
        cases.annotate(g=group_expression(group))
        .values("g")
        .annotate(completed=Count("completed_on"))
        .order_by()
    )
    for row in case_rows:
        tallies[row["g"]].completed = row["completed"]
    rated = Rating.objects.filter(
        excluded=False, case__completed_on__gte=start, case__completed_on__lte=end
    )
    if department_ids is not None:
        rated = rated.filter(case__department_id__in=list(department_ids))
    rated_rows = (
        rated.annotate(g=group_expression(group, prefix="case__"))
        .values("g")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    for row in rated_rows:
        tallies[row["g"]].rated_completed = row["n"]

    bad = Q(level__lte=2)
    rating_rows = (
        ratings.annotate(g=group_expression(group, prefix="case__"))
        .values("g")
        .annotate(
            ratings=Count("id"),
            good=Count("id", filter=Q(level__gte=4)),
            satisfied=Count("id", filter=Q(level__in=sorted(SATISFIED_LEVELS))),
            bad=Count("id", filter=bad),
            rectified_bad=Count(
                "id", filter=bad & Q(task__state__in=[s.value for s in RECTIFIED_STATES])
            ),
            real_name_bad=Count("id", filter=bad & Q(real_name=True)),
            called_back=Count(
                "id", filter=bad & Q(real_name=True, task__called_back_at__isnull=False)
            ),
        )
        .order_by()
    )
    for row in rating_rows:
        tally = tallies[row["g"]]
        for name in TALLIED:
            setattr(tally, name, row[name])
    return {key: tally.indicators() for key, tally in tallies.items()}


TALLIED = ("ratings", "good", "satisfied", "bad", "rectified_bad", "real_name_bad", "called_back")


def rating_counts(*, start, end, group, department_ids) -> dict[object, dict[str, IndicatorCount]]:
    """The assessment provider: ``rating_indicator_counts`` as ``formulas.Count`` values."""
    counts = rating_indicator_counts(
        start=start, end=end, group=group, department_ids=department_ids
    )
    return {
        key: {name: IndicatorCount(*pair) for name, pair in row.items()}
        for key, row in counts.items()
    }


def overdue_rectifications(*, today: dt.date | None = None) -> QuerySet[RectificationTask]:
    """Tasks still waiting for the department after their due date (e-supervision warns)."""
    today = today or clock.today()
    return (
        RectificationTask.objects.filter(
            state__in=[s.value for s in DEPARTMENT_PENDING_STATES], due_on__lt=today
        )
        .select_related("rating", "rating__case", "rating__item", "department")
        .order_by("due_on", "id")
    )


def real_name_bad_without_callback() -> QuerySet[Rating]:
    """Real-name bad ratings counted in the statistics whose rater has not been called back
    (DOMAIN §6: real-name bad ratings are called back, 100 %)."""
    return (
        Rating.objects.filter(
            level__lte=2, real_name=True, excluded=False, task__called_back_at__isnull=True
        )
        .select_related("case", "item", "department", "task")
        .order_by("rated_at", "id")
    )


# ---------------------------------------------------------------- scoped reads

STAFF_RATING_ROLES = frozenset({Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD})


def may_see_ratings(user) -> bool:
    return bool(role_names(user) & (STAFF_RATING_ROLES | CENTER_WIDE_ROLES))


def may_supervise_ratings(user) -> bool:
    """The supervisors' ratings page: center-wide roles only (links to it check this too)."""
    return bool(role_names(user) & CENTER_WIDE_ROLES)


def rating_scope(user) -> Q:
    """Center-wide roles see every department; staff the departments whose cases they handle."""
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return regions.department_q(user)
    departments = staff_department_ids(user)
    if not departments:
        return Q(pk__in=[])
    return Q(department_id__in=sorted(departments))


@dataclass(frozen=True)
class RatingFilters:
    case: str = ""
    department: str = ""
    level: int | None = None
    channel: str = ""
    rated_from: dt.date | None = None
    rated_to: dt.date | None = None
    bad_only: bool = False


def ratings(user, filters: RatingFilters = RatingFilters()) -> QuerySet[Rating]:
    queryset = Rating.objects.filter(rating_scope(user)).select_related(
        "case", "item", "department", "window", "task"
    )
    if filters.case:
        queryset = queryset.filter(case__number=filters.case)
    if filters.department:
        queryset = queryset.filter(department__code=filters.department)
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.rated_from:
        queryset = queryset.filter(rated_on__gte=filters.rated_from)
    if filters.rated_to:
        queryset = queryset.filter(rated_on__lte=filters.rated_to)
    if filters.bad_only:
        queryset = queryset.filter(level__lte=2)
    return queryset.order_by("-id")


# Tasks belong to the department of their rating: the same scope.
task_scope = rating_scope


def tasks(user, *, state: str = "", overdue: bool = False) -> QuerySet[RectificationTask]:
    queryset = RectificationTask.objects.filter(task_scope(user)).select_related(
        "rating", "rating__case", "rating__item", "department"
    )
    if state == "pending":
        queryset = queryset.filter(state__in=[s.value for s in DEPARTMENT_PENDING_STATES])
    elif state:
        queryset = queryset.filter(state=state)
    if overdue:
        queryset = queryset.filter(
            state__in=[s.value for s in DEPARTMENT_PENDING_STATES], due_on__lt=clock.today()
        )
    return queryset.order_by("due_on", "id")


def get_task(user, task_id) -> RectificationTask:
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    task = (
        RectificationTask.objects.filter(task_scope(user), pk=task_id)
        .select_related("rating", "rating__case", "rating__item", "department", "rating__window")
        .first()
    )
    if task is None:
        raise NotFound()
    return task


def pending_appeals() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(decision=Appeal.Decision.PENDING)
        .select_related("task", "task__rating", "task__rating__case", "task__department")
        .order_by("filed_at", "id")
    )


def escalated_tasks() -> QuerySet[RectificationTask]:
    return (
        RectificationTask.objects.filter(escalated=True)
        .exclude(state__in=["closed", "appeal_upheld"])
        .select_related("rating", "rating__case", "department")
        .order_by("due_on", "id")
    )


def recently_closed(limit: int = 20) -> QuerySet[RectificationTask]:
    return (
        RectificationTask.objects.filter(state__in=["closed", "fed_back", "appeal_upheld"])
        .select_related("rating", "rating__case", "department")
        .order_by("-updated_at", "-id")[:limit]
    )


def case_rating(case) -> Rating | None:
    return (
        Rating.objects.filter(case=case).select_related("task").order_by("-service_event").first()
    )


def item_summary(item_id: int, *, comments: int = 10) -> dict:
    """An item's public figures: satisfaction over every counted rating, the count, and the latest
    comments, anonymised, with the department's reply."""
    counted = Rating.objects.filter(item_id=item_id, excluded=False)
    figures = counted.aggregate(
        total=Count("id"), satisfied=Count("id", filter=Q(level__in=sorted(SATISFIED_LEVELS)))
    )
    latest = list(
        counted.exclude(comment="")
        .order_by("-rated_at", "-id")
        .values("level", "comment", "reply", "rated_on", "channel")[:comments]
    )
    return {
        "count": figures["total"],
        "satisfied": figures["satisfied"],
        "satisfaction": (figures["satisfied"] / figures["total"]) if figures["total"] else None,
        "comments": latest,
    }


# ---------------------------------------------------------------- home page


def waiting_work(user) -> list:
    """A department's home page lines: its bad-rating rectification tasks still to do, and
    those past their deadline."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from zhengwu.core.paging import COUNT_CAP, capped_count, shown
    from zhengwu.core.roles import has_role
    from zhengwu.core.workbench import Work

    if not has_role(user, Role.DEPARTMENT_HEAD, Role.REVIEWER):
        return []
    url = reverse("ratings:tasks")
    section = gettext_lazy("Ratings")
    return [
        Work(
            key="ratings-pending",
            label=gettext_lazy("Rectifications to do"),
            count=shown(*capped_count(tasks(user, state="pending"), COUNT_CAP)),
            url=f"{url}?state=pending",
            section=section,
        ),
        Work(
            key="ratings-overdue",
            label=gettext_lazy("Rectifications past their deadline"),
            count=shown(*capped_count(tasks(user, state="pending", overdue=True), COUNT_CAP)),
            url=f"{url}?state=pending&overdue=1",
            urgent=True,
            section=section,
        ),
    ]
