"""The sweep's warnings and notifications: each level change recorded once, the responsible staff
and the department head told, nothing twice when the sweep runs again or two run at once."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.cases.models import Case
from zhengwu.core.roles import Role
from zhengwu.notifications import services as notification_services
from zhengwu.notifications.models import Notification
from zhengwu.notifications.selectors import unread_count
from zhengwu.supervision import sweep
from zhengwu.supervision.models import CaseWarning, WorkdayOrdinal

D = dt.date.fromisoformat


def act(actor, case, action, data=None, **kwargs):
    return services.act(actor=actor, number=case.number, action=action, data=data or {}, **kwargs)


def run(travel, moment: str) -> str:
    travel(AT(moment))
    out = io.StringIO()
    call_command("supervise", "--once", stdout=out)
    return out.getvalue()


@pytest.fixture
def staff(make_user, department, other_department, clerk, reviewer, head):
    department.head = make_user(Role.REVIEWER, department=department, username="chief_scj")
    department.save()
    other = make_user(Role.DEPARTMENT_HEAD, department=other_department, username="head_zjj")
    return {
        "clerk": clerk,
        "reviewer": reviewer,
        "head": head,
        "chief": department.head,
        "other": other,
    }


@pytest.mark.django_db
def test_each_level_is_recorded_once_and_told_to_the_responsible_staff(item, staff, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(staff["clerk"], file_case(staff["clerk"]), "accept")
    assert "warnings=0" in run(travel, "2025-10-20 07:00")
    assert "warnings=1" in run(travel, "2025-10-21 07:00")
    assert "warnings=0" in run(travel, "2025-10-21 18:00")  # the same day again
    assert "warnings=0" in run(travel, "2025-10-22 07:00")  # still yellow
    assert "warnings=1" in run(travel, "2025-10-23 07:00")
    assert "warnings=1" in run(travel, "2025-11-06 07:00")
    assert "warnings=0" in run(travel, "2025-11-07 07:00")
    rows = list(CaseWarning.objects.filter(case=case).order_by("id"))
    assert [(w.level, w.raised_on, w.due, w.period) for w in rows] == [
        ("yellow", D("2025-10-21"), D("2025-10-22"), 0),
        ("red", D("2025-10-23"), D("2025-10-22"), 0),
        ("statutory_overdue", D("2025-11-06"), D("2025-11-05"), 0),
    ]
    assert all(w.department_id == case.department_id for w in rows)
    told = {
        (n.recipient.username, n.code)
        for n in Notification.objects.filter(kind="warning").select_related("recipient")
    }
    # The reviewer, the head (role) and the department's head (the Department field): not the
    # clerk, not another department's head.
    assert told == {
        (user, level)
        for user in ("reviewer_scj", "head_scj", "chief_scj")
        for level in ("yellow", "red", "statutory_overdue")
    }
    assert unread_count(staff["reviewer"]) == 3
    assert unread_count(staff["clerk"]) == 0 and unread_count(staff["other"]) == 0


@pytest.mark.django_db
def test_a_case_made_late_by_an_action_is_recorded_by_the_next_sweep(item, staff, travel):
    """Levels also change at an action (paper work entered late): a later sweep of the same day
    looks at the cases with new events and records it."""
    run(travel, "2025-10-24 07:00")  # the day's full sweep: nothing yet
    travel(AT("2025-10-24 08:00"))
    case = file_case(staff["clerk"], received_at=AT("2025-10-09 09:00"))
    case = act(staff["clerk"], case, "accept", occurred_at=AT("2025-10-10 09:00"))
    assert case.level == "red"  # promised due 2025-10-23
    assert "refreshed=0 warnings=1" in run(travel, "2025-10-24 10:00")
    assert list(CaseWarning.objects.values_list("level", flat=True)) == ["red"]
    assert "warnings=0" in run(travel, "2025-10-24 10:05")


@pytest.mark.django_db
def test_after_the_extension_the_levels_are_recorded_again(item, staff, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(staff["clerk"], file_case(staff["clerk"]), "accept")
    run(travel, "2025-10-21 07:00")  # yellow, period 0
    travel(AT("2025-10-21 09:00"))
    case = act(staff["head"], case, "extend", {"workdays": 5, "reason": "需要现场核查"})
    assert case.level == "normal"
    run(travel, "2025-10-28 07:00")  # 10-29 due: one working day left
    run(travel, "2025-10-30 07:00")  # red
    assert list(CaseWarning.objects.order_by("id").values_list("level", "period")) == [
        ("yellow", 0),
        ("yellow", 1),
        ("red", 1),
    ]


@pytest.mark.django_db
def test_mail_and_sms_go_out_once(
    item, staff, travel, settings, django_capture_on_commit_callbacks
):
    from tests.supervision import outbox

    settings.SMS_BACKEND = "tests.supervision.outbox.Outbox"
    outbox.SENT.clear()
    staff["reviewer"].email = "reviewer@example.org"
    staff["reviewer"].phone = "13900001111"
    staff["reviewer"].save()
    travel(AT("2025-10-09 09:00"))
    case = act(staff["clerk"], file_case(staff["clerk"]), "accept")
    travel(AT("2025-10-21 07:00"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sweep.run()
    assert callbacks  # the delivery task is enqueued when the sweep commits
    batch = Notification.objects.filter(kind="warning").values_list("batch", flat=True).first()
    assert notification_services.deliver(batch=batch) == (1, 1)
    assert notification_services.deliver(batch=batch) == (0, 0)
    assert len(mail.outbox) == 1
    assert case.number in mail.outbox[0].subject and "黄牌预警" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["reviewer@example.org"]
    assert outbox.SENT == [("13900001111", mail.outbox[0].body)]


@pytest.mark.django_db
def test_the_default_sms_backend_only_logs(caplog):
    from zhengwu.core import sms

    with caplog.at_level("INFO", logger="zhengwu.sms"):
        sms.backend().send("13900001111", "测试")
    assert "139****1111" in caplog.text and "测试" in caplog.text


@pytest.mark.django_db
def test_marking_read(item, staff, travel):
    travel(AT("2025-10-09 09:00"))
    act(staff["clerk"], file_case(staff["clerk"]), "accept")
    run(travel, "2025-10-23 07:00")
    reviewer = staff["reviewer"]
    assert unread_count(reviewer) == 1
    mine = Notification.objects.get(recipient=reviewer)
    theirs = Notification.objects.get(recipient=staff["head"])
    # Another user's notification is not touched.
    assert notification_services.mark_read(user=reviewer, ids=[theirs.pk]) == 0
    assert notification_services.mark_read(user=reviewer, ids=[mine.pk]) == 1
    assert unread_count(reviewer) == 0 and unread_count(staff["head"]) == 1
    assert notification_services.mark_read(user=staff["head"]) == 1


@pytest.mark.django_db
def test_the_workday_table_follows_the_calendar(item, travel):
    travel(AT("2025-10-09 09:00"))
    sweep.sync_workdays()
    count = WorkdayOrdinal.objects.count()
    assert not sweep.sync_workdays()  # unchanged: not rebuilt
    from zhengwu.workdays.loader import get_calendar

    calendar = get_calendar()
    for day in (D("2025-10-01"), D("2025-10-11"), D("2026-02-14")):
        row = WorkdayOrdinal.objects.get(day=day)
        assert row.ordinal == calendar.workday_index(day)
        assert row.workday == bool(calendar.is_workday(day))
    assert count == (calendar.last - calendar.first).days + 1


def _shared_cache_sqlite() -> bool:
    from tests.cases.test_concurrency import _shared_cache_sqlite as check

    return check()


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def go(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []


def _many_cases(clerk, travel, n=4):
    travel(AT("2025-10-09 09:00"))
    for k in range(1, n + 1):
        act(clerk, file_case(clerk, applicant=applicant_payload(k)), "accept")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite cannot queue writers")
def test_concurrent_sweeps(item, staff, travel):
    _many_cases(staff["clerk"], travel)
    travel(AT("2025-10-23 07:00"))
    _race(sweep.run, sweep.run)
    assert CaseWarning.objects.count() == 4
    assert Notification.objects.filter(kind="warning").count() == 4 * 3
    assert Case.objects.filter(level="red", clocks_on=D("2025-10-23")).count() == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite cannot queue writers")
def test_the_constraint_alone_keeps_concurrent_inserts_single(item, staff, travel):
    """Without the sweep's lock: two transactions insert the same warnings at once."""
    _many_cases(staff["clerk"], travel)
    travel(AT("2025-10-23 07:00"))
    sweep.refresh_levels()

    def insert(token):
        def call():
            with transaction.atomic():
                sweep.record_warnings(D("2025-10-23"), AT("2025-10-23 07:00"), token)

        return call

    _race(insert("a" * 32), insert("b" * 32))
    assert CaseWarning.objects.count() == 4


@pytest.mark.django_db
def test_what_a_warning_names_cannot_be_deleted_under_it(item, staff, travel):
    """The warnings' and notifications' keys are not database constraints
    (docs/decisions/0004-sweep-writes.md); what they name stays because the database keeps a case
    while its events exist and a department while it has cases, and Django deletes a user's
    notifications with the user."""
    from django.db import IntegrityError

    travel(AT("2025-10-09 09:00"))
    case = act(staff["clerk"], file_case(staff["clerk"]), "accept")
    run(travel, "2025-10-23 07:00")
    warning = CaseWarning.objects.get(case=case, level="red")
    quote = connection.ops.quote_name
    for table, key in (
        (Case._meta.db_table, case.pk),
        (case.department._meta.db_table, warning.department_id),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {quote(table)} WHERE id = %s", [key])  # noqa: S608
            connection.check_constraints()
    assert Case.objects.filter(pk=case.pk).exists()
    reviewer = staff["reviewer"]
    reviewer_id = reviewer.pk
    assert Notification.objects.filter(recipient=reviewer, case=case).count() == 1
    reviewer.delete()
    assert not Notification.objects.filter(recipient_id=reviewer_id).exists()
    # the two heads' (and the applicant's of its acceptance)
    assert Notification.objects.filter(case=case, kind="warning").count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranges of blocks: PostgreSQL")
def test_the_day_s_levels_written_in_ranges_of_blocks_at_once(item, staff, travel, settings):
    """A large cases table is swept in ranges of blocks on several connections at once: the same
    levels, warnings and notifications as one connection, nothing twice, and the e-mail of each
    range's notifications enqueued with it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    _many_cases(staff["clerk"], travel, n=40)
    # and a 即办件 suspended on its acceptance day: past its limits the next day, which the
    # ranges write through the working-day table the sweep builds first
    travel(AT("2025-10-22 09:00"))
    waiting = act(staff["clerk"], file_case(staff["clerk"], "11330100SCJ-QT-0002"), "accept")
    act(staff["reviewer"], waiting, "suspend", {"procedure": "inspection", "reason": "送检"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size('cases_case') / 8192")
        assert cursor.fetchone()[0] >= 3
    travel(AT("2025-10-23 07:00"))
    delivering = DBTaskResult.objects.filter(task_path="zhengwu.notifications.tasks.deliver")
    before = delivering.count()  # the applicants' messages of the steps
    result = sweep.run(workers=3, part_blocks=1, daily=False)
    assert (result.refreshed, result.warnings, result.notified) == (41, 41, 41 * 3)
    assert Case.objects.filter(level="red", clocks_on=D("2025-10-23")).count() == 40
    waiting.refresh_from_db()
    assert (waiting.state, waiting.level) == ("suspended", "statutory_overdue")
    assert CaseWarning.objects.filter(level="red").count() == 40
    assert Notification.objects.filter(kind="warning").count() == 41 * 3
    assert delivering.count() >= before + 2  # one per range that notified, on its own commit
    again = sweep.run(workers=3, part_blocks=1, daily=False)
    assert (again.refreshed, again.warnings, again.notified) == (0, 0, 0)
    # the next day's sweep in ranges too: nothing new at red, nothing twice
    travel(AT("2025-10-24 07:00"))
    later = sweep.run(workers=3, part_blocks=1, daily=False)
    assert (later.refreshed, later.warnings) == (0, 0)
    assert CaseWarning.objects.count() == 41


@pytest.mark.django_db(transaction=True)
def test_a_small_table_swept_outside_a_transaction_sends_off_its_notifications(
    item, staff, travel, settings
):
    """With several workers allowed but a table too small to cut, the sweep itself enqueues the
    e-mail and SMS of the warnings it notified."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    _many_cases(staff["clerk"], travel, n=2)
    travel(AT("2025-10-23 07:00"))
    delivering = DBTaskResult.objects.filter(task_path="zhengwu.notifications.tasks.deliver")
    before = delivering.count()  # the applicants' messages of the acceptances
    result = sweep.run(workers=2, daily=False)
    assert (result.warnings, result.notified) == (2, 2 * 3)
    assert delivering.count() == before + 1
