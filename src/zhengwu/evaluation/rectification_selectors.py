"""Reads of the rectification ledger (整改台账), each filtered by the caller's scope in one query.

Scope: the supervising office, leaders and administrators see every ledger and measure; the staff
of a department see the ledgers holding a measure of their department, and in them only their own
measures (and the problems those measures answer). Nobody else sees anything.

- ``measures_for(user)``, ``ledgers_for(user)``: the scoped querysets;
- ``ledger_rows(user, ...)``: the ledger page's rows, each with its counts, filtered;
- ``counts(ledger, user)``: problems, measures, measures done (verified), problems done (every
  measure verified), overdue; areas and items;
- ``progress(period_from, period_to)``: the period's figures for the quarterly bulletin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from zhengwu.accounts import regions
from zhengwu.core import clock
from zhengwu.core.roles import CENTER_WIDE_ROLES, STAFF_ROLES, has_role
from zhengwu.evaluation import rectification_rules as rules
from zhengwu.evaluation.models.rectification import (
    DisciplineKind,
    DisciplineRecord,
    Evidence,
    Measure,
    MeasureState,
    Problem,
    Rectification,
)


def sees_all(user) -> bool:
    return has_role(user, *CENTER_WIDE_ROLES)


def unit_of(user):
    """The department whose measures a staff member sees and updates, or None."""
    if getattr(user, "department_id", None) and has_role(user, *STAFF_ROLES):
        return user.department_id
    return None


def may_view(user) -> bool:
    return sees_all(user) or unit_of(user) is not None


def units_q(user, field: str = "unit") -> Q:
    """The responsible units whose measures ``user`` sees, on ``<field>``: a center-wide role
    those under their region or center (``accounts.regions``, a subquery), a unit's staff
    their own unit, anyone else none."""
    if sees_all(user):
        return regions.department_q(user, field)
    unit = unit_of(user)
    if unit is None:
        return Q(pk__in=[])
    return Q(**{f"{field}_id": unit})


def measures_for(user) -> QuerySet[Measure]:
    return Measure.objects.filter(units_q(user))


def ledgers_for(user) -> QuerySet[Rectification]:
    if sees_all(user):
        if regions.oversees_everything(user):
            return Rectification.objects.all()
        # Those they opened, and those with a measure of a unit they oversee.
        return Rectification.objects.filter(
            Q(created_by=user) | Exists(measures_for(user).filter(rectification=OuterRef("pk")))
        )
    if unit_of(user) is None:
        return Rectification.objects.none()
    return Rectification.objects.filter(
        Exists(measures_for(user).filter(rectification=OuterRef("pk")))
    )


def ledger(user, pk) -> Rectification | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**62:
        return None
    return ledgers_for(user).filter(pk=pk).first()


def measure(user, pk) -> Measure | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**62:
        return None
    return (
        measures_for(user)
        .select_related("rectification", "problem__item__area", "unit", "leader", "person")
        .filter(pk=pk)
        .first()
    )


def evidence(user, pk) -> Evidence | None:
    """An evidence file the caller may read (through its measure's scope), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**62:
        return None
    return (
        Evidence.objects.filter(progress__measure__in=measures_for(user).values("pk"))
        .filter(pk=pk)
        .first()
    )


# ------------------------------------------------------------------ counts


def _count(queryset, outer: str = "rectification") -> Subquery:
    return Coalesce(
        Subquery(
            queryset.filter(**{outer: OuterRef("pk")})
            .order_by()
            .values(outer)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def ledger_rows(
    user,
    *,
    kind: str = "",
    year: int | None = None,
    query: str = "",
    state: str = "",
    today: dt.date | None = None,
) -> QuerySet[Rectification]:
    """The caller's ledgers, newest source first, each annotated with ``n_problems``,
    ``n_measures``, ``n_done`` (verified) and ``n_overdue`` over the measures the caller sees.
    ``state``: ``open`` (a measure not verified yet) or ``done`` (every measure verified)."""
    today = today or clock.today()
    mine = measures_for(user)
    rows = ledgers_for(user)
    if kind:
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(source_date__year=year)
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(number__icontains=query))
    problems = Problem.objects.all()
    if not sees_all(user):
        problems = problems.filter(Exists(mine.filter(problem=OuterRef("pk"))))
    rows = rows.annotate(
        n_problems=_count(problems),
        n_measures=_count(mine),
        n_done=_count(mine.filter(state=MeasureState.VERIFIED)),
        n_overdue=_count(mine.exclude(state=MeasureState.VERIFIED).filter(deadline__lt=today)),
    )
    if state == "open":
        rows = rows.filter(
            Exists(mine.filter(rectification=OuterRef("pk")).exclude(state=MeasureState.VERIFIED))
        )
    elif state == "done":
        rows = rows.filter(Exists(mine.filter(rectification=OuterRef("pk")))).exclude(
            Exists(mine.filter(rectification=OuterRef("pk")).exclude(state=MeasureState.VERIFIED))
        )
    return rows.order_by("-source_date", "-id")


def counts(ledger: Rectification, user=None, *, today: dt.date | None = None) -> rules.Counts:
    """The ledger's counts (``rectification_rules.counts``) over what ``user`` sees (everything
    when ``user`` is None)."""
    today = today or clock.today()
    measures = Measure.objects.filter(rectification=ledger)
    if user is not None and not sees_all(user):
        measures = measures.filter(unit_id=unit_of(user) or 0)
    rows = list(measures.values_list("problem_id", "state", "deadline"))
    if user is None or sees_all(user):
        problems = list(ledger.problems.values_list("pk", flat=True))
    else:
        problems = sorted({row[0] for row in rows})
    mine = Problem.objects.filter(pk__in=problems)
    return rules.counts(
        areas=mine.values("item__area").distinct().count(),
        items=mine.values("item").distinct().count(),
        problems=problems,
        measures=rows,
        today=today,
    )


def tree(ledger: Rectification, user) -> list[dict]:
    """The ledger's areas → items → problems → measures the caller sees, as plain objects for
    pages, exports and the API (one query per level)."""
    measures = (
        measures_for(user)
        .filter(rectification=ledger)
        .select_related("unit", "leader", "person")
        .order_by("problem_id", "seq")
    )
    by_problem: dict[int, list[Measure]] = {}
    for row in measures:
        by_problem.setdefault(row.problem_id, []).append(row)
    problems = ledger.problems.select_related("item__area").order_by(
        "item__area__seq", "item__seq", "seq"
    )
    if not sees_all(user):
        problems = problems.filter(pk__in=list(by_problem))
    areas: dict[int, dict] = {}
    for problem in problems:
        item, area = problem.item, problem.item.area
        entry = areas.setdefault(area.pk, {"area": area, "items": {}})
        item_entry = entry["items"].setdefault(item.pk, {"item": item, "problems": []})
        item_entry["problems"].append(
            {"problem": problem, "measures": by_problem.get(problem.pk, [])}
        )
    return [
        {"area": entry["area"], "items": list(entry["items"].values())} for entry in areas.values()
    ]


# ------------------------------------------------------------------ the period's figures


@dataclass(frozen=True)
class Progress:
    """The rectification figures of a period (for the quarterly bulletin, 季度通报)."""

    period_from: dt.date
    period_to: dt.date
    ledgers: int  # sources dated in the period
    problems: int  # problems of those sources
    measures: int  # measures of those sources
    measures_done: int  # measures verified in the period (any source)
    measures_open: int  # measures of sources up to the period's end not verified by its end
    overdue: int  # of those, past their deadline at the period's end
    discipline: dict[str, int] = field(default_factory=dict)  # 人次 by kind, in the period


def progress(period_from: dt.date, period_to: dt.date, reader=None) -> Progress:
    """Counts of the rectification ledger for ``period_from``–``period_to`` (inclusive); with a
    ``reader``, of the ledgers they see and the measures of the units they oversee
    (``ledgers_for``, ``measures_for``)."""
    ledgers, measures = _read_by(reader)
    sources = ledgers.filter(source_date__range=(period_from, period_to))
    existing = measures.filter(rectification__source_date__lte=period_to)
    not_done = existing.filter(Q(verified_on__isnull=True) | Q(verified_on__gt=period_to))
    records = DisciplineRecord.objects.all()
    if reader is not None:  # the discipline of their units' people
        records = records.filter(units_q(reader), rectification__in=ledgers.values("pk"))
    discipline = dict(
        records.filter(taken_on__range=(period_from, period_to))
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return Progress(
        period_from=period_from,
        period_to=period_to,
        ledgers=sources.count(),
        problems=_problems(sources, measures, reader).count(),
        measures=measures.filter(rectification__in=sources).count(),
        measures_done=measures.filter(verified_on__range=(period_from, period_to)).count(),
        measures_open=not_done.count(),
        overdue=not_done.filter(deadline__lt=period_to).count(),
        discipline={kind.value: discipline.get(kind.value, 0) for kind in DisciplineKind},
    )


def _read_by(reader) -> tuple[QuerySet[Rectification], QuerySet[Measure]]:
    """The ledgers and measures counted for ``reader`` (all of them for None)."""
    if reader is None:
        return Rectification.objects.all(), Measure.objects.all()
    return ledgers_for(reader), measures_for(reader)


def _problems(sources, measures, reader) -> QuerySet[Problem]:
    """The problems of the ledgers ``sources``; for a ``reader``, those with a measure of theirs
    (a shared ledger's other counties' problems are not theirs to count)."""
    problems = Problem.objects.filter(rectification__in=sources)
    if reader is not None:
        problems = problems.filter(Exists(measures.filter(problem=OuterRef("pk"))))
    return problems


def discipline_counts(user, *, period_from: dt.date, period_to: dt.date) -> dict[str, int]:
    """人次 of each kind of discipline taken in the period, over the ledgers the caller sees."""
    rows = dict(
        DisciplineRecord.objects.filter(
            rectification__in=ledgers_for(user).values("pk"),
            taken_on__range=(period_from, period_to),
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {kind.value: rows.get(kind.value, 0) for kind in DisciplineKind}


def bulletin_progress(*, start: dt.date, end: dt.date, reader=None):
    """The quarterly bulletin's rectification figures (``bulletins.RectificationProgress``): the
    ledgers opened in the period, their problems and measures, the measures verified in it,
    the problems whose every measure was verified by its end, and the measures overdue then;
    with a ``reader``, of what they oversee (``progress``: a problem counts as done when every
    measure of theirs on it was verified)."""
    from zhengwu.evaluation.bulletins import RectificationProgress

    found = progress(start, end, reader)
    ledgers, measures = _read_by(reader)
    sources = ledgers.filter(source_date__range=(start, end))
    undone = measures.filter(problem=OuterRef("pk")).filter(
        Q(verified_on__isnull=True) | Q(verified_on__gt=end)
    )
    problems = _problems(sources, measures, reader)
    problems_done = (
        problems.filter(Exists(measures.filter(problem=OuterRef("pk"))))
        .filter(~Exists(undone))
        .count()
    )
    return RectificationProgress(
        sources=found.ledgers,
        problems=found.problems,
        problems_done=problems_done,
        measures=found.measures,
        measures_done=found.measures_done,
        overdue=found.overdue,
    )
