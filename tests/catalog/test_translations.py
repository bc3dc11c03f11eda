"""The shipped zh-hans catalogue: complete, not fuzzy, and compiled."""

from __future__ import annotations

import gettext
import pathlib
import re

import pytest
from django.utils import translation

import zhengwu.catalog

LC_MESSAGES = pathlib.Path(zhengwu.catalog.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _unquote(line: str) -> str:
    return line.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def po_entries() -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) of every entry but the header; a msgid with a context is keyed
    ``context\x04msgid``, as the compiled catalogue keys it."""
    entries, msgid, msgstrs, fuzzy, target, context = [], None, [], False, None, None
    for raw in [*(LC_MESSAGES / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not raw.strip():
            if msgid:
                key = f"{context}\x04{msgid}" if context is not None else msgid
                entries.append((key, msgstrs, fuzzy))
            msgid, msgstrs, fuzzy, target, context = None, [], False, None, None
        elif raw.startswith("#,") and "fuzzy" in raw:
            fuzzy = True
        elif raw.startswith("msgctxt "):
            context, target = _unquote(raw[8:]), "ctx"
        elif raw.startswith("msgid "):
            msgid, target = _unquote(raw[6:]), "id"
        elif raw.startswith("msgid_plural "):
            target = "plural"
        elif raw.startswith("msgstr"):
            msgstrs.append(_unquote(raw.split(" ", 1)[1]))
            target = "str"
        elif raw.startswith('"'):
            if target == "ctx":
                context += _unquote(raw)
            elif target == "id":
                msgid += _unquote(raw)
            elif target == "str":
                msgstrs[-1] += _unquote(raw)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 250
    assert [e[0] for e in entries if e[2]] == []
    assert [e[0] for e in entries if not all(e[1])] == []


def test_placeholders_survive_translation():
    for msgid, msgstrs, _fuzzy in po_entries():
        wanted = sorted(set(re.findall(r"%\(\w+\)s", msgid)))
        for msgstr in msgstrs:
            assert sorted(set(re.findall(r"%\(\w+\)s", msgstr))) == wanted, msgid


def test_the_compiled_catalogue_matches_the_source():
    with (LC_MESSAGES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # msgid -> text, or (msgid, n) -> text for plurals
    for msgid, msgstrs, _fuzzy in po_entries():
        assert catalog.get(msgid, catalog.get((msgid, 0))) == msgstrs[0], msgid


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Administrative licensing", "行政许可"),
        ("Hearing", "听证"),
        ("Paper and electronic", "纸质和电子"),
    ],
)
def test_choice_labels_are_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese
