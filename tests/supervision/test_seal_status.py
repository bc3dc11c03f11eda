"""The board tells the daily seal's state in plain words: no hashes, no command lines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db.models import Max
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.cases.helpers import AT, file_case
from zhengwu.cases.models import CaseEvent
from zhengwu.supervision import seal, sweep
from zhengwu.supervision.models import DailySeal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def board(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/supervision/")
    assert response.status_code == 200
    return response.content.decode()


def sealed(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    file_case(clerk)
    travel(AT("2025-10-10 07:00"))
    sweep.run()
    return DailySeal.objects.get()


def rechecked(item, clerk, travel, on_commit):
    """Two days sealed, and the worker's recheck of the first run as the queue would run it."""
    sealed(item, clerk, travel)
    travel(AT("2025-10-11 07:00"))
    with on_commit(execute=True):
        sweep.run()
    queued = DBTaskResult.objects.get(task_path="zhengwu.supervision.seal.recheck_seal")
    assert queued.args_kwargs["args"] == ["2025-10-09"]
    assert seal.recheck_seal.call("2025-10-09") is True
    return DailySeal.objects.get(day=dt.date(2025, 10, 9))


def test_a_fresh_seal_is_said_to_wait_for_its_recheck(
    item, clerk, supervisor, travel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sealed(item, clerk, travel)
    assert not DBTaskResult.objects.filter(task_path__endswith="recheck_seal").exists()
    body = board(supervisor)
    assert "2025年10月9日的封存已生成，次日封存后将按事件重新核算。" in body
    assert "链完整" not in body


def test_a_whole_trail_is_said_so_with_the_day(
    item, clerk, supervisor, travel, django_capture_on_commit_callbacks
):
    row = rechecked(item, clerk, travel, django_capture_on_commit_callbacks)
    assert row.rechecked_at == AT("2025-10-11 07:00")
    body = board(supervisor)
    assert "2025年10月9日的封存已核对，链完整。" in body
    assert "2025年10月11日 07:00按事件重新核算" in body
    assert row.hash not in body and row.digest not in body
    assert "verify_audit" not in body and "manage.py" not in body


def test_the_board_reads_the_stored_recheck_and_recomputes_nothing(
    item, clerk, supervisor, travel, django_capture_on_commit_callbacks
):
    rechecked(item, clerk, travel, django_capture_on_commit_callbacks)
    # an event removed behind the system's back after the recheck: the board (a page) does not
    # read the events again; the next recheck finds it
    CaseEvent.objects.filter(seq=CaseEvent.objects.aggregate(m=Max("seq"))["m"]).delete()
    assert "链完整" in board(supervisor)
    assert seal.recheck(dt.date(2025, 10, 9)) is not None
    body = board(supervisor)
    assert "2025年10月9日的办件记录与封存不符" in body
    assert "链完整" not in body


def test_a_broken_seal_is_named_in_words(item, clerk, supervisor, travel):
    sealed(item, clerk, travel)  # the chain of seals is checked at every opening
    DailySeal.objects.update(cases=5)
    body = board(supervisor)
    assert "发现异常（2025年10月9日的封存）" in body
    assert "2025年10月9日的封存与前一日的封存接不上：封存链被改动。" in body
    assert "链完整" not in body


def test_before_the_first_seal_the_board_says_none_yet(supervisor):
    assert 'data-testid="no-seal"' in board(supervisor)
