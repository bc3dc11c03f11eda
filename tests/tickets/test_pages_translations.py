"""The whole tickets catalogue (the pages' and the engine's strings) and the demo's: complete,
compiled, placeholders kept; the pages speak Chinese."""

from __future__ import annotations

import gettext
import pathlib
import re

import pytest
from django.utils import translation

import zhengwu.demo
import zhengwu.tickets
from tests.catalog import test_translations as catalog

CATALOGUES = {
    name: pathlib.Path(module.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
    for name, module in (("tickets", zhengwu.tickets), ("demo", zhengwu.demo))
}


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_complete_compiled_and_placeholders_kept(name, monkeypatch):
    lc_messages = CATALOGUES[name]
    monkeypatch.setattr(catalog, "LC_MESSAGES", lc_messages)
    entries = catalog.po_entries()
    assert entries
    assert [e[0] for e in entries if e[2]] == []  # fuzzy
    assert [e[0] for e in entries if not all(e[1])] == []  # untranslated
    with (lc_messages / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    for msgid, msgstrs, _fuzzy in entries:
        assert compiled.get(msgid, compiled.get((msgid, 0))) == msgstrs[0], msgid
        wanted = sorted(set(re.findall(r"%\(\w+\)[sd]", msgid)))
        for msgstr in msgstrs:
            assert sorted(set(re.findall(r"%\(\w+\)[sd]", msgstr))) == wanted, msgid


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Take a call", "来电登记"),
        ("Substantiation rate", "查实率"),
        ("Register and dispatch", "登记并派单"),
        (
            "Figure 1: efficiency complaints received, by category and year (件)",
            "图一：各类效能投诉受理情况分布（件）",
        ),
        ("Send a request to the hotline", "向 12345 热线提交诉求"),
    ],
)
def test_page_words_are_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese


@pytest.mark.django_db
def test_the_intake_page_is_in_chinese(client, make_user):
    client.force_login(make_user("operator", username="op"))
    page = client.get("/tickets/new/").content.decode()
    for words in ("来电登记", "来电人电话", "诉求内容", "登记并派单", "紧急情况：转 110"):
        assert words in page, words
    assert "Take a call" not in page
