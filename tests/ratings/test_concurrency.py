"""Two raters of one service event at the same moment: one rating, one 409 - on both databases."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.ratings.helpers import link_token
from zhengwu.core.errors import DomainError
from zhengwu.exchange.models.outbound import OutboxRecord
from zhengwu.ratings import services
from zhengwu.ratings.models import Rating

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_ratings_of_one_event(item, complete):
    case = complete("2025-03-03 10:00")
    token = link_token(case)
    barrier = threading.Barrier(2)
    outcomes = []

    def rate(level):
        try:
            barrier.wait()
            services.submit_rating(number=case.number, channel="onsite", level=level, token=token)
            outcomes.append("rated")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(level,)) for level in (5, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_rated", "rated"]
    assert Rating.objects.count() == 1 and OutboxRecord.objects.filter(kind="rating").count() == 1
