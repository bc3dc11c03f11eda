"""The demo's rectification ledger: seed 002's 3 areas, 5 items, 16 problems and 44 measures in
mixed states through the services (the trail verifies), 发函通报 10 人次, made once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import rectification as demo_rectification
from zhengwu.demo import services
from zhengwu.evaluation import rectification_selectors as selectors
from zhengwu.evaluation.models.rectification import Evidence, Rectification
from zhengwu.evaluation.rectification_integrity import verify

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 18, 18, 0, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def test_seed_002_in_mixed_states():
    services.seed()
    with time_machine.travel(TODAY, tick=False):
        made = demo_rectification.generate()
        assert (made.ledgers, made.measures) == (2, 46)
        ledger = Rectification.objects.get(kind="inspection")
        counts = selectors.counts(ledger)
        assert (counts.areas, counts.items, counts.problems, counts.measures) == (3, 5, 16, 44)
        assert 0 < counts.problems_done < 16
        assert 0 < counts.measures_done < 44
        assert counts.overdue > 0
        states = set(ledger.measures.values_list("state", flat=True))
        assert states == {"open", "claimed", "verified"}
        assert ledger.measures.filter(returned=1).count() == 1
        discipline = selectors.discipline_counts(
            ledger.created_by,
            period_from=dt.date(2026, 1, 1),
            period_to=dt.date(2026, 11, 18),
        )
        assert discipline["notice"] == 10
        assert Evidence.objects.count() == 1
        assert demo_rectification.generate().ledgers == 0  # once only
    assert all(problem is None for _id, problem in verify())
