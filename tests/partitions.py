"""What PostgreSQL holds of a partitioned table, for the partition tests of every app: whether it
is partitioned, where each row is stored, and its constraints."""

from __future__ import annotations

from django.db import connection

from zhengwu.core import partitions


def is_partitioned(table: str) -> bool:
    with connection.cursor() as cursor:
        return partitions.is_partitioned(cursor, table)


def placed(table: str) -> dict[int, str]:
    """Each row's id → the partition it is stored in."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, tableoid::regclass::text FROM {table}")  # noqa: S608
        return dict(cursor.fetchall())


def constraints(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass",
            [table],
        )
        return dict(cursor.fetchall())
