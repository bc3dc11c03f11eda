"""Small query helpers shared by the apps."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import CharField, DateField, Expression, Lookup, Model, QuerySet


def unique_or_none(queryset: QuerySet) -> Model | None:
    """The row of a lookup that matches at most one (a unique key), or None. Unlike ``first()``
    it does not order the rows, so the query is built and run without an ORDER BY."""
    if queryset.ordered:
        queryset = queryset.order_by()
    return next(iter(queryset[:1]), None)


class DateLiteral(Expression):
    """A date written into the SQL rather than bound as a parameter. With prepared statements the
    database may plan a statement once for any parameters (a generic plan), and it cannot tell
    how selective ``due < $1`` is; with the day in the text, each day's statement is planned for
    that day. Only for dates the code computes (never for input): the text is the ISO date."""

    output_field = DateField()

    def __init__(self, day: dt.date):
        if type(day) is not dt.date:
            raise TypeError("DateLiteral takes a date")
        super().__init__(output_field=DateField())
        self.day = day

    def as_sql(self, compiler, connection):
        text = self.day.isoformat()
        if connection.vendor == "postgresql":
            return f"DATE '{text}'", []
        return f"'{text}'", []


_CODE = re.compile(r"[a-z_]{1,40}")


@CharField.register_lookup
class LiteralIn(Lookup):
    """``field__literal_in=[codes]``: ``IN`` with the codes written into the SQL, so that a
    prepared statement's generic plan can still use a partial index whose condition is that list
    (``state IN ('submitted', ...)``); with bound parameters it cannot prove the condition holds.
    Only for the code's own lowercase codes (states, levels): anything else is refused."""

    lookup_name = "literal_in"

    def get_prep_lookup(self):
        values = list(self.rhs)
        if not values or not all(isinstance(v, str) and _CODE.fullmatch(v) for v in values):
            raise ValueError("literal_in takes lowercase codes")
        return values

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        codes = ", ".join(f"'{code}'" for code in self.rhs)
        return f"{lhs} IN ({codes})", params
