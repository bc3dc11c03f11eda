"""Overdue bad-rating rectification tasks in e-supervision: recorded by the sweep as an
irregularity once per task deadline (working days, across the National Day holiday), not before,
not twice, not for a task fed back, closed or whose appeal was upheld; the department's head is
told; the lists, the export and the board show it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from openpyxl import load_workbook

from tests.cases.helpers import AT
from tests.ratings.conftest import complete, sms_outbox  # noqa: F401 (fixtures)
from tests.ratings.helpers import rate
from tests.supervision.test_sweep import _race, _shared_cache_sqlite
from zhengwu.notifications.messages import title
from zhengwu.notifications.models import Notification
from zhengwu.ratings import services as rating_services
from zhengwu.supervision import sweep
from zhengwu.supervision.models import Irregularity
from zhengwu.supervision.rectifications import record_overdue_rectifications, task_key

pytestmark = pytest.mark.django_db

KIND = "rectification_overdue"


def overdue_rows():
    return list(Irregularity.objects.filter(kind=KIND).order_by("id"))


@pytest.fixture
def bad(item, complete, citizen, head):  # noqa: F811
    """A real-name bad rating given on Monday 29 September 2025: its task is due at the end of the
    5th working day after it, 13 October (1–8 October are the National Day holiday)."""
    case = complete("2025-09-29 10:00", owner=citizen)
    task = rate(case, 1, comment="窗口人员态度差", real_name=True).task
    assert task.due_on == dt.date(2025, 10, 13)
    return task


def test_recorded_once_when_overdue_with_its_evidence(bad, travel, head):
    travel(AT("2025-10-13 17:00"))
    sweep.run(daily=False)
    assert overdue_rows() == []  # due today: not overdue yet
    travel(AT("2025-10-14 08:30"))
    result = sweep.run(daily=False)
    (row,) = overdue_rows()
    assert result.irregularities == 1
    assert (row.case_id, row.department_id) == (bad.rating.case_id, bad.department_id)
    assert row.key == task_key(bad.pk, dt.date(2025, 10, 13)) == f"rtask:{bad.pk}:2025-10-13"
    assert row.detected_on == dt.date(2025, 10, 14) and row.status == "open"
    evidence = row.evidence
    assert evidence["task"] == bad.pk and evidence["level"] == 1
    assert (evidence["due"], evidence["as_of"], evidence["state"]) == (
        "2025-10-13",
        "2025-10-14",
        "open",
    )
    assert evidence["rated_on"] == "2025-09-29" and bool(evidence["real_name"])
    # the department's head is told, once
    (told,) = Notification.objects.filter(kind="irregularity", code=KIND)
    assert told.recipient == head and told.source_id == row.pk and told.case_id == row.case_id
    assert "差评整改超期" in title(told)
    # the next sweeps of the day and of the next days record nothing more
    sweep.run(daily=False)
    travel(AT("2025-10-15 08:30"))
    assert sweep.run(daily=False).irregularities == 0
    assert len(overdue_rows()) == 1
    assert Notification.objects.filter(code=KIND).count() == 1


def test_a_second_deadline_is_a_second_record(bad, travel, head):
    travel(AT("2025-10-14 08:30"))
    sweep.run(daily=False)
    # a new deadline (the rater rejected the feedback and the task runs again) is recorded anew
    from zhengwu.ratings.models import RectificationTask

    RectificationTask.objects.filter(pk=bad.pk).update(due_on=dt.date(2025, 10, 20))
    travel(AT("2025-10-21 08:30"))
    sweep.run(daily=False)
    assert [r.key for r in overdue_rows()] == [
        f"rtask:{bad.pk}:2025-10-13",
        f"rtask:{bad.pk}:2025-10-20",
    ]


def test_not_for_a_task_fed_back_or_closed(bad, travel, reviewer):
    travel(AT("2025-10-13 10:00"))
    rating_services.record_callback(actor=reviewer, task_id=bad.pk, rater_said="排队太久")
    rating_services.record_outcome(
        actor=reviewer, task_id=bad.pk, outcome="rectified", text="已增设窗口"
    )
    rating_services.send_feedback(actor=reviewer, task_id=bad.pk, text="已增设窗口")
    travel(AT("2025-10-20 08:30"))
    sweep.run(daily=False)
    assert overdue_rows() == []


def test_not_for_an_upheld_appeal(bad, travel, head, supervisor):
    travel(AT("2025-10-10 10:00"))
    appeal = rating_services.file_appeal(
        actor=head, task_id=bad.pk, reason="malicious", evidence="监控录像显示"
    )
    rating_services.decide_appeal(
        actor=supervisor, appeal_id=appeal.pk, upheld=True, note="查实为恶意差评"
    )
    travel(AT("2025-10-20 08:30"))
    sweep.run(daily=False)
    assert overdue_rows() == []


def test_record_twice_in_one_day_with_two_tokens(bad, travel):
    travel(AT("2025-10-14 08:30"))
    day, now = dt.date(2025, 10, 14), AT("2025-10-14 08:30")
    assert record_overdue_rectifications(day, now, "a" * 32) == 1
    assert record_overdue_rectifications(day, now, "b" * 32) == 0
    assert len(overdue_rows()) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite cannot queue writers")
def test_two_concurrent_inserts_record_once(bad, travel):
    """Without the sweep's lock: the unique constraint alone keeps one row."""
    travel(AT("2025-10-14 08:30"))

    def insert(token):
        def call():
            with transaction.atomic():
                record_overdue_rectifications(dt.date(2025, 10, 14), AT("2025-10-14 08:30"), token)

        return call

    _race(insert("a" * 32), insert("b" * 32))
    assert len(overdue_rows()) == 1


def test_lists_filters_export_and_board(bad, travel, client, supervisor):
    travel(AT("2025-10-14 08:30"))
    sweep.run(daily=False)
    client.force_login(supervisor)
    page = client.get(f"/supervision/irregularities/?kind={KIND}").content.decode()
    assert bad.rating.case.number in page and "差评整改超期" in page
    other = client.get("/supervision/irregularities/?kind=retroactive").content.decode()
    assert bad.rating.case.number not in other
    row = overdue_rows()[0]
    detail = client.get(f"/supervision/irregularities/{row.pk}/").content.decode()
    assert "2025年10月13日" in detail and "整改期限" in detail
    export = client.get(f"/supervision/irregularities/?kind={KIND}&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    cells = [c.value for c in sheet[2]]
    assert cells[0] == bad.rating.case.number and cells[2] == "差评整改超期"
    assert "2025年10月13日" in cells[5]
    board = client.get("/supervision/").content.decode()
    assert 'data-testid="rating-loop"' in board
    assert f"/supervision/irregularities/?kind={KIND}" in board
    assert "/ratings/supervision/" in board and bad.rating.case.number in board
