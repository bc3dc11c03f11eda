"""Possible duplicates: the similarity measure, the same-caller / same-address rule, the window of
days and the configurable threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.tickets import duplicates
from zhengwu.tickets.duplicates import Candidate, rank, same_address, similarity

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

SAME = (
    "幸福小区3栋楼下烧烤店油烟扰民，晚上噪音很大",
    "幸福小区3栋楼下的烧烤店晚上噪音大，油烟也扰民",
)
PHRASED = ("小区门口的路面坑洼不平，雨天积水严重", "小区门口路面有坑，下雨积水")
NEAR_MISS = ("幸福小区3栋楼下烧烤店油烟扰民", "幸福小区路灯不亮，晚上出行不便")


def test_similarity_is_symmetric_and_bounded():
    a, b = SAME
    assert similarity(a, b) == pytest.approx(similarity(b, a))
    assert similarity(a, a) == pytest.approx(1.0)
    assert similarity(a, "") == 0.0
    assert similarity("，。！", a) == 0.0
    assert 0 <= similarity(*NEAR_MISS) <= 1


def test_one_problem_told_twice_scores_above_the_default_threshold():
    assert similarity(*SAME) >= duplicates.DEFAULT_THRESHOLD
    assert similarity(*PHRASED) >= duplicates.DEFAULT_THRESHOLD


def test_two_problems_at_one_address_stay_below_it():
    assert similarity(*NEAR_MISS) < duplicates.DEFAULT_THRESHOLD
    assert similarity("医保报销比例是多少", "社保卡丢了怎么补办") < duplicates.DEFAULT_THRESHOLD


def test_addresses_compare_without_spaces_punctuation_or_full_width():
    assert same_address("幸福小区 3栋-2单元", "幸福小区３栋2单元")
    assert not same_address("幸福小区3栋", "幸福小区4栋")
    assert not same_address("", "")


def _c(number, content, phone="13900000001", address="", days_ago=1):
    return Candidate(number, content, phone, address, T0 - dt.timedelta(days=days_ago))


def test_rank_needs_the_same_caller_or_the_same_address():
    candidates = [
        _c("A", SAME[1]),
        _c("B", SAME[1], phone="13900000002"),
        _c("C", SAME[1], phone="13900000003", address="幸福小区3栋"),
    ]
    found = rank(SAME[0], "13900000001", "幸福小区 3 栋", candidates)
    assert [m.number for m in found] == ["A", "C"] or [m.number for m in found] == ["C", "A"]
    by_number = {m.number: m for m in found}
    assert by_number["A"].same_caller and not by_number["A"].same_address
    assert by_number["C"].same_address and not by_number["C"].same_caller


def test_rank_orders_best_first_then_newest_and_limits():
    candidates = [
        _c("OLD", SAME[1], days_ago=5),
        _c("NEW", SAME[1], days_ago=1),
        _c("EXACT", SAME[0], days_ago=3),
        _c("MISS", NEAR_MISS[1]),
    ]
    found = rank(SAME[0], "13900000001", "", candidates)
    assert [m.number for m in found] == ["EXACT", "NEW", "OLD"]
    assert [m.number for m in rank(SAME[0], "13900000001", "", candidates, limit=1)] == ["EXACT"]


def test_the_threshold_is_a_parameter():
    candidates = [_c("MISS", NEAR_MISS[1])]
    assert rank(NEAR_MISS[0], "13900000001", "", candidates) == []
    assert [m.number for m in rank(NEAR_MISS[0], "13900000001", "", candidates, threshold=0.1)] == [
        "MISS"
    ]


# --- the selector over the database --------------------------------------------------------------


@pytest.fixture
def at_noon(travel):
    from tests.cases.helpers import AT

    travel(AT("2026-03-10 12:00"))
    return AT


@pytest.mark.django_db
def test_find_looks_back_seven_days_by_caller_or_address(at_noon, travel, new_ticket, settings):
    old = new_ticket(content=SAME[1], caller_phone="13900000001")
    travel(at_noon("2026-03-12 12:00"))
    by_phone = new_ticket(content=SAME[1], caller_phone="13900000001")
    by_address = new_ticket(content=SAME[1], caller_phone="13900000009", address="幸福小区 3栋")
    stranger = new_ticket(content=SAME[1], caller_phone="13900000008", address="阳光花园")
    other_matter = new_ticket(content=NEAR_MISS[1], caller_phone="13900000001")
    travel(at_noon("2026-03-18 09:00"))  # ``old`` is now 8 days back
    found = duplicates.find(content=SAME[0], caller_phone="13900000001", address="幸福小区3栋")
    numbers = {t.number for t, _m in found}
    assert numbers == {by_phone.number, by_address.number}
    assert old.number not in numbers
    assert stranger.number not in numbers and other_matter.number not in numbers
    settings.TICKET_DUPLICATE_DAYS = 9
    numbers = {t.number for t, _m in duplicates.find(content=SAME[0], caller_phone="13900000001")}
    assert old.number in numbers


@pytest.mark.django_db
def test_find_leaves_out_merged_tickets_and_the_ticket_itself(at_noon, new_ticket, operator):
    first = new_ticket(content=SAME[0], caller_phone="13900000001")
    again = new_ticket(content=SAME[1], caller_phone="13900000001")
    from zhengwu.tickets import services

    services.merge_duplicate(actor=operator, number=again.number, into=first.number)
    found = duplicates.find(content=SAME[1], caller_phone="13900000001", exclude=first.number)
    assert found == []
    assert [t.number for t, _m in duplicates.find(content=SAME[1], caller_phone="13900000001")] == [
        first.number
    ]


@pytest.mark.django_db
def test_find_needs_content_and_a_caller_or_address(at_noon, new_ticket, settings):
    new_ticket(content=SAME[1], caller_phone="13900000001")
    assert duplicates.find(content="", caller_phone="13900000001") == []
    assert duplicates.find(content=SAME[0]) == []
    settings.TICKET_DUPLICATE_THRESHOLD = 0.99
    assert duplicates.find(content=SAME[0], caller_phone="13900000001") == []
