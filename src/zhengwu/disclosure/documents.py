"""The written acts of a disclosure request (one per step, ``DisclosureDocument``):
补正告知书, 第三方意见征询函 / 征求意见函, 延期答复告知书, 说明理由告知书, 延迟答复告知书, 收费通知
and the 答复书 of each type. What a document says is fixed in its ``data`` when it is issued;
``build`` turns it into an ``OfficialDocument`` (``zhengwu.core.documents``) for the print
view and the .docx.

``document_for(user, number, document_number)`` is the one access check: whoever sees the
request (``selectors.visible``) sees its documents; anyone else gets ``NotFound``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core.display import cn_date
from zhengwu.core.documents import OfficialDocument
from zhengwu.core.errors import NotFound
from zhengwu.core.identity import mask_id
from zhengwu.disclosure import selectors
from zhengwu.disclosure.models import DisclosureDocument, DisclosureRequest
from zhengwu.disclosure.presenters import handles

K = DisclosureDocument.Kind
TITLES = {
    K.ACKNOWLEDGEMENT: gettext_lazy("Acknowledgement of a disclosure request"),
    K.SUPPLEMENT_NOTICE: gettext_lazy("Notice to supplement a disclosure request"),
    K.CONSULTATION: gettext_lazy("Letter asking a third party for its opinion"),
    K.EXTENSION_NOTICE: gettext_lazy("Notice of an extended reply period"),
    K.REASONS_NOTICE: gettext_lazy("Notice asking the applicant for reasons"),
    K.DEFERRAL_NOTICE: gettext_lazy("Notice of a delayed reply"),
    K.FEE_NOTICE: gettext_lazy("Notice of the information processing fee"),
    K.REPLY: gettext_lazy("Reply to a disclosure request"),
}
AGENCY_TITLE = gettext_lazy("Letter asking an agency for its opinion")
REPLY_TITLES = {
    "published": gettext_lazy("Reply: the information is already published"),
    "disclosed": gettext_lazy("Reply: the information is disclosed"),
    "partial": gettext_lazy("Reply: the information is partly disclosed"),
    "withheld": gettext_lazy("Reply: the information is not disclosed"),
    "not_exist": gettext_lazy("Reply: the information does not exist"),
    "not_ours": gettext_lazy("Reply: the information is not this agency's"),
    "duplicate": gettext_lazy("Reply: a repeated request"),
    "special_law": gettext_lazy("Reply: handled under the law governing these records"),
    "unavailable": gettext_lazy("Reply: the information cannot be provided"),
    "not_handled": gettext_lazy("Reply: the request is not handled"),
    "other": gettext_lazy("Reply"),
    "to_ticket": gettext_lazy("Reply: the request is handled as a complaint or report"),
}
WITHHELD_REASONS = {
    1: gettext_lazy("it is a state secret"),
    2: gettext_lazy("other laws and administrative regulations forbid its disclosure"),
    3: gettext_lazy(
        "its disclosure would endanger national, public or economic security or social stability"
    ),
    4: gettext_lazy("its disclosure would harm the lawful rights of a third party"),
    5: gettext_lazy("it is internal administrative information"),
    6: gettext_lazy("it is process information"),
    7: gettext_lazy("it is an administrative law-enforcement file"),
    8: gettext_lazy("it is an administrative query matter"),
}
UNAVAILABLE_REASONS = {
    1: gettext_lazy("this agency does not hold the information"),
    2: gettext_lazy("no ready-made information exists and it would have to be produced"),
    3: gettext_lazy("the request is still unclear after the supplement"),
}
NOT_HANDLED_REASONS = {
    1: gettext_lazy("it is a petition, complaint or report"),
    2: gettext_lazy("it repeats an earlier request"),
    3: gettext_lazy("it asks for published publications"),
    4: gettext_lazy("it is one of many repeated requests without good reason"),
    5: gettext_lazy("it asks the agency to confirm or reissue information already obtained"),
}
OTHER_REASONS = {
    1: gettext_lazy("the applicant did not supplement the request in time without good reason"),
    2: gettext_lazy("the applicant did not pay the fee in time"),
    3: gettext_lazy("other reasons"),
}
REASONS = {
    "withheld": WITHHELD_REASONS,
    "unavailable": UNAVAILABLE_REASONS,
    "not_handled": NOT_HANDLED_REASONS,
    "other": OTHER_REASONS,
}


def _paragraphs(
    request: DisclosureRequest, document: DisclosureDocument
) -> tuple[list, list, list]:
    data = document.data
    received = cn_date(data.get("received_on"))
    asked = _(
        "On %(date)s this office received your request for government information: %(description)s"
    ) % {"date": received, "description": request.description}
    paragraphs, items, dates = [asked], [], []
    kind = document.kind
    if kind == K.SUPPLEMENT_NOTICE:
        paragraphs.append(
            _(
                "Under article 30 of the Regulations on the Disclosure of Government Information, "
                "the request is unclear. Please supplement it with the items listed above within "
                "%(days)s working days. The reply period will be counted from the day the "
                "supplement is received; without a supplement in time and without good reason, "
                "the request is deemed abandoned."
            )
            % {"days": data.get("period_workdays")}
        )
        items = list(data.get("items") or [])
        dates.append((_("Supplement by"), cn_date(data.get("supplement_due"))))
    elif kind == K.CONSULTATION:
        article = "32" if data.get("kind") == "third_party" else "34"
        paragraphs.append(
            _(
                "Under article %(article)s of the Regulations, this office asks %(party)s for its "
                "opinion on the disclosure of the information. Please answer in writing within 15 "
                "working days."
            )
            % {"article": article, "party": data.get("party")}
        )
        if data.get("kind") == "agency":
            paragraphs.append(_("Without an answer in time, the agency is taken to agree."))
        else:
            paragraphs.append(
                _(
                    "Without an answer in time, this office decides on the disclosure under the "
                    "Regulations."
                )
            )
        dates.append((_("Answer by"), cn_date(data.get("consult_due"))))
    elif kind == K.EXTENSION_NOTICE:
        paragraphs.append(
            _(
                "Under article 33 of the Regulations, with the approval of the head of the "
                "disclosure office, the reply period is extended by %(days)s working days. "
                "Reason: %(reason)s"
            )
            % {"days": data.get("workdays"), "reason": data.get("reason")}
        )
        dates.append((_("Reply by"), cn_date(data.get("reply_due"))))
    elif kind == K.REASONS_NOTICE:
        paragraphs.append(
            _(
                "Under article 35 of the Regulations, the quantity or frequency of your requests "
                "clearly exceeds a reasonable range. Please state your reasons."
            )
        )
    elif kind == K.DEFERRAL_NOTICE:
        paragraphs.append(
            _(
                "Under article 35 of the Regulations, your reasons are accepted, but the reply "
                "cannot be given within the ordinary period; it is delayed by %(days)s working "
                "days. Reason: %(reason)s"
            )
            % {"days": data.get("workdays"), "reason": data.get("reason")}
        )
        dates.append((_("Reply by"), cn_date(data.get("reply_due"))))
    elif kind == K.FEE_NOTICE:
        if data.get("basis") == "items":
            how = _("%(n)s items (earlier this month: %(earlier)s)") % {
                "n": data.get("items"),
                "earlier": data.get("earlier_items", 0),
            }
        else:
            how = _("%(n)s pages") % {"n": data.get("pages")}
        paragraphs.append(
            _(
                "Under article 42 of the Regulations and the State Council Office's measures on "
                "the information processing fee, the fee for %(how)s is %(amount)s yuan. The time "
                "until payment is not counted in the reply period; without payment in time the "
                "request is deemed abandoned."
            )
            % {"how": how, "amount": data.get("amount")}
        )
        items = [
            _("No. %(first)s to %(last)s: %(price)s yuan each")
            % {"first": first, "last": last, "price": price}
            for first, last, price in data.get("parts") or []
        ]
        dates.append((_("Pay by"), cn_date(data.get("payment_due"))))
    elif kind == K.REPLY:
        paragraphs.extend(_reply_paragraphs(data))
        paragraphs.append(
            _(
                "If you disagree with this reply, you may apply for administrative reconsideration "
                "within 60 days of receiving it, or bring an administrative lawsuit within six "
                "months."
            )
        )
    return paragraphs, items, dates


def _reply_paragraphs(data: dict) -> list[str]:
    reply_type = data.get("type") or ("to_ticket" if data.get("ticket") else "")
    result, reason = data.get("result"), data.get("reason")
    out = []
    if reply_type == "published":
        out.append(
            _("The information has been published; you can find it at: %(where)s")
            % {"where": data.get("where")}
        )
    elif reply_type in ("disclosed", "partial"):
        out.append(_("The information is provided in the form and by the way you asked for."))
        if reply_type == "partial":
            out.append(_("Part of it cannot be disclosed and is left out (article 37)."))
    elif reply_type == "not_ours" and data.get("agency"):
        out.append(
            _("This agency does not hold the information; please ask %(agency)s.")
            % {"agency": data.get("agency")}
        )
    elif data.get("ticket"):
        out.append(
            _(
                "Your request is a petition, complaint or report (article 39); it has been passed "
                "on as hotline ticket %(ticket)s and will be handled there."
            )
            % {"ticket": data.get("ticket")}
        )
    reasons = REASONS.get(result or "")
    if reasons and reason in reasons:
        out.append(_("Reason: %(reason)s.") % {"reason": reasons[reason]})
    if data.get("text"):
        out.append(data["text"])
    return out


def title_of(document: DisclosureDocument) -> str:
    if document.kind == K.REPLY:
        key = document.data.get("type") or ("to_ticket" if document.data.get("ticket") else "")
        return str(REPLY_TITLES.get(key, TITLES[K.REPLY]))
    if document.kind == K.CONSULTATION and document.data.get("kind") == "agency":
        return str(AGENCY_TITLE)
    return str(TITLES.get(document.kind, document.kind))


def build(
    request: DisclosureRequest, document: DisclosureDocument, *, masked: bool
) -> OfficialDocument:
    paragraphs, items, dates = _paragraphs(request, document)
    number = request.id_number or request.uscc
    title = title_of(document)
    issuer = document.data.get("department") or _("Government information disclosure office")
    return OfficialDocument(
        issuer=issuer,
        title=title,
        reference_label=_("Document number: %(number)s") % {"number": document.number},
        facts=[
            (_("Applicant"), request.applicant_name),
            (_("ID number"), mask_id(number) if masked and request.id_number else number),
            (_("Request number"), request.number),
            (_("Received on"), cn_date(request.received_on)),
        ],
        paragraphs=paragraphs,
        items=items,
        dates=dates,
        date_cn=cn_date(document.issued_on),
        filename=f"{title}-{document.number}.docx",
        ascii_filename=f"{document.kind}-{document.number}.docx",
        extra={"kind": document.kind, "number": document.number, "request": request.number},
    )


def document_for(user, number: str, document_number: str):
    request = (
        selectors.visible(user)
        .select_related("department")
        .filter(number=selectors.clean_number(number))
        .first()
    )
    if request is None:
        raise NotFound()
    document = request.documents.filter(number=str(document_number or "")[:48]).first()
    if document is None:
        raise NotFound()
    return request, document, build(request, document, masked=not handles(user, request))
