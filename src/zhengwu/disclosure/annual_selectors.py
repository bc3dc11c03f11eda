"""Reads of the annual report (tables 三 and 四): grouped counts in the database, never requests
loaded into Python; the tables themselves are built and checked by ``zhengwu.disclosure.annual``.

Table 三 of a year is three aggregate queries over ``DisclosureRequest``, each grouped by applicant
type, result and reason (a few dozen groups whatever the number of requests):

- **received in the year** (``received_on`` in it; the covering index
  ``disclosure_annual_received``): counted under 一, and those completed by the year's end under
  their result;
- **carried over** (received before the year, and completed in or after it, or still open: two
  ranges of the covering index ``disclosure_annual_completed``, ``completed_on`` from the year's
  first day and ``completed_on`` NULL): counted under 二, and those completed by its end under
  their result.
Every request of either query not completed by the year's end is carried forward (四). Table 四 is
one query over the appeals filed by the year's end and decided in or after it (or pending).

A department's report counts the requests it holds (``department``); the whole government's
counts every request, routed or not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.disclosure import annual
from zhengwu.disclosure.models import AnnualReportText, DisclosureAppeal, DisclosureRequest

# The 条例 took effect on 1 May 2008; the report format counts from then on.
FIRST_YEAR = 2008


# ---------------------------------------------------------------- access


def report_scope(user) -> list[int] | None:
    """The departments whose annual report ``user`` may read: ``None`` for the whole government
    (supervisors, leaders, administrators, a disclosure officer of no department), the officer's
    own department otherwise; anyone else is refused."""
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        ids = regions.overseen_department_ids(user)
        return None if ids is None else sorted(ids)
    if Role.DISCLOSURE_OFFICER in roles:
        return [user.department_id] if user.department_id else None
    raise Forbidden(_("Only the disclosure office and the government's leaders may read it."))


def may_read(user) -> bool:
    try:
        report_scope(user)
    except Forbidden:
        return False
    return True


def may_write(user) -> bool:
    """Who writes the report's prose: the disclosure office (of its scope) and administrators."""
    return bool(role_names(user) & {Role.DISCLOSURE_OFFICER, Role.ADMIN})


# ---------------------------------------------------------------- counts


def _requests(department_ids):
    queryset = DisclosureRequest.objects.all()
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=list(department_ids))
    return queryset


def request_counts(year: int, department_ids: list[int] | None) -> annual.Counts:
    """The grouped counts of table 三 (three aggregate queries)."""
    start, end = annual.year_bounds(year)
    received = _requests(department_ids).filter(received_on__gte=start, received_on__lte=end)
    # Carried over: completed in or after the year, or still open (two range scans of one index).
    before = _requests(department_ids).filter(received_on__lt=start)
    carried_done = before.filter(completed_on__gte=start)
    carried_open = before.filter(completed_on__isnull=True)
    done = Q(completed_on__lte=end)
    counts = annual.Counts(received=Counter(), carried_over=Counter(), results=Counter(),
                           carried_forward=Counter())  # fmt: skip
    for queryset, into in (
        (received, counts.received),
        (carried_done, counts.carried_over),
        (carried_open, counts.carried_over),
    ):
        groups = (
            queryset.values("applicant_type", "result", "result_reason")
            .annotate(n=Count("pk"), done=Count("pk", filter=done))
            .order_by()
        )
        for group in groups:
            kind = group["applicant_type"]
            into[kind] += group["n"]
            counts.carried_forward[kind] += group["n"] - group["done"]
            if group["done"] and group["result"]:
                row = annual.result_row(group["result"], group["result_reason"])
                counts.results[kind, row] += group["done"]
            # A request completed without a result is in no row of 三: the check reports it.
    return counts


def appeal_counts(year: int, department_ids: list[int] | None) -> dict[tuple[str, str], int]:
    """The counts of table 四 (one aggregate query)."""
    start, end = annual.year_bounds(year)
    queryset = DisclosureAppeal.objects.filter(
        Q(decided_on__gte=start) | Q(decided_on__isnull=True), filed_on__lte=end
    )
    if department_ids is not None:
        queryset = queryset.filter(request__department_id__in=list(department_ids))
    groups = (
        queryset.values("kind", "result")
        .annotate(
            decided=Count("pk", filter=Q(decided_on__lte=end)),
            open=Count("pk", filter=Q(decided_on__isnull=True) | Q(decided_on__gt=end)),
        )
        .order_by()
    )
    counts: Counter = Counter()
    for group in groups:
        if group["decided"]:
            counts[group["kind"], group["result"]] += group["decided"]
        if group["open"]:
            counts[group["kind"], "pending"] += group["open"]
    return dict(counts)


def tables(year: int, department_ids: list[int] | None):
    """Tables 三 and 四 of ``year``; ``DomainError`` (409, ``annual_report_unbalanced``) when
    the stored requests do not balance."""
    try:
        three = annual.table_three(year, request_counts(year, department_ids))
    except annual.Unbalanced as error:
        raise DomainError(
            _(
                "The annual report of %(year)s does not balance: received and carried over "
                "differ from handled and carried forward (%(problems)s). Check the requests "
                "completed without a result."
            )
            % {"year": year, "problems": "; ".join(error.problems)},
            code="annual_report_unbalanced",
        ) from None
    return three, annual.table_four(year, appeal_counts(year, department_ids))


# ---------------------------------------------------------------- the report


@dataclass
class AnnualReport:
    year: int
    department: Department | None
    three: annual.TableThree
    four: annual.TableFour
    text: AnnualReportText | None

    @property
    def agency(self) -> str:
        return self.department.name if self.department else government_name()


def government_name() -> str:
    """The government the whole report speaks for: the region of the service center."""
    from zhengwu.accounts.models import Center

    centers = list(Center.objects.select_related("region").order_by("pk")[:2])
    if len(centers) == 1 and centers[0].region_id:
        return _("%(region)s People's Government") % {"region": centers[0].region.name}
    return _("The People's Government")


def check_year(value) -> int:
    """A report year from a query parameter; ``ValidationFailed`` unless it is a whole number
    from 2008 to this year."""
    text = str(value if value is not None else "").strip()
    this_year = clock.today().year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= this_year:
        raise ValidationFailed(
            {
                "year": [
                    _("Enter a year from %(first)s to %(last)s.")
                    % {"first": FIRST_YEAR, "last": this_year}
                ]
            }
        )
    return int(text)


def department_for(user, code: str | None) -> Department | None:
    """The department of a report: ``None`` (the whole government) when no code is given and the
    user may read it, the user's own for a department officer; a code outside the user's scope
    is not found."""
    scope = report_scope(user)
    code = (code or "").strip()
    if not code:
        if scope is None or role_names(user) & CENTER_WIDE_ROLES:
            return None  # every department the reader oversees (``report_for``)
        return Department.objects.get(pk=scope[0])
    department = Department.objects.filter(code=code).first()
    if department is None or (scope is not None and department.pk not in scope):
        raise NotFound
    return department


def report_for(user, *, year, department: str | None = None) -> AnnualReport:
    """The annual report ``user`` asked for (``Forbidden``, ``NotFound``, ``ValidationFailed``,
    ``DomainError`` when it does not balance)."""
    chosen = department_for(user, department)
    year = check_year(year)
    # No department chosen: every department the reader oversees (all for the whole government).
    ids = report_scope(user) if chosen is None else [chosen.pk]
    three, four = tables(year, ids)
    return AnnualReport(year, chosen, three, four, text_of(year, chosen))


def text_of(year: int, department: Department | None) -> AnnualReportText | None:
    return (
        AnnualReportText.objects.filter(year=year, department=department)
        .select_related("updated_by")
        .first()
    )


def departments_for(user) -> list[Department]:
    """The departments ``user`` may choose on the report page."""
    scope = report_scope(user)
    queryset = Department.objects.filter(is_active=True)
    if scope is not None:
        queryset = Department.objects.filter(pk__in=scope)
    return list(queryset.order_by("sort_order", "code"))


def years() -> list[int]:
    """The years to choose from, newest first: from the first request received (or last year)
    to this year."""
    this_year = clock.today().year
    first = DisclosureRequest.objects.order_by("received_on").values_list("received_on", flat=True)[
        :1
    ]
    start = first[0].year if first else this_year - 1
    return list(range(this_year, max(FIRST_YEAR, min(start, this_year - 1)) - 1, -1))


def default_year() -> int:
    """The year a report is usually written for: last year until the end of January (the report
    is due by 31 January), then the current year so far."""
    today = clock.today()
    return today.year - 1 if today < dt.date(today.year, 2, 1) else today.year
