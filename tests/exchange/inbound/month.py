"""A generated month of the SCJ department: cases filed and handled at the center, the
department's records of them, and the planted discrepancies, one of each kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tests.cases.helpers import AT, applicant_payload
from tests.factories import valid_id_number
from zhengwu.cases import services
from zhengwu.cases.models import Case
from zhengwu.workdays.loader import get_calendar

ITEM = "11330100SCJ-XK-0001"
MONTH = dt.date(2025, 9, 1)


@dataclass
class Month:
    cases: list[Case] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    planted: dict[str, str] = field(default_factory=dict)  # kind → record number


def record_of(case: Case, **changes) -> dict:
    row = {
        "department": "SCJ",
        "record_number": case.number,
        "item": ITEM,
        "applicant_number": case.applicant.id_number,
        "received_on": case.received_on.isoformat(),
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else "",
        "decided_on": case.completed_on.isoformat() if case.completed_on else "",
        "delivered_on": case.delivered_on.isoformat() if case.delivered_on else "",
    }
    row.update(changes)
    return row


def generate(clerk, reviewer, travel, *, cases: int = 12) -> Month:
    """``cases`` cases received on the working days of September 2025 and accepted the same
    day, every third one decided and delivered that day; a record of each; then the plants."""
    month = Month()
    calendar = get_calendar()
    day = dt.date(2025, 9, 1)
    for index in range(cases):
        while not calendar.is_workday(day):
            day += dt.timedelta(days=1)
        at = f"{day:%Y-%m-%d}"
        travel(AT(f"{at} 09:00"))
        case = services.submit(
            actor=clerk,
            item=ITEM,
            channel="window",
            applicant=services.ApplicantInput(**applicant_payload(index + 1)),
            materials=["M01", "M02"],
        )
        travel(AT(f"{at} 10:00"))
        services.act(actor=reviewer, number=case.number, action="accept")
        if index % 3 == 0:
            travel(AT(f"{at} 15:00"))
            services.act(
                actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
            )
            travel(AT(f"{at} 16:00"))
            services.act(
                actor=clerk, number=case.number, action="deliver", data={"method": "window"}
            )
        month.cases.append(Case.objects.select_related("applicant").get(pk=case.pk))
        day += dt.timedelta(days=1)
    for index, case in enumerate(month.cases):
        if index not in (3, 8):
            month.records.append(record_of(case))
    # 体外循环: handled in the department only.
    month.records.append(
        {
            "department": "SCJ",
            "record_number": "SCJ-OWN-0901",
            "item": ITEM,
            "applicant_number": valid_id_number(90),
            "received_on": "2025-09-10",
            "accepted_on": "2025-09-10",
        }
    )
    month.planted["off_system"] = "SCJ-OWN-0901"
    # 两头受理: case 1 accepted here and, under its own number, at the department too.
    month.records.append(record_of(month.cases[1], record_number="SCJ-OWN-0902"))
    month.planted["double_intake"] = "SCJ-OWN-0902"
    # 先办后录: case 8 handled at the department three working days before it was entered here.
    early = _workdays_before(calendar, month.cases[8].accepted_on, 3)
    month.records.append(
        record_of(
            month.cases[8],
            received_on=early.isoformat(),
            accepted_on=early.isoformat(),
        )
    )
    month.planted["retroactive"] = month.cases[8].number
    # Dates against the trail: decided before it was accepted.
    month.records.append(
        record_of(
            month.cases[3],
            decided_on=(month.cases[3].accepted_on - dt.timedelta(days=3)).isoformat(),
        )
    )
    month.planted["trail_conflict"] = month.cases[3].number
    travel(AT("2025-10-09 10:00"))
    return month


def _workdays_before(calendar, day: dt.date, n: int) -> dt.date:
    while n:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day
