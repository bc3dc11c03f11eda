"""The shipped zh-hans catalogue of the hall: complete, not fuzzy, compiled; the staffing's
labels and messages Chinese, and the notifications of the sweep worded in Chinese."""

from __future__ import annotations

import pytest
from django.utils import translation

import zhengwu.hall
from tests.hall.staffing.conftest import AT, open_session
from tests.joint.test_translations import entries
from zhengwu.hall import staffing_sweep as sweep
from zhengwu.hall.models.staffing import (
    AssistedService,
    AttendanceMethod,
    HallIrregularity,
    LeaveRequest,
    PatrolFinding,
)
from zhengwu.notifications import messages
from zhengwu.notifications.models import Notification


def _chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_complete_not_fuzzy():
    found = entries(zhengwu.hall)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []


def test_labels_are_chinese():
    labels = [
        *AttendanceMethod.labels,
        *LeaveRequest.Kind.labels,
        *LeaveRequest.State.labels,
        *PatrolFinding.Item.labels,
        *HallIrregularity.Kind.labels,
        *AssistedService.Mode.labels,
        *AssistedService.Satisfaction.labels,
    ]
    with translation.override("zh-hans"):
        assert [str(x) for x in labels if not _chinese(x)] == []


@pytest.mark.django_db
def test_the_sweeps_notification_reads_in_chinese(floor, travel, client):
    open_session(floor.w2, floor.c, AT("2026-03-02 08:50"))
    travel(AT("2026-03-02 09:30"))
    sweep.run()
    note = Notification.objects.get(recipient=floor.head)
    with translation.override("zh-hans"):
        assert messages.title(note) == "大厅异常：01号窗口空岗"
        assert "2026年3月2日 09:00" in messages.body(note)
        assert messages.link(note) == "/hall/staffing/irregularities/"
    client.force_login(floor.head)
    inbox = client.get("/notifications/").content.decode()
    assert "大厅异常：01号窗口空岗" in inbox
