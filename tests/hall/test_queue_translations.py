"""The shipped zh-hans catalogue of the hall: complete, not fuzzy, compiled; the queue's labels
and messages are Chinese."""

from __future__ import annotations

import gettext
import pathlib

from django.utils import translation

import zhengwu.hall
from tests.joint.test_translations import entries
from zhengwu.hall.indicators import DEFINITIONS
from zhengwu.hall.models.queue import Appointment, BusinessType, Ticket
from zhengwu.hall.queue_services import MESSAGES


def test_complete_not_fuzzy_and_compiled():
    found = entries(zhengwu.hall)
    assert found
    assert [msgid for msgid, _s, fuzzy in found if fuzzy] == []
    assert [msgid for msgid, msgstr, _f in found if not msgstr] == []
    folder = pathlib.Path(zhengwu.hall.__file__).parent / "locale"
    compiled = gettext.translation("django", localedir=folder, languages=["zh_Hans"])
    assert compiled.gettext("Call next") == "叫下一号"


def _chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_every_label_and_message_is_chinese():
    labels = [
        *BusinessType.Kind.labels,
        *Ticket.State.labels,
        *Ticket.Source.labels,
        *Appointment.State.labels,
        *MESSAGES.values(),
        *(d.label for d in DEFINITIONS),
        *(d.formula for d in DEFINITIONS),
        *(d.basis for d in DEFINITIONS),
    ]
    with translation.override("zh-hans"):
        assert [str(label) for label in labels if not _chinese(label)] == []
