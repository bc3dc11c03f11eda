"""What the disclosure pages show of a request, in plain Chinese: the applicant (masked where the
reader does not handle the request), the clocks with their legal basis, the trail, the documents
and the actions' forms. Words only: every date and count comes from the request's stored clocks
(the engine's one clock function), every document from the engine's documents module."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import clock
from zhengwu.core.display import cn_date, person_name
from zhengwu.core.identity import mask_id, mask_phone
from zhengwu.disclosure import documents as engine_documents
from zhengwu.disclosure import forms as f
from zhengwu.disclosure import labels_pages as labels
from zhengwu.disclosure import models as m
from zhengwu.disclosure import presenters, rules


def day(value) -> str:
    return cn_date(value) if value else "—"


@dataclass(frozen=True)
class ActionSpec:
    form: type
    label: object
    colour: str = "primary"
    help: object = ""
    legal: bool = False  # asks for confirmation (core.confirm)
    warning: object = ""
    danger: bool = False
    service: str = ""

    @property
    def service_action(self) -> str:
        return self.service


ACTIONS: dict[str, ActionSpec] = {
    "route": ActionSpec(
        f.RouteForm,
        gettext_lazy("Route to the department"),
        help=gettext_lazy("The department that made or keeps the information answers it."),
        service="route",
    ),
    "request-supplement": ActionSpec(
        f.RequestSupplementForm,
        gettext_lazy("Ask for a supplement"),
        colour="warning",
        help=gettext_lazy(
            "One notice only, within 7 working days of receipt (art. 30); the reply clock "
            "starts again on the day the supplement is received."
        ),
        legal=True,
        warning=gettext_lazy(
            "The supplement notice is sent to the applicant and cannot be sent a second time."
        ),
        service="request-supplement",
    ),
    "supplement": ActionSpec(
        f.SupplementOnBehalfForm,
        gettext_lazy("Record the supplement received"),
        help=gettext_lazy("What the applicant handed in, by post or at the office."),
        service="supplement",
    ),
    "consult": ActionSpec(
        f.ConsultForm,
        gettext_lazy("Ask for opinions"),
        help=gettext_lazy(
            "A third party has 15 working days to answer (art. 32), another agency too "
            "(art. 34, silence counts as consent); the time is not counted."
        ),
        legal=True,
        warning=gettext_lazy("A letter asking for opinions is written and the reply clock pauses."),
        service="consult",
    ),
    "consulted": ActionSpec(
        f.ConsultedForm,
        gettext_lazy("Record the answer"),
        help=gettext_lazy("The clock runs again from the answer, or from the end of the period."),
        service="consulted",
    ),
    "extend": ActionSpec(
        f.ExtendForm,
        gettext_lazy("Extend the reply period"),
        colour="warning",
        help=gettext_lazy(
            "Once, at most 20 working days, approved by the head of the disclosure office and "
            "told to the applicant (art. 33)."
        ),
        legal=True,
        warning=gettext_lazy("The extension notice is sent to the applicant; it is allowed once."),
        service="extend",
    ),
    "fee": ActionSpec(
        f.FeeForm,
        gettext_lazy("Send a fee notice"),
        help=gettext_lazy(
            "Per item or per page, never both (art. 42, 国办函〔2020〕109号); the request "
            "waits for the payment."
        ),
        legal=True,
        warning=gettext_lazy(
            "The fee notice is sent to the applicant; the request waits for payment."
        ),
        service="fee",
    ),
    "paid": ActionSpec(
        f.PaidForm,
        gettext_lazy("Record the payment"),
        service="paid",
    ),
    "reply": ActionSpec(
        f.ReplyForm,
        gettext_lazy("Reply"),
        colour="success",
        help=gettext_lazy(
            "One of the reply types of art. 36, or partial disclosure (art. 37); withholding, "
            "information that cannot be provided and requests not processed take a reason."
        ),
        legal=True,
        warning=gettext_lazy(
            "The reply is a legal act: the reply letter is written and the request is completed."
        ),
        service="reply",
    ),
    "to-ticket": ActionSpec(
        f.HotlineForm,
        gettext_lazy("Turn into a hotline ticket"),
        colour="outline-danger",
        help=gettext_lazy(
            "A petition, complaint or report is not a disclosure request (art. 39): it goes to "
            "the hotline and counts as not processed."
        ),
        legal=True,
        warning=gettext_lazy(
            "A hotline ticket is opened and the request is completed as not processed."
        ),
        danger=True,
        service="to-ticket",
    ),
    "ask-reasons": ActionSpec(
        f.AskReasonsForm,
        gettext_lazy("Ask for the reasons"),
        help=gettext_lazy(
            "For a quantity or frequency of requests clearly beyond reason (art. 35); the reply "
            "period waits for the reasons."
        ),
        legal=True,
        warning=gettext_lazy("The notice asking for reasons is sent to the applicant."),
        service="ask-reasons",
    ),
    "reasons": ActionSpec(
        f.ReasonsForm,
        gettext_lazy("Record the reasons received"),
        service="reasons",
    ),
    "defer": ActionSpec(
        f.DeferForm,
        gettext_lazy("Set a delayed deadline"),
        colour="warning",
        help=gettext_lazy("Once, a reasonable delayed deadline for the reply (art. 35)."),
        legal=True,
        warning=gettext_lazy("The notice of the delayed deadline is sent to the applicant."),
        service="defer",
    ),
    "deliver": ActionSpec(
        f.DeliverForm,
        gettext_lazy("Record the delivery"),
        colour="success",
        legal=True,
        warning=gettext_lazy("The reply is recorded as delivered to the applicant."),
        service="deliver",
    ),
    "withdraw": ActionSpec(
        f.WithdrawForm,
        gettext_lazy("Record the withdrawal"),
        colour="outline-secondary",
        help=gettext_lazy("The applicant withdraws the request."),
        legal=True,
        warning=gettext_lazy("The request is completed as withdrawn."),
        danger=True,
        service="withdraw",
    ),
}
# The page's order of the actions.
ORDER = (
    "route",
    "request-supplement",
    "supplement",
    "consult",
    "consulted",
    "ask-reasons",
    "reasons",
    "defer",
    "extend",
    "fee",
    "paid",
    "reply",
    "to-ticket",
    "deliver",
    "withdraw",
)
assert set(ORDER) == set(ACTIONS)


def initial(name: str, item) -> dict:
    """What an action's form starts with: the request's version, and the obvious choice."""
    values = {"version": item.version}
    if name == "deliver":
        values["method"] = item.delivery
    if name == "route" and item.department_id:
        values["department"] = item.department.code
    return values


def confirm_facts(form) -> list[tuple[object, object]]:
    """The form's filled fields as (label, shown value), choices by their labels."""
    facts = []
    for bound in form.visible_fields():
        value = form.data.get(bound.name)
        if value in (None, ""):
            continue
        choices = {}
        for key, label in getattr(bound.field, "choices", []) or []:
            if isinstance(label, list | tuple):
                choices.update(dict(label))
            else:
                choices[key] = label
        facts.append((bound.label, choices.get(value, value)))
    return facts


# --- the applicant --------------------------------------------------------------------------------


def applicant(item, *, masked: bool) -> dict:
    """Name, type, identity number, phone and address; masked (name kept for staff, family name
    only for the public page) for readers who do not handle the request."""
    person = item.applicant_type == m.ApplicantType.PERSON
    number = item.id_number if person else item.uscc
    return {
        "name": item.applicant_name,
        "type": item.get_applicant_type_display(),
        "number_label": _("ID card number") if person else _("Unified social credit code"),
        "number": mask_id(number) if masked else number,
        "phone": mask_phone(item.phone) if masked else item.phone,
        "address": "" if masked else item.address,
    }


# --- the clocks in words --------------------------------------------------------------------------

REPLY_BASIS = gettext_lazy(
    "Art. 33 of the Regulations: a reply within 20 working days of the day the request is received."
)
SUPPLEMENT_BASIS = gettext_lazy(
    "Art. 30 of the Regulations: one notice to supplement within 7 working days of receipt; the "
    "reply period is counted from the day the supplement is received; without it in the period "
    "the request is deemed abandoned."
)
EXTENSION_BASIS = gettext_lazy(
    "Art. 33(2) of the Regulations: one extension of at most 20 working days, approved by the "
    "head of the disclosure office and told to the applicant."
)
PAUSE_BASIS = {
    rules.ConsultKind.THIRD_PARTY: gettext_lazy(
        "Art. 32: the time a third party takes to give its opinion (at most 15 working days) is "
        "not counted."
    ),
    rules.ConsultKind.AGENCY: gettext_lazy(
        "Art. 34: the time other agencies take to give their opinion (at most 15 working days; "
        "no answer counts as consent) is not counted."
    ),
    "ask_reasons": gettext_lazy(
        "Art. 35: the time the applicant takes to give reasons for the quantity or frequency of "
        "requests is not counted."
    ),
    "fee": gettext_lazy(
        "Art. 42 and 国办函〔2020〕109号: the time from the fee notice to the payment is not "
        "counted."
    ),
}
DEFER_BASIS = gettext_lazy(
    "Art. 35 of the Regulations: for an unreasonable quantity or frequency of requests a "
    "reasonable delayed deadline may be set."
)


def receipt_basis(item) -> str:
    return presenters.receipt_basis(item, _events(item))


def _events(item) -> list:
    cached = getattr(item, "_page_events", None)
    if cached is None:
        cached = list(item.events.select_related("actor").order_by("seq"))
        item._page_events = cached
    return cached


def _last(item, kind: str):
    found = [e for e in _events(item) if e.kind == kind]
    return found[-1] if found else None


def clock_lines(item) -> list[dict]:
    """The request's clocks, each with the rule it follows, from its stored clock fields."""
    lines: list[dict] = []

    def add(testid, text, basis="", *, date=None, badge="", colour=""):
        lines.append(
            {
                "testid": testid,
                "text": text,
                "basis": str(basis),
                "date": date,
                "badge": badge,
                "colour": colour,
            }
        )

    add(
        "clock-received",
        _("Received on %(date)s.") % {"date": day(item.received_on)},
        receipt_basis(item),
        date=item.received_on,
    )
    supplement = _last(item, "supplement")
    if item.supplement_due and item.state == rules.State.AWAITING_SUPPLEMENT:
        add(
            "clock-supplement-due",
            _(
                "Waiting for the supplement until %(date)s; the reply period does not run and "
                "starts afresh on the day the supplement is received."
            )
            % {"date": day(item.supplement_due)},
            SUPPLEMENT_BASIS,
            date=item.supplement_due,
        )
    elif supplement is not None:
        on = clock.local_date(supplement.occurred_at)
        add(
            "clock-restarted",
            _("The reply period started afresh on %(date)s, the day the supplement was received.")
            % {"date": day(on)},
            SUPPLEMENT_BASIS,
            date=on,
        )
    if item.reply_due:
        add(
            "clock-reply-due",
            _("Reply due by %(date)s.") % {"date": day(item.reply_due)},
            REPLY_BASIS,
            date=item.reply_due,
        )
    if item.consult_due:
        consult = _last(item, "consult")
        kind = (consult.data or {}).get("kind") if consult else rules.ConsultKind.THIRD_PARTY
        add(
            "clock-consult-due",
            _("Opinions asked for; the answer is due by %(date)s. The reply period is paused.")
            % {"date": day(item.consult_due)},
            PAUSE_BASIS.get(kind, PAUSE_BASIS[rules.ConsultKind.THIRD_PARTY]),
            date=item.consult_due,
        )
    if item.payment_due:
        add(
            "clock-payment-due",
            _("The fee is to be paid by %(date)s. The reply period is paused.")
            % {"date": day(item.payment_due)},
            PAUSE_BASIS["fee"],
            date=item.payment_due,
        )
    if item.paused_workdays:
        bases = []
        for event in _events(item):
            key = (event.data or {}).get("kind") if event.kind == "consult" else event.kind
            basis = PAUSE_BASIS.get(key)
            if basis is not None and str(basis) not in bases:
                bases.append(str(basis))
        add(
            "clock-paused",
            _("%(days)d working days are not counted in the reply period.")
            % {"days": item.paused_workdays},
            " ".join(bases),
        )
    if item.extension_workdays:
        add(
            "clock-extension",
            _("The reply period was extended by %(days)d working days.")
            % {"days": item.extension_workdays},
            EXTENSION_BASIS,
        )
    if item.deferred_workdays:
        add(
            "clock-deferred",
            _("The reply deadline was delayed by %(days)d working days.")
            % {"days": item.deferred_workdays},
            DEFER_BASIS,
        )
    if item.completed_on:
        if item.on_time is True:
            badge, colour = _("Replied on time"), "success"
        elif item.on_time is False:
            badge, colour = _("Replied late"), "danger"
        else:
            badge, colour = "", ""
        add(
            "clock-completed",
            _("Completed on %(date)s.") % {"date": day(item.completed_on)},
            REPLY_BASIS if item.on_time is not None else "",
            date=item.completed_on,
            badge=badge,
            colour=colour,
        )
    elif item.reply_due and item.is_open and item.reply_due < clock.today():
        add(
            "clock-overdue",
            _("The reply is late: it was due by %(date)s.") % {"date": day(item.reply_due)},
            REPLY_BASIS,
            badge=_("Overdue"),
            colour="danger",
        )
    return lines


def result_text(item) -> str:
    """The reply's type and reason in words; "" while the request is open."""
    if not item.result:
        return ""
    parts = [str(labels.REPLY_TYPES.get(item.reply_type, "")) or item.get_result_display()]
    reason = labels.reason_label(item.result, item.result_reason)
    if reason:
        parts.append(reason)
    return " · ".join(p for p in parts if p)


PROGRESS = {
    rules.State.RECEIVED: gettext_lazy(
        "Received; the disclosure office is sending it to the department that holds the "
        "information."
    ),
    rules.State.IN_PROGRESS: gettext_lazy("Being handled."),
    rules.State.AWAITING_SUPPLEMENT: gettext_lazy(
        "The office asks you to supplement the request: see the notice and send the supplement "
        "below."
    ),
    rules.State.CONSULTING: gettext_lazy(
        "The office is asking for opinions (a third party or another agency); this time is not "
        "counted."
    ),
    rules.State.AWAITING_REASONS: gettext_lazy(
        "The office asks you for the reasons of the request (art. 35)."
    ),
    rules.State.AWAITING_PAYMENT: gettext_lazy(
        "The office sent a fee notice; the request continues once it is paid."
    ),
    rules.State.REPLIED: gettext_lazy("Replied: see the reply below."),
    rules.State.DELIVERED: gettext_lazy("Replied and delivered: see the reply below."),
    rules.State.ABANDONED: gettext_lazy("Deemed abandoned: the period passed."),
    rules.State.WITHDRAWN: gettext_lazy("Withdrawn."),
}


def progress_text(item) -> str:
    return str(PROGRESS.get(item.state, "")) or item.get_state_display()


def open_supplement(item) -> dict | None:
    """The open 补正 notice (what to supplement, by when), or None."""
    if item.state != rules.State.AWAITING_SUPPLEMENT:
        return None
    notice = _last(item, "request_supplement")
    items = (notice.data or {}).get("items", "") if notice else ""
    if isinstance(items, list):
        items = "、".join(str(i) for i in items)
    return {"items": items, "due": item.supplement_due}


# --- the trail ------------------------------------------------------------------------------------

DETAIL_LABELS = {
    "department_name": gettext_lazy("Department"),
    "items": gettext_lazy("To supplement"),
    "period_workdays": gettext_lazy("Period (working days)"),
    "content": gettext_lazy("Supplement"),
    "party": gettext_lazy("Consulted"),
    "answer": gettext_lazy("Answer"),
    "workdays": gettext_lazy("Working days"),
    "reason": gettext_lazy("Reason"),
    "type": gettext_lazy("Reply"),
    "note": gettext_lazy("Note"),
    "fee_yuan": gettext_lazy("Fee (yuan)"),
    "ticket": gettext_lazy("Hotline ticket"),
}


def _details(kind: str, data: dict) -> list[tuple[str, str]]:
    out = []
    answers = dict(labels.CONSULT_ANSWERS)
    for key, label in DETAIL_LABELS.items():
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "items" and isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif key == "answer":
            value = answers.get(value, value)
        elif key == "type":
            value = labels.REPLY_TYPES.get(value, value)
        elif key == "reason" and kind == "reply" and isinstance(value, int):
            result = rules.REPLY_TYPES.get(data.get("type"), (None,))[0]
            value = labels.reason_label(result, value) or value
        out.append((str(label), str(value)))
    return out


def timeline(item) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "label": labels.EVENT_LABELS.get(e.kind, ""),
            "at": e.occurred_at,
            "actor": person_name(e.actor) if e.actor_id else _("System"),
            "retroactive": getattr(e, "retroactive", False),
            "details": _details(e.kind, e.data or {}),
        }
        for e in _events(item)
    ]


def public_steps(item) -> list[dict]:
    return [
        {"kind": e.kind, "label": labels.EVENT_LABELS.get(e.kind, ""), "at": e.occurred_at}
        for e in _events(item)
        if e.kind in labels.EVENT_LABELS
    ]


# --- the documents --------------------------------------------------------------------------------

# Written to the applicant (the consultation letter goes to the third party or agency).
PUBLIC_DOCUMENTS = frozenset(m.DisclosureDocument.Kind) - {m.DisclosureDocument.Kind.CONSULTATION}


def documents(item, *, public: bool) -> list[dict]:
    """The request's documents, each with its print view and .docx links."""
    names = ("disclosure:document", "disclosure:document_docx")
    if public:
        names = ("disclosure:follow_document", "disclosure:follow_document_docx")
    rows = item.documents.order_by("issued_on", "id")
    return [
        {
            "kind": d.kind,
            "title": engine_documents.title_of(d),
            "number": d.number,
            "on": d.issued_on,
            "html_url": reverse(names[0], args=(item.number, d.number)),
            "docx_url": reverse(names[1], args=(item.number, d.number)),
        }
        for d in rows
        if not public or d.kind in PUBLIC_DOCUMENTS
    ]


def document(item, document_number: str, *, public: bool):
    """The request's document ``document_number`` (None when there is none, or when it is not
    addressed to the applicant and the reader is the public)."""
    row = item.documents.filter(number=str(document_number or "")[:48]).first()
    if row is None or (public and row.kind not in PUBLIC_DOCUMENTS):
        return None
    return row
