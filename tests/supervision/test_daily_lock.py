"""The daily step (yesterday's seal and the certificate check) runs once at a time: a second
scheduler's waits for the first's and then finds the day sealed, rather than reading every case
and its events beside it (PostgreSQL: the row lock; SQLite serialises writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from tests.cases.helpers import AT, file_case
from zhengwu.core import clock
from zhengwu.supervision import seal
from zhengwu.supervision.models import DailySeal, SweepMark

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the row lock is PostgreSQL's"),
]


def test_a_second_daily_step_waits_for_the_first_and_finds_the_day_sealed(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    file_case(clerk)
    travel(AT("2025-10-10 07:00"))
    today = clock.today()
    answers = []

    def second():
        try:
            answers.append(seal.daily(today))
        finally:
            connection.close()

    with transaction.atomic():
        # the first daily step, as far as its lock: the second must wait behind it
        mark, _created = SweepMark.objects.get_or_create(name=seal.DAILY_LOCK)
        SweepMark.objects.select_for_update().filter(pk=mark.pk).get()
        waiting = threading.Thread(target=second)
        waiting.start()
        waiting.join(timeout=2)
        assert waiting.is_alive(), "the second daily step did not wait for the first"
        assert seal.seal(today.replace(day=9)) is not None
    waiting.join(timeout=60)
    assert answers == [""]
    assert DailySeal.objects.count() == 1
