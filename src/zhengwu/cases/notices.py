"""The written certificates of a case (DOMAIN §3.8): built from the case and its events.

- 受理通知书 for ``accept`` and ``deem_accept``;
- 不予受理决定书 for ``refuse``;
- 一次性告知书 for every ``request_supplement`` (every material asked for, by name, and the note);
- 特别程序告知书 for ``suspend`` (the procedure, the reason, and that its time is not counted);
- 延期告知书 for ``extend`` (the working days, the reason, the new due dates);
- 准予 / 不予许可决定书 for ``decide_grant`` / ``decide_deny``.

The due dates a notice states are those the case had right after the event, recomputed from the
events up to it (a later extension does not rewrite an earlier certificate). ``notice_for`` is the
one access check: the staff who see the case and its applicant (owner) alike, via
``selectors.visible_cases``; anyone else gets ``NotFound``.

A decision notice may carry a QR code (the link to rate the service). The cases app does not know
who answers it: an app built on cases registers the link in its ``AppConfig.ready()`` with
``register_decision_qr`` (the ratings app does); with none registered, no notice carries a code.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases import presenters, services
from zhengwu.cases.clocks import Clocks
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.selectors import staff_department_ids, visible_cases
from zhengwu.cases.templatetags.case_tags import cn_date, procedure_label
from zhengwu.core import clock
from zhengwu.core.documents import OfficialDocument, content_disposition
from zhengwu.core.documents import render_docx as render_docx_document
from zhengwu.core.errors import NotFound, ZhengwuError

NOTICE_TITLES = {
    "accept": gettext_lazy("Notice of acceptance"),
    "deem_accept": gettext_lazy("Notice of acceptance"),
    "refuse": gettext_lazy("Decision not to accept the application"),
    "request_supplement": gettext_lazy("One-time notice of materials to supplement"),
    "suspend": gettext_lazy("Notice of a special procedure"),
    "extend": gettext_lazy("Notice of extension"),
    "decide_grant": gettext_lazy("Decision to grant the licence"),
    "decide_deny": gettext_lazy("Decision not to grant the licence"),
}
NOTICE_KINDS = frozenset(NOTICE_TITLES)
# Short ASCII names of the certificates, for the fallback download file name.
ASCII_NAMES = {
    "accept": "acceptance",
    "deem_accept": "acceptance",
    "refuse": "refusal",
    "request_supplement": "supplement-notice",
    "suspend": "special-procedure",
    "extend": "extension",
    "decide_grant": "grant",
    "decide_deny": "denial",
    "licence": "licence",
}


def has_notice(kind: str) -> bool:
    return kind in NOTICE_KINDS


@dataclass
class Notice:
    kind: str
    title: str
    number: str
    seq: int
    applicant_name: str
    applicant_number: str
    item_name: str
    department_name: str
    date: dt.date
    date_cn: str
    paragraphs: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    rating_path: str = ""  # a decision notice carries the signed rating link (QR code)

    @property
    def filename(self) -> str:
        return f"{self.title}-{self.number}.docx"

    @property
    def ascii_filename(self) -> str:
        return f"{ASCII_NAMES.get(self.kind, 'notice')}-{self.number}-{self.seq}.docx"

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename, self.ascii_filename)


def _clocks_after(case: Case, rows: list[CaseEvent]) -> Clocks | None:
    """The case's clocks right after the last of ``rows`` (None when they cannot be computed)."""
    try:
        return services.clocks_after(case, rows)
    except ZhengwuError:  # a certificate still shows the stored dates
        return None


def _value(clocks: Clocks | None, case: Case, name: str):
    return getattr(clocks, name) if clocks is not None else getattr(case, name)


def material_names(case: Case) -> dict[str, str]:
    return dict(case.item_version.materials.order_by("position", "id").values_list("code", "name"))


def build(case: Case, rows: list[CaseEvent], *, masked: bool = False) -> Notice:
    """The certificate of the last of ``rows`` (the case's events up to it, in order)."""
    event = rows[-1]
    if event.kind not in NOTICE_KINDS:
        raise NotFound()
    person = presenters.applicant(case, masked=masked)
    clocks = _clocks_after(case, rows)
    on = clock.local_date(event.occurred_at)
    data = event.data or {}
    notice = Notice(
        kind=event.kind,
        title=str(NOTICE_TITLES[event.kind]),
        number=case.number,
        seq=event.seq,
        applicant_name=person["name"],
        applicant_number=person["number"],
        item_name=case.item_version.name,
        department_name=case.department.name,
        date=on,
        date_cn=cn_date(on),
    )
    words = {
        "applicant": person["name"],
        "item": case.item_version.name,
        "received": cn_date(case.received_on),
        "date": cn_date(on),
        "number": case.number,
    }
    promised = _value(clocks, case, "promised_due")
    statutory = _value(clocks, case, "statutory_due")
    accepted = _value(clocks, case, "accepted_on")
    add = notice.paragraphs.append

    def due(label, day):
        if day:
            notice.dates.append((label, cn_date(day)))

    kind = event.kind
    if kind in ("accept", "deem_accept"):
        words["accepted"] = cn_date(accepted or on)
        if kind == "deem_accept":
            words["intake_due"] = cn_date(data.get("intake_due") or case.intake_due)
            add(
                _(
                    "%(applicant)s: your application for “%(item)s”, received on %(received)s, "
                    "was not dealt with within the intake limit (%(intake_due)s). Under article "
                    "32 of the Administrative Licensing Law it is deemed accepted as of "
                    "%(accepted)s."
                )
                % words
            )
            notice.flags.append(_("Deemed accepted"))
        else:
            add(
                _(
                    "%(applicant)s: your application for “%(item)s”, received on %(received)s, "
                    "has been examined. The materials are complete and in the statutory form; "
                    "the application is accepted as of %(accepted)s."
                )
                % words
            )
        if statutory:
            add(
                _(
                    "A decision will be made by %(due)s at the latest. The time taken by "
                    "hearings, inspections and other special procedures is not counted."
                )
                % {"due": cn_date(promised or statutory)}
            )
        due(_("Accepted on"), accepted)
        due(_("Promised decision date"), promised)
        due(_("Statutory decision date"), statutory)
    elif kind == "refuse":
        add(
            _(
                "%(applicant)s: your application for “%(item)s”, received on %(received)s, has "
                "been examined and is not accepted, for this reason: %(reason)s"
            )
            % {**words, "reason": data.get("reason", "")}
        )
        add(_remedies())
    elif kind == "request_supplement":
        names = material_names(case)
        notice.materials = [names.get(code, code) for code in data.get("missing", [])]
        add(
            _(
                "%(applicant)s: the materials of your application for “%(item)s”, received on "
                "%(received)s, are incomplete or not in the statutory form. Please hand in all of "
                "the following materials:"
            )
            % words
        )
        if data.get("note"):
            add(_("Note: %(note)s") % {"note": data["note"]})
        add(
            _(
                "Once the materials are complete, your application will be dealt with under the "
                "law. The intake limit runs again from the day you hand them in."
            )
        )
        round_ = data.get("round") or 1
        if round_ > 1:
            notice.flags.append(_("Notice number %(round)s") % {"round": round_})
        due(_("Notice date"), on)
        due(_("Hand the materials in by"), data.get("due"))
    elif kind == "suspend":
        add(
            _(
                "%(applicant)s: in handling your application for “%(item)s”, a special "
                "procedure (%(procedure)s) is needed from %(date)s, for this reason: %(reason)s"
            )
            % {
                **words,
                "procedure": procedure_label(data.get("procedure")),
                "reason": data.get("reason", ""),
            }
        )
        add(
            _(
                "Under article 45 of the Administrative Licensing Law, the time the special "
                "procedure takes is not counted in the decision limit. You will be told when it "
                "ends."
            )
        )
        due(_("Special procedure since"), on)
        due(_("Accepted on"), accepted)
    elif kind == "extend":
        add(
            _(
                "%(applicant)s: your application for “%(item)s” cannot be decided within the "
                "statutory limit. With the approval of the head of this department the decision "
                "period is extended by %(workdays)s working days, for this reason: %(reason)s"
            )
            % {**words, "workdays": data.get("workdays", ""), "reason": data.get("reason", "")}
        )
        if statutory:
            add(
                _("The decision will be made by %(due)s at the latest.")
                % {"due": cn_date(statutory)}
            )
        due(_("New promised decision date"), promised)
        due(_("New statutory decision date"), statutory)
    elif kind == "decide_grant":
        add(
            _(
                "%(applicant)s: your application for “%(item)s” (case %(number)s) has been "
                "examined and meets the statutory conditions and standards. It is decided to "
                "grant the licence."
            )
            % words
        )
        if data.get("reason"):
            add(_("Reasons: %(reason)s") % {"reason": data["reason"]})
        delivery = _value(clocks, case, "delivery_due")
        if delivery:
            add(
                _("The licence will be delivered to you by %(due)s at the latest.")
                % {"due": cn_date(delivery)}
            )
        due(_("Decided on"), on)
        due(_("Delivery due"), delivery)
        notice.rating_path = _rating_path(case, event)
    elif kind == "decide_deny":
        add(
            _(
                "%(applicant)s: your application for “%(item)s” (case %(number)s) has been "
                "examined and does not meet the statutory conditions and standards. It is decided "
                "not to grant the licence, for these reasons: %(reason)s"
            )
            % {**words, "reason": data.get("reason", "")}
        )
        add(_remedies())
        due(_("Decided on"), on)
        notice.rating_path = _rating_path(case, event)
    return notice


def licence(case: Case, rows: list[CaseEvent]) -> Notice:
    """The electronic licence (电子证照) a grant decision issues, the last of ``rows`` being the
    ``decide_grant`` event: what an electronic delivery gives the applicant with the decision."""
    event = rows[-1]
    if event.kind != "decide_grant":
        raise NotFound()
    person = presenters.applicant(case, masked=False)
    on = clock.local_date(event.occurred_at)
    notice = Notice(
        kind="licence",
        title=str(_("Licence")),
        number=case.number,
        seq=event.seq,
        applicant_name=person["name"],
        applicant_number=person["number"],
        item_name=case.item_version.name,
        department_name=case.department.name,
        date=on,
        date_cn=cn_date(on),
    )
    notice.paragraphs.append(
        _(
            "By the decision of %(date)s (case %(number)s), %(applicant)s is granted the licence "
            "“%(item)s”, issued by %(department)s."
        )
        % {
            "date": cn_date(on),
            "number": case.number,
            "applicant": person["name"],
            "item": case.item_version.name,
            "department": case.department.name,
        }
    )
    notice.paragraphs.append(
        _("This electronic licence has the same effect as the paper one (delivered online).")
    )
    notice.dates.append((_("Licence number"), f"{case.number}-{event.seq}"))
    notice.dates.append((_("Issued on"), cn_date(on)))
    if case.delivered_on:
        notice.dates.append((_("Delivered on"), cn_date(case.delivered_on)))
    return notice


@dataclass(frozen=True)
class DecisionQR:
    """The QR code of a decision notice: ``path(case number, event seq)`` is the page it leads to,
    ``absolute_url(path, request)`` makes it absolute, ``caption`` is the line under it."""

    path: Callable[[str, int], str]
    absolute_url: Callable[..., str]
    caption: object


_DECISION_QR: list[DecisionQR] = []


def register_decision_qr(*, path, absolute_url, caption) -> None:
    """Let decision notices carry a QR code (one registration; a later one replaces it)."""
    _DECISION_QR[:] = [DecisionQR(path=path, absolute_url=absolute_url, caption=caption)]


def _decision_qr() -> DecisionQR | None:
    return _DECISION_QR[0] if _DECISION_QR else None


def _rating_path(case: Case, event: CaseEvent) -> str:
    qr = _decision_qr()
    return qr.path(case.number, event.seq) if qr else ""


def absolute_rating_url(notice: Notice, request) -> str:
    qr = _decision_qr()
    return qr.absolute_url(notice.rating_path, request) if qr and notice.rating_path else ""


def _remedies() -> str:
    return _(
        "If you do not agree with this decision, you may apply for administrative "
        "reconsideration within sixty days of receiving it, or bring an administrative suit "
        "within six months."
    )


def _masked_for(user, case: Case) -> bool:
    return not (case.owner_id == user.pk or case.department_id in staff_department_ids(user))


def notice_for(user, number: str, seq: int) -> tuple[Case, CaseEvent, Notice]:
    """The certificate of event ``seq`` of case ``number`` for ``user``: the staff who see the case
    and its applicant. ``NotFound`` for a case they cannot see or an event without a notice."""
    number = str(number or "")[:32]
    case = (
        visible_cases(user)
        .select_related("item", "item_version", "department", "applicant")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound()
    rows = list(case.events.filter(seq__lte=seq).order_by("seq"))
    if not rows or rows[-1].seq != seq or not has_notice(rows[-1].kind):
        raise NotFound()
    return case, rows[-1], build(case, rows, masked=_masked_for(user, case))


def render_docx(notice: Notice, *, rating_url: str = "") -> bytes:
    """The certificate as a Word document (``zhengwu.core.documents``); ``rating_url``: the
    absolute rating link of a decision, printed as a QR code."""
    document = OfficialDocument(
        issuer=notice.department_name,
        title=notice.title,
        reference_label=_("Case number: %(number)s") % {"number": notice.number},
        facts=[
            (_("Applicant"), notice.applicant_name),
            (_("ID number"), notice.applicant_number),
            (_("Service item"), notice.item_name),
            (_("Department"), notice.department_name),
            (_("Case number"), notice.number),
        ],
        paragraphs=notice.paragraphs,
        items=notice.materials,
        dates=notice.dates,
        flags=notice.flags,
        date_cn=notice.date_cn,
    )
    qr = _decision_qr()
    picture = None
    if rating_url and qr:
        import segno

        image = io.BytesIO()
        segno.make(rating_url, error="m").save(image, kind="png", scale=4)
        picture = image.getvalue()
    return render_docx_document(document, picture=picture, caption=str(qr.caption) if qr else "")
