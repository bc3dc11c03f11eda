"""The event tables partitioned by month on PostgreSQL (docs/decisions/0007): the migration
converts a table holding rows of several months and back, the scheduler's job creates months
ahead (moving rows out of the default partition), the ORM's inserts, ``bulk_create`` and row
locks work through the parent, and ``manage.py partitions`` lists, archives and detaches months
so that ``verify_audit`` still verifies what is kept. On SQLite the tables stay plain."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.cases import test_audit_chain as chain
from tests.cases.helpers import AT, applicant_payload, file_case
from tests.partitions import constraints, is_partitioned, placed
from zhengwu.cases import services
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.core import partitions
from zhengwu.core.models import TrailAnchor
from zhengwu.supervision import scheduler

ONLY_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="declarative partitioning is PostgreSQL's; SQLite keeps plain tables",
)

BEFORE = [
    ("cases", "0015_platform_number"),
    ("tickets", "0005_event_actor_from_the_chained_event_base"),
    ("ratings", "0003_move_push_records_to_the_exchange_outbox"),
]
TABLES = ("cases_caseevent", "tickets_ticketevent", "ratings_taskevent")

trail = chain.trail
verify = chain.verify


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_sqlite_keeps_plain_tables_and_the_job_and_command_do_nothing():
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite side of the partitioning")
    assert partitions.ensure_months() == []
    assert partitions.partitions() == []
    out = io.StringIO()
    call_command("partitions", stdout=out)
    assert "PostgreSQL" in out.getvalue() or "分区" in out.getvalue()
    job = next(j for j in scheduler.JOBS if j.name == "partitions_ahead")
    assert job.run() == "partitions_created=0"


@ONLY_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_the_migration_partitions_a_table_holding_several_months_and_back(
    item, clerk, reviewer, travel
):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        assert not any(is_partitioned(t) for t in TABLES)
        numbers = []
        for k, moment in enumerate(("2025-08-12 10:00", "2025-09-15 10:00", "2025-10-09 09:00")):
            travel(AT(moment))
            case = file_case(clerk, applicant=applicant_payload(k + 1))
            services.act(actor=clerk, number=case.number, action="accept", data={})
            numbers.append(case.number)
        ids = list(CaseEvent.objects.order_by("id").values_list("id", flat=True))
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)

        assert all(is_partitioned(t) for t in TABLES)
        where = placed("cases_caseevent")
        assert sorted(where) == ids
        months = {
            e.id: e.recorded_at.astimezone(AT("2025-01-01 00:00").tzinfo)
            for e in CaseEvent.objects.all()
        }
        for event_id, partition in where.items():
            at = months[event_id]
            assert partition == f"cases_caseevent_p{at.year:04d}{at.month:02d}"
        names = {p.name for p in partitions.partitions()}
        # Every month from the first row's to three after the migration's (October), and the
        # default partition; a table holding no rows gets the migration's month and three ahead.
        for month in ("202508", "202509", "202510", "202511", "202512", "202601"):
            assert f"cases_caseevent_p{month}" in names
        for month in ("202510", "202511", "202512", "202601"):
            assert f"tickets_ticketevent_p{month}" in names
        assert "tickets_ticketevent_p202508" not in names
        assert {"cases_caseevent_default", "ratings_taskevent_default"} <= names
        # The key is in the primary key and the unique constraint; the foreign keys and the
        # indexes the queries use are back under their names.
        found = constraints("cases_caseevent")
        pk = next(d for d in found.values() if d.startswith("PRIMARY KEY"))
        assert pk == "PRIMARY KEY (id, recorded_at)"
        assert found["case_event_seq_unique"] == "UNIQUE (case_id, seq, recorded_at)"
        assert sum(d.startswith("FOREIGN KEY") for d in found.values()) == 2
        assert {"case_event_kind", "case_event_retro"} <= index_names("cases_caseevent")
        # The ids go on from the same sequence, owned by the column.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('cases_caseevent', 'id')")
            assert cursor.fetchone()[0] == "public.cases_caseevent_id_seq"
        travel(AT("2025-10-20 09:00"))
        case = services.act(
            actor=reviewer, number=numbers[0], action="decide", data={"outcome": "grant"}
        )
        newest = CaseEvent.objects.get(case=case, seq=case.event_count)
        assert newest.id > max(ids)
        assert placed("cases_caseevent")[newest.id] == "cases_caseevent_p202510"
        assert verify()[0] == 0

        # And back: one plain table with its identity column, every row kept.
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        assert not is_partitioned("cases_caseevent")
        assert CaseEvent.objects.count() == len(ids) + 1
        assert constraints("cases_caseevent")["case_event_seq_unique"] == "UNIQUE (case_id, seq)"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attidentity FROM pg_attribute"
                " WHERE attrelid = 'cases_caseevent'::regclass AND attname = 'id'"
            )
            assert cursor.fetchone()[0] == "d"
        assert verify()[0] == 0
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    assert is_partitioned("cases_caseevent")


@ONLY_POSTGRESQL
@pytest.mark.django_db
def test_months_ahead_are_created_once_and_take_their_rows_from_the_default(trail, travel):
    # The test database was migrated today: October 2025's events went to the default partition
    # (unless an earlier test made October's).
    assert set(placed("cases_caseevent").values()) <= {
        "cases_caseevent_default",
        "cases_caseevent_p202510",
    }
    partitions.ensure_months(ahead=2, today=dt.date(2025, 10, 5))
    names = {p.name for p in partitions.partitions()}
    assert {f"cases_caseevent_p2025{m}" for m in ("10", "11", "12")} <= names
    assert set(placed("cases_caseevent").values()) == {"cases_caseevent_p202510"}
    assert partitions.ensure_months(ahead=2, today=dt.date(2025, 10, 5)) == []
    assert verify()[0] == 0


@ONLY_POSTGRESQL
@pytest.mark.django_db
def test_bulk_create_returns_ids_and_rows_lock_through_the_parent(trail):
    case = trail[2]
    rows = [
        CaseEvent(
            case=case,
            seq=100 + k,
            kind="note",
            occurred_at=at,
            recorded_at=at,
            actor_name="system",
            prev_hash="0" * 64,
            hash="1" * 64,
        )
        for k, at in enumerate((AT("2025-08-01 09:00"), AT("2031-01-01 09:00")))
    ]
    made = CaseEvent.objects.bulk_create(rows)
    assert all(row.pk for row in made) and made[0].pk < made[1].pk
    with transaction.atomic():
        locked = list(CaseEvent.objects.select_for_update().filter(case=case).order_by("seq"))
        assert [row.seq for row in locked] == [1, 100, 101]
        assert list(Case.objects.select_for_update(of=("self",)).filter(events__seq=100)) == [case]


@ONLY_POSTGRESQL
@pytest.mark.django_db
def test_archiving_a_month_keeps_the_rest_verifiable(trail, clerk, travel, tmp_path):
    travel(AT("2025-11-03 09:00"))
    services.act(actor=clerk, number=trail[0].number, action="deliver", data={"method": "window"})
    partitions.ensure_months(ahead=1, today=dt.date(2025, 10, 5))  # October and November
    october = list(
        CaseEvent.objects.filter(recorded_at__lt=AT("2025-11-01 00:00")).order_by("case", "seq")
    )
    out = io.StringIO()
    call_command(
        "partitions", "--archive-before", "2025-11", "--to", str(tmp_path), "--drop", stdout=out
    )
    assert "cases_caseevent_p202510" in out.getvalue()
    assert not CaseEvent.objects.filter(recorded_at__lt=AT("2025-11-01 00:00")).exists()
    assert "cases_caseevent_p202510" not in {p.name for p in partitions.partitions()}

    manifest = json.loads((tmp_path / "cases_caseevent_p202510.manifest.json").read_text())
    assert manifest["rows"] == len(october) == 11
    ends = {t["owner"]: t for t in manifest["trails"]}
    first = [e for e in october if e.case_id == trail[0].pk]
    assert ends[trail[0].pk]["first_seq"] == 1
    assert ends[trail[0].pk]["first_prev_hash"] == "0" * 64
    assert (ends[trail[0].pk]["last_seq"], ends[trail[0].pk]["last_hash"]) == (5, first[-1].hash)
    with gzip.open(tmp_path / "cases_caseevent_p202510.csv.gz", "rt") as archived:
        assert len(archived.read().splitlines()) == 1 + 11
    anchor = TrailAnchor.objects.get(events_table="cases_caseevent", owner_id=trail[0].pk)
    assert (anchor.seq, anchor.hash) == (5, first[-1].hash)

    code, out_text, err = verify()
    assert code == 0, err
    assert "checked 3 cases, 0 broken" in out_text
    # The kept November event still has to chain onto the archived October.
    CaseEvent.objects.filter(case=trail[0], seq=6).update(data={"method": "mail"})
    code, _out, err = verify()
    assert code == 1 and f"BROKEN {trail[0].number} (event 6)" in err


@ONLY_POSTGRESQL
@pytest.mark.django_db
def test_the_command_refuses_a_month_it_cannot_read(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("partitions", "--archive-before", "2024-13", "--to", str(tmp_path))
    with pytest.raises(CommandError):
        call_command("partitions", "--archive-before", "2024-01")
