"""Monthly range partitions of the large append-only tables on PostgreSQL (docs/decisions/0007,
0008).

PostgreSQL's declarative partitioning: the table keeps its name and is the parent every insert and
query goes through (the ORM sees no difference); its rows live in one partition per month of the
partition key, ``<table>_pYYYYMM``, and a ``<table>_default`` partition catches any row outside
the months created. Month boundaries are midnight in Asia/Shanghai, the days the centers work by.
SQLite keeps plain tables: every function here is a no-op there.

- ``partition_table`` / ``unpartition_table``: the migrations' conversion of an existing table
  and back, in the migration's transaction;
- ``ensure_months``: the next months' partitions, created ahead (the scheduler's
  ``partitions_ahead`` job; idempotent);
- ``partitions``: each partition with its range, rows and size (``manage.py partitions``);
- ``archive``: detach a month, COPY it to a compressed file with a manifest of each trail's
  first and last event in it, record where each trail's kept history starts
  (``core.TrailAnchor``, which ``verify_audit`` starts from), and drop it or keep it detached.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from zhengwu.core.clock import LOCAL_TZ

DEFAULT_AHEAD = 3


@dataclass(frozen=True)
class Partitioned:
    """A table partitioned by month on ``key``; for an event trail, ``owner`` is the column of
    the record the trail belongs to (the archive's manifest names each trail's first and last
    event)."""

    table: str
    key: str
    owner: str = ""
    # For a table whose rows land in a past month (a warning goes to its case's month of
    # receipt): the dotted path of ``fn(low, high) -> int``, how many records still open would
    # write into the month [low, high). ``archive`` keeps such a month until it is none.
    held_by: str = ""


TABLES: tuple[Partitioned, ...] = (
    Partitioned("cases_caseevent", "recorded_at", "case_id"),
    Partitioned("tickets_ticketevent", "recorded_at", "ticket_id"),
    Partitioned("ratings_taskevent", "recorded_at", "task_id"),
    # Warnings by their case's receipt, notifications by their source's time: columns that are
    # functions of each row's unique key, so the key with the month is as strict as the key
    # alone (docs/decisions/0008).
    Partitioned(
        "supervision_casewarning",
        "case_received_at",
        held_by="zhengwu.cases.selectors.open_received_between",
    ),
    Partitioned(
        "supervision_jointwarning",
        "case_received_at",
        held_by="zhengwu.joint.selectors.open_received_between",
    ),
    Partitioned("notifications_notification", "source_at"),
)


def registered(table: str) -> Partitioned:
    for spec in TABLES:
        if spec.table == table:
            return spec
    raise KeyError(table)


def on_postgresql(conn=None) -> bool:
    return (conn or connection).vendor == "postgresql"


# ---------------------------------------------------------------- months


def month_start(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def parse_month(text: str) -> dt.date:
    """``2024-01`` → 2024-01-01; raises ``ValueError`` for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(text)
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_p{month.year:04d}{month.month:02d}"


def default_name(table: str) -> str:
    return f"{table}_default"


def _start(month: dt.date) -> dt.datetime:
    """Where a month begins: midnight of its first day in Shanghai."""
    return dt.datetime(month.year, month.month, 1, tzinfo=LOCAL_TZ)


def _bound(month: dt.date) -> str:
    """The boundary of a month as a timestamptz literal."""
    return _start(month).isoformat(sep=" ")


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def _local_month(value: dt.datetime) -> dt.date:
    return month_start(value.astimezone(LOCAL_TZ).date())


# ---------------------------------------------------------------- catalogue reads


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def _constraints(cursor, table: str) -> list[tuple[str, str, str, int]]:
    cursor.execute(
        """SELECT conname, contype, pg_get_constraintdef(oid), conindid
           FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY conname""",
        [table],
    )
    return cursor.fetchall()


def _indexes(cursor, table: str) -> list[tuple[int, str, bool]]:
    cursor.execute(
        """SELECT ix.indexrelid, pg_get_indexdef(ix.indexrelid), ix.indisunique
           FROM pg_index ix WHERE ix.indrelid = %s::regclass ORDER BY ix.indexrelid""",
        [table],
    )
    return cursor.fetchall()


def _referencing(cursor, table: str) -> list[str]:
    cursor.execute(
        """SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint
           WHERE confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid""",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _with_key(columns_sql: str, key: str, *, add: bool) -> str:
    """The column list of a unique index or constraint with the partition key added (it must
    hold it on a partitioned table) or, going back, taken off."""
    pattern = re.compile(r"\(([^()]*)\)")
    match = pattern.search(columns_sql)
    if match is None:
        raise ValueError(columns_sql)
    columns = [c.strip() for c in match.group(1).split(",")]
    if add and key not in columns:
        columns.append(key)
    if not add and columns[-1] == key and len(columns) > 1:
        columns.pop()
    return (
        columns_sql[: match.start()] + "(" + ", ".join(columns) + ")" + columns_sql[match.end() :]
    )


def _unique_index_with_key(definition: str, key: str, *, add: bool) -> str:
    head, _, tail = definition.partition(" USING ")
    method, _, rest = tail.partition(" ")
    return f"{head} USING {method} {_with_key(rest, key, add=add)}"


# ---------------------------------------------------------------- conversion


def _rebuild(cursor, table: str, key: str, *, partitioned: bool, now: dt.datetime, ahead: int):
    """Copy ``table`` into a new table (partitioned by month on ``key``, or plain), drop the old
    one and give the new one its name, sequence, constraints and indexes. Runs inside the
    caller's transaction, so it is all or nothing."""
    # Django's foreign keys are deferred: checks still pending on the table would forbid the
    # ALTERs below ("pending trigger events"), so they are made now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    others = _referencing(cursor, table)
    if others:
        raise RuntimeError(
            f"{table} cannot be partitioned while foreign keys point at it: {', '.join(others)}"
        )
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
    last_value, is_called = cursor.fetchone()
    constraints = _constraints(cursor, table)
    backing = {indid for _name, _type, _def, indid in constraints if indid}
    indexes = [(d, unique) for oid, d, unique in _indexes(cursor, table) if oid not in backing]

    new = f"{table}__new"
    how = f" PARTITION BY RANGE ({_q(key)})" if partitioned else ""
    cursor.execute(
        f"CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
        f" INCLUDING STORAGE INCLUDING COMMENTS){how}"
    )
    if not partitioned:
        # The copy must not depend on the partitioned table's sequence, dropped with it.
        cursor.execute(f"ALTER TABLE {_q(new)} ALTER COLUMN id DROP DEFAULT")
    if partitioned:
        cursor.execute(f"SELECT min({_q(key)}), max({_q(key)}) FROM {_q(table)}")  # noqa: S608
        low, high = cursor.fetchone()
        first = min([_local_month(v) for v in (low, now) if v is not None])
        last = _local_month(max([v for v in (high, now) if v is not None]))
        for _ in range(ahead):
            last = next_month(last)
        for month in _months(first, last):
            _create_month(cursor, new, table, month)
        cursor.execute(f"CREATE TABLE {_q(default_name(table))} PARTITION OF {_q(new)} DEFAULT")
    cursor.execute(f"INSERT INTO {_q(new)} SELECT * FROM {_q(table)}")  # noqa: S608
    cursor.execute(f"DROP TABLE {_q(table)}")
    cursor.execute(f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}")
    # The ids go on from where they were: one sequence, owned by the column.
    seq_name = sequence.split(".")[-1].strip('"')
    if partitioned:
        # A partitioned table cannot have an identity column before PostgreSQL 17: a sequence
        # of the same name, owned by the column, is its default.
        cursor.execute(f"CREATE SEQUENCE {_q(seq_name)} OWNED BY {_q(table)}.id")
        cursor.execute("SELECT setval(%s::regclass, %s, %s)", [seq_name, last_value, is_called])
        cursor.execute(
            f"ALTER TABLE {_q(table)} ALTER COLUMN id SET DEFAULT nextval('{seq_name}'::regclass)"
        )
    else:
        start = last_value + 1 if is_called else last_value
        cursor.execute(
            f"ALTER TABLE {_q(table)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY"
            f" (SEQUENCE NAME {_q(seq_name)} START WITH {int(start)})"
        )
    for name, kind, definition, _indid in constraints:
        if kind == "c":
            continue  # copied by LIKE ... INCLUDING CONSTRAINTS, under their names
        if kind in ("p", "u"):
            definition = _with_key(definition, key, add=partitioned)
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    for definition, unique in indexes:
        definition = definition.replace(" ON ONLY ", " ON ")
        if unique:
            definition = _unique_index_with_key(definition, key, add=partitioned)
        cursor.execute(definition)
    cursor.execute(f"ANALYZE {_q(table)}")


def _create_month(cursor, parent: str, table: str, month: dt.date) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {_q(partition_name(table, month))} PARTITION OF {_q(parent)}"
        f" FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(next_month(month))}')"
    )


def partition_table(schema_editor, table: str, key: str, *, ahead: int = DEFAULT_AHEAD) -> None:
    """Migration step: partition ``table`` by month on ``key`` (PostgreSQL only; idempotent)."""
    from zhengwu.core import clock

    if not on_postgresql(schema_editor.connection):
        return
    with schema_editor.connection.cursor() as cursor:
        if is_partitioned(cursor, table):
            return
        _rebuild(cursor, table, key, partitioned=True, now=clock.now(), ahead=ahead)


def unpartition_table(schema_editor, table: str, key: str) -> None:
    """The migration's way back: one plain table again, with its identity column."""
    from zhengwu.core import clock

    if not on_postgresql(schema_editor.connection):
        return
    with schema_editor.connection.cursor() as cursor:
        if not is_partitioned(cursor, table):
            return
        _rebuild(cursor, table, key, partitioned=False, now=clock.now(), ahead=0)


# ---------------------------------------------------------------- maintenance


def _children(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = %s::regclass ORDER BY c.relname""",
        [table],
    )
    return cursor.fetchall()


def _month_of(table: str, name: str) -> dt.date | None:
    match = re.fullmatch(re.escape(table) + r"_p(\d{4})(\d{2})", name)
    return dt.date(int(match.group(1)), int(match.group(2)), 1) if match else None


def ensure_months(
    *, ahead: int = DEFAULT_AHEAD, today: dt.date | None = None, tables=TABLES
) -> list[str]:
    """Create the partitions of this month and the ``ahead`` next ones where missing; the names
    created. Rows of those months already in the default partition move into theirs. Each table
    in its own transaction; running it twice, or on two machines at once, creates nothing twice
    (an advisory lock per table)."""
    from zhengwu.core import clock

    if not on_postgresql():
        return []
    today = today or clock.today()
    months = _months(month_start(today), month_start(today))
    for _ in range(ahead):
        months.append(next_month(months[-1]))
    created = []
    for spec in tables:
        with transaction.atomic(), connection.cursor() as cursor:
            if not is_partitioned(cursor, spec.table):
                continue
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [spec.table])
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in ``_rebuild``
            existing = {name for name, _bound_sql in _children(cursor, spec.table)}
            for month in months:
                name = partition_name(spec.table, month)
                if name in existing:
                    continue
                _create_month_moving_default(cursor, spec, month)
                created.append(name)
    return created


def _create_month_moving_default(cursor, spec: Partitioned, month: dt.date) -> None:
    default = default_name(spec.table)
    low, high = _start(month), _start(next_month(month))
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {_q(default)} WHERE {_q(spec.key)} >= %s"  # noqa: S608
        f" AND {_q(spec.key)} < %s)",
        [low, high],
    )
    if not cursor.fetchone()[0]:
        _create_month(cursor, spec.table, spec.table, month)
        return
    # The default holds rows of this month: take it off, create the month, move them over.
    cursor.execute(f"ALTER TABLE {_q(spec.table)} DETACH PARTITION {_q(default)}")
    _create_month(cursor, spec.table, spec.table, month)
    where = f"WHERE {_q(spec.key)} >= %s AND {_q(spec.key)} < %s"
    cursor.execute(
        f"INSERT INTO {_q(spec.table)} SELECT * FROM {_q(default)} {where}",  # noqa: S608
        [low, high],
    )
    cursor.execute(f"DELETE FROM {_q(default)} {where}", [low, high])  # noqa: S608
    cursor.execute(f"ALTER TABLE {_q(spec.table)} ATTACH PARTITION {_q(default)} DEFAULT")


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    bounds: str
    rows: int
    bytes: int
    exact: bool


def partitions(*, exact: bool = False, tables=TABLES) -> list[Partition]:
    """Every partition of every partitioned table, in order: its range, rows (the planner's
    estimate unless ``exact``) and size on disk with its indexes."""
    if not on_postgresql():
        return []
    found = []
    with connection.cursor() as cursor:
        for spec in tables:
            if not is_partitioned(cursor, spec.table):
                continue
            for name, bounds in _children(cursor, spec.table):
                if exact:
                    cursor.execute(f"SELECT count(*) FROM {_q(name)}")  # noqa: S608
                else:
                    cursor.execute(
                        "SELECT greatest(reltuples, 0)::bigint FROM pg_class"
                        " WHERE oid = %s::regclass",
                        [name],
                    )
                rows = cursor.fetchone()[0]
                cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [name])
                found.append(Partition(spec.table, name, bounds, rows, cursor.fetchone()[0], exact))
    return found


@dataclass(frozen=True)
class Archived:
    table: str
    partition: str
    rows: int
    path: Path | None
    manifest: Path | None
    dropped: bool
    # a month kept because records still open would write into it (``Partitioned.held_by``)
    held: int = 0


def archive(*, before: dt.date, to: Path, drop: bool = False, tables=TABLES) -> list[Archived]:
    """Archive every monthly partition wholly before the month ``before``: COPY its rows to
    ``<to>/<partition>.csv.gz`` and write ``<partition>.manifest.json`` (the rows, the file's
    SHA-256 and, for a trail, each owner's first and last event in it: seq, previous hash and
    hash), record each trail's last archived event as the anchor its kept history starts from,
    detach the partition and drop it (``drop``) or leave it as a detached table. One
    transaction per partition; a partition that gained rows while being copied is left as it
    was. A month that records still open would write into (``Partitioned.held_by``: the
    warnings of a case still open, by its month of receipt) is kept and answered with
    ``held``, the number of those records, and no file."""
    if not on_postgresql():
        return []
    to.mkdir(parents=True, exist_ok=True)
    done = []
    for spec in tables:
        with connection.cursor() as cursor:
            if not is_partitioned(cursor, spec.table):
                continue
            months = [
                (name, month)
                for name, _bounds in _children(cursor, spec.table)
                if (month := _month_of(spec.table, name)) is not None and month < before
            ]
        for name, month in months:
            held = _held(spec, month)
            if held:
                done.append(Archived(spec.table, name, 0, None, None, False, held=held))
                continue
            done.append(_archive_one(spec, name, to, drop=drop))
    return done


def _held(spec: Partitioned, month: dt.date) -> int:
    if not spec.held_by:
        return 0
    from django.utils.module_loading import import_string

    return import_string(spec.held_by)(_start(month), _start(next_month(month)))


def _archive_one(spec: Partitioned, name: str, to: Path, *, drop: bool) -> Archived:
    from zhengwu.core import clock

    path = to / f"{name}.csv.gz"
    manifest_path = to / f"{name}.manifest.json"
    with transaction.atomic(), connection.cursor() as cursor:
        # No row can enter the month while it is copied (nor could one: events are recorded
        # now); the parent stays writable until the short DETACH at the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in ``_rebuild``
        cursor.execute(f"LOCK TABLE {_q(name)} IN SHARE MODE")
        with (
            gzip.open(path, "wb") as out,
            cursor.cursor.copy(
                f"COPY (SELECT * FROM {_q(name)} ORDER BY id) TO STDOUT"  # noqa: S608
                " WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            for chunk in copy:
                out.write(bytes(chunk))
        digest = hashlib.sha256()
        with path.open("rb") as stored:
            for block in iter(lambda: stored.read(1 << 20), b""):
                digest.update(block)
        cursor.execute(f"SELECT count(*) FROM {_q(name)}")  # noqa: S608
        count = cursor.fetchone()[0]
        trails = _trail_ends(cursor, spec, name) if spec.owner else []
        if spec.owner:
            _record_anchors(cursor, spec, name, path.name)
        manifest = {
            "table": spec.table,
            "partition": name,
            "key": spec.key,
            "rows": count,
            "file": path.name,
            "sha256": digest.hexdigest(),
            "archived_at": clock.now().isoformat(),
            "owner": spec.owner,
            "trails": trails,
        }
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        cursor.execute(f"ALTER TABLE {_q(spec.table)} DETACH PARTITION {_q(name)}")
        if drop:
            cursor.execute(f"DROP TABLE {_q(name)}")
    return Archived(spec.table, name, count, path, manifest_path, drop)


def _trail_ends(cursor, spec: Partitioned, name: str) -> list[dict]:
    owner = _q(spec.owner)
    cursor.execute(
        f"""SELECT f.{owner}, f.seq, f.prev_hash, f.hash, l.seq, l.hash
            FROM (SELECT DISTINCT ON ({owner}) {owner}, seq, prev_hash, hash
                  FROM {_q(name)} ORDER BY {owner}, seq) f
            JOIN (SELECT DISTINCT ON ({owner}) {owner}, seq, hash
                  FROM {_q(name)} ORDER BY {owner}, seq DESC) l USING ({owner})
            ORDER BY 1"""  # noqa: S608
    )
    return [
        {
            "owner": row[0],
            "first_seq": row[1],
            "first_prev_hash": row[2],
            "first_hash": row[3],
            "last_seq": row[4],
            "last_hash": row[5],
        }
        for row in cursor.fetchall()
    ]


def _record_anchors(cursor, spec: Partitioned, name: str, archive_name: str) -> None:
    """Each trail's last archived event becomes (or moves) its anchor: ``verify_audit`` checks
    the kept events from there."""
    from zhengwu.core import clock
    from zhengwu.core.models import TrailAnchor

    owner = _q(spec.owner)
    anchor = _q(TrailAnchor._meta.db_table)
    cursor.execute(
        f"""INSERT INTO {anchor} (events_table, owner_id, seq, hash, recorded_at, archive,
                                  archived_at)
            SELECT %s, {owner}, seq, hash, recorded_at, %s, %s FROM (
                SELECT DISTINCT ON ({owner}) {owner}, seq, hash, recorded_at
                FROM {_q(name)} ORDER BY {owner}, seq DESC) l
            ON CONFLICT (events_table, owner_id) DO UPDATE
            SET seq = excluded.seq, hash = excluded.hash, recorded_at = excluded.recorded_at,
                archive = excluded.archive, archived_at = excluded.archived_at
            WHERE excluded.seq > {anchor}.seq""",  # noqa: S608
        [spec.table, archive_name, clock.now()],
    )
