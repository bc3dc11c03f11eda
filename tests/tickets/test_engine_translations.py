"""The zh-hans catalogue of the ticket engine: every msgid of its modules translated and compiled,
placeholders kept; the project catalogue (core: the operator role, the trail) complete."""

from __future__ import annotations

import gettext
import pathlib
import re

import pytest
from django.utils import translation

import zhengwu
import zhengwu.tickets
from tests.catalog import test_translations as catalog

TICKETS = pathlib.Path(zhengwu.tickets.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PROJECT = pathlib.Path(zhengwu.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
ENGINE_MODULES = ("models.py", "services.py", "api.py", "apps.py", "selectors.py")


def _engine_msgids() -> set[str]:
    """The msgids whose references are in the engine's modules."""
    text = (TICKETS / "django.po").read_text(encoding="utf-8")
    found = set()
    for block in text.split("\n\n"):
        refs = " ".join(line for line in block.splitlines() if line.startswith("#:"))
        if not any(re.search(rf"(^|\s){re.escape(m)}:\d", refs) for m in ENGINE_MODULES):
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match:
            found.add("".join(re.findall(r'"(.*)"', match.group(1))))
    return found


@pytest.mark.parametrize("lc_messages", [TICKETS, PROJECT], ids=["tickets", "project"])
def test_engine_messages_translated_and_compiled(lc_messages, monkeypatch):
    monkeypatch.setattr(catalog, "LC_MESSAGES", lc_messages)
    entries = catalog.po_entries()
    wanted = _engine_msgids() if lc_messages == TICKETS else {e[0] for e in entries}
    assert wanted
    mine = [e for e in entries if e[0] in wanted]
    assert [e[0] for e in mine if e[2]] == []
    assert [e[0] for e in mine if not all(e[1])] == []
    with (lc_messages / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    for msgid, msgstrs, _fuzzy in mine:
        assert compiled.get(msgid, compiled.get((msgid, 0))) == msgstrs[0], msgid
        placeholders = sorted(set(re.findall(r"%\(\w+\)[sd]", msgid)))
        for msgstr in msgstrs:
            assert sorted(set(re.findall(r"%\(\w+\)[sd]", msgstr))) == placeholders, msgid


def test_rule_messages_speak_chinese():
    from zhengwu.core.roles import Role
    from zhengwu.tickets.services import RULE_MESSAGES

    with translation.override("zh-hans"):
        assert str(Role.OPERATOR.label) == "话务员/派单员"
        for code, message in RULE_MESSAGES.items():
            assert re.search(r"[\u4e00-\u9fff]", str(message)), code
