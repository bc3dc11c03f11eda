"""The pages' words for the engine's keys (``zhengwu.disclosure.rules``): reply types, the annual
report's reasons, consultations, the receipt rule of art. 31 and the trail's steps. Words only:
which reply takes which reason is ``rules.REPLY_TYPES`` / ``rules.RESULTS``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.disclosure import annual, annual_labels, rules

# The reply types (art. 36 (1)–(7), art. 37, and the report's own categories).
REPLY_TYPES = {
    "published": _("Already published: say where (art. 36(1))"),
    "disclosed": _("Disclosed (art. 36(2))"),
    "partial": _("Partly disclosed (art. 37)"),
    "withheld": _("Not disclosed, with the reason (art. 36(3))"),
    "not_exist": _("The information does not exist (art. 36(4))"),
    "not_ours": _("Not this agency's: name the right one (art. 36(5))"),
    "duplicate": _("A repeated request (art. 36(6))"),
    "special_law": _(
        "Handled under a special law, e.g. business or property registers (art. 36(7))"
    ),
    "unavailable": _("Cannot be provided, with the reason"),
    "not_handled": _("Not processed, with the reason"),
    "other": _("Otherwise handled, with the reason"),
}
assert set(REPLY_TYPES) == set(rules.REPLY_TYPES)

# The reasons of each result are the annual report's rows (``annual.result_row``), in its words.
REASON_RESULTS = tuple(r for r in rules.Result if rules.RESULTS[r])


def reason_choices() -> list:
    """The reasons grouped by result, as ``"<result>:<n>"`` values."""
    return [
        (
            annual_labels.GROUP_LABELS[result],
            [
                (f"{result}:{n}", annual_labels.row_label(annual.result_row(result, n)))
                for n in rules.RESULTS[result]
            ],
        )
        for result in REASON_RESULTS
    ]


def reason_label(result: str, reason: int | None) -> str:
    try:
        return annual_labels.row_label(annual.result_row(result, reason))
    except (KeyError, ValueError):
        return ""


CONSULT_KINDS = [
    (rules.ConsultKind.THIRD_PARTY.value, _("A third party (art. 32)")),
    (rules.ConsultKind.AGENCY.value, _("Another agency (art. 34)")),
]
CONSULT_ANSWERS = [
    (rules.ConsultAnswer.AGREE.value, _("Agrees to the disclosure")),
    (rules.ConsultAnswer.OBJECT.value, _("Objects to the disclosure")),
    (rules.ConsultAnswer.SILENT.value, _("No answer in the period")),
]

EVENT_LABELS = {
    "file": _("Request received"),
    "route": _("Routed to the department"),
    "request_supplement": _("Supplement asked for"),
    "supplement": _("Supplement received"),
    "abandon": _("Deemed abandoned"),
    "consult": _("Opinions asked for"),
    "consulted": _("Opinion recorded"),
    "extend": _("Reply period extended"),
    "ask_reasons": _("Reasons asked for (art. 35)"),
    "reasons": _("Reasons received"),
    "defer": _("Reply deadline delayed (art. 35)"),
    "fee": _("Fee notice sent"),
    "paid": _("Fee paid"),
    "reply": _("Replied"),
    "to_ticket": _("Turned into a hotline ticket"),
    "deliver": _("Reply delivered"),
    "withdraw": _("Withdrawn"),
}

# What an application that is not one really is (art. 39): the hotline takes it.
HOTLINE_KINDS = [
    ("complaint", _("A complaint (投诉)")),
    ("report", _("A report of wrongdoing (举报)")),
    ("help", _("A petition or a request for help (信访、求助)")),
]
