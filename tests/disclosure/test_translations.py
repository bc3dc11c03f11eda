"""The shipped zh-hans catalogue of disclosure requests: complete, not fuzzy, compiled; the
words the API and the pages show are Chinese."""

from __future__ import annotations

import gettext
import pathlib
import re

from django.utils import translation

import zhengwu.disclosure
from tests.joint.test_translations import entries
from zhengwu.disclosure.documents import REASONS, REPLY_TITLES, TITLES
from zhengwu.disclosure.models import (
    ApplicantType,
    Channel,
    Delivery,
    DisclosureAppeal,
    DisclosureFinding,
    Form,
    Result,
    State,
)
from zhengwu.disclosure.services import REASON_MESSAGES, RULE_MESSAGES


def test_complete_not_fuzzy_and_compiled():
    found = entries(zhengwu.disclosure)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []
    folder = pathlib.Path(zhengwu.disclosure.__file__).parent / "locale"
    compiled = gettext.translation("django", localedir=folder, languages=["zh_Hans"])
    # Each entry read with its context, if it has one (pgettext: the annual report's "Total").
    text = (folder / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        context = re.search(r'^msgctxt "(.*)"$', block, flags=re.M)
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgid ")[-1].split("msgstr")[0]))
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr ")[-1]))
        if not msgid or "msgid_plural" in block:
            continue
        msgid, msgstr = (_unescape(msgid), _unescape(msgstr))
        if context:
            assert compiled.pgettext(_unescape(context.group(1)), msgid) == msgstr, msgid
        else:
            assert compiled.gettext(msgid) == msgstr, msgid


def _unescape(value: str) -> str:
    return value.encode("latin-1", "backslashreplace").decode("unicode_escape")


def _chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_every_label_and_message_is_chinese():
    labels = [
        *Channel.labels,
        *ApplicantType.labels,
        *Form.labels,
        *Delivery.labels,
        *State.labels,
        *Result.labels,
        *DisclosureAppeal.Kind.labels,
        *DisclosureAppeal.Outcome.labels,
        *DisclosureFinding.Kind.labels,
        *TITLES.values(),
        *REPLY_TITLES.values(),
        *(text for reasons in REASONS.values() for text in reasons.values()),
        *RULE_MESSAGES.values(),
        *REASON_MESSAGES.values(),
    ]
    with translation.override("zh-hans"):
        assert [str(label) for label in labels if not _chinese(label)] == []
