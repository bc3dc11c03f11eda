"""The hall's assessment indicators and its 大厅 section of the monthly brief and the leader
dashboard (docs/hall.md, docs/assessment.md). Registered by ``register()`` from the app's
``ready()``: a provider, a section of definitions, and a brief part.

The queue's indicators (by department, window, staff member or service center; a number belongs
to its business type's department, or for a comprehensive or 一件事 type to the department of
the window that called it; by its day):

- ``average_wait_minutes``: Σ waiting minutes ÷ numbers called (waiting = first call − taken;
  the sum of the seconds rounded to whole minutes once);
- ``wait_p90_minutes``: the wait 90 % of the called numbers did not exceed (nearest rank), as
  seconds ÷ 60; a total over several groups is pooled over all their numbers (``queue_pooled``,
  registered as the provider's pooled total), never the mean of their percentiles;
- ``no_show_rate``: appointments not used by the end of their slot ÷ appointments due (booked or
  arrived, slot ended, cancelled ones left out), by the slot's day; by department and center.

The staffing part adds its indicators to ``DEFINITIONS`` and its counts to ``PROVIDERS``; the
brief part shows every indicator of the section.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zhengwu.assessment.definitions import Definition, Section
from zhengwu.assessment.formulas import Count as Ratio
from zhengwu.core import clock
from zhengwu.hall import queue_rules as rules

GROUPS = ("department", "window", "staff", "center")

DEFINITIONS: list[Definition] = [
    Definition(
        "average_wait_minutes",
        gettext_lazy("Average wait in the hall (minutes)"),
        gettext_lazy("Σ waiting minutes ÷ numbers called"),
        gettext_lazy(
            "Day the number was taken in the period; waiting = first call − taking the number"
        ),
        unit="mean",
    ),
    Definition(
        "wait_p90_minutes",
        gettext_lazy("90th percentile wait (minutes)"),
        gettext_lazy("The 90th percentile of the waits of the numbers called (seconds ÷ 60)"),
        gettext_lazy(
            "Day the number was taken in the period; nearest rank; a total over several "
            "groups is taken over all their numbers together"
        ),
        unit="mean",
    ),
    Definition(
        "no_show_rate",
        gettext_lazy("Appointment no-show rate"),
        gettext_lazy("Appointments not kept ÷ appointments due"),
        gettext_lazy(
            "Day of the slot in the period; due = booked or arrived with the slot ended, "
            "cancelled ones left out; by department and center only"
        ),
    ),
]


def section() -> Section:
    return Section(
        key="hall",
        label=gettext_lazy("Service hall"),
        groups=GROUPS,
        definitions=tuple(DEFINITIONS),
    )


def _department():
    return Coalesce(F("business_type__department_id"), F("window__department_id"))


TICKET_KEYS = {
    "department": _department,
    "window": lambda: F("window_id"),
    "staff": lambda: F("served_by_id"),
    "center": lambda: F("hall__center_id"),
}


def queue_counts(*, start, end, group, department_ids) -> dict[Hashable, dict[str, Ratio]]:
    """The queue's provider: waits of the numbers called, no-shows of the appointments due."""
    from zhengwu.hall.models.queue import Appointment

    if group not in GROUPS:
        return {}
    totals: dict[Hashable, dict[str, Ratio]] = {}

    def add(key, indicator, numerator, denominator):
        row = totals.setdefault(key, {})
        row[indicator] = row.get(indicator, Ratio()) + Ratio(int(numerator), int(denominator))

    for key, values in _waits(start, end, group, department_ids).items():
        for indicator, count in _wait_counts([values]).items():
            add(key, indicator, count.numerator, count.denominator)

    if group in ("department", "center"):
        booked = Appointment.objects.filter(
            slot__day__gte=start,
            slot__day__lte=end,
            state__in=(Appointment.State.BOOKED, Appointment.State.ARRIVED),
        )
        field = (
            "slot__business_type__department_id"
            if group == "department"
            else "slot__business_type__hall__center_id"
        )
        if department_ids is not None:
            booked = booked.filter(slot__business_type__department_id__in=list(department_ids))
        now = clock.local_datetime(clock.now())
        for key, day, ends, state in booked.values_list(
            field, "slot__day", "slot__ends_at", "state"
        ).iterator(chunk_size=5000):
            if state == Appointment.State.BOOKED:
                if dt.datetime.combine(day, ends, tzinfo=clock.LOCAL_TZ) > now:
                    continue  # still to come: not due yet
                add(key, "no_show_rate", 1, 1)
            else:
                add(key, "no_show_rate", 0, 1)
    return totals


def _waits(start, end, group, department_ids, keys=None) -> dict[Hashable, list[float]]:
    """The waits (seconds) of the numbers called in the period, per group (of ``keys`` only,
    when given)."""
    from zhengwu.hall.models.queue import Ticket

    tickets = Ticket.objects.filter(
        day__gte=start, day__lte=end, first_called_at__isnull=False
    ).annotate(g=TICKET_KEYS[group](), dept=_department())
    if department_ids is not None:
        tickets = tickets.filter(dept__in=list(department_ids))
    if keys is not None:
        chosen = Q(g__in=[k for k in keys if k is not None])
        if None in keys:
            chosen |= Q(g__isnull=True)
        tickets = tickets.filter(chosen)
    waits: dict = defaultdict(list)
    for key, taken, first in tickets.values_list("g", "taken_at", "first_called_at").iterator(
        chunk_size=5000
    ):
        waits[key].append(max((first - taken).total_seconds(), 0))
    return waits


def _wait_counts(groups: list[list[float]]) -> dict[str, Ratio]:
    """The wait indicators of the waits (seconds) of one or more groups taken together: the
    minutes summed then rounded once over the count; the nearest-rank 90th percentile of all the
    waits (``queue_rules.pooled_percentile``) in seconds over 60."""
    values = [v for waits in groups for v in waits]
    if not values:
        return {}
    return {
        "average_wait_minutes": Ratio(round(sum(values) / 60), len(values)),
        "wait_p90_minutes": Ratio(round(rules.pooled_percentile(groups, 90)), 60),
    }


def queue_pooled(*, start, end, group, department_ids, sets) -> dict[Hashable, dict[str, Ratio]]:
    """Per label of ``sets`` (``{label: group keys}``, ``None``: every group), the pooled wait
    indicators of those groups together, for the assessment tables' total and region rows
    (``assessment.providers.pooled``): over all their numbers (``queue_rules.pooled_percentile``),
    never the mean of the groups' percentiles; one read of the waits for every set."""
    if group not in GROUPS:
        return {}
    every = any(keys is None for keys in sets.values())
    wanted = None if every else {k for keys in sets.values() for k in keys}
    waits = _waits(start, end, group, department_ids, wanted)
    empty = {"average_wait_minutes": Ratio(), "wait_p90_minutes": Ratio()}
    return {
        label: _wait_counts([waits.get(k, []) for k in (waits if keys is None else keys)]) or empty
        for label, keys in sets.items()
    }


# The providers of the section and their pooled totals (the staffing part adds its own).
PROVIDERS = {"hall_queue": queue_counts}
POOLED = {"hall_queue": queue_pooled}


# ---------------------------------------------------------------- the brief's 大厅 section


def _center_counts(start, end, department_ids=None) -> dict[str, Ratio]:
    """The section's indicators for every center together (or the departments given); the
    waits pooled over all the numbers (``queue_pooled``), not added up per center."""
    out: dict[str, Ratio] = {}
    for provider in PROVIDERS.values():
        found = provider(start=start, end=end, group="center", department_ids=department_ids)
        for counts in found.values():
            for key, count in counts.items():
                out[key] = out.get(key, Ratio()) + count
    for pooled in POOLED.values():
        whole = pooled(
            start=start, end=end, group="center", department_ids=department_ids, sets={"": None}
        )
        out.update(whole.get("", {}))
    return out


def brief_part(*, start: dt.date, end: dt.date, department_ids: list[int] | None = None):
    """The 大厅 section of the month ``start``..``end``: the section's indicators this month and
    the month before, and the queue per business type (of the departments ``department_ids``
    and the halls of their centers, when given)."""
    from zhengwu.assessment.documents import Table
    from zhengwu.assessment.presenters import text_of
    from zhengwu.assessment.report_sections import ReportSection
    from zhengwu.hall import queue_selectors

    previous_end = start - dt.timedelta(days=1)
    now = _center_counts(start, end, department_ids)
    before = _center_counts(previous_end.replace(day=1), previous_end, department_ids)
    indicators = Table(
        "hall_indicators",
        _("Service hall indicators"),
        [_("Indicator"), _("This month"), _("Last month"), _("Numerator ÷ denominator")],
        [
            [
                str(d.label),
                text_of(now.get(d.key, Ratio()), d.unit),
                text_of(before.get(d.key, Ratio()), d.unit),
                f"{now.get(d.key, Ratio()).numerator} ÷ {now.get(d.key, Ratio()).denominator}",
            ]
            for d in DEFINITIONS
        ],
    )
    halls = None
    if department_ids is not None:
        from zhengwu.hall.models import Hall

        halls = Hall.objects.filter(center__departments__in=department_ids)
    rows, total = queue_selectors.figures_with_total(
        hall=None, start=start, end=end, group="business_type", within=halls
    )
    total.label = _("Total")
    per_type = Table(
        "hall_queue",
        _("Queue by business type"),
        [
            _("Business type"),
            _("Taken"),
            _("Served"),
            pgettext("queue number", "Missed"),
            _("Not served"),
            _("Appointment no-shows"),
            _("Average wait (min)"),
            _("90th percentile wait (min)"),
        ],
        [
            [
                r.label,
                r.taken,
                r.served,
                r.missed,
                r.closed,
                r.no_shows,
                _minutes(r.average_wait),
                _minutes(r.p90_wait),
            ]
            for r in [*rows, *([total] if rows else [])]
        ],
    )
    taken, served = total.taken, total.served
    wait = now.get("average_wait_minutes", Ratio())
    if taken:
        sentence = _(
            "This month the hall gave %(taken)s numbers and served %(served)s; the average wait "
            "was %(wait)s minutes (last month %(previous)s), and 90%% of the numbers called "
            "waited at most %(p90)s minutes; the appointment no-show rate was %(no_show)s."
        ) % {
            "taken": taken,
            "served": served,
            "wait": text_of(wait, "mean"),
            "previous": text_of(before.get("average_wait_minutes", Ratio()), "mean"),
            # Over all the month's numbers together, never a mean of percentiles.
            "p90": _minutes(total.p90_wait),
            "no_show": text_of(now.get("no_show_rate", Ratio())),
        }
    else:
        sentence = _("The hall gave no numbers this month.")
    return ReportSection(
        key="hall",
        title=_("Service hall"),
        sentence=sentence,
        tables=[indicators, per_type],
        definitions=[(str(d.label), str(d.formula), str(d.basis)) for d in DEFINITIONS],
    )


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def register() -> None:
    from zhengwu.assessment import providers, report_sections
    from zhengwu.assessment.definitions import register_section

    for name, provider in PROVIDERS.items():
        providers.register(name, provider, pooled=POOLED.get(name))
    register_section(section())
    report_sections.register("hall", brief_part)
