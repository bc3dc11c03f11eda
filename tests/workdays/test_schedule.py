"""Reading a year's schedule as operators type or upload it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from tests.workdays import official
from zhengwu.workdays import schedule as sched

D = dt.date


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_the_official_2026_file_parses():
    schedule, errors = sched.parse(2026, file=official.as_csv(2026).encode())
    assert not errors
    assert [(h.start, h.end, h.name) for h in schedule.holidays] == official.HOLIDAYS[2026]
    assert [w.date for w in schedule.workdays] == official.MAKEUP[2026]
    rows = schedule.rows()
    assert rows[D(2026, 2, 21)].is_workday is False and rows[D(2026, 2, 21)].name == "春节"
    assert rows[D(2026, 2, 28)].is_workday is True


def test_lines_accept_the_usual_ways_of_writing():
    schedule, errors = sched.parse(
        2026,
        holidays_text=(
            "2026-01-01 至 2026-01-03 元旦\n"
            "# a comment\n"
            "2026年2月15日～2026年2月23日，春节\n"
            "2026/4/4-2026/4/6 清明节\n"
            "2026-06-19,2026-06-21,端午节\n"
            "2026.9.25 中秋节\n"
        ),
        workdays_text="2026-01-04,元旦调休上班\n\n2026年2月14日 春节调休上班\n2026-02-28",
    )
    assert not errors, errors.by_field
    assert [(h.start, h.end, h.name) for h in schedule.holidays] == [
        (D(2026, 1, 1), D(2026, 1, 3), "元旦"),
        (D(2026, 2, 15), D(2026, 2, 23), "春节"),
        (D(2026, 4, 4), D(2026, 4, 6), "清明节"),
        (D(2026, 6, 19), D(2026, 6, 21), "端午节"),
        (D(2026, 9, 25), D(2026, 9, 25), "中秋节"),
    ]
    assert [(w.date, w.name) for w in schedule.workdays] == [
        (D(2026, 1, 4), "元旦调休上班"),
        (D(2026, 2, 14), "春节调休上班"),
        (D(2026, 2, 28), ""),
    ]


def test_a_gb18030_file_with_chinese_kinds():
    content = "放假,2026-10-01,2026-10-07,国庆节\r\n上班,2026-10-10,,国庆节调休\r\n".encode(
        "gb18030"
    )
    schedule, errors = sched.parse(2026, file=content)
    assert not errors
    assert schedule.holidays[0].name == "国庆节"
    assert schedule.workdays[0].date == D(2026, 10, 10)


def test_the_december_before_belongs_to_the_notice():
    schedule, errors = sched.parse(2012, holidays_text="2011-12-31,2012-01-03,元旦")
    assert not errors
    assert schedule.holidays[0].start == D(2011, 12, 31)


@pytest.mark.parametrize(
    ("holidays", "workdays", "field", "expected"),
    [
        ("2026-13-01,2026-13-03,x", "", "holidays", "第 1 行"),
        ("2026-02-23,2026-02-15,春节", "", "holidays", "结束日期早于开始日期"),
        ("2026-01-01,2026-03-01,x", "", "holidays", "超过 31 天"),
        ("2027-01-01,2027-01-03,元旦", "", "holidays", "不在 2026 年"),
        ("2026-01-01,2026-01-03,元旦\n2026-01-03,2026-01-04,x", "", "holidays", "同时属于两个假期"),
        ("元旦", "", "holidays", "第 1 行"),
        ("", "2026-01-04", "holidays", "至少填写一个假期"),
        ("2026-01-01,2026-01-03,元旦", "2026-01-05", "workdays", "是工作日"),
        ("2026-01-01,2026-01-04,元旦", "2026-01-04", "workdays", "在假期之内"),
        ("2026-01-01,2026-01-03,元旦", "2026-01-04\n2026-01-04", "workdays", "重复"),
        ("2026-01-01,2026-01-03,元旦", "2026-01-04,2026-01-10", "workdays", "每行一个"),
    ],
)
def test_mistakes_are_explained_in_chinese(holidays, workdays, field, expected):
    schedule, errors = sched.parse(2026, holidays_text=holidays, workdays_text=workdays)
    assert schedule is None
    messages = errors.by_field[field]
    assert any(expected in m for m in messages), messages


def test_file_mistakes():
    _, errors = sched.parse(2026, file=b"party,2026-01-01,2026-01-02,x\n")
    assert "第 1 行" in errors.by_field["file"][0]
    _, errors = sched.parse(2026, file=b"\xff\xfe\x00garbage\xff")
    assert errors.by_field["file"]
    _, errors = sched.parse(2026, file=b"x" * (sched.MAX_FILE_BYTES + 1))
    assert errors.by_field["file"]
    _, errors = sched.parse(2026, file=b"workday,2026-01-03,2026-01-04,x\n")
    assert errors.by_field["file"]


def test_the_text_forms_round_trip():
    schedule, errors = sched.parse(2026, file=official.as_csv(2026).encode())
    assert not errors
    again, errors = sched.parse(
        2026, holidays_text=schedule.holidays_text(), workdays_text=schedule.workdays_text()
    )
    assert not errors
    assert again == schedule
    assert again.digest() == schedule.digest()
    from_csv, errors = sched.parse(2026, file=schedule.as_csv().encode())
    assert from_csv == schedule


def test_the_package_schedule_as_a_schedule():
    schedule = sched.from_package(2026)
    assert schedule is not None
    assert {w.date for w in schedule.workdays} == set(official.MAKEUP[2026])
    assert sched.from_package(2099) is None
