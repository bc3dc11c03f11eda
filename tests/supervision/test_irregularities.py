"""Each irregularity of DOMAIN §4 is detected with its evidence, once; the cases that only look
alike are not flagged. Reviews keep every note. The daily seal finds a chain deleted whole."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.cases.models import Case
from zhengwu.core.errors import Forbidden, NotFound, ValidationFailed
from zhengwu.supervision import seal, sweep
from zhengwu.supervision import services as supervision_services
from zhengwu.supervision.models import DailySeal, Irregularity, IrregularityReview

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def act(actor, case, action, data=None, **kwargs):
    return services.act(actor=actor, number=case.number, action=action, data=data or {}, **kwargs)


def swept(travel, moment: str):
    travel(AT(moment))
    return sweep.run()


def kinds(case=None) -> list[tuple[str, str]]:
    rows = Irregularity.objects.all() if case is None else Irregularity.objects.filter(case=case)
    return sorted(rows.values_list("kind", "key"))


def test_deemed_acceptance(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    late = file_case(clerk, applicant=applicant_payload(1))
    in_time = file_case(clerk, applicant=applicant_payload(2))
    travel(AT("2025-10-13 09:00"))
    act(clerk, in_time, "accept")
    swept(travel, "2025-10-15 07:00")
    assert kinds(late) == [("deemed_acceptance", "event:2")]
    assert kinds(in_time) == []
    found = Irregularity.objects.get(case=late)
    assert found.evidence["intake_due"] == "2025-10-14"  # after National Day and a make-up Saturday
    assert found.evidence["accepted_on"] == "2025-09-30"
    assert found.department_id == late.department_id and found.detected_on == D("2025-10-15")
    swept(travel, "2025-10-16 07:00")
    assert Irregularity.objects.count() == 1


def test_retroactive_entry_beyond_the_margin(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    late = file_case(clerk, applicant=applicant_payload(1))
    margin = file_case(clerk, applicant=applicant_payload(2))
    travel(AT("2025-10-14 10:00"))
    # Accepted on Thursday the 9th, recorded on Tuesday the 14th: 4 working days later (the
    # 11th is a make-up working Saturday).
    act(clerk, late, "accept", occurred_at=AT("2025-10-09 16:00"))
    # Monday the 13th recorded on the 14th: 1 working day (the margin, default 1): not flagged.
    act(clerk, margin, "accept", occurred_at=AT("2025-10-13 16:00"))
    swept(travel, "2025-10-14 18:00")
    assert kinds(late) == [("retroactive", "event:2")]
    assert kinds(margin) == []
    evidence = Irregularity.objects.get(case=late).evidence
    assert evidence["action"] == "accept" and evidence["lag_workdays"] == 4
    assert evidence["actor"] == clerk.username


def test_a_second_supplement_notice_with_new_materials(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    new = file_case(clerk, materials=("M01",), applicant=applicant_payload(1))
    same = file_case(clerk, materials=("M01",), applicant=applicant_payload(2))
    for case in (new, same):
        act(clerk, case, "request_supplement", {"missing": ["M02"]})
        act(clerk, case, "supplement", {"materials": ["M02"]})
    act(clerk, new, "request_supplement", {"missing": ["M02", "M03"]})
    act(clerk, same, "request_supplement", {"missing": ["M02"]})  # the listed one again
    swept(travel, "2025-10-09 18:00")
    assert kinds(new) == [("repeat_supplement", "event:4")]
    assert kinds(same) == []
    evidence = Irregularity.objects.get(case=new).evidence
    assert evidence["added"] == ["M03"] and evidence["round"] == 2


def test_a_step_over_its_time_inside_an_open_case(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    undelivered = act(clerk, file_case(clerk, applicant=applicant_payload(1)), "accept")
    delivered = act(clerk, file_case(clerk, applicant=applicant_payload(2)), "accept")
    for case in (undelivered, delivered):
        act(reviewer, case, "decide", {"outcome": "grant"})
    act(clerk, delivered, "deliver", {"method": "window"})
    undelivered.refresh_from_db()
    assert undelivered.delivery_due == D("2025-10-22")
    swept(travel, "2025-10-22 18:00")  # the due day itself: in time
    assert kinds() == []
    swept(travel, "2025-10-23 07:00")
    assert kinds() == [("step_timeout", "delivery")]
    assert Irregularity.objects.get().evidence["due"] == "2025-10-22"


def test_a_decision_without_its_certificate(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    proper = act(clerk, file_case(clerk, applicant=applicant_payload(1)), "accept")
    act(reviewer, proper, "decide", {"outcome": "grant"})
    behind = act(clerk, file_case(clerk, applicant=applicant_payload(2)), "accept")
    skipped = file_case(clerk, applicant=applicant_payload(3))
    # State written behind the services' back: no decision event, no acceptance event.
    Case.objects.filter(pk=behind.pk).update(state="granted", completed_on=D("2025-10-09"))
    Case.objects.filter(pk=skipped.pk).update(state="accepted", accepted_on=D("2025-10-09"))
    result = swept(travel, "2025-10-10 07:00")
    assert result.sealed == "2025-10-09"
    assert kinds(behind) == [("no_certificate", "decision")]
    assert kinds(skipped) == [("no_certificate", "acceptance")]
    assert kinds(proper) == []
    # once a day
    assert swept(travel, "2025-10-10 12:00").sealed == ""
    assert Irregularity.objects.filter(kind="no_certificate").count() == 2


def test_the_certificate_check_records_every_case_a_batch_at_a_time(
    item, clerk, travel, monkeypatch
):
    """Three decisions without their event, found two at a time: the full batch and the
    last, partial one are both written (and counted once)."""
    from zhengwu.supervision import seal

    monkeypatch.setattr(seal, "CERTIFICATE_BATCH", 2)
    travel(AT("2025-10-09 09:00"))
    behind = [
        act(clerk, file_case(clerk, applicant=applicant_payload(k)), "accept") for k in (1, 2, 3)
    ]
    Case.objects.filter(pk__in=[c.pk for c in behind]).update(
        state="granted", completed_on=D("2025-10-09")
    )
    swept(travel, "2025-10-10 07:00")
    for case in behind:
        assert kinds(case) == [("no_certificate", "decision")]
    assert Irregularity.objects.filter(kind="no_certificate").count() == 3


def test_reviews_keep_every_note(item, clerk, supervisor, head, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    swept(travel, "2025-10-15 07:00")
    found = Irregularity.objects.get(case=case)
    with pytest.raises(ValidationFailed) as caught:
        supervision_services.review(actor=supervisor, pk=found.pk, outcome="confirmed", note=" ")
    assert "note" in caught.value.errors
    with pytest.raises(ValidationFailed):
        supervision_services.review(actor=supervisor, pk=found.pk, outcome="maybe", note="x")
    with pytest.raises(Forbidden):
        supervision_services.review(actor=head, pk=found.pk, outcome="confirmed", note="x")
    with pytest.raises(NotFound):
        supervision_services.review(actor=supervisor, pk=999999, outcome="confirmed", note="x")
    travel(AT("2025-10-15 10:00"))
    supervision_services.review(
        actor=supervisor, pk=found.pk, outcome="confirmed", note="窗口未在5个工作日内处理"
    )
    supervision_services.review(
        actor=supervisor, pk=found.pk, outcome="explained", note="系统故障，已核实"
    )
    found.refresh_from_db()
    assert found.status == "explained" and found.reviewed_at == AT("2025-10-15 10:00")
    notes = list(found.reviews.order_by("id").values_list("outcome", "note"))
    assert notes == [("confirmed", "窗口未在5个工作日内处理"), ("explained", "系统故障，已核实")]
    review = IrregularityReview.objects.first()
    with pytest.raises(TypeError):
        review.delete()
    with pytest.raises(TypeError):
        review.save()


def test_the_seal_finds_a_chain_deleted_whole(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    kept = file_case(clerk, applicant=applicant_payload(1))
    gone = file_case(clerk, applicant=applicant_payload(2))
    act(clerk, gone, "accept")
    swept(travel, "2025-10-10 07:00")
    first = DailySeal.objects.get(day=D("2025-10-09"))
    assert (first.cases, first.events) == (2, 3)
    travel(AT("2025-10-10 09:00"))
    act(clerk, kept, "accept")  # later events do not disturb the seal of the 9th
    swept(travel, "2025-10-11 07:00")
    assert DailySeal.objects.get(day=D("2025-10-10")).prev_hash == first.hash
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", "--all-seals", stdout=out, stderr=err)
    assert "0 broken" in out.getvalue() and err.getvalue() == ""

    # Delete one case with its whole chain: every remaining chain still verifies on its own.
    with connection.cursor() as cursor:
        for table in ("supervision_casewarning", "supervision_irregularity"):
            cursor.execute(f"DELETE FROM {table} WHERE case_id = %s", [gone.pk])  # noqa: S608
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s", [gone.pk])
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [gone.pk])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert "checked 1 cases, 0 broken" in out.getvalue()
    assert "SEAL 2025-10-10" in err.getvalue()
    problems = seal.verify(all_seals=True)
    assert {p.day for p in problems} == {D("2025-10-09"), D("2025-10-10")}


def test_a_rewritten_seal_breaks_the_chain_of_seals(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    file_case(clerk)
    swept(travel, "2025-10-10 07:00")
    swept(travel, "2025-10-11 07:00")
    DailySeal.objects.filter(day=D("2025-10-09")).update(cases=5)
    assert [p.reason for p in seal.verify()] == ["seal_chain"]
