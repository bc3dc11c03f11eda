"""The shipped zh-hans catalogue of disclosure requests: complete, not fuzzy, compiled; the
words the API and the pages show are Chinese."""

from __future__ import annotations

import gettext
import pathlib

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
    for msgid, msgstr, _fuzzy in found:
        assert compiled.gettext(msgid) == msgstr


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
