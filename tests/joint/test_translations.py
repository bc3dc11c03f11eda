"""The shipped zh-hans catalogues of joint handling and licences: complete, not fuzzy, compiled."""

from __future__ import annotations

import gettext
import pathlib

import pytest

import zhengwu.joint
import zhengwu.licences
from tests.catalog.test_translations import _unquote

APPS = [zhengwu.joint, zhengwu.licences]


def entries(module) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every entry; a plural entry gives its one form (zh: nplurals=1)
    with the msgid prefixed by its plural msgid and a NUL, so the check reads it with
    ngettext; an entry with a context has it in front with an EOT, as gettext keys it."""
    folder = pathlib.Path(module.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
    found, msgid, msgstr, fuzzy, target, plural = [], None, "", False, None, None
    context = None
    for raw in [*(folder / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not raw.strip():
            if msgid:
                key = f"{plural}\x00{msgid}" if plural else msgid
                found.append((f"{context}\x04{key}" if context else key, msgstr, fuzzy))
            msgid, msgstr, fuzzy, target, plural = None, "", False, None, None
            context = None
        elif raw.startswith("#,") and "fuzzy" in raw:
            fuzzy = True
        elif raw.startswith("msgctxt "):
            context, target = _unquote(raw[8:]), "context"
        elif raw.startswith("msgid "):
            msgid, target = _unquote(raw[6:]), "id"
        elif raw.startswith("msgid_plural "):
            plural, target = _unquote(raw[13:]), "plural"
        elif raw.startswith("msgstr ") or raw.startswith("msgstr[0] "):
            msgstr, target = _unquote(raw.split(" ", 1)[1]), "str"
        elif raw.startswith('"'):
            if target == "id":
                msgid += _unquote(raw)
            elif target == "plural":
                plural += _unquote(raw)
            else:
                msgstr += _unquote(raw)
    return found


@pytest.mark.parametrize("module", APPS, ids=lambda m: m.__name__)
def test_complete_not_fuzzy_and_compiled(module):
    found = entries(module)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []
    folder = pathlib.Path(module.__file__).parent / "locale"
    compiled = gettext.translation("django", localedir=folder, languages=["zh_Hans"])
    for msgid, msgstr, _fuzzy in found:
        if "\x04" in msgid:
            context, text = msgid.split("\x04", 1)
            assert compiled.pgettext(context, text) == msgstr
        elif "\x00" in msgid:
            plural, singular = msgid.split("\x00", 1)
            assert compiled.ngettext(singular, plural, 2) == msgstr
        else:
            assert compiled.gettext(msgid) == msgstr
