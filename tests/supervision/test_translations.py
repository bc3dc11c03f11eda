"""The shipped zh-hans catalogues of the supervision and notifications apps: complete, compiled."""

from __future__ import annotations

import pathlib

import pytest
from django.utils import translation

import zhengwu.notifications
import zhengwu.supervision
from tests.cases import test_translations as cases_translations
from tests.catalog import test_translations as catalog

CATALOGUES = {
    app.__name__: pathlib.Path(app.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
    for app in (zhengwu.supervision, zhengwu.notifications)
}


@pytest.fixture(params=sorted(CATALOGUES))
def lc_messages(request, monkeypatch):
    monkeypatch.setattr(catalog, "LC_MESSAGES", CATALOGUES[request.param])
    return CATALOGUES[request.param]


def test_complete_compiled_and_placeholders_kept(lc_messages):
    cases_translations.test_complete_compiled_and_placeholders_kept(lc_messages)


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Retroactive entry", "先办后录"),
        ("Step over its time limit", "环节超时"),
        ("Supervision board", "电子监察看板"),
        ("Notifications", "消息"),
    ],
)
def test_supervision_words_are_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese
