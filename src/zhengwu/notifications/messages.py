"""The words of a notification, rendered in the reader's language when shown or sent."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases.models import CaseEvent, CaseLevel
from zhengwu.cases.notices import issued_licence
from zhengwu.cases.selectors import as_of_today
from zhengwu.core import clock
from zhengwu.core.display import cn_date
from zhengwu.notifications.models import APPLICANT_KINDS, Notification, NotificationKind

# What the applicant is told of each step (title), by the event's kind.
STEP_TITLES = {
    "request_supplement": gettext_lazy("materials to supplement (one-time notice)"),
    "accept": gettext_lazy("application accepted"),
    "deem_accept": gettext_lazy("application deemed accepted"),
    "refuse": gettext_lazy("application not accepted"),
    "suspend": gettext_lazy("paused for a special procedure"),
    "resume": gettext_lazy("review resumed"),
    "extend": gettext_lazy("decision period extended"),
    "decide_grant": gettext_lazy("licence granted"),
    "decide_deny": gettext_lazy("licence not granted"),
    "deliver": gettext_lazy("result delivered"),
    "supplement_due": gettext_lazy("the supplement period is ending"),
}
DELIVERY_METHODS = {
    "window": gettext_lazy("collected at the window"),
    "mail": gettext_lazy("sent by post"),
    "electronic": gettext_lazy("delivered electronically"),
}


JOINT_KINDS = (NotificationKind.JOINT_WARNING, NotificationKind.JOINT_IRREGULARITY)
# The hall's staffing: worded by ``zhengwu.hall.staffing_messages``.
HALL_KINDS = (NotificationKind.HALL_IRREGULARITY, NotificationKind.DUTY_ROSTER)


def _hall():
    from zhengwu.hall import staffing_messages

    return staffing_messages


def joint_finding(notification: Notification):
    """The joint case warning or irregularity a lead department's notification tells of, with
    its joint case (read once per notification), or None."""
    if notification.kind not in JOINT_KINDS:
        return None
    if not hasattr(notification, "_joint_finding"):
        from zhengwu.supervision.models import JointIrregularity, JointWarning

        model = (
            JointWarning
            if notification.kind == NotificationKind.JOINT_WARNING
            else (JointIrregularity)
        )
        notification._joint_finding = (
            model.objects.select_related("joint").filter(pk=notification.source_id).first()
        )
    return notification._joint_finding


def read_findings(notifications) -> None:
    """Read the joint findings and the measure findings a page of ``notifications`` tells of,
    one query per kind of finding, so that ``joint_finding`` and ``measure_finding`` read none."""
    from zhengwu.evaluation.models.rectification import MeasureFinding
    from zhengwu.supervision.models import JointIrregularity, JointWarning

    wanted = [
        (NotificationKind.JOINT_WARNING, "_joint_finding", JointWarning, "joint"),
        (NotificationKind.JOINT_IRREGULARITY, "_joint_finding", JointIrregularity, "joint"),
        (NotificationKind.MEASURE, "_measure_finding", MeasureFinding, "measure__rectification"),
    ]
    for kind, attribute, model, related in wanted:
        rows = [n for n in notifications if n.kind == kind and not hasattr(n, attribute)]
        if not rows:
            continue
        found = model.objects.select_related(related).in_bulk({n.source_id for n in rows})
        for n in rows:
            setattr(n, attribute, found.get(n.source_id))


def _joint_title(notification: Notification) -> str:
    from zhengwu.supervision.models import JointIrregularityKind

    found = joint_finding(notification)
    number = found.joint.number if found is not None else ""
    if notification.kind == NotificationKind.JOINT_WARNING:
        label = dict(CaseLevel.choices).get(notification.code, notification.code)
        return _("Joint case %(number)s: %(level)s") % {"number": number, "level": label}
    label = dict(JointIrregularityKind.choices).get(notification.code, notification.code)
    return _("Joint case %(number)s: irregularity found: %(kind)s") % {
        "number": number,
        "kind": label,
    }


def measure_finding(notification: Notification):
    """The sweep's finding on a rectification measure a notification tells of, with its measure
    (read once per notification), or None."""
    if notification.kind != NotificationKind.MEASURE:
        return None
    if not hasattr(notification, "_measure_finding"):
        from zhengwu.evaluation.models.rectification import MeasureFinding

        notification._measure_finding = (
            MeasureFinding.objects.select_related("measure__rectification")
            .filter(pk=notification.source_id)
            .first()
        )
    return notification._measure_finding


def _measure_title(notification: Notification) -> str:
    found = measure_finding(notification)
    if found is None:
        return str(NotificationKind.MEASURE.label)
    return _("Rectification %(number)s: %(kind)s") % {
        "number": found.measure.rectification.number,
        "kind": found.get_kind_display(),
    }


def _measure_body(notification: Notification) -> str:
    found = measure_finding(notification)
    if found is None:
        return title(notification)
    return _("%(title)s. Measure: %(text)s. Due %(due)s.") % {
        "title": title(notification),
        "text": found.measure.text[:200],
        "due": _cn(found.due),
    }


def title(notification: Notification) -> str:
    if notification.kind in HALL_KINDS:
        return _hall().title(notification)
    if notification.kind in JOINT_KINDS:
        return _joint_title(notification)
    if notification.kind == NotificationKind.MEASURE:
        return _measure_title(notification)
    number = notification.case.number if notification.case_id else ""
    if notification.kind in APPLICANT_KINDS:
        label = STEP_TITLES.get(notification.code, notification.code)
        return _("Case %(number)s: %(step)s") % {"number": number, "step": label}
    if notification.kind == NotificationKind.WARNING:
        label = dict(CaseLevel.choices).get(notification.code, notification.code)
        return _("Case %(number)s: %(level)s") % {"number": number, "level": label}
    from zhengwu.supervision.models import IrregularityKind

    label = dict(IrregularityKind.choices).get(notification.code, notification.code)
    return _("Case %(number)s: irregularity found: %(kind)s") % {"number": number, "kind": label}


def events_of(notifications) -> dict[int, CaseEvent]:
    """The case events the applicants' messages among ``notifications`` tell of, in one query
    (id → event), for ``body(..., events=)`` over a page of them."""
    ids = [n.source_id for n in notifications if n.kind in APPLICANT_KINDS]
    return CaseEvent.objects.in_bulk(ids) if ids else {}


def body(notification: Notification, *, events: dict[int, CaseEvent] | None = None) -> str:
    if notification.kind in HALL_KINDS:
        return _hall().body(notification)
    if notification.kind in JOINT_KINDS:
        return _joint_body(notification)
    if notification.kind == NotificationKind.MEASURE:
        return _measure_body(notification)
    case = notification.case
    if case is None:
        return title(notification)
    if notification.kind in APPLICANT_KINDS:
        return _applicant_body(notification, case, events)
    as_of_today(case)
    if notification.kind == NotificationKind.WARNING:
        return _warning_body(notification, case)
    return _("%(title)s. A supervisor will review it; the case page shows the evidence.") % {
        "title": title(notification)
    }


def _warning_body(notification: Notification, record) -> str:
    """A warning's words: the due dates of the case or joint case ``record``."""
    return _(
        "%(title)s. Promised due date %(promised)s, statutory due date %(statutory)s. "
        "Please handle it in time."
    ) % {
        "title": title(notification),
        "promised": _cn(record.promised_due),
        "statutory": _cn(record.statutory_due),
    }


def _joint_body(notification: Notification) -> str:
    found = joint_finding(notification)
    if found is None:
        return title(notification)
    if notification.kind == NotificationKind.JOINT_WARNING:
        return _warning_body(notification, found.joint)
    return _("%(title)s. A supervisor will review it.") % {"title": title(notification)}


def _materials(case, codes) -> str:
    names = {m.code: m.name for m in case.item_version.materials.all()}
    return "、".join(names.get(code, code) for code in codes)


def _applicant_body(notification: Notification, case, events=None) -> str:
    """The words of a step for the applicant: what happened, what it means for them, what to
    do; the notice itself is in the portal."""
    if events is None:
        event = CaseEvent.objects.filter(pk=notification.source_id, case_id=case.pk).first()
    else:
        event = events.get(notification.source_id)
        event = event if event is not None and event.case_id == case.pk else None
    data = (event.data if event is not None else None) or {}
    words = {
        "title": title(notification),
        "item": case.item_version.name,
        "date": _cn(clock.local_date(event.occurred_at)) if event is not None else "—",
        "promised": _cn(case.promised_due),
        "statutory": _cn(case.statutory_due),
        "reason": data.get("reason", ""),
    }
    code = notification.code
    if code == "request_supplement":
        text = _(
            "%(title)s. For “%(item)s”, please hand in all of these materials: %(materials)s."
        ) % {**words, "materials": _materials(case, data.get("missing", []))}
        if data.get("due"):
            text += _(" Hand them in by %(due)s.") % {"due": _cn(data["due"])}
        return text
    if code == "supplement_due":
        return _(
            "%(title)s. For “%(item)s”, the period to hand in the missing materials ends on "
            "%(due)s. Still missing: %(materials)s."
        ) % {
            **words,
            "due": _cn(case.supplement_due or data.get("due")),
            "materials": _materials(case, case.missing),
        }
    if code in ("accept", "deem_accept"):
        return (
            _(
                "%(title)s. “%(item)s” is accepted; the decision is due by %(promised)s "
                "(statutory limit %(statutory)s)."
            )
            % words
        )
    if code in ("refuse", "decide_deny"):
        return (
            _(
                "%(title)s. Reason: %(reason)s. The notice in the portal states your rights of "
                "review and appeal."
            )
            % words
        )
    if code == "suspend":
        return (
            _(
                "%(title)s. Since %(date)s a special procedure is under way; its time is not "
                "counted in the decision limit."
            )
            % words
        )
    if code in ("resume", "extend"):
        return _("%(title)s. The decision is now due by %(promised)s.") % words
    if code == "decide_grant":
        return _("%(title)s. “%(item)s” is granted; the result will be delivered by %(due)s.") % {
            **words,
            "due": _cn(case.delivery_due),
        }
    if code == "deliver":
        method = data.get("method", "")
        text = _("%(title)s: %(method)s on %(date)s.") % {
            **words,
            "method": DELIVERY_METHODS.get(method, method),
        }
        if method == "electronic" and issued_licence(case) is not None:
            text += _(" Download the decision and the licence in the portal.")
        elif method == "electronic":
            text += _(" Download the decision in the portal.")
        return text
    return words["title"]


def link(notification: Notification) -> str:
    if notification.kind in HALL_KINDS:
        return _hall().link(notification)
    if notification.kind in JOINT_KINDS:
        found = joint_finding(notification)
        if found is not None:
            return reverse("joint:detail", args=[found.joint.number])
    if notification.kind == NotificationKind.MEASURE:
        found = measure_finding(notification)
        if found is not None:
            return reverse("evaluation:rectification_measure", args=[found.measure_id])
    if notification.case_id is None:
        return reverse("notifications:inbox")
    if notification.kind in APPLICANT_KINDS:
        return reverse("portal:case", args=[notification.case.number])
    return reverse("cases:detail", args=[notification.case.number])


def _cn(day) -> str:
    return cn_date(day) or "—"
