"""How indicator tables look to the API, the pages and the exports."""

from __future__ import annotations

import datetime as dt

from zhengwu.assessment import formulas
from zhengwu.assessment.definitions import definition
from zhengwu.assessment.formulas import Count


def value_of(count: Count, unit: str = "percent"):
    """The exact value an indicator reads as: the ratio, or for a count its numerator."""
    return count.numerator if unit == "count" else count.value


def text_of(count: Count, unit: str = "percent", empty: str = "—") -> str:
    """The value as shown: a percentage rounded half up (two decimals), a whole count, or a mean
    rounded half up to one decimal; ``empty`` when there is nothing to divide by."""
    if unit == "count":
        return str(count.numerator)
    if unit == "mean":
        value = count.value
        return empty if value is None else str(formulas.half_up(value, 1))
    return formulas.percent_text(count.value, empty=empty)


def api_count(count: Count, unit: str = "percent") -> dict:
    value = value_of(count, unit)
    return {
        "numerator": count.numerator,
        "denominator": count.denominator,
        "value": None if value is None else float(value),
        "display": text_of(count, unit, empty="") or None,
    }


def api_table(*, start: dt.date, end: dt.date, group: str, rows, total=None) -> dict:
    def shaped(row) -> dict:
        return {
            "key": row.key,
            "name": row.name,
            "indicators": {k: api_count(c, definition(k).unit) for k, c in row.indicators.items()},
        }

    answer = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "group": group,
        "rows": [shaped(row) for row in rows],
    }
    if total is not None:
        answer["total"] = shaped(total)
    return answer


def cell(count: Count, unit: str = "percent") -> dict:
    """A table cell: the rounded value, and the counts behind it for the tooltip."""
    return {
        "text": text_of(count, unit),
        "numerator": count.numerator,
        "denominator": count.denominator,
        "empty": unit != "count" and count.denominator == 0,
        "count": unit == "count",
    }


def page_rows(rows, keys=formulas.INDICATOR_KEYS) -> list[dict]:
    units = {k: definition(k).unit for k in keys}
    return [
        {
            "key": row.key,
            "name": row.name,
            "cells": [cell(row.indicators.get(k, Count()), units[k]) for k in keys],
        }
        for row in rows
    ]


def columns(keys=formulas.INDICATOR_KEYS) -> list:
    return [definition(k) for k in keys]
