"""The shipped zh-hans catalogue of the assessment app: complete, compiled, placeholders kept."""

from __future__ import annotations

import gettext
import pathlib
import re

import pytest
from django.utils import translation

import zhengwu.assessment
from tests.catalog import test_translations as catalog

LC_MESSAGES = (
    pathlib.Path(zhengwu.assessment.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
)


def test_complete_compiled_and_placeholders_kept(monkeypatch):
    monkeypatch.setattr(catalog, "LC_MESSAGES", LC_MESSAGES)
    entries = catalog.po_entries()
    assert len(entries) > 100
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
        ("Online application rate", "网办率"),
        ("Parallel approval use rate", "并联审批使用率"),
        ("I. Overview", "一、总体情况"),
        ("Monthly brief", "月度简报"),
    ],
)
def test_assessment_words_are_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese
