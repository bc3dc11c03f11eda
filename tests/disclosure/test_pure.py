"""The transition table, the fee rules (国办函〔2020〕109号) and the receipt date (art. 31)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.cases.rules import TransitionError
from zhengwu.disclosure import fees, receipt
from zhengwu.disclosure.rules import (
    APPLICANT,
    DISCLOSURE_HEAD,
    DISCLOSURE_OFFICER,
    REPLY_TYPES,
    SYSTEM,
    TRANSITIONS,
    Action,
    Result,
    State,
    allowed_actions,
    next_state,
    outcome_of,
    transition,
)

D = dt.date
ALL_ROLES = (APPLICANT, DISCLOSURE_OFFICER, DISCLOSURE_HEAD, SYSTEM, "window_clerk", "leader")
ALLOWED = {(row.state, row.action): row for row in TRANSITIONS}
STATES = [None, *State]


@pytest.mark.parametrize("row", TRANSITIONS, ids=lambda r: f"{r.state}-{r.action}")
def test_every_allowed_transition(row):
    for role in row.roles:
        assert transition(row.state, row.action, [role]) is row.next
    others = [r for r in ALL_ROLES if r not in row.roles]
    for role in others:
        with pytest.raises(TransitionError) as info:
            transition(row.state, row.action, [role])
        assert info.value.code == "role_not_allowed"


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s in STATES for a in Action if (s, a) not in ALLOWED],
)
def test_every_forbidden_transition(state, action):
    with pytest.raises(TransitionError) as info:
        transition(state, action, ALL_ROLES)
    assert info.value.code == "illegal_transition"


def test_one_supplement_notice_one_extension_one_deferral():
    with pytest.raises(TransitionError) as info:
        transition(
            State.IN_PROGRESS, Action.REQUEST_SUPPLEMENT, [DISCLOSURE_OFFICER], notified=True
        )
    assert info.value.code == "already_notified"
    with pytest.raises(TransitionError) as info:
        transition(State.IN_PROGRESS, Action.EXTEND, [DISCLOSURE_HEAD], extended=True)
    assert info.value.code == "already_extended"
    with pytest.raises(TransitionError) as info:
        next_state(State.IN_PROGRESS, Action.DEFER, deferred=True)
    assert info.value.code == "already_deferred"
    assert Action.REQUEST_SUPPLEMENT not in allowed_actions(
        State.IN_PROGRESS, [DISCLOSURE_OFFICER], notified=True
    )


def test_only_the_head_of_the_office_extends():
    assert Action.EXTEND not in allowed_actions(State.IN_PROGRESS, [DISCLOSURE_OFFICER])
    assert Action.EXTEND in allowed_actions(State.IN_PROGRESS, [DISCLOSURE_HEAD])


def test_unknown_names():
    with pytest.raises(TransitionError) as info:
        transition("nowhere", Action.ROUTE, ALL_ROLES)
    assert info.value.code == "unknown_state"
    with pytest.raises(TransitionError) as info:
        transition(State.RECEIVED, "fly", ALL_ROLES)
    assert info.value.code == "unknown_action"


@pytest.mark.parametrize(
    ("reply_type", "reason", "expected"),
    [
        ("published", None, (Result.DISCLOSED, None)),
        ("disclosed", None, (Result.DISCLOSED, None)),
        ("partial", None, (Result.PARTIAL, None)),
        ("withheld", 4, (Result.WITHHELD, 4)),
        ("withheld", 8, (Result.WITHHELD, 8)),
        ("not_exist", None, (Result.UNAVAILABLE, 1)),
        ("not_ours", None, (Result.UNAVAILABLE, 1)),
        ("duplicate", None, (Result.NOT_HANDLED, 2)),
        ("special_law", None, (Result.OTHER, 3)),
        ("unavailable", 2, (Result.UNAVAILABLE, 2)),
        ("not_handled", 5, (Result.NOT_HANDLED, 5)),
        ("other", 3, (Result.OTHER, 3)),
    ],
)
def test_reply_outcomes(reply_type, reason, expected):
    assert outcome_of(reply_type, reason) == expected


@pytest.mark.parametrize(
    ("reply_type", "reason", "code"),
    [
        ("maybe", None, "unknown_reply_type"),
        ("withheld", None, "reason_required"),
        ("withheld", 9, "invalid_reason"),
        ("withheld", 0, "invalid_reason"),
        ("withheld", True, "invalid_reason"),
        ("unavailable", 4, "invalid_reason"),
        ("not_handled", 6, "invalid_reason"),
        ("disclosed", 1, "reason_not_taken"),
        ("not_exist", 2, "invalid_reason"),
    ],
)
def test_reply_outcome_errors(reply_type, reason, code):
    with pytest.raises(ValueError, match=code):
        outcome_of(reply_type, reason)


def test_the_seven_types_of_article_36_and_partial_are_reply_types():
    for key in ("published", "disclosed", "withheld", "not_exist", "not_ours", "duplicate"):
        assert key in REPLY_TYPES
    assert "special_law" in REPLY_TYPES and "partial" in REPLY_TYPES


@pytest.mark.parametrize(
    ("items", "amount"),
    [(1, 0), (10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300), (50, 7000)],
)
def test_fee_per_item_boundaries(items, amount):
    assert fees.fee(items=items).amount == amount


def test_items_count_per_month_across_requests():
    # 8 items earlier this month, 4 now: the 11th and 12th of the month are charged.
    charged = fees.fee(items=4, earlier_items=8)
    assert charged.amount == 200
    assert charged.parts == (fees.FeePart(11, 12, 100),)
    assert fees.fee(items=2, earlier_items=29).parts == (
        fees.FeePart(30, 30, 100),
        fees.FeePart(31, 31, 200),
    )


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)],
)
def test_fee_per_page_boundaries(pages, amount):
    assert fees.fee(pages=pages).amount == amount


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"items": 5, "pages": 40}, {"items": 0}, {"pages": -1}, {"items": True}, {"pages": "3"}],
)
def test_fee_never_both_and_whole_numbers(kwargs):
    with pytest.raises(ValueError):
        fees.fee(**kwargs)


@pytest.mark.parametrize(
    ("channel", "arrived", "confirmed", "on", "basis", "late"),
    [
        ("in_person", D(2026, 3, 2), None, D(2026, 3, 2), receipt.Basis.HANDED_IN, False),
        ("post_signed", D(2026, 3, 3), None, D(2026, 3, 3), receipt.Basis.SIGNED_FOR, False),
        (
            "post_ordinary",
            D(2026, 2, 14),
            D(2026, 2, 14),
            D(2026, 2, 14),
            receipt.Basis.LETTER_CONFIRMED,
            False,
        ),
        (
            "post_ordinary",
            D(2026, 2, 13),
            D(2026, 2, 14),
            D(2026, 2, 14),
            receipt.Basis.LETTER_CONFIRMED,
            True,
        ),
        (
            "internet",
            D(2026, 3, 1),
            D(2026, 3, 2),
            D(2026, 3, 2),
            receipt.Basis.BOTH_CONFIRMED,
            False,
        ),
        ("fax", D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 2), receipt.Basis.BOTH_CONFIRMED, False),
    ],
)
def test_receipt_date_per_channel(channel, arrived, confirmed, on, basis, late):
    found = receipt.receipt(channel, arrived_on=arrived, confirmed_on=confirmed)
    assert (found.on, found.basis, found.late) == (on, basis, late)
    assert found.article.startswith("31(")


@pytest.mark.parametrize(
    ("channel", "confirmed", "code"),
    [
        ("pigeon", None, "unknown_channel"),
        ("internet", None, "confirmation_required"),
        ("fax", D(2026, 3, 1), "confirmed_before_arrival"),
    ],
)
def test_receipt_errors(channel, confirmed, code):
    with pytest.raises(ValueError, match=code):
        receipt.receipt(channel, arrived_on=D(2026, 3, 2), confirmed_on=confirmed)
