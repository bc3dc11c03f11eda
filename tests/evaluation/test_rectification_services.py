"""The rectification ledger's services: seed 002's counts, the transition table's steps and who
may take them, deadlines across National Day, evidence files, the trail, discipline and the
period's figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.evaluation.rectification_fixtures import *  # noqa: F403
from tests.evaluation.rectification_fixtures import (
    PNG,
    measure_on,
    one_problem_ledger,
    seed_002,
    source,
)
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.evaluation import rectification_selectors as selectors
from zhengwu.evaluation import rectification_services as services
from zhengwu.evaluation.models.rectification import Evidence, RectificationEvent
from zhengwu.evaluation.rectification_integrity import verify

D = dt.date


def claim_and_verify(office, unit_user, measure):
    services.act(actor=unit_user, measure_id=measure.pk, action="claim", text="已完成")
    return services.act(actor=office, measure_id=measure.pk, action="verify", text="验收通过")


def test_seed_002_counts(office, unit_a, head_a, clerk_a):
    ledger, measures = seed_002(office, unit=unit_a, head=head_a, person=clerk_a)
    counts = selectors.counts(ledger)
    assert counts.as_dict() == {
        "areas": 3,
        "items": 5,
        "problems": 16,
        "measures": 44,
        "measures_done": 0,
        "problems_done": 0,
        "overdue": 0,
    }
    for measure in measures:
        claim_and_verify(office, clerk_a, measure)
    counts = selectors.counts(ledger)
    assert (counts.measures_done, counts.problems_done, counts.overdue) == (44, 16, 0)


def test_a_problem_is_done_only_when_every_measure_is_verified(office, unit_a, head_a, clerk_a):
    ledger = one_problem_ledger(office)
    first = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    second = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    claim_and_verify(office, clerk_a, first)
    counts = selectors.counts(ledger)
    assert (counts.measures_done, counts.problems_done) == (1, 0)
    claim_and_verify(office, clerk_a, second)
    assert selectors.counts(ledger).problems_done == 1


def test_claim_return_claim_verify(office, unit_a, head_a, clerk_a):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    upload = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    services.act(
        actor=clerk_a, measure_id=measure.pk, action="progress", text="已摆放", files=[upload]
    )
    services.act(actor=clerk_a, measure_id=measure.pk, action="claim", text="完成")
    with pytest.raises(ValidationFailed) as failed:
        services.act(actor=office, measure_id=measure.pk, action="return", text="")
    assert "reason" in failed.value.errors
    returned = services.act(
        actor=office, measure_id=measure.pk, action="return", text="缺少照片佐证"
    )
    assert (returned.state, returned.returned, returned.return_reason) == (
        "open",
        1,
        "缺少照片佐证",
    )
    services.act(actor=clerk_a, measure_id=measure.pk, action="claim", text="补充完成")
    done = services.act(actor=office, measure_id=measure.pk, action="verify")
    assert (done.state, done.verified_on) == ("verified", D(2025, 9, 25))
    kinds = list(
        RectificationEvent.objects.filter(rectification=ledger).values_list("kind", flat=True)
    )
    assert kinds == [
        "open_ledger",
        "add_problem",
        "add_measure",
        "progress",
        "claim",
        "return",
        "claim",
        "verify",
    ]


def test_who_may_take_each_step(office, leader, unit_a, head_a, clerk_a, clerk_b):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    # another unit: the measure does not exist for it
    with pytest.raises(NotFound):
        services.act(actor=clerk_b, measure_id=measure.pk, action="claim", text="x")
    # the office does not claim for the unit; the unit does not verify its own claim
    with pytest.raises(Forbidden):
        services.act(actor=office, measure_id=measure.pk, action="claim", text="x")
    services.act(actor=head_a, measure_id=measure.pk, action="claim", text="完成")
    with pytest.raises(Forbidden):
        services.act(actor=head_a, measure_id=measure.pk, action="verify")
    with pytest.raises(Forbidden):
        services.act(actor=leader, measure_id=measure.pk, action="verify")
    # only the office sets up ledgers and measures
    with pytest.raises(Forbidden):
        one_problem_ledger(head_a)


def test_illegal_steps_are_conflicts(office, unit_a, head_a, clerk_a):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    with pytest.raises(DomainError) as conflict:
        services.act(actor=office, measure_id=measure.pk, action="verify")
    assert conflict.value.code == "illegal_transition"
    with pytest.raises(DomainError) as stale:
        services.act(actor=clerk_a, measure_id=measure.pk, action="claim", text="x", version=7)
    assert stale.value.code == "stale_version"
    claim_and_verify(office, clerk_a, measure)
    with pytest.raises(DomainError):
        services.act(actor=clerk_a, measure_id=measure.pk, action="progress", text="again")


def test_a_long_term_measure_keeps_reporting(office, unit_a, head_a, clerk_a, frozen_time):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a, kind="long_term")
    measure = claim_and_verify(office, clerk_a, measure)
    # 20 working days after 2025-09-25: the make-up Sunday 9-28 counts, 10-1..10-8 do not
    assert measure.report_due == D(2025, 10, 29)
    frozen_time.move_to(dt.datetime(2025, 10, 30, 9, 0, tzinfo=dt.UTC))
    measure = services.act(actor=clerk_a, measure_id=measure.pk, action="progress", text="本月情况")
    assert measure.state == "verified"
    assert measure.report_due == D(2025, 11, 27)
    assert measure.progress.get().periodic


def test_deadlines_across_national_day(office, unit_a, head_a, clerk_a, frozen_time):
    ledger = one_problem_ledger(office)
    # a date on the holiday moves to the first working day after it
    on_holiday = measure_on(
        office, ledger, unit=unit_a, head=head_a, person=clerk_a, deadline="2025-10-03"
    )
    assert on_holiday.deadline == D(2025, 10, 9)
    # 5 working days from Monday 9-29: 9-30, 10-9, 10-10, 10-11 (make-up Saturday), 10-13
    frozen_time.move_to(dt.datetime(2025, 9, 29, 9, 0, tzinfo=dt.UTC))
    span = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a, deadline=5)
    assert span.deadline == D(2025, 10, 13)
    with pytest.raises(ValidationFailed) as failed:
        measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a, deadline="2025-09-01")
    assert "deadline" in failed.value.errors


def test_bad_input_is_422_per_field(office):
    with pytest.raises(ValidationFailed) as failed:
        services.create_rectification(
            actor=office,
            data={"source": {"kind": "nope", "title": "", "date": "x"}, "areas": []},
        )
    assert set(failed.value.errors) == {"source.kind", "source.title", "source.date", "areas"}
    with pytest.raises(ValidationFailed) as failed:
        services.create_rectification(
            actor=office,
            data={
                "source": source(),
                "areas": [{"title": "a", "items": [{"title": "", "problems": [{}]}]}],
            },
        )
    assert set(failed.value.errors) == {"areas.0.items.0.title", "areas.0.items.0.problems.0.text"}


def test_a_problem_raised_from_a_record_keeps_its_link(office, unit_a):
    ledger = one_problem_ledger(office)
    problem = services.add_problem(
        actor=office,
        rectification_id=ledger.pk,
        area_title="作风建设",
        item_title="窗口服务",
        text="窗口推诿",
        link={"type": "accounts.department", "id": unit_a.pk, "label": "行政审批服务局"},
    )
    assert problem.link == unit_a
    assert ledger.areas.count() == 2
    with pytest.raises(ValidationFailed) as failed:
        services.add_problem(
            actor=office,
            rectification_id=ledger.pk,
            item_id=problem.item_id,
            text="x",
            link={"type": "accounts.department", "id": 999999},
        )
    assert "link" in failed.value.errors


def test_evidence_is_stored_outside_the_web_root(office, unit_a, head_a, clerk_a, private_root):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    upload = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    services.act(actor=clerk_a, measure_id=measure.pk, action="progress", text="x", files=[upload])
    row = Evidence.objects.get()
    assert row.original_name == "照片.png" and row.content_type == "image/png"
    assert row.file.path.startswith(str(private_root / "private"))
    assert selectors.evidence(clerk_a, row.pk) == row
    assert selectors.evidence(office, row.pk) == row
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")
    with pytest.raises(ValidationFailed) as failed:
        services.act(actor=clerk_a, measure_id=measure.pk, action="progress", text="x", files=[bad])
    assert "files" in failed.value.errors


def test_the_trail_verifies_and_an_altered_step_is_found(office, unit_a, head_a, clerk_a):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    claim_and_verify(office, clerk_a, measure)
    assert all(problem is None for _id, problem in verify())
    RectificationEvent.objects.filter(rectification=ledger, kind="verify").update(
        data={"measure": measure.pk}
    )
    problems = [p for _id, p in verify() if p is not None]
    assert [(p.number, p.seq) for p in problems] == [(ledger.number, 5)]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=out, stderr=err)
    assert f"BROKEN {ledger.number} (event 5)" in err.getvalue()
    assert "checked 1 rectification ledgers, 1 broken" in out.getvalue()


def test_discipline_counts_per_period(office, unit_a, head_a, clerk_a):
    ledger = one_problem_ledger(office)
    problem = ledger.problems.get()
    for i in range(10):
        services.record_discipline(
            actor=office,
            rectification_id=ledger.pk,
            problem=problem.pk,
            kind="notice",
            person_name=f"干部{i}",
            unit=unit_a.code,
            taken_on="2025-09-10",
        )
    services.record_discipline(
        actor=office,
        rectification_id=ledger.pk,
        kind="interview",
        person=clerk_a.pk,
        taken_on="2025-08-10",
    )
    counts = selectors.discipline_counts(
        office, period_from=D(2025, 9, 1), period_to=D(2025, 9, 30)
    )
    assert counts == {"interview": 0, "criticism": 0, "notice": 10, "return": 0}
    assert selectors.progress(D(2025, 7, 1), D(2025, 9, 30)).discipline["interview"] == 1
    with pytest.raises(ValidationFailed) as failed:
        services.record_discipline(
            actor=office, rectification_id=ledger.pk, kind="fine", person_name="", taken_on=""
        )
    assert set(failed.value.errors) == {"kind", "taken_on", "person"}


def test_progress_of_a_period(office, unit_a, head_a, clerk_a, frozen_time):
    ledger = one_problem_ledger(office)  # source dated 2025-09-01
    done = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    late = measure_on(
        office, ledger, unit=unit_a, head=head_a, person=clerk_a, deadline="2025-09-26"
    )
    claim_and_verify(office, clerk_a, done)
    figures = selectors.progress(D(2025, 7, 1), D(2025, 9, 30))
    assert (figures.ledgers, figures.problems, figures.measures) == (1, 1, 2)
    assert (figures.measures_done, figures.measures_open, figures.overdue) == (1, 1, 1)
    assert late.deadline == D(2025, 9, 26)
    earlier = selectors.progress(D(2025, 4, 1), D(2025, 6, 30))
    assert (earlier.ledgers, earlier.measures_open, earlier.measures_done) == (0, 0, 0)
