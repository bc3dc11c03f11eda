"""Findings of e-supervision kept by other apps (a discrepancy found by reconciling a
department's records is kept by ``exchange``, which sits above supervision): each registers a
counter when it starts, and the e-supervision figures (``selectors.irregularity_counts``, the
brief's and bulletins' source) count its findings beside the case irregularities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

# (start, end, department ids or None) → [(kind, Chinese label, count)], every kind listed.
Counter = Callable[[dt.date, dt.date, Iterable[int] | None], list[tuple[str, str, int]]]

_COUNTERS: list[Counter] = []


def register(counter: Counter) -> None:
    if counter not in _COUNTERS:
        _COUNTERS.append(counter)


def counts(
    start: dt.date, end: dt.date, department_ids: Iterable[int] | None
) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    for counter in _COUNTERS:
        out.extend(counter(start, end, department_ids))
    return out
