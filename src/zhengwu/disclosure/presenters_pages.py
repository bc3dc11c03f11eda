"""What the disclosure pages show of a request, in plain Chinese: the applicant (masked where the
reader does not handle the request), the clocks with their legal basis, the trail, the documents
and the actions' forms. Words only: every date and count comes from the request's stored clocks
(the engine's one clock function), every document from the engine's documents module."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core.display import cn_date
from zhengwu.core.identity import mask_id, mask_name, mask_phone
from zhengwu.disclosure import forms as f

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
        warning=gettext_lazy("The fee notice is sent to the applicant; the request waits for payment."),
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
    "hotline": ActionSpec(
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
        service="hotline",
    ),
}


def confirm_facts(form) -> list[tuple[object, object]]:
    """The form's filled fields as (label, shown value), choices by their labels."""
    facts = []
    for bound in form.visible_fields():
        value = form.cleaned_data.get(bound.name)
        if value in (None, ""):
            continue
        choices = dict(getattr(bound.field, "choices", []) or [])
        facts.append((bound.label, choices.get(value, value)))
    return facts


# --- the applicant --------------------------------------------------------------------------------


def applicant(item, *, masked: bool) -> dict:
    """Name, type, identity number, phone and address; masked (name kept for staff, family name
    only for the public page) for readers who do not handle the request."""
    person = item.applicant_type == m.ApplicantType.NATURAL_PERSON
    number = item.id_number if person else item.uscc
    return {
        "name": item.applicant_name,
        "type": item.get_applicant_type_display(),
        "number_label": _("ID card number") if person else _("Unified social credit code"),
        "number": mask_id(number) if masked else number,
        "phone": mask_phone(item.phone) if masked else item.phone,
        "address": "" if masked else item.address,
    }
