"""The evaluation catalogue is complete, not fuzzy and compiled; the survey pages, the report and
the home page entries speak Chinese."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

import zhengwu.evaluation
from tests.evaluation import seed001
from tests.evaluation.conftest import seed_evaluation
from tests.joint.test_translations import entries
from zhengwu.evaluation import survey_services
from zhengwu.evaluation.survey_selectors import band_label


def test_complete_not_fuzzy():
    found = entries(zhengwu.evaluation)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []


def test_bands_in_chinese():
    assert [band_label(b) for b in ("excellent", "good", "fair", "poor")] == [
        "优秀",
        "良好",
        "一般",
        "较差",
    ]


ENGLISH = re.compile(r">\s*[A-Za-z][a-z]+(?: [a-z]+)+\s*<")


@pytest.mark.django_db
def test_pages_have_no_english_left(client, supervisor, six_units, template):
    evaluation, tokens = seed_evaluation(supervisor, template)
    survey_services.submit(token=tokens["企业代表"][0], answers=seed001.answers("企业代表", 1))
    client.force_login(supervisor)
    home = client.get("/").content.decode()
    assert reverse("evaluation:surveys") in home
    assert "民主评议和满意度测评" in home
    for url in (
        reverse("evaluation:surveys"),
        reverse("evaluation:survey_new"),
        reverse("evaluation:survey_templates"),
        reverse("evaluation:survey_detail", args=[evaluation.pk]),
        reverse("evaluation:survey_report", args=[evaluation.pk]),
        reverse("evaluation:answer", args=[tokens["企业代表"][1]]),
    ):
        html = client.get(url).content.decode()
        assert not ENGLISH.findall(html), (url, ENGLISH.findall(html)[:5])
