"""The review of reconciliation findings: the same steps, rules and service as any
irregularity's (confirm after confirming the legal act, dismiss with the reason, hand to the
department, which explains), the steps on the finding's trail, the month's report with its
reviewed and pending counts, the lists' filters, and the e-supervision figures."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.exchange.inbound.helpers import bearer
from tests.exchange.inbound.month import MONTH, generate
from zhengwu.core.errors import DomainError, Forbidden, NotFound
from zhengwu.core.workbench import waiting_for
from zhengwu.exchange import inbound_services
from zhengwu.exchange.models.inbound import ReconciliationFinding, ReconciliationReview
from zhengwu.exchange.reconcile_jobs import reconcile_month
from zhengwu.supervision import selectors as supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(item, clerk, reviewer, supervisor, department, travel):
    month = generate(clerk, reviewer, travel)
    inbound_services.receive_records(actor=supervisor, rows=month.records)
    reconcile_month(month=MONTH, department=department, actor=supervisor)
    return {f.kind: f for f in ReconciliationFinding.objects.all()}


def test_confirming_asks_first_then_counts_as_reviewed(client, found, supervisor):
    off = found["off_system"]
    client.force_login(supervisor)
    page = client.get(f"/exchange/inbound/findings/{off.pk}/").content.decode()
    assert 'data-testid="review-form"' in page and "交部门说明" in page
    path = f"/exchange/inbound/findings/{off.pk}/review/"
    asked = client.post(path, {"outcome": "confirmed", "note": "部门自行受理，未进中心系统"})
    assert asked.status_code == 200
    text = asked.content.decode()
    assert 'data-testid="confirm-step"' in text and "SCJ-OWN-0901" in text
    off.refresh_from_db()
    assert off.status == "open" and not off.reviews.exists()
    done = client.post(
        path, {"outcome": "confirmed", "note": "部门自行受理，未进中心系统", "confirmed": "yes"}
    )
    assert done.status_code == 302
    off.refresh_from_db()
    assert off.status == "confirmed" and off.reviewed_at is not None
    page = client.get(f"/exchange/inbound/findings/{off.pk}/").content.decode()
    assert 'data-status="confirmed"' in page and "部门自行受理" in page and "赵监察" in page
    # no note: 422 with the message, nothing recorded
    empty = client.post(
        f"/exchange/inbound/findings/{found['retroactive'].pk}/review/",
        {"outcome": "explained", "note": " "},
    )
    assert empty.status_code == 422 and not found["retroactive"].reviews.exists()


def test_handed_to_the_department_which_explains(client, found, supervisor, head, other_head):
    retro = found["retroactive"]
    client.force_login(head)
    page = client.get(f"/exchange/inbound/findings/{retro.pk}/").content.decode()
    assert 'data-testid="review-form"' not in page  # nothing to answer yet
    path = f"/exchange/inbound/findings/{retro.pk}/review/"
    assert client.post(path, {"outcome": "answered", "note": "x"}).status_code == 409
    assert client.post(path, {"outcome": "confirmed", "note": "x"}).status_code == 403

    inbound_services.review_finding(
        actor=supervisor, pk=retro.pk, outcome="referred", note="请说明为何先办后录"
    )
    (line,) = [w for w in waiting_for(head) if w.key == "exchange-findings-referred"]
    assert line.count == "1" and "status=referred" in line.url
    page = client.get(f"/exchange/inbound/findings/{retro.pk}/").content.decode()
    assert 'data-testid="review-form"' in page and "说明" in page
    assert (
        client.post(path, {"outcome": "answered", "note": "系统停机，纸质受理后补录"}).status_code
        == 302
    )
    retro.refresh_from_db()
    assert retro.status == "answered"
    # another department's head neither sees nor answers it
    with pytest.raises(NotFound):
        inbound_services.review_finding(actor=other_head, pk=retro.pk, outcome="answered", note="x")

    inbound_services.review_finding(
        actor=supervisor, pk=retro.pk, outcome="explained", note="停机证明已核实"
    )
    retro.refresh_from_db()
    assert retro.status == "explained"
    trail = list(retro.reviews.order_by("id").values_list("outcome", "note"))
    assert trail == [
        ("referred", "请说明为何先办后录"),
        ("answered", "系统停机，纸质受理后补录"),
        ("explained", "停机证明已核实"),
    ]
    with pytest.raises(TypeError):
        ReconciliationReview.objects.first().delete()
    with pytest.raises(DomainError):
        inbound_services.review_finding(actor=supervisor, pk=retro.pk, outcome="referred", note="x")
    with pytest.raises(DomainError):  # answered once; nothing to answer now
        inbound_services.review_finding(actor=head, pk=retro.pk, outcome="answered", note="x")
    with pytest.raises(Forbidden):
        inbound_services.review_finding(actor=head, pk=retro.pk, outcome="explained", note="x")


def test_the_report_counts_reviewed_and_pending_with_definitions(client, found, supervisor):
    inbound_services.review_finding(
        actor=supervisor, pk=found["off_system"].pk, outcome="confirmed", note="属实"
    )
    inbound_services.review_finding(
        actor=supervisor, pk=found["double_intake"].pk, outcome="explained", note="同一办件"
    )
    inbound_services.review_finding(
        actor=supervisor, pk=found["retroactive"].pk, outcome="referred", note="请说明"
    )
    client.force_login(supervisor)
    page = client.get("/exchange/inbound/?month=2025-09").content.decode()
    assert '<td class="text-end" data-testid="reviewed">2</td>' in page
    assert 'data-testid="pending"><a' in page and ">2</a>" in page
    assert "核查属实（认定违规）" in page  # the definition of 已审核
    sheet = load_workbook(
        io.BytesIO(client.get("/exchange/inbound/?month=2025-09&export=xlsx").content)
    ).active
    header, row = list(sheet.values)[:2]
    assert row[header.index("已核查")] == 2 and row[header.index("待核查")] == 2

    listed = client.get("/exchange/inbound/findings/?status=explained").content.decode()
    assert 'data-kind="double_intake"' in listed and 'data-kind="off_system"' not in listed
    assert 'data-testid="total">共 1 条比对问题' in listed
    pending = client.get(
        "/exchange/inbound/findings/?status=open&department=SCJ&kind=trail_conflict"
    )
    assert 'data-kind="trail_conflict"' in pending.content.decode()


def test_the_api_takes_the_same_steps(client, found, supervisor, head):
    double = found["double_intake"]
    url = f"/api/v1/exchange/findings/{double.pk}/reviews"
    answered = client.post(
        url, {"outcome": "answered", "note": "x"}, content_type="application/json", **bearer(head)
    )
    assert answered.status_code == 409 and answered.json()["code"] == "review_state"
    bad = client.post(
        url,
        {"outcome": "approved", "note": "x"},
        content_type="application/json",
        **bearer(supervisor),
    )
    assert bad.status_code == 422
    done = client.post(
        url,
        {"outcome": "explained", "note": "部门编号与中心编号对应"},
        content_type="application/json",
        **bearer(supervisor),
    )
    assert done.status_code == 201 and done.json()["outcome"] == "explained"
    gone = client.post(
        "/api/v1/exchange/findings/999999/reviews",
        {"outcome": "explained", "note": "x"},
        content_type="application/json",
        **bearer(supervisor),
    )
    assert gone.status_code == 404


def test_the_discrepancies_count_in_the_e_supervision_figures(found, supervisor):
    day = found["off_system"].detected_on
    rows = {k: n for k, _label, n in supervision.irregularity_counts(start=day, end=day)}
    assert rows["reconciliation_off_system"] == 1
    assert rows["reconciliation_retroactive"] == 1
    assert rows["retroactive"] == 0  # the case trail's own 先办后录 is another figure
    labels = {k: label for k, label, _n in supervision.irregularity_counts(start=day, end=day)}
    assert labels["reconciliation_off_system"].startswith("数据比对")
    other = supervision.irregularity_counts(
        start=day, end=day, department_ids=[found["off_system"].department_id + 1000]
    )
    assert all(n == 0 for _k, _l, n in other)
    assert [w.key for w in waiting_for(supervisor) if w.key == "exchange-findings"] == [
        "exchange-findings"
    ]
