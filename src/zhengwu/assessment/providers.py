"""Where indicator counts come from: a registry of providers, so that later apps add theirs.

A provider is a callable ``provider(*, start, end, group, department_ids)`` that answers
``{group key: {indicator key: Count}}`` for the period ``start``..``end`` (local dates, both
included), grouped by ``group`` (``department``, ``window``, ``staff``, ``item`` or ``center``),
limited to ``department_ids`` (``None``: every department). The counts of every provider for one
group and indicator are added up, so a provider may fill an indicator alone (the ratings app: the
six rating indicators) or add a numerator to another's denominator.
An indicator no provider counts is reported with a denominator of 0 and no value.

The cases app's counts are the built-in provider (``zhengwu.assessment.selectors``); the ratings
app registers its own in its ``AppConfig.ready()``::

    from zhengwu.assessment.providers import register
    register("ratings", rating_counts)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping

from zhengwu.assessment.formulas import Count

Result = Mapping[Hashable, Mapping[str, Count]]
Provider = Callable[..., Result]

_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace) the provider called ``name``."""
    _PROVIDERS[name] = provider


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def registered() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def collect(
    *,
    start: dt.date,
    end: dt.date,
    group: str,
    department_ids: Iterable[int] | None,
) -> dict[Hashable, dict[str, Count]]:
    """Every provider's counts, added up per group and indicator."""
    ids = None if department_ids is None else sorted(department_ids)
    merged: dict[Hashable, dict[str, Count]] = {}
    for provider in _PROVIDERS.values():
        answer = provider(start=start, end=end, group=group, department_ids=ids)
        for key, counts in answer.items():
            row = merged.setdefault(key, {})
            for indicator, count in counts.items():
                row[indicator] = row.get(indicator, Count()) + count
    return merged
