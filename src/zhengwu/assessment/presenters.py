"""How indicator tables look to the API, the pages and the exports."""

from __future__ import annotations

import datetime as dt

from zhengwu.assessment import formulas
from zhengwu.assessment.definitions import DEFINITIONS
from zhengwu.assessment.formulas import Count


def api_count(count: Count) -> dict:
    value = count.value
    return {
        "numerator": count.numerator,
        "denominator": count.denominator,
        "value": None if value is None else float(value),
        "display": formulas.percent_text(value, empty="") or None,
    }


def api_table(*, start: dt.date, end: dt.date, group: str, rows) -> dict:
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "group": group,
        "rows": [
            {
                "key": row.key,
                "name": row.name,
                "indicators": {k: api_count(c) for k, c in row.indicators.items()},
            }
            for row in rows
        ],
    }


def cell(count: Count) -> dict:
    """A table cell: the rounded percentage, and the counts behind it for the tooltip."""
    return {
        "text": formulas.percent_text(count.value),
        "numerator": count.numerator,
        "denominator": count.denominator,
        "empty": count.denominator == 0,
    }


def page_rows(rows, keys=formulas.INDICATOR_KEYS) -> list[dict]:
    return [
        {"key": row.key, "name": row.name, "cells": [cell(row.indicators[k]) for k in keys]}
        for row in rows
    ]


def columns(keys=formulas.INDICATOR_KEYS) -> list:
    return [DEFINITIONS[k] for k in keys]
