"""Rectification-task steps are a ``zhengwu.core.trail``: ``verify_audit`` checks their chains
with the cases' and tickets' and names a task whose steps were altered, cut or reordered; the
stated time of a callback follows the trail's rules."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection

from tests.cases.helpers import AT
from tests.cases.test_audit_chain import verify
from tests.ratings.helpers import rate
from zhengwu.core.audit import GENESIS, chain_hash
from zhengwu.core.errors import ValidationFailed
from zhengwu.ratings import services
from zhengwu.ratings.models import RectificationTask, TaskEvent

migration = importlib.import_module("zhengwu.ratings.migrations.0002_task_steps_chained_event")

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(item, complete, citizen, reviewer, travel):
    case = complete("2025-10-09 10:00", owner=citizen)
    task = rate(case, 1, comment="等了很久").task
    travel(AT("2025-10-10 09:00"))
    services.record_callback(actor=reviewer, task_id=task.pk, rater_said="排队太久")
    services.record_outcome(actor=reviewer, task_id=task.pk, outcome="rectified", text="已增设窗口")
    task = RectificationTask.objects.select_related("rating__case").get(pk=task.pk)
    assert task.event_count == 3
    return task


def steps(task):
    return list(TaskEvent.objects.filter(task=task).order_by("seq"))


def test_an_untouched_chain_passes(task):
    assert task.number == f"{task.rating.case.number}/{task.pk}"
    code, out, err = verify()
    assert code == 0 and "checked 1 tasks, 0 broken" in out and err == ""


def test_altered_step_data_is_named(task):
    row = steps(task)[1]
    TaskEvent.objects.filter(pk=row.pk).update(data={"method": "phone", "rater_said": "很满意"})
    code, out, err = verify()
    assert code == 1 and "checked 1 tasks, 1 broken" in out
    assert f"BROKEN {task.number} (event 2): " in err


def test_a_deleted_last_step_is_named(task):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ratings_taskevent WHERE id = %s", [steps(task)[-1].pk])
    code, _out, err = verify()
    assert code == 1 and f"BROKEN {task.number}: " in err


def test_reordered_steps_are_named(task):
    _first, second, third = steps(task)
    # Swap the places of the last two steps below the ORM (through a free seq: unique).
    with connection.cursor() as cursor:
        for pk, seq in ((second.pk, 99), (third.pk, 2), (second.pk, 3)):
            cursor.execute("UPDATE ratings_taskevent SET seq = %s WHERE id = %s", [seq, pk])
    code, _out, err = verify()
    assert code == 1 and f"BROKEN {task.number} (event 2): " in err


def former_chain(task):
    """Hash the task's steps as the ratings app did before the trail was unified."""
    previous = GENESIS
    for row in steps(task):
        current = chain_hash(previous, migration.former_payload(task.pk, row))
        TaskEvent.objects.filter(pk=row.pk).update(prev_hash=previous, hash=current)
        previous = current
    RectificationTask.objects.filter(pk=task.pk).update(head_hash=previous)


def test_the_migration_chains_intact_former_steps_again(task):
    former_chain(task)
    assert verify()[0] == 1
    migration.rechain(apps, None)
    code, out, _err = verify()
    assert code == 0 and "checked 1 tasks, 0 broken" in out


def test_the_migration_leaves_a_broken_former_chain_broken(task):
    former_chain(task)
    row = steps(task)[1]
    TaskEvent.objects.filter(pk=row.pk).update(data={"method": "phone", "rater_said": "很满意"})
    migration.rechain(apps, None)
    code, _out, err = verify()
    assert code == 1 and f"BROKEN {task.number}" in err


def test_a_stated_callback_time_follows_the_trail_rules(task, reviewer, travel):
    """Not in the future, not before the last step; entered days later it is 先办后录."""
    services.send_feedback(actor=reviewer, task_id=task.pk, text="已增设窗口，感谢监督")
    services.answer_feedback(
        user=task.rating.case.owner, task_id=task.pk, accept=False, reason="没改"
    )
    travel(AT("2025-10-20 09:00"))
    last = steps(task)[-1].occurred_at
    for when in (AT("2025-10-21 09:00"), last - dt.timedelta(minutes=1)):
        with pytest.raises(ValidationFailed) as error:
            services.record_callback(
                actor=reviewer, task_id=task.pk, rater_said="x", called_at=when
            )
        assert "called_at" in error.value.errors
    services.record_callback(
        actor=reviewer, task_id=task.pk, rater_said="回访", called_at=AT("2025-10-14 15:00")
    )
    row = steps(task)[-1]
    assert row.kind == "callback" and row.retroactive
    assert row.occurred_at == AT("2025-10-14 15:00")
    assert verify()[0] == 0


def test_a_task_state_or_due_date_written_behind_the_services_is_named(task):
    code, _out, err = verify()
    assert code == 0, err
    RectificationTask.objects.filter(pk=task.pk).update(
        state="closed", due_on=task.due_on + dt.timedelta(days=30)
    )
    code, _out, err = verify()
    assert code == 1
    assert f"差评整改工单 {task.number}" in err
    assert "存储为 closed，其事件得出 resolved" in err
    assert (task.due_on + dt.timedelta(days=30)).isoformat() in err
