"""Browser: a leader opens the monthly brief from the home page and downloads it as Word."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from zhengwu.assessment import formulas
from zhengwu.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_downloads_the_monthly_brief(page, login, staff, make_case, windows):
    today = clock.today()
    year, month = formulas.previous_month(today.year, today.month)
    first, _last = formulas.month_range(year, month)
    day = (first + dt.timedelta(days=9)).isoformat()
    make_case(received=day, accepted=day, completed=day, completion="early", used=0,
              window=windows["SCJ"])  # fmt: skip

    login("leader1")
    page.click("a[href='/assessment/brief/']")
    page.click(f"text={year}年{month}月")
    page.wait_for_selector("[data-testid=table-departments]")
    assert "市场监督管理局" in page.inner_text("[data-testid=table-departments]")
    with page.expect_download() as caught:
        page.click("[data-testid=download-docx]")
    download = caught.value
    assert download.suggested_filename == f"月度简报-{year:04d}-{month:02d}.docx"

    from docx import Document

    with open(download.path(), "rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert "二、部门排名" in text and f"{year}年{month}月" in text
