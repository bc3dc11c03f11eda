"""Overdue bad-rating rectification (差评整改超期, DOMAIN §6): e-supervision records it.

``record_overdue_rectifications`` is one ``INSERT ... SELECT`` run by the sweep inside its
transaction: every rectification task still waiting for its department after its due date
(``zhengwu.ratings.selectors.overdue_rectifications``, the one definition of overdue) becomes an
``Irregularity`` of kind ``rectification_overdue`` on the rated case, keyed by the task and its
due date, so it is recorded once per task deadline; the unique constraint on (case, kind, key)
and ``ON CONFLICT DO NOTHING`` make a second sweep, or two at once, record nothing twice. The
sweep then tells the department's head, as for every irregularity it records.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import CharField, DateField, DateTimeField, F, Value
from django.db.models.functions import Cast, Concat, JSONObject

from zhengwu.ratings.selectors import overdue_rectifications
from zhengwu.supervision.models import Irregularity, IrregularityKind, IrregularityStatus

KEY_PREFIX = "rtask:"


def task_key(task_id: int, due_on: dt.date) -> str:
    """The irregularity's key for one task deadline."""
    return f"{KEY_PREFIX}{task_id}:{due_on.isoformat()}"


def record_overdue_rectifications(today: dt.date, now: dt.datetime, token: str) -> int:
    """Record each overdue task deadline not recorded yet; the number recorded."""
    columns = {
        "case_id": F("rating__case_id"),
        "department_id": F("department_id"),
        "kind": Value(IrregularityKind.RECTIFICATION_OVERDUE.value, output_field=CharField()),
        "key": Concat(
            Value(KEY_PREFIX),
            Cast("id", CharField()),
            Value(":"),
            Cast("due_on", CharField()),
            output_field=CharField(),
        ),
        "evidence": JSONObject(
            task=F("id"),
            level=F("rating__level"),
            real_name=F("rating__real_name"),
            rated_on=F("rating__rated_on"),
            opened_on=F("opened_on"),
            due=F("due_on"),
            state=F("state"),
            as_of=Value(today, output_field=DateField()),
        ),
        "detected_on": Value(today, output_field=DateField()),
        "detected_at": Value(now, output_field=DateTimeField()),
        "status": Value(IrregularityStatus.OPEN.value, output_field=CharField()),
        "sweep": Value(token, output_field=CharField()),
    }
    names = [f"x_{name}" for name in columns]
    select = (
        overdue_rectifications(today=today)
        .annotate(**{f"x_{name}": value for name, value in columns.items()})
        .values(*names)
        .order_by()
    )
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(Irregularity._meta.db_table)
    targets = ", ".join(quote(Irregularity._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({targets}) {sql} ON CONFLICT DO NOTHING",
            params,
        )
        return max(cursor.rowcount, 0)
