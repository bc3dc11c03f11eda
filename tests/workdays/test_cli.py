"""python manage.py workdays ..."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.workdays import official
from tests.workdays.test_provisional import SCHEDULE_2027
from zhengwu.workdays import add_workdays, loader, sources
from zhengwu.workdays.models import CalendarChange, CalendarYear

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_add():
    assert run("add", "2025-09-30", "20") == "2025-11-04"
    assert run("add", "2026-02-13", "7") == "2026-03-02"
    assert run("add", "2025-09-30", "0") == "2025-09-30"


def test_add_says_provisional(provisional_2027):
    assert (
        run("add", "2026-12-20", "20") == f"{add_workdays(dt.date(2026, 12, 20), 20)} provisional"
    )


def test_between_and_is_and_next():
    assert run("between", "2025-09-30", "2025-11-04") == "20"
    assert run("is", "2026-02-14") == "workday"
    assert run("is", "2026-02-15") == "holiday"
    assert run("is", "2026-02-16") == "holiday"
    assert run("next", "2025-09-30") == "2025-10-09"


def test_years_lists_every_supported_year(provisional_2027):
    lines = run("years").splitlines()
    first, last = loader.supported_range()
    assert len(lines) == last.year - first.year + 1
    assert "2025\tofficial\tpackage" in lines
    assert any(line.startswith("2027\tprovisional") for line in lines)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("add", "2025-9-30", "20"), "不是日期"),
        (("add", "2025-02-30", "20"), "不是日期"),
        (("add", "2025-09-30", "-1"), "0 或更大"),
        (("add", "2025-09-30", "twenty"), "0 或更大"),
        (("add", "2003-12-31", "1"), "超出"),
        (("between", "2025-09-30", "tomorrow"), "end"),
        (("is", "2099-01-01"), "超出"),
    ],
)
def test_bad_input_is_a_command_error_in_chinese(args, expected):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert expected in str(caught.value)


def test_import_a_file(
    tmp_path, provisional_2027, announcements, django_capture_on_commit_callbacks
):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    preview = run("import", str(path), "--year", "2027", "--dry-run")
    assert "2027-02-13" in preview and "试运行" in preview
    assert loader.year_status(2027) == sources.PROVISIONAL
    with django_capture_on_commit_callbacks(execute=True):
        out = run("import", str(path), "--year", "2027", "--notice", "国办发明电〔2026〕1号")
    assert "2027-02-13" in out and "已导入" in out
    assert loader.year_status(2027) == sources.OFFICIAL
    assert run("add", "2027-02-04", "1") == "2027-02-13"
    assert CalendarYear.objects.get(year=2027).notice == "国办发明电〔2026〕1号"
    assert CalendarChange.objects.filter(year=2027, date=None).exists()
    assert announcements == [([2027], "import")]


def test_import_from_the_package():
    out = run("import", "--year", "2026", "--from-package")
    assert "已导入" in out
    assert CalendarYear.objects.get(year=2026).is_imported
    assert run("add", "2026-02-13", "7") == "2026-03-02"


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        ("holiday,2027-02-05,2027-02-01,春节\n", ("--year", "2027"), "结束日期早于开始日期"),
        ("holiday,2027-02-05,2027-02-11,春节\n", ("--year", "2050"), "--year"),
        ("holiday,2027-02-05,2027-02-11,春节\n", ("--year", "next"), "--year"),
        (official.as_csv(2026), ("--year", "2027"), "不在 2027 年"),
    ],
)
def test_import_mistakes(tmp_path, content, args, expected):
    path = tmp_path / "schedule.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import", str(path), *args)
    assert expected in str(caught.value)
    assert not CalendarChange.objects.exists()


def test_import_needs_a_file(tmp_path):
    with pytest.raises(CommandError):
        run("import", "--year", "2027")
    with pytest.raises(CommandError):
        run("import", str(tmp_path / "missing.csv"), "--year", "2027")
    with pytest.raises(CommandError):
        run("import", "--year", "2030", "--from-package")
