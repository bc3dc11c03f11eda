"""The shipped zh-hans catalogue of the exchange app: complete, not fuzzy, compiled; the words
the inbound pages, exports and errors show are Chinese."""

from __future__ import annotations

import gettext
import pathlib

from django.utils import translation

import zhengwu.exchange
from tests.joint.test_translations import entries
from zhengwu.core.roles import Role
from zhengwu.exchange.inbound_services import LABELS
from zhengwu.exchange.models.inbound import FindingKind, RecordSource, TicketSource
from zhengwu.exchange.views_inbound import DEFINITIONS, MATCHES, REASONS, STEP_LABELS


def test_complete_not_fuzzy_and_compiled():
    found = entries(zhengwu.exchange)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []
    folder = pathlib.Path(zhengwu.exchange.__file__).parent / "locale"
    compiled = gettext.translation("django", localedir=folder, languages=["zh_Hans"])
    for msgid, msgstr, _fuzzy in found:
        if "\x00" in msgid:  # a plural entry: (plural msgid, NUL, msgid)
            plural, singular = msgid.split("\x00")
            assert compiled.ngettext(singular, plural, 2) == msgstr, msgid
        elif msgid:
            assert compiled.gettext(msgid) == msgstr, msgid


def _chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_every_label_and_message_is_chinese():
    with translation.override("zh-hans"):
        labels = [
            *FindingKind.labels,
            *RecordSource.labels,
            *TicketSource.labels,
            *LABELS.values(),
            *DEFINITIONS.values(),
            *MATCHES.values(),
            *REASONS.values(),
            *STEP_LABELS.values(),
            Role.PLATFORM.label,
        ]
        english = [str(label) for label in labels if not _chinese(label)]
    assert english == []
