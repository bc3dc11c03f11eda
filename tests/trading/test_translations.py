"""The shipped zh-hans catalogue of the trading app: complete, not fuzzy, compiled."""

from __future__ import annotations

import gettext
import pathlib

import zhengwu.trading
from tests.joint.test_translations import entries

CONTEXTS = ("deal", "bid", "flag")


def test_complete_not_fuzzy_and_compiled():
    found = entries(zhengwu.trading)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []
    folder = pathlib.Path(zhengwu.trading.__file__).parent / "locale"
    compiled = gettext.translation("django", localedir=folder, languages=["zh_Hans"])
    for msgid, msgstr, _fuzzy in found:
        # A msgid with a context (the state of a deal, the status of a bid or a flag).
        shown = {compiled.gettext(msgid)} | {compiled.pgettext(c, msgid) for c in CONTEXTS}
        if "\x00" in msgid:  # a plural entry: its plural msgid, a NUL, its msgid
            plural, one = msgid.split("\x00")
            shown.add(compiled.ngettext(one, plural, 1))
        assert msgstr in shown
