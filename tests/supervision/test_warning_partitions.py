"""Warnings and notifications partitioned by month on PostgreSQL (docs/decisions/0008): a warning
by its case's receipt, a notification by its source's time, both functions of the row's unique
key, so the key with the month keeps each warning and notification single however late, often or
concurrently the sweep runs. The migrations fill the columns from the rows they come from,
convert the tables holding rows and back, and the partitions command creates, lists and archives
their months with the event tables'. On SQLite the tables stay plain and the columns the same."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.partitions import constraints, is_partitioned, placed
from tests.supervision import test_sweep as sweep_tests
from zhengwu.cases.models import Case
from zhengwu.core import partitions
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.notifications.models import SOURCE_TIMES, Notification, day_start
from zhengwu.supervision import sweep
from zhengwu.supervision.models import CaseWarning
from zhengwu.supervision.recipients import WARNING_ROLES, notify

D = dt.date.fromisoformat

staff = sweep_tests.staff  # the fixture: the department's reviewer, heads and clerk
act, _race = sweep_tests.act, sweep_tests._race

ONLY_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="declarative partitioning is PostgreSQL's; SQLite keeps plain tables",
)

TABLES = ("supervision_casewarning", "supervision_jointwarning", "notifications_notification")
SPECS = [partitions.registered(t) for t in TABLES]
BEFORE_PARTITIONS = [
    ("supervision", "0010_warnings_carry_the_case_received_at"),
    ("notifications", "0009_notifications_carry_the_source_time"),
]
BEFORE_COLUMNS = [
    ("supervision", "0009_findings_referred_to_the_department"),
    ("notifications", "0008_measure_notification_kind"),
]


def indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def month_of(value: dt.datetime) -> str:
    local = value.astimezone(LOCAL_TZ)
    return f"{local.year:04d}{local.month:02d}"


def sources_agree() -> int:
    """Every notification's ``source_at`` is its source's time (``SOURCE_TIMES``); the number
    checked."""
    checked = 0
    for note in Notification.objects.all():
        label, column = SOURCE_TIMES[note.kind]
        value = (
            apps.get_model(label).objects.filter(pk=note.source_id).values_list(column, flat=True)
        )[0]
        expected = day_start(value) if column == "day" else value
        assert note.source_at == expected, (note.kind, note.source_id)
        checked += 1
    return checked


def warnings_agree() -> int:
    rows = list(CaseWarning.objects.select_related("case"))
    assert all(w.case_received_at == w.case.received_at for w in rows)
    return len(rows)


def three_months_of_cases(clerk, travel) -> list[Case]:
    cases = []
    for k, moment in enumerate(("2025-08-12 10:00", "2025-09-15 10:00", "2025-10-09 09:00")):
        travel(AT(moment))
        cases.append(act(clerk, file_case(clerk, applicant=applicant_payload(k + 1)), "accept"))
    return cases


def sweep_at(travel, moment: str) -> None:
    travel(AT(moment))
    call_command("supervise", "--once", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_month_is_held_while_a_case_received_in_it_is_open(item, staff, travel):
    """What the archive asks before a warnings month goes (``Partitioned.held_by``): the cases
    received in [low, high) still open, on every database."""
    from zhengwu.cases.selectors import open_received_between
    from zhengwu.joint.selectors import open_received_between as joint_open

    august, september, _october = three_months_of_cases(staff["clerk"], travel)
    month = (AT("2025-08-01 00:00"), AT("2025-09-01 00:00"))
    assert open_received_between(*month) == 1
    assert open_received_between(september.received_at, AT("2025-10-01 00:00")) == 1
    assert open_received_between(AT("2025-09-01 00:00"), september.received_at) == 0
    assert joint_open(*month) == 0
    act(staff["reviewer"], august, "decide", {"outcome": "deny", "reason": "不符合条件"})
    assert open_received_between(*month) == 0
    holders = {spec.table: spec.held_by for spec in partitions.TABLES if spec.held_by}
    assert holders == {
        "supervision_casewarning": "zhengwu.cases.selectors.open_received_between",
        "supervision_jointwarning": "zhengwu.joint.selectors.open_received_between",
    }


@pytest.mark.django_db
def test_a_sweep_a_month_later_writes_no_warning_or_notification_twice(item, staff, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(staff["clerk"], file_case(staff["clerk"]), "accept")
    sweep_at(travel, "2025-10-21 07:00")  # yellow
    sweep_at(travel, "2025-10-23 07:00")  # red
    sweep_at(travel, "2025-11-06 07:00")  # past the statutory limit
    partitions.ensure_months(ahead=2, today=dt.date(2025, 10, 5), tables=SPECS)
    warnings = CaseWarning.objects.count()
    told = Notification.objects.count()  # and the applicant told of the acceptance
    assert (warnings, Notification.objects.filter(kind="warning").count()) == (3, 9)

    # December: the whole sweep again, and the writers themselves once more for every
    # warning and notification already recorded (as a sweep that lost its lock would).
    sweep_at(travel, "2025-12-03 07:00")
    now = AT("2025-12-03 07:30")
    with transaction.atomic():
        again = sweep.record_warnings(D("2025-12-03"), now, "d" * 32)
        for token in set(CaseWarning.objects.values_list("sweep", flat=True)):
            assert notify(CaseWarning, "warning", "level", WARNING_ROLES, token, now) == 0
    assert again.warnings == 0
    assert CaseWarning.objects.count() == warnings and Notification.objects.count() == told
    assert warnings_agree() == 3 and sources_agree() == told
    if connection.vendor == "postgresql":
        assert all(is_partitioned(t) for t in TABLES)
        # Every warning lies in the month its case was received in (October), raised in
        # October or November; the notifications in their warning's month.
        assert set(placed("supervision_casewarning").values()) == {
            f"supervision_casewarning_p{month_of(case.received_at)}"
        }
        assert set(placed("notifications_notification").values()) == {
            "notifications_notification_p202510",
            "notifications_notification_p202511",
        }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    sweep_tests._shared_cache_sqlite(), reason="in-memory SQLite cannot queue writers"
)
def test_two_writers_at_once_in_a_later_month_record_each_warning_and_notification_once(
    item, staff, travel
):
    """Without the sweep's lock, in a month after the cases': two transactions insert the same
    warnings and their notifications at once."""
    three_months_of_cases(staff["clerk"], travel)
    travel(AT("2025-11-20 07:00"))
    sweep.refresh_levels()
    partitions.ensure_months(ahead=1, today=dt.date(2025, 8, 1), tables=SPECS)

    def write(token):
        def call():
            now = AT("2025-11-20 07:00")
            with transaction.atomic():
                sweep.record_warnings(D("2025-11-20"), now, token)
            with transaction.atomic():
                for other in ("a" * 32, "b" * 32):
                    notify(CaseWarning, "warning", "level", WARNING_ROLES, other, now)

        return call

    _race(write("a" * 32), write("b" * 32))
    assert CaseWarning.objects.count() == 3
    assert Notification.objects.filter(kind="warning").count() == 3 * 3
    assert warnings_agree() == 3 and sources_agree() == Notification.objects.count()


@ONLY_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_the_columns_and_partition_the_tables_holding_rows_and_back(
    item, staff, travel
):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_PARTITIONS)
    try:
        assert not any(is_partitioned(t) for t in TABLES)
        three_months_of_cases(staff["clerk"], travel)
        sweep_at(travel, "2025-10-23 07:00")
        warning_ids = sorted(CaseWarning.objects.values_list("id", flat=True))
        note_ids = sorted(Notification.objects.values_list("id", flat=True))
        assert len(warning_ids) == 3
        assert Notification.objects.filter(kind="warning").count() == 9

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
        assert all(is_partitioned(t) for t in TABLES)
        where = placed("supervision_casewarning")
        assert sorted(where) == warning_ids
        for warning in CaseWarning.objects.select_related("case"):
            month = month_of(warning.case.received_at)
            assert where[warning.id] == f"supervision_casewarning_p{month}"
        names = {p.name for p in partitions.partitions()}
        for month in ("202508", "202509", "202510"):
            assert f"supervision_casewarning_p{month}" in names
        assert {f"{t}_default" for t in TABLES} <= names
        assert sorted(placed("notifications_notification")) == note_ids
        # Each unique key gains the month's column; the indexes are back under their names.
        assert (
            constraints("supervision_casewarning")["supervision_warning_once"]
            == "UNIQUE (case_id, level, period, case_received_at)"
        )
        assert (
            constraints("supervision_jointwarning")["sup_joint_warning_once"]
            == "UNIQUE (joint_id, level, period, case_received_at)"
        )
        found = constraints("notifications_notification")
        assert found["notification_once"] == "UNIQUE (kind, source_id, recipient_id, source_at)"
        assert next(d for d in found.values() if d.startswith("PRIMARY KEY")) == (
            "PRIMARY KEY (id, source_at)"
        )
        made = indexes("notifications_notification")
        assert (
            "(kind, source_id, source_at) WHERE (applicant_id IS NOT NULL)"
            in (made["notification_applicant_once"])
        )
        assert {
            "notification_inbox",
            "notification_unread",
            "notification_batch",
            "notification_applicant",
        } <= set(made)
        assert "sup_warning_day" in indexes("supervision_casewarning")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('notifications_notification', 'id')")
            assert cursor.fetchone()[0] == "public.notifications_notification_id_seq"

        # The same day again on the partitioned tables: nothing twice; new ids go on.
        sweep_at(travel, "2025-10-23 10:00")
        assert sorted(CaseWarning.objects.values_list("id", flat=True)) == warning_ids
        sweep_at(travel, "2025-11-20 07:00")
        assert CaseWarning.objects.count() > 3
        assert min(CaseWarning.objects.exclude(id__in=warning_ids).values_list("id", flat=True)) > (
            max(warning_ids)
        )
        warning_ids = sorted(CaseWarning.objects.values_list("id", flat=True))
        note_ids = sorted(Notification.objects.values_list("id", flat=True))

        # And back: plain tables with their identity columns and their keys, every row kept.
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE_PARTITIONS)
        assert not any(is_partitioned(t) for t in TABLES)
        assert sorted(CaseWarning.objects.values_list("id", flat=True)) == warning_ids
        assert sorted(Notification.objects.values_list("id", flat=True)) == note_ids
        assert (
            constraints("supervision_casewarning")["supervision_warning_once"]
            == "UNIQUE (case_id, level, period)"
        )
        assert (
            constraints("notifications_notification")["notification_once"]
            == "UNIQUE (kind, source_id, recipient_id)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attidentity FROM pg_attribute"
                " WHERE attrelid = 'notifications_notification'::regclass AND attname = 'id'"
            )
            assert cursor.fetchone()[0] == "d"

        # Back before the columns and forward again: they are filled from the rows they come
        # from, and the tables partitioned holding them.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(BEFORE_COLUMNS)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
        assert all(is_partitioned(t) for t in TABLES)
        assert warnings_agree() == len(warning_ids)
        assert sources_agree() == len(note_ids)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    assert all(is_partitioned(t) for t in TABLES)


@ONLY_POSTGRESQL
@pytest.mark.django_db
def test_the_command_creates_lists_and_archives_the_months_of_warnings_and_notifications(
    item, staff, travel, tmp_path
):
    august_case = three_months_of_cases(staff["clerk"], travel)[0]
    sweep_at(travel, "2025-10-23 07:00")
    travel(AT("2025-10-23 08:00"))
    out = io.StringIO()
    call_command("partitions", "--ahead", "1", stdout=out)
    names = {p.name for p in partitions.partitions()}
    assert {f"{t}_p{m}" for t in TABLES for m in ("202510", "202511")} <= names
    assert partitions.ensure_months(ahead=1) == []
    # The August case's warnings lie in the default partition until August is created.
    partitions.ensure_months(ahead=0, today=dt.date(2025, 8, 1))
    out = io.StringIO()
    call_command("partitions", "--exact", stdout=out)
    listed = out.getvalue()
    august = CaseWarning.objects.filter(case_received_at__lt=AT("2025-09-01 00:00")).count()
    assert august >= 1
    assert "supervision_casewarning_p202508\t" in listed
    assert f"\t{august}\t" in listed.split("supervision_casewarning_p202508\t")[1].split("\n")[0]
    assert "notifications_notification_p202510\t" in listed

    # The August case is still open: its next warning would go to August, so the month stays.
    out = io.StringIO()
    call_command(
        "partitions", "--archive-before", "2025-09", "--to", str(tmp_path), "--drop", stdout=out
    )
    assert "保留 supervision_casewarning_p202508：该月受理的 1 件办件尚未办结" in out.getvalue()
    assert "supervision_casewarning_p202508" in {p.name for p in partitions.partitions()}
    assert not (tmp_path / "supervision_casewarning_p202508.csv.gz").exists()
    assert CaseWarning.objects.filter(case_received_at__lt=AT("2025-09-01 00:00")).count() == august

    # closed (its events, August's, were archived just now with the trails' month: the state
    # is what the archive reads)
    Case.objects.filter(pk=august_case.pk).update(state="denied")
    call_command(
        "partitions", "--archive-before", "2025-09", "--to", str(tmp_path), "--drop", stdout=out
    )
    assert "supervision_casewarning_p202508" not in {p.name for p in partitions.partitions()}
    manifest = json.loads((tmp_path / "supervision_casewarning_p202508.manifest.json").read_text())
    assert manifest["rows"] == august and manifest["key"] == "case_received_at"
    with gzip.open(tmp_path / "supervision_casewarning_p202508.csv.gz", "rt") as archived:
        assert len(archived.read().splitlines()) == 1 + august
    assert not CaseWarning.objects.filter(case_received_at__lt=AT("2025-09-01 00:00")).exists()
