"""Reconciliation of a generated month with one planted discrepancy of each kind: each is found
once, with its evidence, and nothing else is flagged; running the month again adds nothing."""

from __future__ import annotations

import pytest

from tests.exchange.inbound.month import MONTH, generate
from zhengwu.exchange import inbound_services
from zhengwu.exchange.models.inbound import (
    DepartmentRecord,
    Reconciliation,
    ReconciliationFinding,
)
from zhengwu.exchange.reconcile import reconcile

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(item, clerk, reviewer, supervisor, travel):
    generated = generate(clerk, reviewer, travel)
    inbound_services.receive_records(actor=supervisor, rows=generated.records)
    return generated


def test_each_planted_discrepancy_is_found_once_and_nothing_else(month, supervisor):
    (summary,) = reconcile(month=MONTH, actor=supervisor)
    found = {f.kind: f for f in ReconciliationFinding.objects.select_related("record", "case")}
    assert ReconciliationFinding.objects.count() == 4
    assert {kind: f.record.record_number for kind, f in found.items()} == month.planted
    assert found["off_system"].case is None
    assert found["double_intake"].case == month.cases[1]
    assert found["double_intake"].evidence["reason"] == "numbers"
    retro = found["retroactive"]
    assert retro.case == month.cases[8] and retro.evidence["gap_workdays"] == 3
    assert retro.evidence["center_dates"]["accepted"] == str(month.cases[8].accepted_on)
    assert found["trail_conflict"].evidence["reason"] == "order"
    assert all(f.month == MONTH and f.department.code == "SCJ" for f in found.values())
    assert (summary.records, summary.by_number, summary.by_attributes, summary.unmatched) == (
        14,
        12,
        1,
        1,
    )
    assert summary.findings == {
        "off_system": 1,
        "double_intake": 1,
        "retroactive": 1,
        "trail_conflict": 1,
    }


def test_the_same_findings_a_record_at_a_time(month, supervisor, monkeypatch):
    """Matched, classified and inserted in batches of one while the records stream: the same
    findings and summary as in one batch (memory bounded by the batch, not the month)."""
    from zhengwu.exchange import reconcile as module

    monkeypatch.setattr(module, "CHUNK", 1)
    monkeypatch.setattr(module, "MATCH_BATCH", 1)
    (summary,) = reconcile(month=MONTH, actor=supervisor)
    found = dict(
        ReconciliationFinding.objects.values_list("kind", "record__record_number").order_by()
    )
    assert found == month.planted and ReconciliationFinding.objects.count() == 4
    assert (summary.records, summary.by_number, summary.by_attributes, summary.unmatched) == (
        14,
        12,
        1,
        1,
    )


def test_running_the_month_again_adds_nothing(month, supervisor):
    reconcile(month=MONTH, actor=supervisor)
    first = list(ReconciliationFinding.objects.values_list("id", flat=True))
    reconcile(month=MONTH, actor=supervisor)
    assert list(ReconciliationFinding.objects.values_list("id", flat=True)) == first
    assert Reconciliation.objects.count() == 1


def test_another_month_finds_nothing_of_this_one(month, supervisor):
    import datetime as dt

    (summary,) = reconcile(month=dt.date(2025, 10, 1), department=month.cases[0].department)
    assert summary.records == 0 and ReconciliationFinding.objects.count() == 0


def test_records_sent_again_replace_their_dates(month, supervisor):
    fixed = dict(month.records[-1], decided_on="")
    inbound_services.receive_records(actor=supervisor, rows=[fixed])
    record = DepartmentRecord.objects.get(record_number=fixed["record_number"])
    assert record.decided_on is None
    reconcile(month=MONTH, actor=supervisor)
    assert not ReconciliationFinding.objects.filter(kind="trail_conflict").exists()
