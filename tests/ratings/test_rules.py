"""The pure rules of 好差评: content checks, the rating window, the loop's table, the back-off."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.ratings import rules
from zhengwu.ratings.rules import LoopError, Tally, TaskState, task_step


def test_levels_and_bad_levels():
    assert rules.LEVELS[5] == "非常满意" and rules.LEVELS[1] == "非常不满意"
    assert [lvl for lvl in rules.LEVELS if rules.is_bad(lvl)] == [2, 1]


def test_dimensions_follow_the_channel_and_the_case():
    assert rules.dimensions_for("online", "window") == rules.ONLINE_DIMENSIONS
    assert rules.dimensions_for("onsite", "online") == rules.OFFLINE_DIMENSIONS
    assert rules.dimensions_for("sms", "online") == rules.ONLINE_DIMENSIONS
    assert rules.dimensions_for("phone", "window") == rules.OFFLINE_DIMENSIONS


@pytest.mark.parametrize(
    "level,dimensions,field,code",
    [
        (0, {}, "level", "bad_level"),
        (6, {}, "level", "bad_level"),
        (True, {}, "level", "bad_level"),
        (5, {"platform": 5}, "dimensions.platform", "unknown_dimension"),
        (5, {"attitude": 9}, "dimensions.attitude", "bad_level"),
    ],
)
def test_content_errors(level, dimensions, field, code):
    errors = rules.check_rating(
        channel="onsite", level=level, dimensions=dimensions, case_channel="window"
    )
    assert errors[field] == [code]


def test_valid_content():
    assert (
        rules.check_rating(
            channel="onsite", level=4, dimensions={"attitude": 5}, case_channel="window"
        )
        == {}
    )


def test_rating_window_boundaries():
    done = dt.date(2025, 3, 3)
    assert rules.rating_window(None, done, 7) == "not_completed"
    assert rules.rating_window(done, done, 7) == "open"
    assert rules.rating_window(done, dt.date(2025, 3, 10), 7) == "open"
    assert rules.rating_window(done, dt.date(2025, 3, 11), 7) == "closed"


def test_invitation_days():
    done = dt.date(2025, 3, 3)
    assert not rules.invitation_due(done, dt.date(2025, 3, 5), 3, 7)
    assert rules.invitation_due(done, dt.date(2025, 3, 6), 3, 7)
    assert rules.invitation_due(done, dt.date(2025, 3, 10), 3, 7)
    assert not rules.invitation_due(done, dt.date(2025, 3, 11), 3, 7)


def test_loop_happy_path_and_reject_once():
    state = TaskState.OPEN
    for action, party in [
        ("callback", "department"),
        ("outcome", "department"),
        ("feedback", "department"),
    ]:
        state = task_step(state, action, party).next_state
    assert state is TaskState.FED_BACK
    assert task_step(state, "reject", "rater").next_state is TaskState.OPEN
    with pytest.raises(LoopError) as error:
        task_step(state, "reject", "rater", rejected_before=True)
    assert error.value.code == "already_rejected"
    # the feedback after a rejection closes the loop: nothing is left to reject
    step = task_step(TaskState.RESOLVED, "feedback", "department", rejected_before=True)
    assert step.next_state is TaskState.CLOSED and step.closes


@pytest.mark.parametrize(
    "state,action,party,code",
    [
        ("open", "outcome", "department", "illegal_step"),
        ("open", "feedback", "department", "illegal_step"),
        ("fed_back", "accept", "department", "party_not_allowed"),
        ("open", "callback", "rater", "party_not_allowed"),
        ("closed", "appeal", "department", "illegal_step"),
        ("nonsense", "callback", "department", "illegal_step"),
    ],
)
def test_loop_refusals(state, action, party, code):
    with pytest.raises(LoopError) as error:
        task_step(state, action, party)
    assert error.value.code == code


def test_one_appeal_at_a_time():
    with pytest.raises(LoopError) as error:
        task_step("open", "appeal", "department", appeal_pending=True)
    assert error.value.code == "appeal_pending"


def test_tally_pairs():
    tally = Tally(
        completed=10,
        rated_completed=4,
        ratings=5,
        good=3,
        satisfied=4,
        bad=1,
        rectified_bad=1,
        real_name_bad=1,
        called_back=0,
    )
    assert tally.indicators() == {
        "active_rating_rate": (4, 10),
        "good_rate": (3, 5),
        "satisfaction_rate": (4, 5),
        "bad_rate": (1, 5),
        "rectification_rate": (1, 1),
        "callback_rate": (0, 1),
    }
    assert rules.rate((0, 0)) is None and rules.rate((1, 4)) == 0.25
