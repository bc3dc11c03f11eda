"""The 一件事 indicators (joint applications, DOMAIN §10) and 一业一证: the ``joint`` provider.

Registered by the assessment app beside the cases provider (``providers.register("joint",
joint_counts)``), so the indicators page, the API (``group=``), the brief and the dashboard read
it like any other:

- **并联审批使用率** (``parallel_rate``): every case opened for an item of a joint application is
  handled in parallel. Of the children received in the period, those of items that allow
  parallel approval add to the numerator only (the cases provider counted them in the
  denominator); those of other items add to both.
- ``joint_completion_rate``: joint applications received in the period (under the lead
  department) and decided by its last day (every item granted, or stopped by a denial).
- ``joint_on_time_rate``: (early + on time) ÷ joint applications decided in the period, on the
  joint clock (``JointCase.completion``).
- ``joint_time_ratio``: Σ working days used ÷ Σ serial days of the joint applications completed
  in the period (every item granted): working days used = acceptance (not counted) to decision,
  less the working days a child was in a special procedure (``suspended_workdays``); serial days =
  the sum of the statutory limits of the catalogue versions their cases were handled under.
- ``composite_licence_share``: new enterprises (holders of a business licence, type
  ``settings.BUSINESS_LICENCE_TYPE``, issued in the period: 设立登记) that hold a composite
  licence (一业一证, ``licences.CompositeLicence``) issued by the period's last day and not
  revoked by then, each holder once, under the group of the business licence's case.

Joint applications are counted under their lead department (and its center); by staff, the clerk
who filed a window application; they have no window and no single item, so those groups get no
joint counts. ``scene_rows`` gives the same figures per scene, for the brief and the dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db.models import Case as Choose
from django.db.models import Count as Counted
from django.db.models import F, Q, Sum, When

from zhengwu.assessment.formulas import Count
from zhengwu.assessment.selectors import group_expression
from zhengwu.cases.models import Case
from zhengwu.joint.models import JointCase, JointChild
from zhengwu.licences.models import CompositeLicence, Licence
from zhengwu.workdays.loader import get_calendar

DECIDED = ("completed", "stopped", "delivered")
COMPLETED = ("completed", "delivered")  # every item granted
JOINT_GROUPS = ("department", "center", "staff")


def _joint_group(group: str):
    if group == "department":
        return F("lead_department_id")
    if group == "center":
        return F("lead_department__center_id")
    if group == "staff":
        return Choose(When(channel="window", then=F("created_by_id")))
    raise ValueError(group)


def _joints(start, end, date_field: str, group: str, department_ids):
    queryset = JointCase.objects.filter(**{f"{date_field}__gte": start, f"{date_field}__lte": end})
    if department_ids is not None:
        queryset = queryset.filter(lead_department_id__in=list(department_ids))
    return queryset.annotate(g=_joint_group(group))


def used_and_serial(joints) -> dict[int, tuple[int, int]]:
    """Per completed joint case (rows with ``id``, ``accepted_on``, ``completed_on``,
    ``suspended_workdays``): (working days used, serial days of its items)."""
    rows = list(joints)
    serial = dict(
        JointChild.objects.filter(joint_id__in=[r["id"] for r in rows])
        .values("joint_id")
        .annotate(days=Sum("case__item_version__statutory_limit"))
        .values_list("joint_id", "days")
    )
    calendar = get_calendar()
    return {
        r["id"]: (
            int(calendar.between(r["accepted_on"], r["completed_on"])) - r["suspended_workdays"],
            int(serial.get(r["id"]) or 0),
        )
        for r in rows
    }


def _parallel(start, end, group, department_ids, add) -> None:
    children = Case.objects.filter(
        received_on__gte=start, received_on__lte=end, joint_child__isnull=False
    )
    if department_ids is not None:
        children = children.filter(department_id__in=list(department_ids))
    rows = (
        children.annotate(g=group_expression(group))
        .values("g", "item_version__parallel_approval")
        .annotate(n=Counted("id"), marked=Counted("id", filter=Q(parallel=True)))
        .order_by()
    )
    for row in rows:
        if row["item_version__parallel_approval"]:
            add(row["g"], "parallel_rate", row["n"] - row["marked"], 0)
        else:
            add(row["g"], "parallel_rate", row["n"], row["n"])


def _composite(start, end, group, department_ids, add) -> None:
    new = Licence.objects.filter(
        type__code=settings.BUSINESS_LICENCE_TYPE, valid_from__gte=start, valid_from__lte=end
    )
    if department_ids is not None:
        new = new.filter(case__department_id__in=list(department_ids))
    holders: dict[Hashable, set[str]] = defaultdict(set)
    for key, holder in (
        new.annotate(g=group_expression(group, "case__")).values_list("g", "holder").order_by()
    ):
        holders[key].add(holder)
    everyone = set().union(*holders.values()) if holders else set()
    # 一业一证: the composite licences issued by joint deliveries (``licences.CompositeLicence``)
    # by the end of the period and not revoked by then
    composite = set(
        CompositeLicence.objects.filter(valid_from__lte=end, holder__in=sorted(everyone))
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=end))
        .values_list("holder", flat=True)
    )
    for key, found in holders.items():
        add(key, "composite_licence_share", len(found & composite), len(found))


def joint_counts(*, start, end, group, department_ids) -> dict[Hashable, dict[str, Count]]:
    totals: dict[Hashable, dict[str, Count]] = {}

    def add(key, indicator, numerator, denominator):
        row = totals.setdefault(key, {})
        row[indicator] = row.get(indicator, Count()) + Count(int(numerator), int(denominator))

    _parallel(start, end, group, department_ids, add)
    _composite(start, end, group, department_ids, add)
    if group not in JOINT_GROUPS:
        return totals
    received = (
        _joints(start, end, "received_on", group, department_ids)
        .values("g")
        .annotate(
            received=Counted("id"),
            decided=Counted("id", filter=Q(completed_on__lte=end)),
        )
        .order_by()
    )
    for row in received:
        add(row["g"], "joint_completion_rate", row["decided"], row["received"])
    decided = _joints(start, end, "completed_on", group, department_ids).filter(state__in=DECIDED)
    for row in (
        decided.values("g")
        .annotate(
            n=Counted("id"),
            timely=Counted("id", filter=Q(completion__in=("early", "on_time"))),
        )
        .order_by()
    ):
        add(row["g"], "joint_on_time_rate", row["timely"], row["n"])
    completed = list(
        decided.filter(state__in=COMPLETED).values(
            "id", "g", "accepted_on", "completed_on", "suspended_workdays"
        )
    )
    figures = used_and_serial(completed)
    for row in completed:
        used, serial = figures[row["id"]]
        add(row["g"], "joint_time_ratio", used, serial)
    return totals


# ---------------------------------------------------------------- per scene (brief, dashboard)


@dataclass
class SceneRow:
    code: str
    name: str
    received: int = 0
    decided: int = 0
    on_time: int = 0
    completed: int = 0  # every item granted, with its days measured
    used_days: int = 0
    serial_days: int = 0

    @property
    def on_time_rate(self) -> Count:
        return Count(self.on_time, self.decided)

    @property
    def average_days(self) -> Fraction | None:
        return None if not self.completed else Fraction(self.used_days, self.completed)

    @property
    def average_serial_days(self) -> Fraction | None:
        return None if not self.completed else Fraction(self.serial_days, self.completed)


def scene_rows(*, start, end, department_ids) -> list[SceneRow]:
    """Per scene: joint applications received in the period, decided in it, of those on time, and
    for those completed the average working days used against the average serial days."""
    rows: dict[int, SceneRow] = {}

    def row_of(values) -> SceneRow:
        scene = values["scene_id"]
        if scene not in rows:
            rows[scene] = SceneRow(values["scene__code"], values["scene__current_version__name"])
        return rows[scene]

    def joints(date_field: str):
        queryset = JointCase.objects.filter(
            **{f"{date_field}__gte": start, f"{date_field}__lte": end}
        )
        if department_ids is not None:
            queryset = queryset.filter(lead_department_id__in=list(department_ids))
        return queryset

    names = ("scene_id", "scene__code", "scene__current_version__name")
    for values in joints("received_on").values(*names).annotate(n=Counted("id")).order_by():
        row_of(values).received += values["n"]
    decided = joints("completed_on").filter(state__in=DECIDED)
    for values in (
        decided.values(*names)
        .annotate(
            n=Counted("id"),
            timely=Counted("id", filter=Q(completion__in=("early", "on_time"))),
        )
        .order_by()
    ):
        row = row_of(values)
        row.decided += values["n"]
        row.on_time += values["timely"]
    completed = list(
        decided.filter(state__in=COMPLETED).values(
            *names, "id", "accepted_on", "completed_on", "suspended_workdays"
        )
    )
    figures = used_and_serial(completed)
    for values in completed:
        row = row_of(values)
        used, serial = figures[values["id"]]
        row.completed += 1
        row.used_days += used
        row.serial_days += serial
    return sorted(rows.values(), key=lambda r: r.code)
