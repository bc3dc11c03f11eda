"""How supervision rows are shown: the evidence of an irregularity as labelled lines, rows of the
exports. Dates the Chinese way."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhengwu.cases.templatetags.case_tags import cn_date, cn_datetime, event_label, state_label
from zhengwu.core.display import people_by_login
from zhengwu.ratings.templatetags.rating_tags import level_label as rating_level_label
from zhengwu.ratings.templatetags.rating_tags import task_state_label
from zhengwu.supervision.models import CaseWarning, Irregularity, IrregularityKind


def _moment(value: str | None) -> str:
    import datetime as dt

    if not value:
        return ""
    try:
        return cn_datetime(dt.datetime.fromisoformat(value))
    except ValueError:
        return value


def evidence_lines(
    row: Irregularity, people: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """The evidence as (label, value) lines in the reader's language. The evidence keeps the
    actor's login (as the trail does); it is shown by the person's name, from ``people`` (login →
    name, see ``evidence_people``) or looked up."""
    e = row.evidence or {}
    if people is None:
        people = evidence_people([row])

    def who(login: str) -> str:
        return people.get(login, "") if login else ""

    lines: list[tuple[str, str]] = []
    if e.get("seq"):
        lines.append((_("Event"), f"#{e['seq']}"))
    if row.kind == IrregularityKind.DEEMED_ACCEPTANCE:
        lines += [
            (_("Intake due"), cn_date(e.get("intake_due"))),
            (_("Deemed accepted as of"), cn_date(e.get("accepted_on"))),
            (_("Recorded by the sweep"), _moment(e.get("recorded_at"))),
        ]
    elif row.kind == IrregularityKind.RETROACTIVE:
        lines += [
            (_("Action"), event_label(e.get("action", ""))),
            (_("Stated as happened"), _moment(e.get("occurred_at"))),
            (_("Recorded"), _moment(e.get("recorded_at"))),
            (_("Working days later"), str(e.get("lag_workdays", ""))),
            (_("Recorded by"), who(e.get("actor", ""))),
        ]
    elif row.kind == IrregularityKind.REPEAT_SUPPLEMENT:
        lines += [
            (_("Notice round"), str(e.get("round", ""))),
            (_("Materials not in the first notice"), "、".join(e.get("added", []))),
            (_("Materials asked for"), "、".join(e.get("missing", []))),
            (_("Issued by"), who(e.get("actor", ""))),
            (_("Issued"), _moment(e.get("occurred_at"))),
        ]
    elif row.kind == IrregularityKind.STEP_TIMEOUT:
        lines += [
            (
                _("Step"),
                _("Delivery") if e.get("step") == "delivery" else event_label(e.get("step", "")),
            ),
            (_("Decided on"), cn_date(e.get("decided_on"))),
            (_("Step due"), cn_date(e.get("due"))),
            (_("Still open on"), cn_date(e.get("as_of"))),
        ]
    elif row.kind == IrregularityKind.NO_CERTIFICATE:
        lines += [
            (
                _("Missing certificate"),
                _("Notice of acceptance")
                if e.get("step") == "acceptance"
                else _("Decision on the licence"),
            ),
            (_("State of the case"), state_label(e.get("state", "")) if e.get("state") else ""),
            (_("Accepted on"), cn_date(e.get("accepted_on"))),
            (_("Decided on"), cn_date(e.get("completed_on"))),
        ]
    elif row.kind == IrregularityKind.RECTIFICATION_OVERDUE:
        lines += [
            (_("Rectification task"), f"#{e['task']}" if e.get("task") else ""),
            (_("Rating"), rating_level_label(e.get("level", "")) if e.get("level") else ""),
            (_("Real name"), _("Yes") if e.get("real_name") else _("No")),
            (_("Rated on"), cn_date(e.get("rated_on"))),
            (_("Rectification due"), cn_date(e.get("due"))),
            (_("Task state"), task_state_label(e.get("state", ""))),
            (_("Still waiting on"), cn_date(e.get("as_of"))),
        ]
    elif row.kind == IrregularityKind.NO_DECISION_POWER:
        lines += [
            (_("Joint case"), e.get("joint", "")),
            (
                _("Joint review meeting"),
                _("Meeting %(seq)s") % {"seq": e["meeting"]} if e.get("meeting") else "",
            ),
            (_("Meeting date"), cn_date(e.get("held_on"))),
            (_("Topic"), e.get("topic", "")),
            (_("Attendee"), e.get("name", "")),
            (_("Post"), e.get("title", "")),
        ]
    return [(label, value) for label, value in lines if value]


def evidence_people(rows) -> dict[str, str]:
    """Login → person's name for the actors the evidence of ``rows`` names, in one query."""
    return people_by_login({(r.evidence or {}).get("actor") for r in rows} - {None, ""})


# Translated when the sheet is written (gettext_noop only marks them for the catalogue).
WARNING_HEADERS = (
    gettext_noop("Case number"),
    gettext_noop("Department"),
    gettext_noop("Level"),
    gettext_noop("Due date"),
    gettext_noop("Raised on"),
    gettext_noop("Told"),
)
IRREGULARITY_HEADERS = (
    gettext_noop("Case number"),
    gettext_noop("Department"),
    gettext_noop("Kind"),
    gettext_noop("Detected on"),
    gettext_noop("Status"),
    gettext_noop("Evidence"),
)


def warning_row(row: CaseWarning, told: list[str]) -> list[str]:
    return [
        row.case.number,
        row.department.name,
        str(row.get_level_display()),
        cn_date(row.due),
        cn_date(row.raised_on),
        "、".join(told),
    ]


def irregularity_row(row: Irregularity, people: dict[str, str] | None = None) -> list[str]:
    return [
        row.case.number,
        row.department.name,
        str(row.get_kind_display()),
        cn_date(row.detected_on),
        str(row.get_status_display()),
        "；".join(f"{label}：{value}" for label, value in evidence_lines(row, people)),
    ]
