"""The staffing figures as people read them: the monthly attendance sheet of a department (and
its .xlsx), the 巡查日志 with its completion rates per day and month, the patrols of a day, the
monthly 帮办代办 figures and the minutes of an irregularity. Reads only."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.display import cn_date, person_name
from zhengwu.core.errors import ValidationFailed
from zhengwu.hall import staffing_rules as rules
from zhengwu.hall import staffing_selectors as selectors
from zhengwu.hall.models import Hall
from zhengwu.hall.models.staffing import (
    AssistedService,
    Attendance,
    HallIrregularity,
    LeaveRequest,
    Patrol,
    PatrolFinding,
)
from zhengwu.workdays.loader import is_workday


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``YYYY-MM`` (this month when empty); 422 otherwise."""
    if not text:
        today = clock.today()
        return selectors.month_range(today.year, today.month)
    try:
        year, month = (int(p) for p in text.split("-"))
        return selectors.month_range(year, month)
    except ValueError:
        raise ValidationFailed({"month": [_("Enter a month such as 2026-03.")]}) from None


def irregularity_minutes(row: HallIrregularity, now: dt.datetime | None = None) -> int:
    """How long an irregularity lasted (so far, when still going on), in minutes."""
    end = row.ended_at or now or clock.now()
    return rules.minutes_between(row.started_at, end)


# -- attendance sheet ----------------------------------------------------------------------------

STATUS_LABELS = {
    rules.DayStatus.OFF: "",
    rules.DayStatus.LEAVE: "假",
    rules.DayStatus.ABSENT: "缺",
    rules.DayStatus.NORMAL: "√",
    rules.DayStatus.LATE: "迟",
    rules.DayStatus.EARLY: "早",
    rules.DayStatus.LATE_EARLY: "迟早",
    rules.DayStatus.NO_SIGN_OUT: "未退",
    rules.DayStatus.PENDING: "",
}


@dataclass
class SheetRow:
    name: str
    statuses: list[str]
    counts: Counter = field(default_factory=Counter)
    late_minutes: int = 0
    early_minutes: int = 0


@dataclass
class Sheet:
    department: str
    first: dt.date
    last: dt.date
    days: list[dt.date]
    workdays: list[bool]
    rows: list[SheetRow]


def attendance_sheet(department, first: dt.date, last: dt.date) -> Sheet:
    """Each active member of the department, each day of the month: its status (three
    queries: the people, their attendance, their approved leave)."""
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    work = [bool(is_workday(d)) for d in days]
    today = clock.today()
    people = list(selectors.staff_of(department.pk))
    marks = {
        (a.user_id, a.day): a
        for a in Attendance.objects.filter(user__in=people, day__gte=first, day__lte=last).only(
            "user_id", "day", "signed_out_at", "late_minutes", "early_minutes"
        )
    }
    leave: set[tuple[int, dt.date]] = set()
    for user_id, a, b in LeaveRequest.objects.filter(
        user__in=people,
        state=LeaveRequest.State.APPROVED,
        first_day__lte=last,
        last_day__gte=first,
    ).values_list("user_id", "first_day", "last_day"):
        for d in days:
            if a <= d <= b:
                leave.add((user_id, d))
    rows = []
    for person in people:
        row = SheetRow(person_name(person), [])
        for d, workday in zip(days, work, strict=True):
            mark = marks.get((person.pk, d))
            status = rules.day_status(
                workday=workday,
                on_leave=(person.pk, d) in leave,
                signed_in=mark is not None,
                signed_out=mark is not None and mark.signed_out_at is not None,
                late=mark.late_minutes if mark else 0,
                early=mark.early_minutes if mark else 0,
                past=d < today,
            )
            row.statuses.append(status)
            row.counts[status] += 1
            if mark is not None and workday:
                row.late_minutes += mark.late_minutes
                row.early_minutes += mark.early_minutes
        rows.append(row)
    return Sheet(department.name, first, last, days, work, rows)


def sheet_totals(row: SheetRow) -> dict[str, int]:
    S = rules.DayStatus
    c = row.counts
    return {
        "present": c[S.NORMAL] + c[S.LATE] + c[S.EARLY] + c[S.LATE_EARLY] + c[S.NO_SIGN_OUT],
        "late": c[S.LATE] + c[S.LATE_EARLY],
        "early": c[S.EARLY] + c[S.LATE_EARLY],
        "leave": c[S.LEAVE],
        "absent": c[S.ABSENT],
        "no_sign_out": c[S.NO_SIGN_OUT],
    }


TOTAL_HEADINGS = ("出勤天数", "迟到次数", "早退次数", "请假天数", "缺勤天数", "未签退天数")


def sheet_xlsx(sheet: Sheet) -> bytes:
    """The monthly attendance sheet as .xlsx: Chinese headings, people by full name."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = f"{sheet.first.year}年{sheet.first.month}月"
    ws.cell(
        1, 1, f"{sheet.department} {sheet.first.year}年{sheet.first.month}月考勤表"
    ).font = Font(bold=True, size=13)
    ws.cell(2, 1, "√ 正常  迟 迟到  早 早退  假 请假  缺 缺勤  未退 未签退；灰底为非工作日")
    headings = [
        "姓名",
        *[f"{d.day}日" for d in sheet.days],
        *TOTAL_HEADINGS,
        "迟到分钟",
        "早退分钟",
    ]
    grey = PatternFill("solid", fgColor="DDDDDD")
    for col, text in enumerate(headings, start=1):
        ws.cell(3, col, text).font = Font(bold=True)
    for i, workday in enumerate(sheet.workdays):
        if not workday:
            ws.cell(3, i + 2).fill = grey
    for r, row in enumerate(sheet.rows, start=4):
        ws.cell(r, 1, row.name)
        for i, status in enumerate(row.statuses):
            cell = ws.cell(r, i + 2, STATUS_LABELS[status])
            cell.alignment = Alignment(horizontal="center")
            if not sheet.workdays[i]:
                cell.fill = grey
        totals = sheet_totals(row)
        values = [*totals.values(), row.late_minutes, row.early_minutes]
        for j, value in enumerate(values):
            ws.cell(r, len(sheet.days) + 2 + j, value)
    ws.column_dimensions["A"].width = 12
    for col in range(2, len(sheet.days) + 2):
        ws.column_dimensions[get_column_letter(col)].width = 4.5
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- patrols -------------------------------------------------------------------------------------


def _states(hall: Hall, days: list[dt.date], now: dt.datetime) -> dict[dt.date, list[dict]]:
    grace = dt.timedelta(minutes=selectors.settings_of(hall).patrol_grace_minutes)
    times = selectors.patrol_times(hall)
    done = {
        (p.day, p.number): p
        for p in Patrol.objects.filter(hall=hall, day__in=days)
        .select_related("done_by")
        .annotate(n_findings=Count("findings"))
    }
    out: dict[dt.date, list[dict]] = {}
    for day in days:
        if not is_workday(day):
            continue
        rows = []
        for number, at in times:
            due = dt.datetime.combine(day, at, tzinfo=clock.LOCAL_TZ)
            patrol = done.get((day, number))
            rows.append(
                {
                    "number": number,
                    "due_at": due,
                    "patrol": patrol,
                    "state": rules.patrol_state(
                        due_at=due,
                        grace=grace,
                        done_at=patrol.done_at if patrol else None,
                        now=now,
                    ),
                }
            )
        out[day] = rows
    return out


def day_patrols(hall: Hall, day: dt.date) -> dict:
    """The patrols of a day and their states (the API's answer)."""
    rows = _states(hall, [day], clock.now()).get(day, [])
    done, due = rules.completion(r["state"] for r in rows)
    return {
        "day": day.isoformat(),
        "done": done,
        "due": due,
        "patrols": [
            {
                "number": r["number"],
                "due_at": r["due_at"].isoformat(),
                "state": r["state"],
                "done_at": r["patrol"].done_at.isoformat() if r["patrol"] else None,
                "done_by": person_name(r["patrol"].done_by) if r["patrol"] else None,
            }
            for r in rows
        ],
    }


@dataclass
class LogDay:
    day: dt.date
    label: str
    rows: list[dict]
    done: int
    due: int

    @property
    def rate(self):
        return percent_text(self.done, self.due)


def percent_text(done: int, due: int) -> str:
    if not due:
        return "—"
    return f"{done * 100 / due:.1f}%"


def patrol_log(hall: Hall, first: dt.date, last: dt.date) -> tuple[list[LogDay], int, int]:
    """The 巡查日志 of a month: each working day's patrols, with the day's completion, and the
    month's done and due."""
    now = clock.now()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    states = _states(hall, days, now)
    out, done_m, due_m = [], 0, 0
    for day in days:
        if day not in states:
            continue
        done, due = rules.completion(r["state"] for r in states[day])
        done_m, due_m = done_m + done, due_m + due
        out.append(LogDay(day, cn_date(day), states[day], done, due))
    return out, done_m, due_m


# -- 帮办代办 ----------------------------------------------------------------------------------


def assisted_figures(rows: QuerySet[AssistedService], first: dt.date, last: dt.date) -> dict:
    """The month's 帮办代办: assisted, of them on site and 上门, called back, satisfied (满意 or
    基本满意) and the satisfaction rate (satisfied ÷ called back)."""
    S = AssistedService.Satisfaction
    got = rows.filter(served_on__gte=first, served_on__lte=last).aggregate(
        assisted=Count("pk"),
        on_site=Count("pk", filter=Q(mode=AssistedService.Mode.ON_SITE)),
        home=Count("pk", filter=Q(mode=AssistedService.Mode.HOME)),
        called_back=Count("pk", filter=Q(called_back_at__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfaction__in=(S.SATISFIED, S.FAIR))),
    )
    got["month"] = f"{first:%Y-%m}"
    got["satisfaction_rate"] = percent_text(got["satisfied"], got["called_back"])
    return got


def findings_by_day(hall: Hall, first: dt.date, last: dt.date) -> dict[dt.date, list]:
    out: dict[dt.date, list] = defaultdict(list)
    for f in (
        PatrolFinding.objects.filter(
            patrol__hall=hall, patrol__day__gte=first, patrol__day__lte=last
        )
        .select_related("patrol", "window", "assignee")
        .order_by("patrol__day", "patrol__number", "id")
    ):
        out[f.patrol.day].append(f)
    return out
