"""Small query helpers shared by the apps."""

from __future__ import annotations

from django.db.models import Model, QuerySet


def unique_or_none(queryset: QuerySet) -> Model | None:
    """The row of a lookup that matches at most one (a unique key), or None. Unlike ``first()``
    it does not order the rows, so the query is built and run without an ORDER BY."""
    if queryset.ordered:
        queryset = queryset.order_by()
    return next(iter(queryset[:1]), None)
