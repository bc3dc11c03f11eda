"""The one table of review steps for every kind of finding (``supervision.review_rules``)."""

from __future__ import annotations

import pytest

from zhengwu.supervision import review_rules as rules
from zhengwu.supervision.review_rules import Actor, NotAllowed


def test_the_supervisor_confirms_dismisses_or_hands_over():
    assert rules.next_status("open", "confirmed", Actor.SUPERVISOR) == "confirmed"
    assert rules.next_status("open", "explained", Actor.SUPERVISOR) == "explained"
    assert rules.next_status("open", "referred", Actor.SUPERVISOR) == "referred"
    assert rules.steps_for("open", Actor.SUPERVISOR) == ["confirmed", "explained", "referred"]


def test_the_department_answers_only_what_was_handed_to_it():
    assert rules.next_status("referred", "answered", Actor.DEPARTMENT) == "answered"
    assert rules.steps_for("referred", Actor.DEPARTMENT) == ["answered"]
    assert rules.steps_for("open", Actor.DEPARTMENT) == []
    with pytest.raises(NotAllowed) as caught:
        rules.next_status("open", "answered", Actor.DEPARTMENT)
    assert caught.value.reason == "state"
    with pytest.raises(NotAllowed) as caught:
        rules.next_status("referred", "confirmed", Actor.DEPARTMENT)
    assert caught.value.reason == "who"


def test_after_the_answer_the_supervisor_decides_and_may_review_again():
    assert rules.steps_for("answered", Actor.SUPERVISOR) == ["confirmed", "explained", "referred"]
    assert rules.steps_for("referred", Actor.SUPERVISOR) == ["confirmed", "explained"]
    assert rules.steps_for("confirmed", Actor.SUPERVISOR) == ["confirmed", "explained"]
    with pytest.raises(NotAllowed) as caught:
        rules.next_status("confirmed", "referred", Actor.SUPERVISOR)
    assert caught.value.reason == "state"
    with pytest.raises(NotAllowed) as caught:
        rules.next_status("open", "answered", Actor.SUPERVISOR)
    assert caught.value.reason == "who"
    with pytest.raises(NotAllowed):
        rules.next_status("open", "approved", Actor.SUPERVISOR)


def test_reviewed_and_pending():
    assert [s for s in ("open", "referred", "answered") if rules.is_reviewed(s)] == []
    assert all(rules.is_reviewed(s) for s in ("confirmed", "explained"))
