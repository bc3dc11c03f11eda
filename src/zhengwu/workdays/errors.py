"""The calendar's domain errors (DESIGN.md Errors)."""

from __future__ import annotations

import datetime as dt

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.workdays.formatting import show_date


def _range_message(day: dt.date, first: dt.date, last: dt.date, field: str) -> str:
    values = {"day": show_date(day), "first": show_date(first), "last": show_date(last)}
    if field == "days":
        return (
            gettext(
                "The result falls after %(last)s, the end of the supported calendar "
                "(%(first)s to %(last)s)."
            )
            % values
        )
    return gettext("%(day)s is outside the supported calendar (%(first)s to %(last)s).") % values


_lazy_range_message = lazy(_range_message, str)


class CalendarRangeError(DomainError):
    """A date (given or computed) outside the supported calendar.

    The calendar covers 2004-01-01 to 31 December of the fifth year after the current year
    (``zhengwu.core.clock.today()``). An input problem: 422, with the message under ``field``
    (``start``, ``end``, ``date`` or ``days``) as well as at the top level.
    """

    status = 422
    code = "workdays_out_of_range"

    def __init__(self, day: dt.date, first: dt.date, last: dt.date, field: str = "start"):
        self.day, self.first, self.last, self.field = day, first, last, field
        super().__init__(_lazy_range_message(day, first, last, field))

    def payload(self) -> dict:
        message = str(self.message)
        return {"code": self.code, "message": message, "errors": {self.field: [message]}}


def year_out_of_range(year: int, first: dt.date, last: dt.date) -> CalendarRangeError:
    day = dt.date(min(max(year, dt.MINYEAR), dt.MAXYEAR), 1, 1)
    return CalendarRangeError(day, first, last, "year")


def negative_count(field: str = "days") -> ValidationFailed:
    return ValidationFailed({field: [_("Enter a number of working days of 0 or more.")]})
