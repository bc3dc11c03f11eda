"""The rules of 好差评 (DOMAIN.md §6). Pure: no Django imports.

- Levels 5..1 with the national labels; 2 and 1 are 差评 (bad).
- Channels and the dimensions each rates; the rating window after completion.
- The rectification task's transition table (the bad-rating loop).
- The push back-off schedule.
- The indicator formulas (DOMAIN.md §5) as ``(numerator, denominator)`` pairs.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

LEVELS = {
    5: "非常满意",
    4: "满意",
    3: "基本满意",
    2: "不满意",
    1: "非常不满意",
}
BAD_LEVELS = frozenset({1, 2})
GOOD_LEVELS = frozenset({4, 5})
SATISFIED_LEVELS = frozenset({3, 4, 5})


class Channel(enum.StrEnum):
    ONSITE = "onsite"  # 现场 "一次一评": QR code or the window tablet
    ONLINE = "online"  # 网上 "一事一评": the portal after completion
    SMS = "sms"  # 短信邀评 link
    PHONE = "phone"  # staff entry of a rating taken by telephone


# The dimensions rated beside the overall level (the overall level is ``level`` itself).
ONLINE_DIMENSIONS = ("efficiency", "guide_accuracy", "convenience", "platform")
OFFLINE_DIMENSIONS = ("efficiency", "competence", "attitude")
DIMENSION_LABELS = {
    "efficiency": "办事效率",
    "guide_accuracy": "指南准确",
    "convenience": "便捷度",
    "platform": "平台操作",
    "competence": "水平",
    "attitude": "态度",
}


def is_bad(level: int) -> bool:
    return level in BAD_LEVELS


def dimensions_for(channel: str, case_channel: str) -> tuple[str, ...]:
    """Online ratings rate the online service; on-site ones the window. SMS and telephone ratings
    follow how the case was handled (an online case is rated as an online service)."""
    if channel == Channel.ONLINE:
        return ONLINE_DIMENSIONS
    if channel == Channel.ONSITE:
        return OFFLINE_DIMENSIONS
    return ONLINE_DIMENSIONS if case_channel == "online" else OFFLINE_DIMENSIONS


def check_rating(
    *, channel: str, level, dimensions: Mapping | None, case_channel: str
) -> dict[str, list[str]]:
    """Per-field error codes of a rating's content (empty when valid)."""
    errors: dict[str, list[str]] = {}
    if channel not in Channel.__members__.values():
        errors["channel"] = ["unknown_channel"]
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        errors["level"] = ["bad_level"]
    allowed = dimensions_for(channel, case_channel)
    for key, value in (dimensions or {}).items():
        if key not in allowed:
            errors.setdefault(f"dimensions.{key}", []).append("unknown_dimension")
        elif isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
            errors.setdefault(f"dimensions.{key}", []).append("bad_level")
    return errors


def rating_closes_on(completed_on: dt.date, window_days: int) -> dt.date:
    """The last day a case completed on ``completed_on`` may be rated (calendar days)."""
    return completed_on + dt.timedelta(days=window_days)


def rating_window(completed_on: dt.date | None, today: dt.date, window_days: int) -> str:
    """ "open", or why not: "not_completed", "closed"."""
    if completed_on is None:
        return "not_completed"
    if today > rating_closes_on(completed_on, window_days):
        return "closed"
    return "open"


def invitation_due(completed_on: dt.date, today: dt.date, after_days: int, window_days: int):
    """An unrated case gets its invitation from ``after_days`` after completion while it may
    still be rated."""
    return (
        completed_on + dt.timedelta(days=after_days)
        <= today
        <= rating_closes_on(completed_on, window_days)
    )


# ---------------------------------------------------------------- the bad-rating loop


class TaskState(enum.StrEnum):
    OPEN = "open"  # waiting for the callback
    CALLED_BACK = "called_back"  # the rater was called; an outcome is due
    RESOLVED = "resolved"  # outcome recorded; feedback to the rater is due
    FED_BACK = "fed_back"  # the rater has the feedback; may reject it once
    CLOSED = "closed"  # the rater accepted, or the feedback after a rejection was given
    APPEAL_UPHELD = "appeal_upheld"  # a 误评 / 恶意差评: out of the statistics


class Outcome(enum.StrEnum):
    RECTIFIED = "rectified"  # rectified at once
    LEDGER = "ledger"  # entered in the rectification ledger with a deadline
    EXPLAINED = "explained"  # explained: the request has no legal basis


class TaskAction(enum.StrEnum):
    CALLBACK = "callback"
    OUTCOME = "outcome"
    FEEDBACK = "feedback"
    ACCEPT = "accept"  # the rater accepts the feedback
    REJECT = "reject"  # the rater rejects it (once)
    APPEAL = "appeal"
    DECIDE_APPEAL = "decide_appeal"


DEPARTMENT = "department"
RATER = "rater"
SUPERVISOR = "supervisor"

# (state, action) -> (who may, next state; None keeps the state)
TASK_TRANSITIONS: dict[tuple[TaskState, TaskAction], tuple[str, TaskState | None]] = {
    (TaskState.OPEN, TaskAction.CALLBACK): (DEPARTMENT, TaskState.CALLED_BACK),
    (TaskState.CALLED_BACK, TaskAction.CALLBACK): (DEPARTMENT, None),  # a further call
    (TaskState.CALLED_BACK, TaskAction.OUTCOME): (DEPARTMENT, TaskState.RESOLVED),
    (TaskState.RESOLVED, TaskAction.FEEDBACK): (DEPARTMENT, TaskState.FED_BACK),
    (TaskState.FED_BACK, TaskAction.ACCEPT): (RATER, TaskState.CLOSED),
    (TaskState.FED_BACK, TaskAction.REJECT): (RATER, TaskState.OPEN),
    (TaskState.OPEN, TaskAction.APPEAL): (DEPARTMENT, None),
    (TaskState.CALLED_BACK, TaskAction.APPEAL): (DEPARTMENT, None),
    (TaskState.RESOLVED, TaskAction.APPEAL): (DEPARTMENT, None),
}
# States in which the bad rating counts as rectified (差评整改率's numerator).
RECTIFIED_STATES = frozenset({TaskState.FED_BACK, TaskState.CLOSED})
# States in which the task still waits for the department (overdue when past due).
DEPARTMENT_PENDING_STATES = frozenset({TaskState.OPEN, TaskState.CALLED_BACK, TaskState.RESOLVED})


class LoopError(Exception):
    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class Step:
    next_state: TaskState
    closes: bool = False


def task_step(
    state: str,
    action: str,
    party: str,
    *,
    rejected_before: bool = False,
    appeal_pending: bool = False,
) -> Step:
    """The next state of a task, or ``LoopError`` with a stable code.

    - the rater may reject the feedback once: a second rejection is ``already_rejected``;
    - feedback given after a rejection closes the loop (nothing left to reject);
    - one appeal at a time: a pending appeal blocks another (``appeal_pending``).
    """
    try:
        state, action = TaskState(state), TaskAction(action)
    except ValueError:
        raise LoopError("illegal_step") from None
    row = TASK_TRANSITIONS.get((state, action))
    if row is None:
        raise LoopError("illegal_step")
    who, next_state = row
    if who != party:
        raise LoopError("party_not_allowed")
    if action is TaskAction.REJECT and rejected_before:
        raise LoopError("already_rejected")
    if action is TaskAction.APPEAL and appeal_pending:
        raise LoopError("appeal_pending")
    if action is TaskAction.FEEDBACK and rejected_before:
        return Step(TaskState.CLOSED, closes=True)
    target = next_state or state
    return Step(target, closes=target is TaskState.CLOSED)


# ---------------------------------------------------------------- indicators

# key -> (Chinese name, formula as shown beside the figure)
INDICATORS = {
    "active_rating_rate": ("主动评价率", "已评价的办结件 ÷ 办结件"),
    "good_rate": ("好评率", "(非常满意 + 满意) ÷ 评价数"),
    "satisfaction_rate": ("满意率", "(非常满意 + 满意 + 基本满意) ÷ 评价数"),
    "bad_rate": ("差评率", "(不满意 + 非常不满意) ÷ 评价数"),
    "rectification_rate": ("差评整改率", "已整改差评 ÷ 差评数（申诉成立的除外）"),
    "callback_rate": ("实名差评回访率", "已回访实名差评 ÷ 实名差评数"),
}


@dataclass
class Tally:
    """What one group's indicators are computed from."""

    completed: int = 0
    rated_completed: int = 0
    ratings: int = 0
    good: int = 0
    satisfied: int = 0
    bad: int = 0
    rectified_bad: int = 0
    real_name_bad: int = 0
    called_back: int = 0

    def indicators(self) -> dict[str, tuple[int, int]]:
        return {
            "active_rating_rate": (self.rated_completed, self.completed),
            "good_rate": (self.good, self.ratings),
            "satisfaction_rate": (self.satisfied, self.ratings),
            "bad_rate": (self.bad, self.ratings),
            "rectification_rate": (self.rectified_bad, self.bad),
            "callback_rate": (self.called_back, self.real_name_bad),
        }


def rate(pair: tuple[int, int]) -> float | None:
    numerator, denominator = pair
    return None if not denominator else numerator / denominator
