"""The shipped zh-hans catalogue of the evaluation app: complete, not fuzzy, compiled; the
rectification words as the published reports say them."""

from __future__ import annotations

import gettext
import pathlib

import zhengwu.evaluation
from tests.joint.test_translations import entries


def test_complete_not_fuzzy_and_compiled():
    found = entries(zhengwu.evaluation)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []
    folder = pathlib.Path(zhengwu.evaluation.__file__).parent / "locale"
    compiled = gettext.translation("django", localedir=folder, languages=["zh_Hans"])
    for msgid, msgstr, _fuzzy in found:
        if "\x00" in msgid:  # a plural entry: its plural msgid, a NUL, its msgid
            plural, single = msgid.split("\x00")
            assert compiled.ngettext(single, plural, 1) == msgstr
        else:
            assert compiled.gettext(msgid) == msgstr
    assert compiled.gettext("Rectify at once") == "立行立改"
    assert compiled.gettext("Keep up long-term") == "长期坚持"
    assert compiled.gettext("Notice by letter") == "发函通报"
