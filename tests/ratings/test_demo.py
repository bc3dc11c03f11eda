"""The demo ratings: made through the services, deterministic, bad ratings at several stages."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT
from zhengwu.demo import ratings as demo_ratings
from zhengwu.ratings.models import Rating, RectificationTask

pytestmark = pytest.mark.django_db


def test_demo_ratings(item, complete, travel, head, citizen):
    for seq in range(1, 41):
        complete(f"2025-03-{1 + seq % 20:02d} 10:00", seq=seq, owner=citizen if seq % 2 else None)
    travel(AT("2025-04-30 10:00"))
    made = demo_ratings.generate(seed=3, share=1.0)
    assert made == Rating.objects.count() > 20
    states = set(RectificationTask.objects.values_list("state", flat=True))
    assert len(states) >= 2
    assert set(Rating.objects.values_list("channel", flat=True)) <= {"onsite", "phone"}
