"""The pure rules of the outbound exchange: the back-off, what an answer acknowledges, and which
records may go out without overtaking an earlier one of their stream."""

from __future__ import annotations

import json

import pytest

from zhengwu.exchange import records, rules


def test_backoff_doubles_to_the_cap_and_jitter_only_shortens():
    delays = [rules.backoff_seconds(n, base=30, cap=3600, jitter=0, rand=0.5) for n in range(1, 10)]
    assert delays[:5] == [30, 60, 120, 240, 480]
    assert delays[-1] == 3600
    assert rules.backoff_seconds(1000, base=30, cap=3600, jitter=0, rand=0) == 3600
    assert rules.backoff_seconds(2, base=30, cap=3600, jitter=0.5, rand=0.999) == pytest.approx(
        30.03
    )


def answer(body) -> bytes:
    return json.dumps(body).encode()


def test_an_answer_acknowledges_only_keys_that_were_sent():
    got = rules.parse_answer(
        200,
        answer(
            {
                "accepted": ["a", "zz", 3],
                "refused": [{"key": "b", "reason": "格式错误"}, {"key": "a"}, "x", {"key": "q"}],
                "references": {"a": "R-1", "b": "R-2"},
            }
        ),
        ["a", "b", "c"],
    )
    assert got.accepted == {"a"}
    assert got.refused == {"b": "格式错误"}  # "a" was accepted; "q" was not sent
    assert got.references == {"a": "R-1"}


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (500, b"down", "HTTP 500"),
        (200, b"<html>", "not JSON"),
        (200, b'{"ok": true}', "'accepted'"),
        (200, b"[1]", "'accepted'"),
        (204, b"\xff", "not JSON"),
    ],
)
def test_answers_that_acknowledge_nothing(status, body, says):
    with pytest.raises(rules.AnswerError) as failed:
        rules.parse_answer(status, body, ["a"])
    assert says in str(failed.value)


def test_a_stream_goes_out_in_order():
    claimed = [(1, "s"), (2, "s"), (3, "t"), (5, "t"), (6, "u")]
    # 4 (stream t) is open but not claimed (leased elsewhere or waiting): 5 waits behind it
    open_before = {"s": [1, 2], "t": [3, 4, 5], "u": [6]}
    assert rules.in_stream_order(claimed, open_before) == [1, 2, 3, 6]
    # an earlier open record outside the batch holds back the whole stream
    assert rules.in_stream_order([(7, "v"), (8, "v")], {"v": [2, 7, 8]}) == []


def test_every_schema_compiles_and_rejects_what_it_should():
    for schema in records.SCHEMAS:
        assert records.problems(schema, {}) != []
    assert records.problems("zhengwu-exchange/nothing/1", {}) == [
        "unknown schema 'zhengwu-exchange/nothing/1'"
    ]
    rating = {
        "case_number": "2025",
        "item_base_code": "",
        "item_impl_code": "X",
        "department_code": "SCJ",
        "channel": "onsite",
        "level": 5,
        "rated_at": "2025-03-03T02:00:00Z",
        "rectification_status": "none",
    }
    assert records.problems(records.RATING, rating) == []
    found = records.problems(records.RATING, {**rating, "rated_at": "2025-13-40", "level": 0})
    assert len(found) == 2 and any(p.startswith("rated_at:") for p in found)
