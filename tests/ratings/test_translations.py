"""The shipped zh-hans catalogue of the ratings app: complete, compiled, placeholders kept."""

from __future__ import annotations

import gettext
import pathlib
import re

import pytest
from django.utils import translation

import zhengwu.ratings
from tests.catalog import test_translations as catalog

LC_MESSAGES = pathlib.Path(zhengwu.ratings.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_complete_compiled_and_placeholders_kept(monkeypatch):
    monkeypatch.setattr(catalog, "LC_MESSAGES", LC_MESSAGES)
    entries = catalog.po_entries()
    assert entries
    assert [e[0] for e in entries if e[2]] == []
    assert [e[0] for e in entries if not all(e[1])] == []
    with (LC_MESSAGES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    for msgid, msgstrs, _fuzzy in entries:
        assert compiled.get(msgid, compiled.get((msgid, 0))) == msgstrs[0], msgid
        wanted = sorted(set(re.findall(r"%\(\w+\)s", msgid)))
        for msgstr in msgstrs:
            assert sorted(set(re.findall(r"%\(\w+\)s", msgstr))) == wanted, msgid


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Very dissatisfied", "非常不满意"),
        ("Bad-rating rectification", "差评整改"),
        ("This service has already been rated.", "该服务已评价，不能重复评价。"),
    ],
)
def test_rating_words_are_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese
