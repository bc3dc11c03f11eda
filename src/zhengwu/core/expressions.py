"""Query expressions shared by the apps (PostgreSQL and SQLite alike)."""

from __future__ import annotations

from django.db.models import F, JSONField, QuerySet, Subquery

_ITEM = "zw_item"


class JSONList(Subquery):
    """One column of a (correlated) subquery's rows as a single JSON array (``[]`` when there are
    none): a row can carry a short list of related values, read in the same query.

    ``JSONList(Membership.objects.filter(user_id=OuterRef("user_id")), "group__name")``
    """

    template = "(SELECT COALESCE(JSONB_AGG(%(item)s), '[]') FROM (%(subquery)s) AS zw_list)"
    output_field = JSONField()

    def __init__(self, queryset: QuerySet, field: str):
        super().__init__(queryset.order_by().values(**{_ITEM: F(field)}), item=_ITEM)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "(SELECT JSON_GROUP_ARRAY(%(item)s) FROM (%(subquery)s) AS zw_list)"
        return self.as_sql(compiler, connection, template=template, **extra_context)
