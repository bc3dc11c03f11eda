"""The written notices of a joint case's intake, made with the cases' notice machinery
(``cases.notices.Notice``, its print template and ``render_docx``): the one-time notice listing
every missing material across the items, the acceptance (with the items' cases opened), the
refusal and the extension of the joint period. Only those who see the whole joint case (the
lead department's staff, center-wide roles and the applicant) read them; anyone else gets
``NotFound``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.cases import presenters
from zhengwu.cases.notices import NOTICE_TITLES, Notice
from zhengwu.core import clock
from zhengwu.core.display import cn_date
from zhengwu.core.errors import NotFound
from zhengwu.joint import pages, selectors
from zhengwu.joint.models import JointCase


def _remedies() -> str:
    return _(
        "If you do not agree with this decision, you may apply for administrative "
        "reconsideration within sixty days of receiving it, or bring an administrative suit "
        "within six months."
    )


def build(joint: JointCase, seq: int, *, masked: bool) -> Notice:
    event = joint.events.filter(seq=seq).first()
    if event is None or event.kind not in pages.NOTICE_KINDS:
        raise NotFound()
    data = event.data or {}
    on = clock.local_date(event.occurred_at)
    shown = presenters.applicant(joint, masked=masked)
    notice = Notice(
        kind=event.kind,
        title=str(NOTICE_TITLES[event.kind]),
        number=joint.number,
        seq=event.seq,
        applicant_name=shown["name"],
        applicant_number=shown["number"],
        item_name=joint.scene_version.name,
        department_name=joint.lead_department.name,
        date=on,
        date_cn=cn_date(on),
    )
    words = {
        "applicant": shown["name"],
        "scene": joint.scene_version.name,
        "received": cn_date(joint.received_on),
        "number": joint.number,
    }
    add = notice.paragraphs.append
    names = dict(joint.scene_version.materials.values_list("code", "name"))
    if event.kind == "request_supplement":
        notice.materials = [names.get(code, code) for code in data.get("missing", [])]
        add(
            _(
                "%(applicant)s: the materials of your joint application “%(scene)s”, received on "
                "%(received)s, are incomplete. This notice lists, once and for every item of the "
                "application, all of the materials still needed:"
            )
            % words
        )
        if data.get("note"):
            add(_("Note: %(note)s") % {"note": data["note"]})
        add(
            _(
                "Once the materials are complete, the lead department accepts the application "
                "for every item at once."
            )
        )
        notice.dates.append((_("Notice date"), cn_date(on)))
    elif event.kind == "accept":
        items = [
            child.item.current_version.name if child.item.current_version else ""
            for child in joint.children.filter(stage=0).select_related("item__current_version")
        ]
        add(
            _(
                "%(applicant)s: your joint application “%(scene)s”, received on %(received)s, "
                "is complete and accepted for every item. The first items are handled in "
                "parallel by their departments: %(items)s."
            )
            % {**words, "items": "、".join(items)}
        )
        add(
            _(
                "Every decision will be delivered to you at once. The time taken by special "
                "procedures is not counted."
            )
        )
        notice.dates.append((_("Accepted on"), cn_date(joint.accepted_on or on)))
        if joint.promised_due:
            notice.dates.append((_("Promised completion"), cn_date(joint.promised_due)))
        if joint.statutory_due:
            notice.dates.append((_("Statutory limit"), cn_date(joint.statutory_due)))
    elif event.kind == "refuse":
        add(
            _(
                "%(applicant)s: your joint application “%(scene)s”, received on %(received)s, "
                "has been examined and is not accepted, for this reason: %(reason)s"
            )
            % {**words, "reason": data.get("reason", "")}
        )
        add(_remedies())
    elif event.kind == "extend":
        add(
            _(
                "%(applicant)s: your joint application “%(scene)s” cannot be completed within "
                "45 working days. With the approval of the head of the government the period is "
                "extended by %(workdays)s working days, for this reason: %(reason)s"
            )
            % {**words, "workdays": data.get("workdays", ""), "reason": data.get("reason", "")}
        )
        if joint.statutory_due:
            notice.dates.append((_("Statutory limit"), cn_date(joint.statutory_due)))
    return notice


def notice_for(user, number: str, seq: int) -> tuple[JointCase, Notice]:
    """The notice of event ``seq`` of joint case ``number`` for ``user``."""
    joint = (
        selectors.visible(user)
        .select_related("scene_version", "lead_department", "applicant")
        .filter(number=str(number or "")[:32])
        .first()
    )
    if joint is None or not selectors.sees_everything(user, joint):
        raise NotFound()
    handles = joint.owner_id == user.pk or selectors.leads(user, joint)
    return joint, build(joint, seq, masked=not handles)
