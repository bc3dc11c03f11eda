"""The 台账 (.xlsx) and the published report (.docx) reproduce seed 002: 3 areas, 5 items, 16
problems, 44 measures, all verified → 16 rectified; discipline in person-times."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.evaluation.rectification_fixtures import *  # noqa: F403
from tests.evaluation.rectification_fixtures import seed_002
from zhengwu.evaluation import rectification_services as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(office, unit_a, head_a, clerk_a):
    ledger, measures = seed_002(office, unit=unit_a, head=head_a, person=clerk_a)
    for measure in measures:
        services.act(actor=clerk_a, measure_id=measure.pk, action="claim", text="完成")
        services.act(actor=office, measure_id=measure.pk, action="verify")
    for i in range(10):
        services.record_discipline(
            actor=office,
            rectification_id=ledger.pk,
            kind="notice",
            person_name=f"干部{i}",
            taken_on="2025-09-20",
        )
    return ledger


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_the_published_report(client, office, seed):
    client.force_login(office)
    response = client.get(f"/evaluation/rectification/{seed.pk}/report.docx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = text_of(response.content)
    assert "梳理出3个方面、5个大项、16条具体问题，制定整改措施44条" in text
    assert "已整改完成16个" in text
    assert "发函通报10人次" in text
    assert "具体问题1" in text


def test_the_ledger_workbook(client, office, seed):
    client.force_login(office)
    response = client.get(f"/evaluation/rectification/{seed.pk}/ledger.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("方面", "大项", "序号", "具体问题", "整改措施")
    assert len(rows) == 1 + 44
    assert {r[2] for r in rows[1:]} == set(range(1, 17))
    assert {r[10] for r in rows[1:]} == {"已验收销号"}
    assert {r[7] for r in rows[1:]} == {"钱局长"}


def test_a_unit_exports_only_its_own(client, office, seed, clerk_b):
    client.force_login(clerk_b)
    assert client.get(f"/evaluation/rectification/{seed.pk}/ledger.xlsx").status_code == 404


def test_the_quarterly_bulletin_reads_the_ledger(seed):
    import datetime as dt

    from zhengwu.evaluation import bulletins

    # The ledger registers its figures with the bulletin when the app is ready.
    progress = bulletins.rectification_progress(start=dt.date(2025, 7, 1), end=dt.date(2025, 9, 30))
    assert (progress.sources, progress.problems, progress.measures) == (1, 16, 44)
    assert (progress.measures_done, progress.problems_done, progress.overdue) == (44, 16, 0)
