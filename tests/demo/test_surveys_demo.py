"""The demo's 民主评议: a template and one finished evaluation of six units, 28 + 8 respondents
with two links unanswered, made once; its results carry bands."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import services
from zhengwu.demo import surveys as demo_surveys
from zhengwu.evaluation.models.surveys import Evaluation, SurveyResponse
from zhengwu.evaluation.survey_selectors import results

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 18, 18, 0, tzinfo=LOCAL_TZ)


def test_one_finished_evaluation_with_bands():
    services.seed()
    with time_machine.travel(TODAY, tick=False):
        made = demo_surveys.generate()
        assert made.evaluations == 1 and made.templates == 1
        assert demo_surveys.generate().evaluations == 0  # once only
    evaluation = Evaluation.objects.get()
    assert evaluation.state == "closed"
    assert (evaluation.start, evaluation.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert SurveyResponse.objects.count() == made.responses == 28 + 8 - 2
    found = results(evaluation)
    assert len(found.units) == 6
    counts = found.band_counts
    assert counts["excellent"] >= 3 and counts["good"] >= 1 and counts["poor"] == 0
    assert found.themes
