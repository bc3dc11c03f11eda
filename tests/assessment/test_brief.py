"""The monthly brief: the weighted ranking, the change against last month, the "last three two
months running" flag, its files, its command and who may read it."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from tests.cases.helpers import AT
from zhengwu.assessment import brief as briefs
from zhengwu.assessment import documents
from zhengwu.assessment.formulas import INDICATOR_KEYS, Count
from zhengwu.assessment.selectors import Row
from zhengwu.core.errors import Forbidden, ValidationFailed


def row(key, on_time: tuple[int, int], online: tuple[int, int] = (0, 0)) -> Row:
    indicators = {k: Count() for k in INDICATOR_KEYS}
    indicators["on_time_rate"] = Count(*on_time)
    indicators["online_rate"] = Count(*online)
    return Row(key=key, name=f"部门{key}", indicators=indicators)


WEIGHTS = {"on_time_rate": 3, "online_rate": 1}


def test_ranking_change_and_flags():
    now = [row(1, (9, 10), (5, 10)), row(2, (8, 10)), row(3, (7, 10)), row(4, (6, 10)),
           row(5, (5, 10)), row(6, (0, 0))]  # fmt: skip
    then = [row(1, (5, 10)), row(2, (9, 10)), row(3, (8, 10)), row(4, (1, 10)),
            row(5, (2, 10)), row(6, (3, 10))]  # fmt: skip
    ranked = {r.key: r for r in briefs._ranked(now, then, WEIGHTS)}
    # 1: (3 × 90 + 50) / 4 = 80; 2: on time only (online has no data) = 80: tied first.
    assert ranked[1].score == 80 and ranked[2].score == 80
    assert ranked[1].rank == ranked[2].rank == 1
    assert [ranked[k].rank for k in (3, 4, 5)] == [3, 4, 5]
    assert ranked[6].rank is None and ranked[6].score is None  # no data: not ranked
    # last month: 2 (90), 3 (80), 1 (50), 6 (30), 5 (20), 4 (10)
    assert ranked[1].previous_rank == 3 and ranked[1].rank_change == 2
    assert ranked[1].score_change == 30
    assert ranked[2].rank_change == 0
    # the last three now: 3, 4, 5; last month: 6, 5, 4 → flagged 4 and 5
    assert {k for k, r in ranked.items() if r.last_places} == {3, 4, 5}
    assert {k for k, r in ranked.items() if r.flagged} == {4, 5}
    order = [r.key for r in briefs._ranked(now, then, WEIGHTS)]
    assert order[-1] == 6 and order[:2] == [1, 2]


def test_weights_from_settings(settings):
    settings.ZHENGWU_BRIEF_WEIGHTS = {"online_rate": 1}
    assert briefs.weights() == {"online_rate": Fraction(1)}
    settings.ZHENGWU_BRIEF_WEIGHTS = '{"on_time_rate": 2.5}'
    assert briefs.weights() == {"on_time_rate": Fraction(5, 2)}
    settings.ZHENGWU_BRIEF_WEIGHTS = {"speed": 1}
    with pytest.raises(ImproperlyConfigured):
        briefs.weights()
    del settings.ZHENGWU_BRIEF_WEIGHTS
    assert briefs.weights()["on_time_rate"] == 30


@pytest.fixture
def two_months(make_case, windows, staff):
    for month in ("09", "10"):
        make_case(received=f"2025-{month}-08", accepted=f"2025-{month}-09",
                  completed=f"2025-{month}-15", completion="early", window=windows["SCJ"],
                  used=4)  # fmt: skip
    make_case("11330100ZJJ-XK-0001", received="2025-10-09", accepted="2025-10-09",
              completed="2025-10-30", completion="late", window=windows["ZJJ"], used=17,
              channel="window")  # fmt: skip


def test_build_a_month(two_months, travel):
    travel(AT("2025-11-05 09:00"))
    brief = briefs.build(year=2025, month=10)
    assert (brief.start, brief.end) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert [r.name for r in brief.departments] == ["市场监督管理局", "住房和城乡建设局"]
    assert brief.departments[0].rank == 1 and brief.departments[1].rank == 2
    assert brief.total.indicators["on_time_rate"] == Count(1, 2)
    assert brief.previous_total.indicators["on_time_rate"] == Count(1, 1)
    assert [r.name for r in brief.windows] == ["05 市场监管窗口", "08 住建窗口"]
    assert set(brief.warnings) >= {"yellow", "red", "statutory_overdue"}
    assert brief.top_cases == []
    # SCJ: on time 1/1, completion 1/1, online 0/1, promised speed-up (10 − 4)/10, on the spot
    # 0/1 → (30 × 100 + 20 × 100 + 15 × 0 + 15 × 60 + 10 × 0) / 90 = 65.56 (satisfaction: no data)
    assert brief.departments[0].score == Fraction(5900, 90)
    tables = {t.key: t for t in documents.brief_tables(brief)}
    assert tables["departments"].rows[0][:3] == [1, "市场监督管理局", "65.56"]


def test_month_input(travel, db):
    travel(AT("2025-11-05 09:00"))
    assert briefs.month_of("2025-10") == (2025, 10)
    assert briefs.month_of("2025-11") == (2025, 11)
    for bad in ("2025-12", "2025-13", "october"):
        with pytest.raises(ValidationFailed):
            briefs.month_of(bad)
    assert briefs.last_complete_month() == (2025, 10)


def test_files_and_command(two_months, travel, tmp_path):
    travel(AT("2025-11-05 09:00"))
    out = io.StringIO()
    call_command("monthly_brief", "2025-10", "--out", str(tmp_path / "briefs"), stdout=out)
    docx_path, xlsx_path = out.getvalue().split()
    assert docx_path.endswith("月度简报-2025-10.docx") and xlsx_path.endswith(".xlsx")

    from docx import Document
    from openpyxl import load_workbook

    text = "\n".join(p.text for p in Document(docx_path).paragraphs)
    for heading in ("一、总体情况", "二、部门排名", "三、窗口排名", "四、预警与违规"):
        assert heading in text
    assert "2025年10月" in text
    book = load_workbook(xlsx_path)
    assert book.sheetnames[:3] == ["总体情况", "部门排名", "窗口排名"]
    assert book["部门排名"]["B2"].value == "市场监督管理局"
    with pytest.raises(CommandError):
        call_command("monthly_brief", "2025-1x", stdout=io.StringIO())


def test_only_center_wide_roles_read_the_brief(staff, two_months, travel):
    travel(AT("2025-11-05 09:00"))
    for who in ("supervisor", "leader"):
        assert briefs.brief_for(staff[who], "2025-10").year == 2025
    for who in ("clerk", "head", "citizen"):
        with pytest.raises(Forbidden):
            briefs.brief_for(staff[who], "2025-10")


def test_warnings_and_irregularities_from_supervision(two_months, travel, make_case):
    from zhengwu.supervision.models import CaseWarning, Irregularity

    travel(AT("2025-11-05 09:00"))
    case = make_case(received="2025-10-08", accepted="2025-10-08")
    for level, day in (("yellow", "2025-10-20"), ("red", "2025-10-22"), ("red", "2025-09-30")):
        CaseWarning.objects.create(
            case=case, department=case.department, level=level, period=0 if day > "2025-10" else 1,
            due=dt.date.fromisoformat(day), raised_on=dt.date.fromisoformat(day),
            raised_at=AT(f"{day} 07:00"), sweep="t", case_received_at=case.received_at,
        )  # fmt: skip
    Irregularity.objects.create(
        case=case, department=case.department, kind="retroactive", key="2",
        detected_on=dt.date(2025, 10, 21), detected_at=AT("2025-10-21 07:00"), sweep="t",
    )  # fmt: skip
    brief = briefs.build(year=2025, month=10)
    assert brief.warnings["yellow"] == 1 and brief.warnings["red"] == 1
    assert brief.previous_warnings["red"] == 1
    assert brief.irregularities[0][0] == "retroactive" and brief.irregularities[0][2] == 1
    assert [c["number"] for c in brief.top_cases] == [case.number]
    assert "本月共发出预警2次（上月1次），发现违规1起" in documents.warning_sentence(brief)
    top = {t.key: t for t in documents.brief_tables(brief)}["top_cases"]
    assert top.rows[0][0] == case.number and top.rows[0][4] == "2025年10月21日"
