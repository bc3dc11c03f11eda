"""Who is told of what the supervision records, the SQL that tells them, and the level of a
record at the end of a day as SQL (the sweep's cases and joint cases alike).

The sweep (warnings, irregularities) and the daily seal (decisions without their certificate) both
write their findings in one statement and notify the department's staff in another; both take the
pieces from here, so neither imports the other's internals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from zhengwu.accounts.models import Department, User
from zhengwu.core.roles import Role
from zhengwu.notifications.models import SOURCE_TIMES, Notification

# Who is told of a warning: the department's staff with these roles, and its head.
WARNING_ROLES = (Role.REVIEWER, Role.DEPARTMENT_HEAD)
IRREGULARITY_ROLES = (Role.DEPARTMENT_HEAD,)


def level_sql(today: str, yellow_before: str, statutory: str, promised: str) -> str:
    """The level of an open accepted case (or joint case) at the end of ``today`` as a pure date
    comparison (``workdays.periods.level_of``: at most 1 working day left ⇔ the promised due date
    comes before the second working day after today, ``yellow_before``)."""
    return (
        f"CASE WHEN {statutory} < '{today}' THEN 'statutory_overdue' "
        f"WHEN {promised} < '{today}' THEN 'red' "
        f"WHEN {promised} < '{yellow_before}' THEN 'yellow' ELSE 'normal' END"
    )


def rowcount(cursor) -> int:
    """The rows the cursor's last statement wrote (Python's sqlite3 counts none for a statement
    that starts with ``WITH``: SQLite's ``changes()`` then)."""
    written = cursor.rowcount
    if written < 0 and connection.vendor == "sqlite":
        cursor.execute("SELECT changes()")
        written = cursor.fetchone()[0]
    return max(written, 0)


def sql_list(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def recipients_sql(roles: Iterable[Role]) -> str:
    """(user id, department id) of everyone told of a department's warnings, each pair once
    (``UNION``: a head who also has a told role is told once)."""
    user, department = table(User), table(Department)
    through = connection.ops.quote_name(User.groups.through._meta.db_table)
    return f"""
        SELECT u.id AS user_id, u.department_id AS department_id
        FROM {user} u
        JOIN {through} ug ON ug.user_id = u.id
        JOIN auth_group g ON g.id = ug.group_id
        WHERE u.is_active AND u.department_id IS NOT NULL AND g.name IN ({sql_list(roles)})
        UNION
        SELECT d.head_id, d.id FROM {department} d
        JOIN {user} h ON h.id = d.head_id
        WHERE h.is_active
    """  # noqa: S608


def notifications_sql(
    source: str, kind: str, code_column: str, roles, *, case_column: str = "x.case_id"
) -> str:
    """INSERT the notifications of the rows of ``source`` (a table or a ``WITH`` name with id,
    department_id, ``code_column``, the case, ``case_column``: ``NULL`` for the rows of a joint
    case, and the kind's source time, ``SOURCE_TIMES``); parameters: kind, batch, created_at."""
    notification = table(Notification)
    at = SOURCE_TIMES[kind][1]
    return f"""
        INSERT INTO {notification}
            (recipient_id, kind, code, source_id, case_id, batch, created_at, source_at)
        SELECT r.user_id, %s, x.{code_column}, x.id, {case_column}, %s, %s, x.{at}
        FROM {source} x
        JOIN ({recipients_sql(roles)}) r ON r.department_id = x.department_id
        {{where}}
        ON CONFLICT DO NOTHING
    """  # noqa: S608


def notify(
    model,
    kind: str,
    code_column: str,
    roles,
    token: str,
    now: dt.datetime,
    *,
    case_column: str = "x.case_id",
) -> int:
    """Notify everyone told of the rows of ``model`` this sweep recorded (one INSERT)."""
    statement = notifications_sql(table(model), kind, code_column, roles, case_column=case_column)
    with connection.cursor() as cursor:
        cursor.execute(statement.format(where="WHERE x.sweep = %s"), [kind, token, now, token])
        return max(cursor.rowcount, 0)
