"""What the joint case pages show, shared by the staff page and the applicant's portal page:
the clock in plain words with its definitions, the items with their cases, the materials
(handed in, reused from a licence, missing) and the trail. Reads only; no rules."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases.models import CaseCompletion, CaseLevel, CaseState
from zhengwu.cases.selectors import visible_cases
from zhengwu.core.display import cn_date, cn_datetime, people_by_login
from zhengwu.core.presenters import chained_event
from zhengwu.joint import selectors
from zhengwu.joint.models import JointCase, JointState

EVENT_LABELS = {
    "submit": gettext_lazy("Joint application received"),
    "request_supplement": gettext_lazy("One-time notice for every item"),
    "supplement": gettext_lazy("Materials supplemented"),
    "accept": gettext_lazy("Joint application accepted"),
    "refuse": gettext_lazy("Joint application not accepted"),
    "open_stage": gettext_lazy("Next stage opened"),
    "extend": gettext_lazy("Joint period extended"),
    "complete": gettext_lazy("Every item decided"),
    "stop": gettext_lazy("Stopped by a denial"),
    "deliver": gettext_lazy("Delivered at once"),
    "withdraw": gettext_lazy("Joint application withdrawn"),
}
DELIVERY_LABELS = {
    "window": gettext_lazy("At the window"),
    "mail": gettext_lazy("By mail"),
    "electronic": gettext_lazy("Electronically"),
}
CHANNEL_LABELS = {"window": gettext_lazy("Window"), "online": gettext_lazy("Online")}
# The joint notices (print view and Word): the legal acts of the joint intake.
NOTICE_KINDS = frozenset({"request_supplement", "accept", "refuse", "extend"})
STATE_COLOURS = {
    "submitted": "primary",
    "supplement_requested": "warning",
    "accepted": "info",
    "completed": "success",
    "stopped": "danger",
    "delivered": "success",
    "refused": "dark",
    "withdrawn": "secondary",
}


def state_label(state: str) -> str:
    try:
        return str(JointState(state).label)
    except ValueError:
        return ""


def level_label(level: str) -> str:
    try:
        return str(CaseLevel(level).label)
    except ValueError:
        return ""


def child_state_label(state: str | None, closed: bool) -> str:
    if state is None:
        return _("Closed without a case") if closed else _("Waiting for its stage")
    try:
        return str(CaseState(state).label)
    except ValueError:
        return ""


def clock_lines(joint: JointCase) -> list[dict]:
    """The joint clock in plain words, each line with its definition."""
    lines = []

    def add(testid, label, value, definition=""):
        lines.append({"testid": testid, "label": label, "value": value, "definition": definition})

    add("received-on", _("Received on"), cn_date(joint.received_on))
    if joint.accepted_on:
        add("accepted-on", _("Accepted on"), cn_date(joint.accepted_on))
    if joint.promised_due:
        add(
            "promised-due",
            _("Promised completion"),
            cn_date(joint.promised_due),
            _("The scene's promised limit of %(days)s working days, counted from the acceptance.")
            % {"days": joint.scene_version.promised_limit},
        )
    if joint.statutory_due:
        add(
            "statutory-due",
            _("Statutory limit"),
            cn_date(joint.statutory_due),
            _(
                "45 working days from the acceptance for joint handling (Administrative "
                "Licensing Law art. 42), plus the extension, plus the working days some item was "
                "in a special procedure."
            ),
        )
    add(
        "suspended-workdays",
        _("Working days not counted"),
        _("%(n)s working days") % {"n": joint.suspended_workdays},
        _(
            "Working days on which at least one item was in a special procedure (art. 45); a "
            "day counts once however many items were suspended."
        ),
    )
    add(
        "extension-workdays",
        _("Extension"),
        _("%(n)s working days") % {"n": joint.extension_workdays}
        if joint.extension_workdays
        else _("None"),
        _("At most 15 working days, once, approved by the head of the government with a reason."),
    )
    if joint.is_open and joint.level:
        add("level", _("Level"), level_label(joint.level))
    if joint.completed_on:
        completion = CaseCompletion(joint.completion).label if joint.completion else ""
        add(
            "completed-on",
            _("Completed on"),
            f"{cn_date(joint.completed_on)} {completion}".strip(),
            _("Early or on time against the promised date; late after it."),
        )
    if joint.delivered_on:
        add("delivered-on", _("Delivered on"), cn_date(joint.delivered_on))
    return lines


def children(user, joint: JointCase, *, staff_links: bool) -> list[dict]:
    """The items by stage: a child of another department shows only its item, department and
    stage to a co-reviewing department (``selectors.child_visible``)."""
    rows = []
    entries = list(
        joint.children.select_related(
            "item__current_version", "department", "case__item_version"
        ).order_by("stage", "position", "id")
    )
    linked: set[int] = set()
    if staff_links:
        # A link to a case page only for the cases that page shows this reader (one query).
        linked = set(
            visible_cases(user)
            .filter(pk__in=[c.case_id for c in entries if c.case_id])
            .values_list("pk", flat=True)
        )
    for child in entries:
        shown = selectors.child_visible(user, joint, child)
        case = child.case if shown else None
        rows.append(
            {
                "child": child,
                "stage": child.stage + 1,
                "item_name": (
                    case.item_version.name
                    if case
                    else (child.item.current_version.name if child.item.current_version else "")
                ),
                "department": child.department.name,
                "shown": shown,
                "case": case,
                "state": child_state_label(case.state if case else None, bool(child.closed_reason))
                if shown
                else "",
                "state_value": (case.state if case else "") if shown else "",
                "statutory_due": cn_date(case.statutory_due) if case else "",
                "level": level_label(case.level) if case and case.is_open else "",
                "level_value": case.level if case and case.is_open else "",
                "closed_reason": child.closed_reason if shown else "",
                "link": case is not None and case.pk in linked,
            }
        )
    return rows


def materials(joint: JointCase) -> list[dict]:
    """Every material of the merged list: handed in, reused (with the licence number), asked for
    by the notice, or missing."""
    items = dict(
        joint.scene_version.items.values_list("item__impl_code", "item__current_version__name")
    )
    out = []
    for material in joint.scene_version.materials.all():
        if material.code in joint.materials:
            status, text = "handed_in", _("Handed in")
        elif material.code in joint.reused:
            status = "reused"
            text = _("Reused from licence %(number)s") % {"number": joint.reused[material.code]}
        elif material.code in joint.missing:
            status, text = "asked", _("Asked for in the one-time notice")
        elif material.required:
            status, text = "missing", _("Missing")
        else:
            status, text = "optional", _("Optional, not handed in")
        out.append(
            {
                "material": material,
                "status": status,
                "text": text,
                "items": "、".join(items.get(code) or code for code in material.sources),
            }
        )
    return out


def _names(joint: JointCase, codes) -> str:
    names = dict(joint.scene_version.materials.values_list("code", "name"))
    return "、".join(names.get(code, code) for code in codes or [])


def trail(joint: JointCase, *, notice_url=None) -> list[dict]:
    """The joint case's hash-chained steps in words (``core.presenters.chained_event``)."""
    rows = list(joint.events.order_by("seq"))
    people = people_by_login([row.actor_name for row in rows if row.actor_name])
    out = []
    for row in rows:
        event = chained_event(row)
        data = event["data"] or {}
        details = []
        kind = event["kind"]
        if kind == "submit":
            details.append((_("Channel"), str(CHANNEL_LABELS.get(data.get("channel"), ""))))
            details.append((_("Materials"), _names(joint, data.get("materials")) or "—"))
            if data.get("reused"):
                details.append(
                    (
                        _("Reused from licences"),
                        "、".join(
                            f"{_names(joint, [code])}（{number}）"
                            for code, number in data["reused"].items()
                        ),
                    )
                )
        elif kind == "request_supplement":
            details.append((_("Materials asked for"), _names(joint, data.get("missing"))))
        elif kind == "supplement":
            details.append((_("Materials"), _names(joint, data.get("materials"))))
        elif kind == "open_stage":
            details.append((_("Stage"), str((data.get("stage") or 0) + 1)))
        elif kind == "extend":
            details.append((_("Working days"), str(data.get("workdays", ""))))
        elif kind == "deliver":
            details.append((_("Delivery method"), str(DELIVERY_LABELS.get(data.get("method"), ""))))
        if data.get("reason"):
            details.append((_("Reason"), data["reason"]))
        if data.get("note"):
            details.append((_("Note"), data["note"]))
        out.append(
            {
                "seq": event["seq"],
                "kind": kind,
                "label": str(EVENT_LABELS.get(kind, "")),
                "when": cn_datetime(row.occurred_at),
                "actor": people.get(row.actor_name, _("System")) if row.actor_name else _("System"),
                "retroactive": event["retroactive"],
                "details": details,
                "notice": notice_url(event["seq"]) if notice_url and kind in NOTICE_KINDS else "",
            }
        )
    return out
