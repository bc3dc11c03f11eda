"""The annual report format's words (国办公开办函〔2021〕30号) for the keys of
``zhengwu.disclosure.annual``: the rows and columns of tables 三 and 四, and the report's
sections. The Chinese text is the format's own; docs/disclosure.md lists the keys beside it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.disclosure import annual

ROW_LABELS = {
    "received": _("I. Requests newly received this year"),
    "carried_over": _("II. Requests carried over from last year"),
    "disclosed": _("(1) Disclosed"),
    "partial": _("(2) Partly disclosed (counted only here when handled separately)"),
    "withheld_state_secret": _("1. State secret"),
    "withheld_prohibited_by_law": _("2. Disclosure forbidden by other laws or regulations"),
    "withheld_security_stability": _("3. Would endanger the three securities and one stability"),
    "withheld_third_party_rights": _("4. Protects a third party's lawful rights"),
    "withheld_internal_affairs": _("5. One of the three kinds of internal affairs information"),
    "withheld_process_information": _("6. One of the four kinds of process information"),
    "withheld_enforcement_file": _("7. An administrative enforcement file"),
    "withheld_administrative_query": _("8. An administrative enquiry matter"),
    "unavailable_not_held": _("1. This agency does not hold the information"),
    "unavailable_needs_creation": _("2. No existing information: it would have to be made"),
    "unavailable_still_unclear": _("3. Still unclear after the supplement"),
    "not_handled_petition": _("1. A petition, report or complaint"),
    "not_handled_repeated": _("2. A repeated request"),
    "not_handled_publication": _("3. Asks for public publications"),
    "not_handled_excessive": _("4. Many repeated requests without good reason"),
    "not_handled_confirmation": _(
        "5. Asks the agency to confirm or reissue information already obtained"
    ),
    "other_no_supplement": _(
        "1. The applicant did not supplement in time without good reason; the agency no longer "
        "processes the request"
    ),
    "other_fee_unpaid": _(
        "2. The applicant did not pay the fee notice in time; the agency no longer processes the "
        "request"
    ),
    "other_other": _("3. Other handling"),
    "results_total": _("(7) Total"),
    "carried_forward": _("IV. Carried forward to next year"),
}
assert tuple(ROW_LABELS) == annual.ROWS

RESULTS_HEADING = _("III. Results this year")
# The headings of the result groups (三 (三)–(六)), over the rows of their reasons.
GROUP_LABELS = {
    "withheld": _("(3) Not disclosed"),
    "unavailable": _("(4) Cannot be provided"),
    "not_handled": _("(5) Not processed"),
    "other": _("(6) Other handling"),
}
COLUMN_LABELS = {
    "person": _("Natural persons"),
    "business": _("Commercial enterprises"),
    "research": _("Research institutions"),
    "public_interest": _("Social welfare organisations"),
    "legal_service": _("Legal service institutions"),
    "other": _("Other organisations"),
    "total": _("Grand total"),
}
assert tuple(COLUMN_LABELS) == annual.COLUMNS
APPLICANTS_HEADING = _("Applicants")
ORGANIZATIONS_HEADING = _("Legal persons or other organisations")
BALANCE_NOTE = _(
    "(The figures of each column check: item I plus item II equals item III plus item IV)"
)

TABLE_THREE_TITLE = _("III. Requests for government information received and handled")
TABLE_FOUR_TITLE = _("IV. Administrative reconsideration and litigation about disclosure")

PROCEEDING_LABELS = {
    "reconsideration": _("Administrative reconsideration"),
    "lawsuit_direct": _("Sued without reconsideration"),
    "lawsuit_after_reconsideration": _("Sued after reconsideration"),
}
LITIGATION_HEADING = _("Administrative litigation")
TABLE_FOUR_COLUMN_LABELS = {
    "upheld": _("Result upheld"),
    "corrected": _("Result corrected"),
    "other": _("Other results"),
    "pending": _("Not yet concluded"),
    "total": _("Grand total"),
}
assert tuple(TABLE_FOUR_COLUMN_LABELS) == annual.TABLE_FOUR_COLUMNS

# The sections of the 年度报告 (the format's six); the four in prose are written on the page.
SECTION_LABELS = {
    "overview": _("I. Overview"),
    "proactive": _("II. Information disclosed on the agency's own initiative"),
    "requests": TABLE_THREE_TITLE,
    "litigation": TABLE_FOUR_TITLE,
    "problems": _("V. Main problems and improvements"),
    "other_matters": _("VI. Other matters to report"),
}
PROSE_SECTIONS = ("overview", "proactive", "problems", "other_matters")


def row_label(key: str) -> str:
    return str(ROW_LABELS[key])


def column_label(key: str) -> str:
    return str(COLUMN_LABELS[key])
