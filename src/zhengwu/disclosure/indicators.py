"""The disclosure requests' assessment indicators: a provider and a section of definitions,
registered with ``zhengwu.assessment`` (docs/assessment.md, docs/disclosure.md).

Counted by department (the department holding the request) and by service center, never by
window, staff or item; requests not yet routed to a department are in no group. Four aggregate
queries over the period; the working days used are computed once per distinct pair of dates
(reply date, reply due date), never per request.

- ``disclosure_received``: requests received in the period (receipt date, art. 31);
- ``disclosure_on_time_rate``: replies by the reply due date ÷ replies, by reply date (a reply
  is a completion with a reply; a deemed abandonment or a withdrawal is none);
- ``disclosure_average_workdays``: Σ working days used ÷ replies, by reply date; the working days
  used by a reply are those from the day its clock started (the receipt, or the supplement) to
  the reply, without the paused ones (consultations, waiting for reasons or payment): the reply
  period (20, plus the extension and an art. 35 delay) less the working days the reply was
  early by (more when it was late);
- ``disclosure_disclosed_rate``: completions 予以公开 or 部分公开 ÷ completions (三(七)), by
  completion date;
- ``disclosure_reconsideration_corrected_rate``: reconsiderations decided 纠正 ÷ reconsiderations
  decided, by decision date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from zhengwu.assessment.definitions import Definition, Section
from zhengwu.assessment.formulas import Count as Ratio
from zhengwu.disclosure.clocks import REPLY_LIMIT
from zhengwu.disclosure.models import DisclosureAppeal, DisclosureRequest
from zhengwu.workdays.loader import workdays_between

GROUPS = ("department", "center")

SECTION = Section(
    key="disclosure",
    label=_("Disclosure requests"),
    groups=GROUPS,
    definitions=(
        Definition(
            "disclosure_received",
            _("Disclosure requests received"),
            _("Requests for government information received"),
            _("Receipt date (art. 31) in the period; by the department holding the request"),
            unit="count",
        ),
        Definition(
            "disclosure_on_time_rate",
            _("Disclosure replies on time"),
            _("Replies by the reply due date ÷ replies"),
            _(
                "Reply date in the period; a deemed abandonment or a withdrawal is not a reply; "
                "the due date counts the extension and leaves out paused days"
            ),
        ),
        Definition(
            "disclosure_average_workdays",
            _("Average working days to reply"),
            _("Σ working days used ÷ replies"),
            _(
                "Reply date in the period; working days from the receipt (or the supplement) to "
                "the reply, without the days paused for consultations, reasons or payment"
            ),
            unit="mean",
        ),
        Definition(
            "disclosure_disclosed_rate",
            _("Disclosed or partly disclosed"),
            _("Requests disclosed or partly disclosed ÷ requests handled"),
            _("Completion date in the period; handled = counted in row III (7) of table 三"),
        ),
        Definition(
            "disclosure_reconsideration_corrected_rate",
            _("Reconsiderations corrected"),
            _("Administrative reconsiderations decided with correction ÷ reconsiderations decided"),
            _("Decision date in the period"),
        ),
    ),
)


def _key(group: str, prefix: str = "") -> F:
    return (
        F(f"{prefix}department_id")
        if group == "department"
        else F(f"{prefix}department__center_id")
    )


def disclosure_counts(*, start, end, group, department_ids) -> dict[Hashable, dict[str, Ratio]]:
    if group not in GROUPS:
        return {}
    requests = DisclosureRequest.objects.filter(department__isnull=False)
    appeals = DisclosureAppeal.objects.filter(request__department__isnull=False)
    if department_ids is not None:
        requests = requests.filter(department_id__in=list(department_ids))
        appeals = appeals.filter(request__department_id__in=list(department_ids))
    totals: dict[Hashable, dict[str, Ratio]] = {}

    def add(key, indicator, numerator, denominator):
        row = totals.setdefault(key, {})
        row[indicator] = row.get(indicator, Ratio()) + Ratio(int(numerator), int(denominator))

    received = (
        requests.filter(received_on__gte=start, received_on__lte=end)
        .annotate(g=_key(group))
        .values("g")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in received:
        add(row["g"], "disclosure_received", row["n"], 0)

    completed = (
        requests.filter(completed_on__gte=start, completed_on__lte=end)
        .exclude(result="")
        .annotate(g=_key(group))
        .values("g")
        .annotate(
            n=Count("pk"),
            disclosed=Count("pk", filter=Q(result__in=("disclosed", "partial"))),
        )
        .order_by()
    )
    for row in completed:
        add(row["g"], "disclosure_disclosed_rate", row["disclosed"], row["n"])

    # Replies: a completion whose on-time flag is set (a reply against its due date).
    replies = (
        requests.filter(completed_on__gte=start, completed_on__lte=end, on_time__isnull=False)
        .annotate(g=_key(group))
        .values("g", "completed_on", "reply_due")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(on_time=True)),
            period=Sum(F("extension_workdays") + F("deferred_workdays")),
        )
        .order_by()
    )
    used: Counter = Counter()
    for row in replies:
        key, n = row["g"], row["n"]
        add(key, "disclosure_on_time_rate", row["on_time"], n)
        early = workdays_between(row["completed_on"], row["reply_due"])
        used[key] += n * REPLY_LIMIT + (row["period"] or 0) - n * int(early)
        add(key, "disclosure_average_workdays", 0, n)
    for key, days in used.items():
        add(key, "disclosure_average_workdays", max(days, 0), 0)

    decided = (
        appeals.filter(kind="reconsideration", decided_on__gte=start, decided_on__lte=end)
        .annotate(g=_key(group, "request__"))
        .values("g")
        .annotate(n=Count("pk"), corrected=Count("pk", filter=Q(result="corrected")))
        .order_by()
    )
    for row in decided:
        add(row["g"], "disclosure_reconsideration_corrected_rate", row["corrected"], row["n"])
    return totals
