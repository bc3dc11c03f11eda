"""Small query helpers shared by the apps."""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def unique_or_none(queryset: QuerySet) -> Model | None:
    """The row of a lookup that matches at most one (a unique key), or None. Unlike ``first()``
    it does not order the rows, so the query is built and run without an ORDER BY."""
    if queryset.ordered:
        queryset = queryset.order_by()
    return next(iter(queryset[:1]), None)


def one_by_one(queryset: QuerySet[M], ids: Sequence[int], apply: Callable[[M], bool]) -> int:
    """``apply`` each row of ``ids`` (in id order) under its row lock, in its own transaction:
    a row taken away meanwhile is passed over. The number of rows ``apply`` says it changed.
    For the sweep's rare per-row writes (a deemed acceptance) beside its set-based ones."""
    done = 0
    for pk in sorted(ids):
        with transaction.atomic():
            row = queryset.select_for_update().filter(pk=pk).first()
            if row is not None and apply(row):
                done += 1
    return done


_CODE = re.compile(r"[a-z_]{1,40}")


def upsert(
    model: type[M],
    *,
    values: Mapping[str, Any],
    conflict: Sequence[str],
    condition: Mapping[str, str] | None = None,
    update: Sequence[str],
) -> M:
    """Insert a row, or update the row it collides with, in one statement, and return the row as
    stored: ``INSERT ... ON CONFLICT (conflict) [WHERE condition] DO UPDATE SET update = the new
    values RETURNING *``. Either way the row stays locked until the transaction ends, and no
    concurrent insert of the same key can fail (no savepoint, no retry). PostgreSQL and SQLite.

    ``values`` by field name, every column the row needs; ``conflict`` the fields of a unique
    constraint; ``condition`` that constraint's partial condition as field -> lowercase code (the
    database matches the partial index by it); ``update`` the fields the new values overwrite."""
    alias = router.db_for_write(model) or DEFAULT_DB_ALIAS
    connection = connections[alias]
    sql, fields, returned = _upsert_statement(
        model,
        alias,
        tuple(values),
        tuple(conflict),
        tuple((condition or {}).items()),
        tuple(update),
    )
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    stored = []
    for column, value in zip(returned, row, strict=True):
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            value = convert(value, column, connection)
        stored.append(value)
    return model.from_db(alias, [column.target.attname for column in returned], stored)


@functools.lru_cache(maxsize=64)
def _upsert_statement(model, alias: str, names, conflict, condition, update):
    """The SQL of ``upsert`` for one shape of call, the fields of its values and the columns it
    returns (built once per shape; only the model's own names and checked codes are in it)."""
    if not update:
        raise ValueError("upsert updates at least one field")
    if not all(isinstance(code, str) and _CODE.fullmatch(code) for _name, code in condition):
        raise ValueError("upsert conditions take lowercase codes")
    meta = model._meta
    qn = connections[alias].ops.quote_name
    fields = [meta.get_field(name) for name in names]
    where = ""
    if condition:
        where = " WHERE " + " AND ".join(
            f"{qn(meta.get_field(name).column)} = '{code}'" for name, code in condition
        )
    columns = ", ".join(qn(f.column) for f in fields)
    target = ", ".join(qn(meta.get_field(name).column) for name in conflict)
    changes = ", ".join(
        f"{qn(column)} = EXCLUDED.{qn(column)}"
        for column in (meta.get_field(name).column for name in update)
    )
    returned = [field.get_col(meta.db_table) for field in meta.concrete_fields]
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        f" ON CONFLICT ({target}){where} DO UPDATE SET {changes}"
        f" RETURNING {', '.join(qn(column.target.column) for column in returned)}"
    )
    return sql, fields, returned


_marker_numbers = itertools.count(1)


class CompiledQuery:
    """A read the ORM builds and compiles to SQL once per thread and database, then runs with new
    values. For the few reads every filing makes, compiling a queryset costs several times what
    running it does; this keeps the queryset as the one statement of the query and skips the
    compiling. ``build`` takes one argument per entry of ``kinds`` (``str`` or ``int``) and
    returns a queryset of ``values_list``; it is called once with marker values, whose places
    among the compiled parameters the values of each call then take. ``rows(*values)`` returns
    the rows as tuples converted as the ORM converts them."""

    def __init__(self, build: Callable[..., QuerySet], *, kinds: Sequence[type]):
        if any(kind not in (str, int) for kind in kinds):
            raise TypeError("CompiledQuery takes str and int values")
        self._build = build
        self._kinds = tuple(kinds)
        self._local = threading.local()

    def _markers(self) -> tuple:
        number = next(_marker_numbers)
        return tuple(
            f"\u2063compiled-{number}-{n}\u2063" if kind is str else -(2**62) - 1000 * number - n
            for n, kind in enumerate(self._kinds)
        )

    def _compiled(self, alias: str):
        compiled = getattr(self._local, alias, None)
        if compiled is None:
            markers = self._markers()
            queryset = self._build(*markers)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            places = []
            for marker in markers:
                found = [n for n, param in enumerate(params) if param == marker]
                if len(found) != 1:
                    raise ValueError("each value of a CompiledQuery must be one parameter")
                places.append(found[0])
            selected = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(selected)
            compiled = (sql, list(params), places, converters)
            setattr(self._local, alias, compiled)
        return compiled

    def rows(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        if len(values) != len(self._kinds) or not all(
            type(value) is kind for value, kind in zip(values, self._kinds, strict=True)
        ):
            raise TypeError("CompiledQuery values do not match their kinds")
        sql, params, places, converters = self._compiled(using)
        params = list(params)
        for place, value in zip(places, values, strict=True):
            params[place] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters.items():
                value = row[position]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted
