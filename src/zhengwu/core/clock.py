"""The one source of "now".

All code asks this module for the time so tests and simulations can control it: tests travel with
time-machine (which moves the whole process clock); simulations such as the demo history use
``frozen()`` to run services at a chosen moment in the current context only.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_fixed: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "zhengwu_now", default=None
)
# The moment ``frozen()`` fixed in the current context, or None (a bound method: hot paths call it).
frozen_moment = _fixed.get


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    fixed = _fixed.get()
    return fixed if fixed is not None else timezone.now()


def today() -> dt.date:
    """Today's date in Asia/Shanghai, the date every working-day rule uses."""
    return local_date(now())


def local_date(moment: dt.datetime) -> dt.date:
    if timezone.is_naive(moment):
        raise ValueError("naive datetime")
    return moment.astimezone(LOCAL_TZ).date()


def local_datetime(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LOCAL_TZ)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a Shanghai calendar day, as an aware datetime (a deadline's end)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=LOCAL_TZ)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Run the body with now() fixed at ``moment`` (aware) in this context only."""
    if timezone.is_naive(moment):
        raise ValueError("naive datetime")
    token = _fixed.set(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _fixed.reset(token)
