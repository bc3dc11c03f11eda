"""Reads of the indicators: counts aggregated in the database, never cases loaded into Python.

The cases provider runs one aggregate query per family of indicators, grouped by the requested
dimension and limited to the caller's departments:

- **received** (receipt date ``received_on`` in the period): applications received, submitted
  online, and accepted into parallel approval (``Case.parallel``), by catalogue version (whose
  parallel flag decides which count towards the parallel approval rate);
- **accepted** (acceptance date ``accepted_on`` in the period): accepted, and of those decided by
  the period's last day;
- **completed** (decision date ``completed_on`` in the period): decided, early / on time / late,
  decided on the acceptance day, and for the decided cases whose ``workdays_used`` is stored
  their number and the working days they used; the promised and statutory limits they are
  measured against are those of ``cases.services.terms_for`` for their catalogue version.

Each family reads one covering index of ``cases_case`` (``case_ind_*``, migration 0005): on
PostgreSQL an index-only scan of the period's entries (docs/decisions/0002-indicators.md).

Groups: ``department``, ``window`` (``None``: online applications, filed at no window),
``staff`` (the clerk who filed a window application, ``created_by``; ``None``: online
applications), ``item`` and ``center`` (the department's service center).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.db.models import Case as Choose
from django.db.models import Count as Counted
from django.db.models import F, Q, Sum, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from zhengwu.accounts import regions
from zhengwu.accounts.models import Center, Department, Region, User, Window
from zhengwu.assessment import definitions, formulas, providers
from zhengwu.assessment.formulas import Count
from zhengwu.cases.models import OPEN_STATE_VALUES, Case
from zhengwu.cases.selectors import STAFF_CASE_ROLES, local_department_ids
from zhengwu.cases.services import terms_for
from zhengwu.catalog.models import ServiceItem, ServiceItemVersion
from zhengwu.core.display import person_name
from zhengwu.core.errors import Forbidden, ValidationFailed
from zhengwu.core.roles import CENTER_WIDE_ROLES, role_names

GROUPS = ("department", "window", "staff", "item", "center")
# Groups of centers by the region above them at a level: the providers count by center, and
# ``rollup`` adds the centers' numerators and denominators up (exact, never averaged ratios).
REGION_GROUPS = ("city", "county", "township")
MAX_PERIOD_DAYS = 3 * 366


# ---------------------------------------------------------------- access and input


def department_scope(user) -> list[int] | None:
    """The departments whose indicators ``user`` may see: ``None`` for all (supervisors, leaders,
    administrators), their own for department staff; anyone else is refused."""
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        ids = regions.overseen_department_ids(user)
        return None if ids is None else sorted(ids)
    if roles & STAFF_CASE_ROLES:
        return sorted(local_department_ids(user))
    raise Forbidden(_("Only staff of the center may see the indicators."))


def sees_everything(user) -> bool:
    return bool(role_names(user) & CENTER_WIDE_ROLES)


def check_period(start, end, group: str = "department") -> tuple[dt.date, dt.date, str]:
    """Validate a period and a group; ``ValidationFailed`` with a message per field."""
    errors: dict[str, list] = {}
    if not isinstance(start, dt.date):
        errors["from"] = [_("Enter the first day as YYYY-MM-DD.")]
    if not isinstance(end, dt.date):
        errors["to"] = [_("Enter the last day as YYYY-MM-DD.")]
    if group not in GROUPS and group not in REGION_GROUPS:
        errors["group"] = [
            _("Group by department, window, staff, item, center, city, county or township.")
        ]
    if not errors:
        if end < start:
            errors["to"] = [_("The last day cannot be before the first day.")]
        elif (end - start).days >= MAX_PERIOD_DAYS:
            errors["to"] = [_("A period is at most three years long.")]
    if errors:
        raise ValidationFailed(errors)
    return start, end, group


def parse_date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


# ---------------------------------------------------------------- the cases provider


def group_expression(group: str, prefix: str = ""):
    """The key of a case's group; ``prefix`` reaches the case from another model (``case__``),
    so that every provider groups the same way."""
    if group == "department":
        return F(f"{prefix}department_id")
    if group == "window":
        return F(f"{prefix}window_id")
    if group == "staff":
        return Choose(When(**{f"{prefix}channel": "window"}, then=F(f"{prefix}created_by_id")))
    if group == "item":
        return F(f"{prefix}item_id")
    if group == "center":
        return F(f"{prefix}department__center_id")
    raise ValueError(group)


def _cases(start, end, date_field: str, group: str, department_ids, *also: str):
    """The cases of a family in the period, grouped by ``group`` (as ``g``) and ``also``."""
    queryset = Case.objects.filter(**{f"{date_field}__gte": start, f"{date_field}__lte": end})
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=list(department_ids))
    return queryset.annotate(g=group_expression(group)).values("g", *also).order_by()


def case_counts(*, start, end, group, department_ids) -> dict[Hashable, dict[str, Count]]:
    """The case indicators (``formulas.CASE_KEYS``): three aggregate queries, the received and
    decided ones also by catalogue version, whose limits and parallel flag are then applied by the
    cases app's own ``terms_for`` (one more query, over the versions seen)."""
    totals: dict[Hashable, dict[str, Count]] = {}

    def add(key, indicator, numerator, denominator):
        row = totals.setdefault(key, {})
        row[indicator] = row.get(indicator, Count()) + Count(int(numerator), int(denominator))

    received = list(
        _cases(start, end, "received_on", group, department_ids, "item_version_id").annotate(
            received=Counted("received_on"),
            online=Counted("received_on", filter=Q(channel="online")),
            parallel=Counted("received_on", filter=Q(parallel=True)),
        )
    )
    accepted = _cases(start, end, "accepted_on", group, department_ids).annotate(
        accepted=Counted("accepted_on"),
        decided=Counted("accepted_on", filter=Q(completed_on__lte=end)),
    )
    for row in accepted:
        add(row["g"], "completion_rate", row["decided"], row["accepted"])
    measured = Q(workdays_used__isnull=False)
    completed = list(
        _cases(start, end, "completed_on", group, department_ids, "item_version_id").annotate(
            completed=Counted("completed_on"),
            early=Counted("completed_on", filter=Q(completion="early")),
            on_time=Counted("completed_on", filter=Q(completion="on_time")),
            late=Counted("completed_on", filter=Q(completion="late")),
            immediate=Counted("completed_on", filter=Q(completed_on=F("accepted_on"))),
            measured=Counted("completed_on", filter=measured),
            used=Sum("workdays_used", filter=measured),
        )
    )
    versions = {
        v.pk: v
        for v in ServiceItemVersion.objects.filter(
            pk__in={r["item_version_id"] for r in received + completed}
        ).only("handling_type", "statutory_limit", "promised_limit", "parallel_approval")
    }

    for row in received:
        key, version = row["g"], versions[row["item_version_id"]]
        add(key, "online_rate", row["online"], row["received"])
        if version.parallel_approval:
            add(key, "parallel_rate", row["parallel"], row["received"])
        else:
            add(key, "parallel_rate", 0, 0)

    for row in completed:
        key, done = row["g"], row["completed"]
        terms = terms_for(versions[row["item_version_id"]])
        add(key, "on_time_rate", row["early"] + row["on_time"], done)
        add(key, "early_rate", row["early"], done)
        add(key, "late_rate", row["late"], done)
        add(key, "immediate_rate", row["immediate"], done)
        used, measured_cases = row["used"] or 0, row["measured"]
        promised = measured_cases * terms.promised
        statutory = measured_cases * terms.statutory_limit
        add(key, "promised_speedup", promised - used, promised)
        add(key, "statutory_speedup", statutory - used, statutory)
    return totals


# ---------------------------------------------------------------- the table


@dataclass
class Row:
    key: Hashable
    name: str
    indicators: dict[str, Count] = field(default_factory=dict)

    def value(self, indicator: str):
        return self.indicators[indicator].value


def _names(group: str, keys: Iterable[Hashable], department_ids) -> dict[Hashable, str]:
    ids = [k for k in keys if k is not None]
    if group == "department":
        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "center":
        return dict(Center.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "window":
        return {w.pk: str(w) for w in Window.objects.filter(pk__in=ids)}
    if group == "staff":
        users = User.objects.filter(pk__in=ids).only("pk", "full_name", "first_name", "last_name")
        return {user.pk: person_name(user) for user in users}
    if group == "item":
        return dict(
            ServiceItem.objects.filter(pk__in=ids).values_list("pk", "current_version__name")
        )
    raise ValueError(group)


def _always_listed(group: str, department_ids) -> list[Hashable]:
    """Departments (and centers) are listed even without a case in the period."""
    departments = Department.objects.filter(is_active=True)
    if department_ids is not None:
        departments = departments.filter(pk__in=list(department_ids))
    if group == "department":
        return list(departments.order_by("sort_order", "code").values_list("pk", flat=True))
    if group == "center":
        return sorted(set(departments.values_list("center_id", flat=True)))
    return []


def table(
    *, start: dt.date, end: dt.date, group: str, department_ids: list[int] | None
) -> list[Row]:
    """One row per group with every indicator (missing ones as 0 ÷ 0)."""
    if group in REGION_GROUPS:
        return rollup(
            table(start=start, end=end, group="center", department_ids=department_ids),
            group,
            pool=lambda sets: providers.pooled(
                start=start, end=end, group="center", department_ids=department_ids, sets=sets
            ),
        )
    counts = providers.collect(start=start, end=end, group=group, department_ids=department_ids)
    indicator_keys = definitions.keys_for(group)
    keys = _always_listed(group, department_ids)
    keys += [k for k in counts if k not in set(keys)]
    names = _names(group, keys, department_ids)
    rows = []
    for key in keys:
        found = counts.get(key, {})
        if key is None:
            name = (
                _("Online (no window)")
                if group == "window"
                else _("No clerk on record (online applications)")
            )
        else:
            name = names.get(key) or str(key)
        rows.append(
            Row(
                key=key,
                name=name,
                indicators={k: found.get(k, Count()) for k in indicator_keys},
            )
        )
    if group != "department":
        rows.sort(key=lambda r: (r.key is None, r.name))
    return rows


def rollup(center_rows: list[Row], level: str, pool=None) -> list[Row]:
    """The rows of centers added up by the region at ``level`` above each (a city, a county,
    a township). A center above that level (the city's own center, when rolling up by county)
    stays a row of its own region, named as its 本级. ``pool({region: center keys})`` answers
    the pooled indicators of each region's centers together (``providers.pooled``, one read for
    every region), which replace their sums."""
    centers = Center.objects.filter(pk__in=[r.key for r in center_rows if r.key is not None])
    placed: dict[Hashable, str] = {}
    own_level: set[str] = set()
    for pk, path, code in centers.values_list("pk", "region__path", "region__code"):
        codes = [c for c in (path or code + "/").split("/") if c]
        at_level = [c for c in codes if regions.level_of(c) == level]
        if at_level:
            placed[pk] = at_level[0]
        else:
            placed[pk] = code
            own_level.add(code)
    names = dict(Region.objects.filter(code__in=set(placed.values())).values_list("code", "name"))
    grouped: dict[str, list[Row]] = {}
    for row in center_rows:
        grouped.setdefault(placed.get(row.key, ""), []).append(row)
    pooled = {} if pool is None else pool({c: [r.key for r in m] for c, m in grouped.items()})
    rows = []
    for code, members in grouped.items():
        name = names.get(code, str(code))
        if code in own_level:
            name = _("%(region)s (its own level)") % {"region": name}
        total = center_total(members)
        _replace_pooled(total, pooled.get(code, {}))
        rows.append(Row(key=code, name=name, indicators=total.indicators))
    rows.sort(key=lambda r: str(r.key))
    return rows


def indicators_for(user, *, start, end, group: str = "department") -> list[Row]:
    """The table ``user`` may see (``Forbidden`` for applicants; ``ValidationFailed``)."""
    department_ids = department_scope(user)
    start, end, group = check_period(start, end, group)
    return table(start=start, end=end, group=group, department_ids=department_ids)


def indicator_table_for(user, *, start, end, group: str = "department") -> tuple[list[Row], Row]:
    """The table ``user`` may see and its total row (``table_total``)."""
    department_ids = department_scope(user)
    start, end, group = check_period(start, end, group)
    rows = table(start=start, end=end, group=group, department_ids=department_ids)
    total = table_total(rows, start=start, end=end, group=group, department_ids=department_ids)
    return rows, total


def center_total(rows: list[Row]) -> Row:
    """The whole of a table's rows (exact sums of numerators and denominators)."""
    keys = rows[0].indicators if rows else formulas.INDICATOR_KEYS
    return Row(
        key="total",
        name=_("Total"),
        indicators={k: formulas.total(r.indicators[k] for r in rows) for k in keys},
    )


def table_total(rows: list[Row], *, start, end, group: str, department_ids) -> Row:
    """The total row of ``table(...)``: the sums of ``center_total``, except for the indicators
    a provider pools (a percentile), which are computed over all the table's values together
    (``providers.pooled``)."""
    total = center_total(rows)
    pooled_group = "center" if group in REGION_GROUPS else group
    whole = providers.pooled(
        start=start, end=end, group=pooled_group, department_ids=department_ids, sets={"": None}
    )
    _replace_pooled(total, whole[""])
    return total


def _replace_pooled(row: Row, pooled: dict[str, Count]) -> None:
    for key, count in pooled.items():
        if key in row.indicators:
            row.indicators[key] = count


def center_name() -> str:
    """The center's name for titles (a generic one when the deployment has several)."""
    names = list(Center.objects.order_by("pk").values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else _("Government service center")


# ---------------------------------------------------------------- the dashboard


def monthly_flow(*, months: list[tuple[int, int]], department_ids) -> list[dict]:
    """Cases received (by receipt date) and decided (by decision date) per month."""
    start = formulas.month_range(*months[0])[0]
    end = formulas.month_range(*months[-1])[1]
    result = {
        m: {
            "month": f"{m[0]:04d}-{m[1]:02d}",
            "label": f"{m[0]}年{m[1]}月",
            "received": 0,
            "completed": 0,
        }
        for m in months
    }
    for field_name, label in (("received_on", "received"), ("completed_on", "completed")):
        queryset = Case.objects.filter(**{f"{field_name}__gte": start, f"{field_name}__lte": end})
        if department_ids is not None:
            queryset = queryset.filter(department_id__in=department_ids)
        for row in (
            queryset.annotate(m=TruncMonth(field_name))
            .values("m")
            .annotate(n=Counted(field_name))
            .order_by()
        ):
            result[(row["m"].year, row["m"].month)][label] = row["n"]
    return list(result.values())


def open_by_level(*, department_ids) -> dict[str, int]:
    """Open cases by their stored level now."""
    queryset = Case.objects.filter(state__in=OPEN_STATE_VALUES)
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=department_ids)
    counts = dict(queryset.values("level").annotate(n=Counted("id")).values_list("level", "n"))
    return {
        level: counts.get(level, 0) for level in ("normal", "yellow", "red", "statutory_overdue")
    }
