"""The board tells the daily seal's state in plain words: no hashes, no command lines."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.cases.helpers import AT, file_case
from zhengwu.supervision import sweep
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


def test_a_whole_trail_is_said_so_with_the_day(item, clerk, supervisor, travel):
    seal = sealed(item, clerk, travel)
    body = board(supervisor)
    assert "2025年10月9日的封存已核对，链完整。" in body
    assert seal.hash not in body and seal.digest not in body
    assert "verify_audit" not in body and "manage.py" not in body


def test_a_broken_seal_is_named_in_words(item, clerk, supervisor, travel):
    sealed(item, clerk, travel)
    DailySeal.objects.update(cases=5)
    body = board(supervisor)
    assert "发现异常（2025年10月9日的封存）" in body
    assert "2025年10月9日的封存与前一日的封存接不上：封存链被改动。" in body
    assert "链完整" not in body


def test_before_the_first_seal_the_board_says_none_yet(supervisor):
    assert 'data-testid="no-seal"' in board(supervisor)
