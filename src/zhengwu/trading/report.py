"""The trading oversight's figures for the assessment app (docs/trading.md "Brief and
dashboard"): the monthly brief's and the dashboard's 交易监管 section, and the indicators provider
(a section of definitions on the indicators page), registered when the app is ready.

The section, for a month:

- deals by type: announced in the month (announcement date), awarded in it (award notice date),
  cancelled in it, and of those announced how many carry a flag;
- flags by kind: raised in the month, confirmed and dismissed in it (review date), and open at
  the month's end (raised by then and not reviewed by then);
- Cardinal's red flags over the history (the ``indicators.HISTORY_YEARS`` years up to the month's
  end): how many processes, bidders, tenderers and agents each flags, with the quartiles and the
  fence it used.

The provider counts, by supervising department (and its center): ``trading_deals`` (deals
announced), ``trading_flagged_rate`` (deals announced with a flag ÷ deals announced) and
``trading_confirmed_rate`` (flags confirmed ÷ flags reviewed, by review date). Deals without a
supervising department are in no group.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable

from django.db.models import Count as Counted
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.assessment.definitions import Definition, Section
from zhengwu.assessment.documents import Table
from zhengwu.assessment.formulas import Count
from zhengwu.assessment.report_sections import ReportSection
from zhengwu.core import clock
from zhengwu.trading import cardinal, indicators, selectors
from zhengwu.trading.models import Deal, DealState, DealType, Flag, FlagKind, FlagStatus

GROUPS = ("department", "center")

SECTION = Section(
    key="trading",
    label=gettext_lazy("Public-resource trading"),
    groups=GROUPS,
    definitions=(
        Definition(
            "trading_deals",
            gettext_lazy("Deals announced"),
            gettext_lazy("Public-resource deals announced"),
            gettext_lazy("Announcement date in the period; by the supervising department"),
            unit="count",
        ),
        Definition(
            "trading_flagged_rate",
            gettext_lazy("Deals with a flag"),
            gettext_lazy("Deals announced with at least one flag ÷ deals announced"),
            gettext_lazy("Announcement date in the period; a flag raised at any time"),
        ),
        Definition(
            "trading_confirmed_rate",
            gettext_lazy("Flags confirmed"),
            gettext_lazy("Flags confirmed ÷ flags reviewed"),
            gettext_lazy("Review date in the period"),
        ),
    ),
)

CARDINAL_LABELS = {
    "R024": gettext_lazy(
        "Winner's margin over the second-lowest valid bid at or below Q1 − 1.5 × IQR"
    ),
    "R025": gettext_lazy(
        "A bidder with more valid bids than the 75th percentile whose wins ÷ valid bids is "
        "below Q1 − 1.5 × IQR"
    ),
    "R035": gettext_lazy("Every bid but the winner's disqualified"),
    "R036": gettext_lazy("Lowest bid disqualified in a lowest-price award"),
    "R038": gettext_lazy(
        "Disqualified ÷ submitted bids at or above Q3 + 1.5 × IQR, per bidder, tenderer or agent"
    ),
}


def _key(group: str, prefix: str = ""):
    if group == "department":
        return F(f"{prefix}department_id")
    return F(f"{prefix}department__center_id")


def trading_counts(*, start, end, group, department_ids) -> dict[Hashable, dict[str, Count]]:
    if group not in GROUPS:
        return {}
    deals = Deal.objects.filter(department__isnull=False)
    flags = Flag.objects.filter(deal__department__isnull=False)
    if department_ids is not None:
        deals = deals.filter(department_id__in=list(department_ids))
        flags = flags.filter(deal__department_id__in=list(department_ids))
    totals: dict[Hashable, dict[str, Count]] = {}

    def add(key, indicator, numerator, denominator):
        row = totals.setdefault(key, {})
        row[indicator] = row.get(indicator, Count()) + Count(int(numerator), int(denominator))

    announced = (
        deals.filter(announced_on__gte=start, announced_on__lte=end)
        .annotate(g=_key(group), flagged=Exists(Flag.objects.filter(deal=OuterRef("pk"))))
        .values("g")
        .annotate(n=Counted("pk"), with_flag=Counted("pk", filter=Q(flagged=True)))
        .order_by()
    )
    for row in announced:
        add(row["g"], "trading_deals", row["n"], 0)
        add(row["g"], "trading_flagged_rate", row["with_flag"], row["n"])
    reviewed = (
        flags.filter(
            reviewed_at__gte=_moments(start, end)[0], reviewed_at__lt=_moments(start, end)[1]
        )
        .annotate(g=_key(group, "deal__"))
        .values("g")
        .annotate(n=Counted("pk"), confirmed=Counted("pk", filter=Q(status=FlagStatus.CONFIRMED)))
        .order_by()
    )
    for row in reviewed:
        add(row["g"], "trading_confirmed_rate", row["confirmed"], row["n"])
    return totals


# ---------------------------------------------------------------- the section


def _moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return clock.start_of_day(start), clock.start_of_day(end + dt.timedelta(days=1))


def deals_table(start: dt.date, end: dt.date) -> Table:
    after, before = _moments(start, end)
    announced = Counter(
        dict(
            Deal.objects.filter(announced_on__gte=start, announced_on__lte=end)
            .values_list("type")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    flagged = Counter(
        dict(
            Deal.objects.filter(announced_on__gte=start, announced_on__lte=end)
            .filter(Exists(Flag.objects.filter(deal=OuterRef("pk"))))
            .values_list("type")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    awarded = Counter(
        dict(
            Deal.objects.filter(awarded_at__gte=after, awarded_at__lt=before)
            .values_list("type")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    cancelled = Counter(
        dict(
            Deal.objects.filter(
                state=DealState.CANCELLED,
                events__kind="cancel",
                events__occurred_at__gte=after,
                events__occurred_at__lt=before,
            )
            .values_list("type")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    rows = [
        [label, announced[value], flagged[value], awarded[value], cancelled[value]]
        for value, label in DealType.choices
        if announced[value] or awarded[value] or cancelled[value]
    ]
    if rows:
        rows.append(
            [
                _("Total"),
                *[sum(r[i] for r in rows) for i in range(1, 5)],
            ]
        )
    return Table(
        "trading_deals",
        _("Deals by type"),
        [_("Deal type"), _("Announced"), _("Of which flagged"), _("Awarded"), _("Cancelled")],
        rows,
    )


def flags_table(start: dt.date, end: dt.date) -> Table:
    after, before = _moments(start, end)
    raised = Counter(
        dict(
            Flag.objects.filter(raised_at__gte=after, raised_at__lt=before)
            .values_list("kind")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    reviewed = Flag.objects.filter(reviewed_at__gte=after, reviewed_at__lt=before)
    confirmed = Counter(
        dict(
            reviewed.filter(status=FlagStatus.CONFIRMED)
            .values_list("kind")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    dismissed = Counter(
        dict(
            reviewed.filter(status=FlagStatus.DISMISSED)
            .values_list("kind")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    open_at_end = Counter(
        dict(
            Flag.objects.filter(raised_at__lt=before)
            .filter(Q(reviewed_at__isnull=True) | Q(reviewed_at__gte=before))
            .values_list("kind")
            .annotate(n=Counted("pk"))
            .order_by()
        )
    )
    rows = [
        [label, raised[kind], confirmed[kind], dismissed[kind], open_at_end[kind]]
        for kind, label in FlagKind.choices
        if raised[kind] or confirmed[kind] or dismissed[kind] or open_at_end[kind]
    ]
    if rows:
        rows.append([_("Total"), *[sum(r[i] for r in rows) for i in range(1, 5)]])
    return Table(
        "trading_flags",
        _("Flags by kind"),
        [
            _("Signal"),
            _("Raised this month"),
            _("Confirmed this month"),
            _("Dismissed this month"),
            _("Awaiting review at the month's end"),
        ],
        rows,
    )


def _fences(meta: dict) -> tuple[str, str, str]:
    if not meta:
        return "—", "—", "—"
    if "lower_fence" in meta:
        return str(meta["q1"]), str(meta["q3"]), f"≤ {meta['lower_fence']}"
    parts = [
        (group, meta[f"{group}_q1"], meta[f"{group}_q3"], meta[f"{group}_upper_fence"])
        for group in ("bidder", "tenderer", "agent")
        if f"{group}_q1" in meta
    ]
    names = {"bidder": _("bidders"), "tenderer": _("tenderers"), "agent": _("agents")}
    return (
        "；".join(f"{names[g]} {q1}" for g, q1, _q3, _f in parts),
        "；".join(f"{names[g]} {q3}" for g, _q1, q3, _f in parts),
        "；".join(f"{names[g]} ≥ {f}" for g, _q1, _q3, f in parts),
    )


def cardinal_table(end: dt.date) -> tuple[Table, dict]:
    start = indicators.history_start(end)
    results = cardinal.indicators(selectors.processes(start, end))
    counts: dict[str, Counter] = {code: Counter() for code in cardinal.INDICATORS}
    for group in ("process", "bidder", "tenderer", "agent"):
        for flags in results[group].values():
            for code in flags:
                counts[code][group] += 1
    names = {
        "process": _("lots"),
        "bidder": _("bidders"),
        "tenderer": _("tenderers"),
        "agent": _("agents"),
    }
    rows = []
    for code in cardinal.INDICATORS:
        q1, q3, fence = _fences(results["meta"].get(code, {}))
        flagged = "；".join(f"{names[g]} {n}" for g, n in counts[code].items() if n) or "0"
        rows.append([code, str(CARDINAL_LABELS[code]), flagged, q1, q3, fence])
    table = Table(
        "trading_cardinal",
        _("Red flags over the deal history (%(start)s to %(end)s)")
        % {"start": start.isoformat(), "end": end.isoformat()},
        [_("Indicator"), _("Flagged when"), _("Flagged"), "Q1", "Q3", _("Fence")],
        rows,
    )
    return table, results


def section(*, start: dt.date, end: dt.date) -> ReportSection:
    deals = deals_table(start, end)
    flags = flags_table(start, end)
    red, _results = cardinal_table(end)
    announced = deals.rows[-1][1] if deals.rows else 0
    awarded = deals.rows[-1][3] if deals.rows else 0
    totals = flags.rows[-1] if flags.rows else [None, 0, 0, 0, 0]
    sentence = _(
        "This month %(announced)s deals were announced and %(awarded)s awarded; %(raised)s "
        "flags were raised, %(confirmed)s confirmed and %(dismissed)s dismissed, and "
        "%(open)s await review at the month's end."
    ) % {
        "announced": announced,
        "awarded": awarded,
        "raised": totals[1],
        "confirmed": totals[2],
        "dismissed": totals[3],
        "open": totals[4],
    }
    definitions = [
        (
            _("Deals by type"),
            _("Deals announced, awarded and cancelled; flagged = announced with a flag"),
            _("Announcement date, award notice date, cancellation date in the month"),
        ),
        (
            _("Flags by kind"),
            _(
                "Flags raised (art. 40 signals at the opening, red flags by the hourly job), "
                "confirmed and dismissed; awaiting review = raised by the month's end and not "
                "reviewed by then"
            ),
            _("Raising date; review date"),
        ),
        (
            _("Red flags"),
            _(
                "Open Contracting's Cardinal over the lots of the deals announced in the last "
                "three years; quartiles by Hyndman and Fan's definition 8, fences 1.5 × IQR"
            ),
            _("Announcement date up to the month's end"),
        ),
    ]
    return ReportSection(
        key="trading",
        title=_("Public-resource trading oversight"),
        sentence=sentence,
        tables=[deals, flags, red],
        definitions=definitions,
    )
