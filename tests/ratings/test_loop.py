"""The bad-rating loop: deadlines across a holiday, callback, outcome, feedback, the rater's one
rejection and the escalation, appeals, and what e-supervision is given."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT
from tests.ratings.helpers import rate
from zhengwu.core import trail
from zhengwu.core.audit import GENESIS, chain_hash
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role
from zhengwu.exchange.models.outbound import OutboxRecord
from zhengwu.ratings import selectors, services
from zhengwu.ratings.models import Appeal, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad(item, complete, citizen):
    case = complete("2025-09-29 10:00", owner=citizen)
    rating = rate(case, 1, comment="窗口人员态度差", real_name=True)
    return rating.task


def loop_to_feedback(task, actor):
    services.record_callback(actor=actor, task_id=task.pk, method="phone", rater_said="排队太久")
    services.record_outcome(actor=actor, task_id=task.pk, outcome="rectified", text="已增设窗口")
    return services.send_feedback(actor=actor, task_id=task.pk, text="已增设窗口，感谢监督")


def test_deadline_across_the_national_day_holiday(bad):
    assert bad.opened_on == dt.date(2025, 9, 29)
    assert bad.due_on == dt.date(2025, 10, 13)


def test_deadline_is_configurable(item, complete, settings):
    settings.RATINGS_RECTIFY_WORKDAYS = 3
    case = complete("2025-09-29 10:00")
    assert rate(case, 2).task.due_on == dt.date(2025, 10, 10)


def test_the_whole_loop_closes(
    bad, reviewer, citizen, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = loop_to_feedback(bad, reviewer)
    assert task.state == "fed_back" and task.outcome == "rectified"
    assert task.called_back_at is not None
    # a real-name rater gets the feedback by SMS (after the commit), and it is the public reply
    assert [m.phone for m in sms_outbox] == ["13800138000"]
    assert "已增设窗口" in sms_outbox[0].text
    assert Rating.objects.get(pk=bad.rating_id).reply == "已增设窗口，感谢监督"
    task = services.answer_feedback(user=citizen, task_id=task.pk, accept=True)
    assert task.state == "closed" and task.closed_at is not None
    steps = list(task.events.order_by("seq").values_list("kind", flat=True))
    assert steps == ["opened", "callback", "outcome", "feedback", "accepted"]
    # rectification outcomes are pushed (outcome, feedback, accepted)
    assert OutboxRecord.objects.filter(kind="rectification").count() == 3


def test_steps_are_hash_chained(bad, reviewer):
    loop_to_feedback(bad, reviewer)
    prev = GENESIS
    for row in bad.events.order_by("seq"):
        payload = trail.payload("task", f"{bad.rating.case.number}/{bad.pk}", row)
        assert row.prev_hash == prev and row.hash == chain_hash(prev, payload)
        prev = row.hash
    with pytest.raises(TypeError, match="append-only"):
        row.save()
    with pytest.raises(TypeError, match="append-only"):
        row.delete()


def test_out_of_order_steps_are_409(bad, reviewer):
    with pytest.raises(DomainError) as error:
        services.record_outcome(actor=reviewer, task_id=bad.pk, outcome="rectified", text="x")
    assert error.value.code == "illegal_step"
    with pytest.raises(DomainError):
        services.send_feedback(actor=reviewer, task_id=bad.pk, text="x")


def test_inputs_are_checked(bad, reviewer, travel):
    with pytest.raises(ValidationFailed) as error:
        services.record_callback(actor=reviewer, task_id=bad.pk, method="fax", rater_said="")
    assert set(error.value.errors) == {"method", "rater_said"}
    with pytest.raises(ValidationFailed) as error:
        services.record_callback(
            actor=reviewer, task_id=bad.pk, rater_said="x", called_at=AT("2025-09-29 09:00")
        )
    assert "called_at" in error.value.errors
    services.record_callback(actor=reviewer, task_id=bad.pk, rater_said="x")
    with pytest.raises(ValidationFailed) as error:
        services.record_outcome(actor=reviewer, task_id=bad.pk, outcome="ledger", text="排期整改")
    assert "ledger_due" in error.value.errors
    task = services.record_outcome(
        actor=reviewer,
        task_id=bad.pk,
        outcome="ledger",
        text="排期整改",
        ledger_due=dt.date(2025, 11, 30),
    )
    assert task.ledger_due == dt.date(2025, 11, 30)


def test_stale_version_is_409(bad, reviewer):
    with pytest.raises(DomainError) as error:
        services.record_callback(actor=reviewer, task_id=bad.pk, rater_said="x", version=99)
    assert error.value.code == "stale_version"


def test_only_the_handling_department(bad, other_clerk, supervisor):
    with pytest.raises(NotFound):
        services.record_callback(actor=other_clerk, task_id=bad.pk, rater_said="x")
    with pytest.raises(NotFound):
        services.record_callback(actor=supervisor, task_id=bad.pk, rater_said="x")


def test_reject_once_reopens_and_escalates(bad, reviewer, citizen, other_citizen, travel):
    loop_to_feedback(bad, reviewer)
    with pytest.raises(NotFound):
        services.answer_feedback(user=other_citizen, task_id=bad.pk, accept=False, reason="x")
    with pytest.raises(ValidationFailed):
        services.answer_feedback(user=citizen, task_id=bad.pk, accept=False, reason="")
    travel(AT("2025-10-09 10:00"))
    task = services.answer_feedback(user=citizen, task_id=bad.pk, accept=False, reason="没有解决")
    assert task.state == "open" and task.escalated
    assert task.due_on == dt.date(2025, 10, 15)  # 5 working days from the rejection (11 Oct worked)
    assert list(selectors.escalated_tasks()) == [task]
    # the second round: the feedback closes the loop, and there is nothing left to reject
    task = loop_to_feedback(task, reviewer)
    assert task.state == "closed"
    assert not selectors.escalated_tasks().exists()
    with pytest.raises(DomainError):
        services.answer_feedback(user=citizen, task_id=bad.pk, accept=False, reason="还是不行")


def test_second_rejection_refused(bad, reviewer, citizen):
    from zhengwu.ratings.models import RectificationTask

    loop_to_feedback(bad, reviewer)
    services.answer_feedback(user=citizen, task_id=bad.pk, accept=False, reason="没有解决")
    RectificationTask.objects.filter(pk=bad.pk).update(state="fed_back")  # as if fed back again
    with pytest.raises(DomainError) as error:
        services.answer_feedback(user=citizen, task_id=bad.pk, accept=False, reason="again")
    assert error.value.code == "already_rejected"


def test_appeal_upheld_leaves_the_statistics_but_not_the_database(bad, head, reviewer, supervisor):
    with pytest.raises(Forbidden):
        services.file_appeal(actor=reviewer, task_id=bad.pk, reason="malicious", evidence="录像")
    appeal = services.file_appeal(
        actor=head, task_id=bad.pk, reason="malicious", evidence="监控录像显示"
    )
    with pytest.raises(DomainError) as error:
        services.file_appeal(actor=head, task_id=bad.pk, reason="mistaken", evidence="again")
    assert error.value.code == "appeal_pending"
    assert list(selectors.pending_appeals()) == [appeal]
    with pytest.raises(Forbidden):
        services.decide_appeal(actor=head, appeal_id=appeal.pk, upheld=True, note="x")
    before = selectors.rating_indicator_counts(
        start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30), group="department"
    )[bad.department_id]
    assert before["bad_rate"] == (1, 1)
    services.decide_appeal(
        actor=supervisor, appeal_id=appeal.pk, upheld=True, note="查实为恶意差评"
    )
    rating = Rating.objects.get(pk=bad.rating_id)
    assert rating.excluded and rating.task.state == "appeal_upheld"
    after = selectors.rating_indicator_counts(
        start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30), group="department"
    )[bad.department_id]
    assert after["bad_rate"] == (0, 0) and after["rectification_rate"] == (0, 0)
    assert after["active_rating_rate"] == (0, 1)
    with pytest.raises(DomainError):
        services.decide_appeal(actor=supervisor, appeal_id=appeal.pk, upheld=False, note="x")
    assert not selectors.real_name_bad_without_callback().exists()
    assert not selectors.overdue_rectifications(today=dt.date(2026, 1, 1)).exists()


def test_dismissed_appeal_keeps_the_loop(bad, head, supervisor):
    appeal = services.file_appeal(actor=head, task_id=bad.pk, reason="mistaken", evidence="x")
    services.decide_appeal(actor=supervisor, appeal_id=appeal.pk, upheld=False, note="证据不足")
    assert Appeal.objects.get().decision == "dismissed"
    assert not Rating.objects.get().excluded
    services.record_callback(actor=head, task_id=bad.pk, rater_said="x")


def test_overdue_and_without_callback(bad, reviewer):
    assert list(selectors.real_name_bad_without_callback()) == [bad.rating]
    assert not selectors.overdue_rectifications(today=dt.date(2025, 10, 13)).exists()
    assert list(selectors.overdue_rectifications(today=dt.date(2025, 10, 14))) == [bad]
    services.record_callback(actor=reviewer, task_id=bad.pk, rater_said="x")
    assert not selectors.real_name_bad_without_callback().exists()
    # still overdue until the department has fed back
    assert list(selectors.overdue_rectifications(today=dt.date(2025, 10, 14))) == [bad]
    loop_to_feedback_rest(bad, reviewer)
    assert not selectors.overdue_rectifications(today=dt.date(2025, 10, 14)).exists()


def loop_to_feedback_rest(task, actor):
    services.record_outcome(actor=actor, task_id=task.pk, outcome="explained", text="无法律依据")
    services.send_feedback(actor=actor, task_id=task.pk, text="已解释")


def test_anonymous_bad_rating_is_not_listed_for_callback(item, complete):
    case = complete("2025-03-03 10:00")
    rating = rate(case, 2, real_name=False)
    assert rating.rater_name == "" and rating.rater_phone == ""
    assert not selectors.real_name_bad_without_callback().exists()


def test_reply_to_a_good_rating(item, complete, reviewer, other_clerk, make_user):
    rating = rate(complete("2025-03-03 10:00"), 5, comment="很快")
    with pytest.raises(NotFound):
        services.reply(actor=other_clerk, rating_id=rating.pk, text="谢谢")
    services.reply(actor=reviewer, rating_id=rating.pk, text="谢谢支持")
    assert Rating.objects.get().reply == "谢谢支持"
    assert make_user(Role.LEADER)  # leaders exist but do not reply
