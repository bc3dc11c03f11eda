"""The open cases at warning levels, kept by the database (``CaseAtLevel``; docs/cases.md,
"Indexes").

``level`` is in no index of the cases table: the supervision sweep moves about a tenth of the
open cases' levels every working day, and those writes stay heap-only only while no index holds
the column (docs/decisions/0004). The lists at warning levels (即将超期, 已超期, the API's
``?level=``, the board's drill-down) read ``cases_caseatlevel`` instead: one narrow row (case,
department, level) for each open case at a warning level, indexed by level and department.

Triggers on the cases table write it, in the statement that inserts, updates or deletes a case:
a row appears when a case takes a warning level while open, moves with the case's level or
department, and goes when the case leaves the warning levels, closes or is deleted. The
sweep's raw UPDATEs, the ORM's saves and a hand-written statement are all covered, and the row
is written or not with the case's own. On PostgreSQL one PL/pgSQL function behind three
row triggers whose ``WHEN`` skips every write that changes none of the three columns (a filing
at no level runs nothing); on SQLite three triggers.

A bulk load that bypasses triggers (``session_replication_role = replica``, as the benchmarks'
generators do) calls ``rebuild`` after it. ``verify`` compares the table with the cases.
"""

# Every statement here is built from this module's constants (table names, states, levels).
# ruff: noqa: S608

from __future__ import annotations

from django.db import connections, transaction

from zhengwu.cases.models import OPEN_STATE_VALUES, WARNING_LEVELS

TABLE = "cases_caseatlevel"
CASES = "cases_case"
FUNCTION = "cases_keep_at_level"
TRIGGERS = ("cases_at_level_insert", "cases_at_level_update", "cases_at_level_delete")


def _values(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


LEVELS_SQL = _values(level.value for level in WARNING_LEVELS)
OPEN_SQL = _values(OPEN_STATE_VALUES)
# The cases that have a row: open, at a warning level (``{row}`` is NEW or OLD).
HELD = "{row}.level IN (" + LEVELS_SQL + ") AND {row}.state IN (" + OPEN_SQL + ")"
CHANGED = (
    "OLD.level IS DISTINCT FROM NEW.level OR OLD.state IS DISTINCT FROM NEW.state"
    " OR OLD.department_id IS DISTINCT FROM NEW.department_id"
)

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE case_id = OLD.id;
        ELSIF {HELD.format(row="NEW")} THEN
            INSERT INTO {TABLE} AS held (case_id, department_id, level)
            VALUES (NEW.id, NEW.department_id, NEW.level)
            ON CONFLICT (case_id) DO UPDATE
                SET department_id = EXCLUDED.department_id, level = EXCLUDED.level
                WHERE (held.department_id, held.level)
                    IS DISTINCT FROM (EXCLUDED.department_id, EXCLUDED.level);
        ELSIF TG_OP = 'UPDATE' THEN
            DELETE FROM {TABLE} WHERE case_id = OLD.id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE TRIGGER cases_at_level_insert AFTER INSERT ON {CASES}
    FOR EACH ROW WHEN ({HELD.format(row="NEW")}) EXECUTE FUNCTION {FUNCTION}()
    """,
    f"""
    CREATE TRIGGER cases_at_level_update AFTER UPDATE OF level, state, department_id ON {CASES}
    FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION {FUNCTION}()
    """,
    f"""
    CREATE TRIGGER cases_at_level_delete AFTER DELETE ON {CASES}
    FOR EACH ROW WHEN ({HELD.format(row="OLD")}) EXECUTE FUNCTION {FUNCTION}()
    """,
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {CASES}" for name in TRIGGERS),
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]

SQLITE = [
    f"""
    CREATE TRIGGER cases_at_level_insert AFTER INSERT ON {CASES}
    WHEN {HELD.format(row="NEW")}
    BEGIN
        INSERT INTO {TABLE} (case_id, department_id, level)
        VALUES (NEW.id, NEW.department_id, NEW.level);
    END
    """,
    f"""
    CREATE TRIGGER cases_at_level_update AFTER UPDATE OF level, state, department_id ON {CASES}
    WHEN {CHANGED.replace("IS DISTINCT FROM", "IS NOT")}
    BEGIN
        DELETE FROM {TABLE} WHERE case_id = OLD.id;
        INSERT INTO {TABLE} (case_id, department_id, level)
        SELECT NEW.id, NEW.department_id, NEW.level WHERE {HELD.format(row="NEW")};
    END
    """,
    f"""
    CREATE TRIGGER cases_at_level_delete AFTER DELETE ON {CASES}
    WHEN {HELD.format(row="OLD")}
    BEGIN
        DELETE FROM {TABLE} WHERE case_id = OLD.id;
    END
    """,
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]

# What the table holds, read from the cases (``rebuild``, ``verify``).
EXPECTED = f"SELECT id, department_id, level FROM {CASES} WHERE {HELD.format(row=CASES)}"


def install(schema_editor) -> None:
    """Create the triggers (the migration; idempotent: they are dropped first)."""
    uninstall(schema_editor)
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)


def rebuild(using: str = "default") -> int:
    """Refill the table from the cases (after a load that bypassed the triggers), in one
    transaction; the rows written. On PostgreSQL the cases table is locked against writes
    meanwhile (reads go on): a case changed between the DELETE and the INSERT would otherwise
    have its trigger wait on a row the rebuild deletes, and leave the rebuild's older row."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {CASES} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} (case_id, department_id, level) {EXPECTED}")
        return cursor.rowcount


def installed(using: str = "default") -> set[str]:
    """The names of the triggers present on the cases table."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [CASES],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [CASES],
            )
        return {name for (name,) in cursor.fetchall()} & set(TRIGGERS)


def verify(using: str = "default") -> tuple[int, int]:
    """``(missing or different, extra)``: rows the cases imply that the table lacks or holds
    otherwise, and rows it holds for no open case at a warning level. ``(0, 0)`` when it is
    in step."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM ({EXPECTED} EXCEPT"
            f" SELECT case_id, department_id, level FROM {TABLE}) AS missing"
        )
        missing = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT case_id, department_id, level FROM {TABLE}"
            f" EXCEPT {EXPECTED}) AS extra"
        )
        return missing, cursor.fetchone()[0]
