"""The demo's disclosure requests: two years through the services, every result of table 三 in
each, both years' annual reports balanced, 2025's carried forward carried into 2026."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import disclosure as demo_disclosure
from zhengwu.demo import services
from zhengwu.demo import tickets as demo_tickets
from zhengwu.disclosure import annual, annual_selectors
from zhengwu.disclosure.integrity import verify
from zhengwu.disclosure.models import DisclosureAppeal, DisclosureRequest

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 18, 18, 0, tzinfo=LOCAL_TZ)


def test_two_years_of_requests_with_every_result():
    services.seed()
    demo_tickets.seed_categories()
    with time_machine.travel(TODAY, tick=False):
        made = demo_disclosure.generate()
        assert made.refused == []
        assert made.requests == DisclosureRequest.objects.count() > 100
        office = demo_disclosure.ensure_office()
        y2025 = annual_selectors.report_for(office, year=2025)
        y2026 = annual_selectors.report_for(office, year=2026)
        assert demo_disclosure.generate().requests == 0  # once only
    for table in (y2025.three, y2026.three):
        assert table.balanced
        for row in annual.RESULT_ROWS:
            assert table.cell(row) > 0, (table.year, row)
        for column in annual.APPLICANT_TYPES:
            assert table.rows["received"][column] > 0, (table.year, column)
    assert y2025.three.cell("carried_forward") > 0
    assert y2026.three.rows["carried_over"] == y2025.three.rows["carried_forward"]
    assert y2026.three.cell("carried_forward") > 0  # open now
    kinds = set(DisclosureAppeal.objects.values_list("kind", "result"))
    assert ("reconsideration", "corrected") in kinds and ("lawsuit_direct", "pending") in kinds
    assert sum(y2026.four.rows[k]["total"] for k in annual.PROCEEDING_KINDS) > 0
    departments = set(DisclosureRequest.objects.values_list("department__code", flat=True))
    assert len(departments - {None}) >= 4
    assert [broken for _id, broken in verify() if broken] == []
