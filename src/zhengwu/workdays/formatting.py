"""Dates shown the Chinese way (2025年11月4日) in Chinese, ISO dates otherwise."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language

from zhengwu.core.display import cn_date


def chinese_date(day: dt.date) -> str:
    return cn_date(day)


def show_date(day: dt.date) -> str:
    language = get_language() or "zh-hans"
    if language.startswith("zh"):
        return chinese_date(day)
    return day.isoformat()
