"""The State Council's official schedules for 2025 and 2026 (国务院办公厅关于部分节假日安排的通知).

2025: 元旦 1/1; 春节 1/28–2/4 (上班 1/26 Sun, 2/8 Sat); 清明 4/4–4/6;
劳动节 5/1–5/5 (上班 4/27 Sun); 端午 5/31–6/2; 国庆、中秋 10/1–10/8 (上班 9/28 Sun, 10/11 Sat).
2026: 元旦 1/1–1/3 (上班 1/4 Sun); 春节 2/15–2/23 (上班 2/14 Sat, 2/28 Sat);
清明 4/4–4/6; 劳动节 5/1–5/5 (上班 5/9 Sat); 端午 6/19–6/21; 中秋 9/25–9/27; 国庆 10/1–10/7
(上班 9/20 Sun, 10/10 Sat).
"""

from __future__ import annotations

import datetime as dt

D = dt.date

HOLIDAYS = {
    2025: [
        (D(2025, 1, 1), D(2025, 1, 1), "元旦"),
        (D(2025, 1, 28), D(2025, 2, 4), "春节"),
        (D(2025, 4, 4), D(2025, 4, 6), "清明节"),
        (D(2025, 5, 1), D(2025, 5, 5), "劳动节"),
        (D(2025, 5, 31), D(2025, 6, 2), "端午节"),
        (D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节"),
    ],
    2026: [
        (D(2026, 1, 1), D(2026, 1, 3), "元旦"),
        (D(2026, 2, 15), D(2026, 2, 23), "春节"),
        (D(2026, 4, 4), D(2026, 4, 6), "清明节"),
        (D(2026, 5, 1), D(2026, 5, 5), "劳动节"),
        (D(2026, 6, 19), D(2026, 6, 21), "端午节"),
        (D(2026, 9, 25), D(2026, 9, 27), "中秋节"),
        (D(2026, 10, 1), D(2026, 10, 7), "国庆节"),
    ],
}

MAKEUP = {
    2025: [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)],
    2026: [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ],
}


def holiday_days(year: int) -> list[dt.date]:
    out = []
    for start, end, _name in HOLIDAYS[year]:
        day = start
        while day <= end:
            out.append(day)
            day += dt.timedelta(days=1)
    return out


def expected_workday(day: dt.date) -> bool:
    """The official status of a day of 2025 or 2026."""
    if day in MAKEUP[day.year]:
        return True
    if day in holiday_days(day.year):
        return False
    return day.weekday() < 5


def days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def as_csv(year: int) -> str:
    lines = ["kind,start,end,name"]
    lines += [f"holiday,{s},{e},{n}" for s, e, n in HOLIDAYS[year]]
    lines += [f"workday,{d},," for d in MAKEUP[year]]
    return "\n".join(lines) + "\n"
