"""The hotline indicators as an assessment provider and the public ranking page; the quarterly
bulletin (page, files, command, the rectification hook); the 优秀窗口 selection."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.cases.helpers import AT
from tests.factories import WindowFactory
from zhengwu.assessment import selectors as assessment
from zhengwu.core.clock import frozen
from zhengwu.evaluation import award_rules, awards, bulletins
from zhengwu.tickets.models import Category, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(db):
    from zhengwu.tickets import services

    services.seed_ticket_categories()


def ticket(department, *, at, on_time=True, satisfied=True, reached=True):
    accept_due, due = at + dt.timedelta(days=1), at + dt.timedelta(days=7)
    done = at + dt.timedelta(hours=2) if on_time else at + dt.timedelta(days=9)
    return Ticket(
        kind="complaint",
        category=Category.objects.get(code="SCJG01"),
        content="x",
        caller_phone="13800138000",
        channel="phone",
        state="closed",
        department=department,
        received_at=at,
        dispatched_at=at,
        created_at=at,
        updated_at=at,
        accept_due=accept_due,
        accepted_at=at + dt.timedelta(hours=1),
        due_at=due,
        replied_at=done,
        callback_at=done,
        callback_round=0,
        callback_reached=reached,
        callback_resolved=satisfied,
        satisfaction="satisfied" if satisfied else "unsatisfied",
    )


@pytest.fixture
def hotline(categories, department, other_department):
    at = AT("2026-07-06 09:00")
    Ticket.objects.bulk_create(
        [
            ticket(department, at=at),
            ticket(department, at=at, on_time=False, satisfied=False),
            ticket(other_department, at=at),
        ]
    )


def test_hotline_rates_are_assessment_indicators(hotline, department, other_department):
    rows = {
        r.key: r
        for r in assessment.table(
            start=dt.date(2026, 7, 1),
            end=dt.date(2026, 9, 30),
            group="department",
            department_ids=None,
        )
    }
    scj = rows[department.pk].indicators
    assert (scj["hotline_on_time_rate"].numerator, scj["hotline_on_time_rate"].denominator) == (
        1,
        2,
    )
    assert scj["hotline_satisfaction_rate"].value == Fraction(1, 2)
    assert scj["hotline_response_rate"].value == 1
    assert rows[other_department.pk].indicators["hotline_resolution_rate"].value == 1
    center = assessment.table(
        start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), group="center", department_ids=None
    )
    assert center[0].indicators["hotline_callback_rate"].denominator == 3
    # Windows have no tickets: the indicators are not counted by window.
    windows = assessment.table(
        start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), group="window", department_ids=None
    )
    assert all("hotline_on_time_rate" not in r.indicators for r in windows)
    # A department's scope stays its own.
    only = assessment.table(
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 9, 30),
        group="department",
        department_ids=[other_department.pk],
    )
    assert [r.key for r in only] == [other_department.pk]


def test_public_hotline_ranking_needs_no_login(client, hotline):
    with frozen(AT("2026-10-15 10:00")):
        page = client.get(reverse("evaluation:hotline_ranking"), {"quarter": "2026-Q3"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index('data-code="ZJJ"') < html.index('data-code="SCJ"')
    assert "50.0%" in html
    assert "满意率" in html
    bad = client.get(reverse("evaluation:hotline_ranking"), {"quarter": "2026-Q9"})
    assert bad.status_code == 422


def test_quarters():
    assert bulletins.quarter_range(2026, 3) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert bulletins.previous_quarter(2026, 1) == (2025, 4)
    with frozen(AT("2026-10-15 10:00")):
        assert bulletins.quarter_of("2026-Q3") == (2026, 3)
        assert bulletins.last_complete_quarter() == (2026, 3)
        for bad in ("2026-Q5", "2026Q", "2027-Q1", ""):
            with pytest.raises(Exception) as caught:
                bulletins.quarter_of(bad)
            assert caught.value.errors["quarter"]


def test_bulletin_page_command_and_rectification_hook(client, hotline, make_user, tmp_path):
    from zhengwu.core.roles import Role

    supervisor = make_user(Role.SUPERVISOR, username="sup_b")
    client.force_login(supervisor)
    with frozen(AT("2026-10-15 10:00")):
        html = client.get(reverse("evaluation:bulletin", args=["2026-Q3"])).content.decode()
        assert "2026年第3季度季度通报" in html
        assert "受理工单3件" in html
        # The ledger is installed (it registers itself) and holds nothing yet.
        assert "整改：台账共有问题0个" in html

        bulletins.register_rectification_progress(
            lambda *, start, end: bulletins.RectificationProgress(
                sources=1,
                problems=16,
                problems_done=16,
                measures=44,
                measures_done=44,
                rows=(("巡察反馈问题整改", 16, 44, 44, 0),),
            )
        )
        try:
            html = client.get(reverse("evaluation:bulletin", args=["2026-Q3"])).content.decode()
            assert "台账共有问题16个、整改措施44条" in html
            call_command("quarterly_bulletin", "2026-Q3", out=str(tmp_path))
        finally:
            from zhengwu.evaluation import rectification_selectors

            bulletins.register_rectification_progress(rectification_selectors.bulletin_progress)
        docx = client.get(reverse("evaluation:bulletin_file", args=["2026-Q3", "docx"]))
        assert docx.status_code == 200
        assert client.get(reverse("evaluation:bulletin", args=["2027-Q1"])).status_code == 404
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["季度通报-2026-Q3.docx", "季度通报-2026-Q3.xlsx"]
    from docx import Document

    document = Document(io.BytesIO((tmp_path / written[0]).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "已整改完成问题16个" in text


def test_bulletin_command_refuses_a_bad_quarter():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("quarterly_bulletin", "2026-Q7")


def C(key, score, completed=30, satisfaction=None):
    return award_rules.Candidate(
        key=key,
        name=f"{key}号窗口",
        score=None if score is None else Fraction(score),
        completed=completed,
        satisfaction=satisfaction,
    )


def test_award_selection_rules():
    candidates = [C(f"{n:02d}", 100 - n) for n in range(1, 13)]
    candidates[1] = C("02", 98, completed=5)  # too few cases
    candidates[2] = C("03", 97, satisfaction=Fraction(85, 100))  # unsatisfied users
    candidates.append(C("13", None))  # no data
    candidates += [C("14", 91), C("15", 91)]  # tied with 09 (91)
    judged = award_rules.judge(candidates)
    chosen = [j.candidate.key for j in judged if j.selected]
    # Eight, and the one tied with the eighth.
    assert chosen == ["01", "04", "05", "06", "07", "08", "09", "14", "15"]
    reasons = {j.candidate.key: j.reasons for j in judged}
    assert reasons["02"] == ("few_cases",) and reasons["03"] == ("low_satisfaction",)
    assert reasons["13"] == ("no_score",)
    assert [j.candidate.key for j in judged if j.last] == ["10", "11", "12"]
    assert judged[-1].candidate.key == "13" and judged[-1].rank is None


def test_award_count_is_configurable():
    candidates = [C(f"{n:02d}", 100 - n) for n in range(1, 6)]
    judged = award_rules.judge(candidates, count=2, last_places=1)
    assert [j.candidate.key for j in judged if j.selected] == ["01", "02"]
    assert [j.candidate.key for j in judged if j.last] == ["05"]


def test_awards_page_shows_criteria(client, make_user, department):
    from zhengwu.core.roles import Role

    WindowFactory(number="05", name="市场监管窗口", department=department)
    client.force_login(make_user(Role.LEADER, username="leader_a"))
    with frozen(AT("2026-10-15 10:00")):
        assert client.get(reverse("evaluation:awards_index"), {"year": "2025"}).status_code == 302
        html = client.get(reverse("evaluation:awards", args=[2025])).content.decode()
        assert 'data-testid="criteria"' in html
        assert "全年办结不少于20件" in html
        assert client.get(reverse("evaluation:awards_file", args=[2025, "docx"])).status_code == 200
        assert client.get(reverse("evaluation:awards", args=[2027])).status_code == 404
    selection = awards.select(year=2025)
    assert selection.criteria["count"] == 8
