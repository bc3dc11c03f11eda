"""The annual report's tables 三 and 四 from plain records (zhengwu.disclosure.annual, pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengwu.disclosure import annual
from zhengwu.disclosure.annual import Counts, Proceeding, Request

D = dt.date


def test_the_rows_and_columns_are_those_of_the_format():
    # 一, 二, (一), (二), (三) 1–8, (四) 1–3, (五) 1–5, (六) 1–3, (七), 四: 25 rows.
    assert len(annual.ROWS) == 25
    assert annual.ROWS[:4] == ("received", "carried_over", "disclosed", "partial")
    assert annual.ROWS[4:12] == tuple(
        f"withheld_{r}"
        for r in (
            "state_secret",
            "prohibited_by_law",
            "security_stability",
            "third_party_rights",
            "internal_affairs",
            "process_information",
            "enforcement_file",
            "administrative_query",
        )
    )
    assert annual.ROWS[12:15] == (
        "unavailable_not_held",
        "unavailable_needs_creation",
        "unavailable_still_unclear",
    )
    assert annual.ROWS[15:20] == (
        "not_handled_petition",
        "not_handled_repeated",
        "not_handled_publication",
        "not_handled_excessive",
        "not_handled_confirmation",
    )
    assert annual.ROWS[20:] == (
        "other_no_supplement",
        "other_fee_unpaid",
        "other_other",
        "results_total",
        "carried_forward",
    )
    assert annual.COLUMNS == (
        "person",
        "business",
        "research",
        "public_interest",
        "legal_service",
        "other",
        "total",
    )
    assert annual.TABLE_FOUR_COLUMNS == ("upheld", "corrected", "other", "pending", "total")


@pytest.mark.parametrize(
    ("result", "reason", "row"),
    [
        ("disclosed", None, "disclosed"),
        ("partial", 0, "partial"),
        ("withheld", 4, "withheld_third_party_rights"),
        ("unavailable", 1, "unavailable_not_held"),
        ("not_handled", 1, "not_handled_petition"),
        ("other", 2, "other_fee_unpaid"),
    ],
)
def test_a_result_and_its_reason_name_one_row(result, reason, row):
    assert annual.result_row(result, reason) == row


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ("refused", None),  # no such result
        ("disclosed", 1),  # 予以公开 takes no reason
        ("withheld", None),  # 不予公开 needs one of its eight
        ("withheld", 9),  # it has eight
        ("unavailable", "not_held"),  # reasons are numbers
        ("other", True),
    ],
)
def test_a_result_without_its_row_is_refused(result, reason):
    with pytest.raises(ValueError):
        annual.result_row(result, reason)


def _example_2026():
    """A county's year: three requests from 2025 still open on 1 January, eleven received in
    2026, two of those still open on 31 December."""
    return [
        # From 2025: one was completed in 2025 and does not concern 2026.
        Request(D(2025, 3, 2), "person", D(2025, 3, 20), "disclosed"),
        Request(D(2025, 12, 10), "person", D(2026, 1, 6), "disclosed"),
        Request(D(2025, 12, 31), "business", D(2026, 1, 4), "withheld", 1),
        Request(D(2025, 12, 31), "person"),  # still open at the end of 2026
        # Received in 2026.
        Request(D(2026, 1, 5), "person", D(2026, 1, 30), "partial"),
        Request(D(2026, 2, 1), "person", D(2026, 2, 3), "not_handled", 1),
        Request(D(2026, 3, 1), "research", D(2026, 3, 25), "unavailable", 1),
        Request(D(2026, 4, 1), "legal_service", D(2026, 4, 2), "not_handled", 2),
        Request(D(2026, 5, 6), "public_interest", D(2026, 6, 1), "disclosed"),
        Request(D(2026, 6, 1), "other", D(2026, 7, 1), "other", 1),
        Request(D(2026, 7, 1), "person", D(2026, 8, 1), "other", 2),
        Request(D(2026, 8, 3), "person", D(2026, 9, 1), "withheld", 6),
        Request(D(2026, 9, 1), "business", D(2026, 12, 31), "disclosed"),
        Request(D(2026, 12, 28), "person"),
        Request(D(2026, 12, 31), "business", D(2027, 1, 8), "disclosed"),
        # Received in 2027: not in 2026's table.
        Request(D(2027, 1, 4), "person", D(2027, 1, 5), "disclosed"),
    ]


def test_a_year_counts_received_carried_results_and_carried_forward():
    table = annual.table_three(2026, _example_2026())
    rows = table.rows
    assert rows["received"]["total"] == 11
    assert rows["received"]["person"] == 5
    assert rows["received"]["business"] == 2
    assert rows["carried_over"] == {
        "person": 2,
        "business": 1,
        "research": 0,
        "public_interest": 0,
        "legal_service": 0,
        "other": 0,
        "total": 3,
    }
    assert rows["disclosed"]["person"] == 1  # the one carried over from 2025
    assert rows["disclosed"]["total"] == 3
    assert rows["withheld_state_secret"]["business"] == 1
    assert rows["withheld_process_information"]["person"] == 1
    assert rows["not_handled_petition"]["person"] == 1
    assert rows["other_fee_unpaid"]["total"] == 1
    assert rows["results_total"]["total"] == 11
    # Still open on 31 December: the 2025 request never completed, and two of 2026.
    assert rows["carried_forward"]["person"] == 2
    assert rows["carried_forward"]["business"] == 1
    assert rows["carried_forward"]["total"] == 3
    assert table.balanced
    assert table.balance["total"].as_dict() == {"incoming": 14, "outgoing": 14, "balanced": True}
    # Every result row's total is the sum of its applicant columns.
    for row in annual.ROWS:
        assert rows[row]["total"] == sum(rows[row][c] for c in annual.APPLICANT_TYPES)


def test_the_year_end_is_the_boundary_both_ways():
    # Received on 31 December, completed on 1 January: carried forward, then carried over.
    late = [Request(D(2025, 12, 31), "person", D(2026, 1, 1), "disclosed")]
    y2025 = annual.table_three(2025, late)
    y2026 = annual.table_three(2026, late)
    assert y2025.cell("received") == 1 and y2025.cell("carried_forward") == 1
    assert y2025.cell("results_total") == 0
    assert y2026.cell("received") == 0 and y2026.cell("carried_over") == 1
    assert y2026.cell("disclosed") == 1 and y2026.cell("carried_forward") == 0
    # Received and completed on the same 31 December: a result of that year only.
    same_day = [Request(D(2025, 12, 31), "person", D(2025, 12, 31), "disclosed")]
    assert annual.table_three(2025, same_day).cell("disclosed") == 1
    assert annual.table_three(2026, same_day).cell("carried_over") == 0


def test_the_dict_form_is_the_api_answer():
    answer = annual.table_three(2026, _example_2026()).as_dict()
    assert list(answer["rows"]) == list(annual.ROWS)
    assert list(answer["rows"]["received"]) == list(annual.COLUMNS)
    assert answer["balanced"] is True
    assert answer["balance"]["person"]["incoming"] == 7


@pytest.mark.parametrize(
    "bad",
    [
        Request(D(2026, 1, 5), "citizen"),  # unknown applicant type
        Request(D(2026, 1, 5), "person", D(2026, 1, 6)),  # completed without a result
        Request(D(2026, 1, 5), "person", None, "disclosed"),  # a result, never completed
        Request(D(2026, 1, 5), "person", D(2026, 1, 4), "disclosed"),  # before receipt
        Request(D(2026, 1, 5), "person", D(2026, 1, 6), "withheld"),  # no reason
    ],
)
def test_inconsistent_records_are_refused(bad):
    with pytest.raises(ValueError):
        annual.table_three(2026, [bad])


def test_counts_that_do_not_balance_are_refused():
    # A database where one completion of 2026 lost its result: the results miss one.
    counts = Counts(
        received={"person": 3},
        carried_over={"person": 1},
        results={("person", "disclosed"): 2},
        carried_forward={"person": 1},
    )
    with pytest.raises(annual.Unbalanced) as caught:
        annual.table_three(2026, counts)
    assert {p.split(":")[0] for p in caught.value.problems} == {"person", "total"}
    counts.results = {("person", "disclosed"): 2, ("person", "other_other"): 1}
    assert annual.table_three(2026, counts).balanced


def test_counts_name_known_rows_only():
    with pytest.raises(ValueError):
        annual.table_three(2026, Counts(results={("person", "withheld"): 1}))
    with pytest.raises(ValueError):
        annual.table_three(2026, Counts(received={"company": 1}, carried_forward={"company": 1}))


def test_table_four_counts_decisions_of_the_year_and_pending_at_its_end():
    proceedings = [
        Proceeding("reconsideration", D(2026, 2, 1), "upheld", D(2026, 4, 1)),
        Proceeding("reconsideration", D(2026, 3, 1), "corrected", D(2026, 5, 1)),
        Proceeding("reconsideration", D(2026, 11, 1), "upheld", D(2027, 1, 10)),  # pending
        Proceeding("reconsideration", D(2025, 6, 1), "other", D(2025, 8, 1)),  # another year
        Proceeding("reconsideration", D(2025, 10, 1), "corrected", D(2026, 1, 20)),
        Proceeding("lawsuit_direct", D(2025, 5, 1)),  # pending in 2025 and 2026
        Proceeding("lawsuit_direct", D(2026, 6, 1), "other", D(2026, 9, 1)),
        Proceeding("lawsuit_after_reconsideration", D(2026, 7, 1), "upheld", D(2026, 12, 31)),
        Proceeding("lawsuit_after_reconsideration", D(2027, 1, 2)),  # filed later
    ]
    rows = annual.table_four(2026, proceedings).rows
    assert rows["reconsideration"] == {
        "upheld": 1,
        "corrected": 2,
        "other": 0,
        "pending": 1,
        "total": 4,
    }
    assert rows["lawsuit_direct"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 1,
        "pending": 1,
        "total": 2,
    }
    assert rows["lawsuit_after_reconsideration"]["upheld"] == 1
    assert rows["lawsuit_after_reconsideration"]["total"] == 1
    assert annual.table_four(2025, proceedings).rows["lawsuit_direct"]["pending"] == 1
    assert annual.table_four(2025, proceedings).rows["reconsideration"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 1,
        "pending": 1,
        "total": 2,
    }


@pytest.mark.parametrize(
    "bad",
    [
        Proceeding("appeal", D(2026, 1, 1)),
        Proceeding("reconsideration", D(2026, 1, 1), "won", D(2026, 2, 1)),
        Proceeding("reconsideration", D(2026, 1, 1), "upheld"),  # decided, no date
        Proceeding("reconsideration", D(2026, 1, 1), "pending", D(2026, 2, 1)),
        Proceeding("reconsideration", D(2026, 3, 1), "upheld", D(2026, 2, 1)),
    ],
)
def test_inconsistent_proceedings_are_refused(bad):
    with pytest.raises(ValueError):
        annual.table_four(2026, [bad])


# Properties over generated years of requests.

RESULT_CHOICES = [
    (result, reason)
    for result in annual.RESULTS
    for reason in (range(1, len(annual.REASONS[result]) + 1) if annual.REASONS[result] else [None])
]


@st.composite
def requests(draw):
    received = draw(st.dates(D(2023, 1, 1), D(2027, 12, 31)))
    applicant = draw(st.sampled_from(annual.APPLICANT_TYPES))
    if draw(st.booleans()):
        return Request(received, applicant)
    completed = received + dt.timedelta(days=draw(st.integers(0, 500)))
    result, reason = draw(st.sampled_from(RESULT_CHOICES))
    return Request(received, applicant, completed, result, reason)


@settings(max_examples=200, deadline=None)
@given(st.lists(requests(), max_size=60), st.integers(2023, 2027))
def test_every_year_balances_and_carries_into_the_next(records, year):
    this = annual.table_three(year, records)
    following = annual.table_three(year + 1, records)
    assert this.balanced and following.balanced
    for column in annual.COLUMNS:
        # What a year carries forward, the next year carries over.
        assert this.rows["carried_forward"][column] == following.rows["carried_over"][column]
    start, end = annual.year_bounds(year)
    assert this.cell("received") == sum(start <= r.received_on <= end for r in records)
    assert this.cell("results_total") == sum(
        r.completed_on is not None and start <= r.completed_on <= end for r in records
    )
    # The grouped counts give the same table as the records.
    assert annual.table_three(year, annual.count_requests(records, year)) == this


@settings(max_examples=100, deadline=None)
@given(st.lists(requests(), max_size=40))
def test_over_consecutive_years_nothing_is_lost(records):
    """Received over the years = completed over them + still open at the end of the last."""
    years = range(2023, 2028)
    tables = [annual.table_three(y, records) for y in years]
    assert tables[0].cell("carried_over") == 0  # nothing received before 2023
    received = sum(t.cell("received") for t in tables)
    completed = sum(t.cell("results_total") for t in tables)
    assert received == completed + tables[-1].cell("carried_forward")
