"""Where indicator counts come from: a registry of providers, so that later apps add theirs.

A provider is a callable ``provider(*, start, end, group, department_ids)`` that answers
``{group key: {indicator key: Count}}`` for the period ``start``..``end`` (local dates, both
included), grouped by ``group`` (``department``, ``window``, ``staff``, ``item`` or ``center``),
limited to ``department_ids`` (``None``: every department). The counts of every provider for one
group and indicator are added up, so a provider may fill an indicator alone (the ratings app: the
six rating indicators) or add a numerator to another's denominator.
An indicator no provider counts is reported with a denominator of 0 and no value.

A table's total adds up the groups' numerators and denominators, which is exact for a ratio of
counts but not for an indicator that does not add up (a percentile: the mean of the groups'
percentiles is not the total's). A provider of such an indicator registers a **pooled** total
beside it: a callable ``pooled(*, start, end, group, department_ids, sets)`` that answers, for
each label of ``sets`` (``{label: group keys}``, the keys ``None`` for every group of the table),
``{indicator key: Count}`` for those groups taken together as one, computed over all their
underlying values, in one read for all the sets. For the indicators it answers, the
pooled count replaces the sum in the table's total (and in a region's row, which pools the
region's centers); every other indicator is still added up. An indicator is pooled by one
provider only (a later one answering the same key replaces the earlier).

The cases app's counts are the built-in provider (``zhengwu.assessment.selectors``); the ratings
app registers its own in its ``AppConfig.ready()``::

    from zhengwu.assessment.providers import register
    register("ratings", rating_counts)

and the hall pools its 90th-percentile wait::

    register("hall_queue", queue_counts, pooled=queue_pooled)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping

from zhengwu.assessment.formulas import Count

Result = Mapping[Hashable, Mapping[str, Count]]
Provider = Callable[..., Result]
Pooled = Callable[..., Mapping[str, Count]]

_PROVIDERS: dict[str, Provider] = {}
_POOLED: dict[str, Pooled] = {}


def register(name: str, provider: Provider, *, pooled: Pooled | None = None) -> None:
    """Add (or replace) the provider called ``name``, with its pooled total if it has one."""
    _PROVIDERS[name] = provider
    if pooled is None:
        _POOLED.pop(name, None)
    else:
        _POOLED[name] = pooled


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)
    _POOLED.pop(name, None)


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


def pooled(
    *,
    start: dt.date,
    end: dt.date,
    group: str,
    department_ids: Iterable[int] | None,
    sets: Mapping[Hashable, Iterable[Hashable] | None],
) -> dict[Hashable, dict[str, Count]]:
    """Per label of ``sets`` (``{label: group keys}``; ``None``: every group of the table), the
    pooled totals of those groups together, per indicator, from the providers that pool theirs
    (one call of each for all the sets); the other indicators are not in it."""
    ids = None if department_ids is None else sorted(department_ids)
    chosen = {label: None if keys is None else list(keys) for label, keys in sets.items()}
    result: dict[Hashable, dict[str, Count]] = {label: {} for label in chosen}
    for total in _POOLED.values():
        found = total(start=start, end=end, group=group, department_ids=ids, sets=chosen)
        for label, counts in found.items():
            result[label].update(counts)
    return result
