"""The shipped zh-hans catalogues of the cases app and the project: complete and compiled."""

from __future__ import annotations

import gettext
import pathlib
import re

import pytest
from django.utils import translation

import zhengwu
import zhengwu.cases
from tests.catalog import test_translations as catalog

CATALOGUES = {
    "cases": pathlib.Path(zhengwu.cases.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES",
    "project": pathlib.Path(zhengwu.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES",
}


@pytest.fixture(params=sorted(CATALOGUES))
def lc_messages(request, monkeypatch):
    monkeypatch.setattr(catalog, "LC_MESSAGES", CATALOGUES[request.param])
    return CATALOGUES[request.param]


def test_complete_compiled_and_placeholders_kept(lc_messages):
    entries = catalog.po_entries()
    assert entries
    assert [e[0] for e in entries if e[2]] == []
    assert [e[0] for e in entries if not all(e[1])] == []
    with (lc_messages / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    for msgid, msgstrs, _fuzzy in entries:
        assert compiled.get(msgid, compiled.get((msgid, 0))) == msgstrs[0], msgid
        wanted = sorted(set(re.findall(r"%\(\w+\)s", msgid)))
        for msgstr in msgstrs:
            assert sorted(set(re.findall(r"%\(\w+\)s", msgstr))) == wanted, msgid


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Awaiting intake", "待受理"),
        ("Yellow warning", "黄牌预警"),
        ("deemed accepted", "视为受理"),
    ],
)
def test_case_words_are_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese
