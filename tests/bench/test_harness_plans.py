"""The benchmarks' reading of query plans (bench/harness): what counts as a full count, and
which nodes read a table's heap."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from harness import full_count, heap_reads, plan_summary

SEQ = {"Node Type": "Seq Scan", "Relation Name": "cases_case"}
WHOLE_INDEX = {"Node Type": "Index Only Scan", "Relation Name": "cases_case", "Index Name": "i"}
BOUNDED = {**WHOLE_INDEX, "Index Cond": "(promised_due <= '2026-11-18'::date)", "Heap Fetches": 0}


def node(kind: str, *children: dict) -> dict:
    return {"Node Type": kind, "Plans": list(children)}


def test_an_aggregate_over_the_whole_table_is_a_full_count():
    assert full_count(node("Aggregate", SEQ), "cases_case")
    assert full_count(node("Aggregate", node("Gather", SEQ)), "cases_case")
    assert full_count(node("Aggregate", WHOLE_INDEX), "cases_case")


def test_a_bounded_or_limited_count_is_not():
    assert not full_count(node("Aggregate", BOUNDED), "cases_case")
    assert not full_count(node("Aggregate", node("Limit", SEQ)), "cases_case")
    assert not full_count(node("Limit", SEQ), "cases_case")
    assert not full_count(node("Aggregate", SEQ | {"Relation Name": "other"}), "cases_case")


def test_heap_reads_leave_out_index_only_scans():
    assert heap_reads(node("Aggregate", BOUNDED), "cases_case") == []
    assert heap_reads(node("Aggregate", SEQ), "cases_case") == ["Seq Scan"]
    assert plan_summary(node("Aggregate", BOUNDED)) == [
        "Aggregate",
        "  Index Only Scan using i on cases_case (heap fetches 0)",
    ]
