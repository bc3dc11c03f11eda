"""Forms of the disclosure pages. They only parse and keep what was typed; every rule and message
comes from ``zhengwu.disclosure.services`` (``ValidationFailed`` errors are put back on the
fields by ``core.forms.attempt``). The choices are the models' own."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Department
from zhengwu.core.forms import DATETIME_FORMATS, DateTimeLocalInput, OnceForm, StyledForm
from zhengwu.core.widgets import DateInput
from zhengwu.disclosure import labels_pages as labels
from zhengwu.disclosure import models as m
from zhengwu.disclosure import rules

WIDE = forms.Textarea(attrs={"rows": 4})
NOTE = forms.Textarea(attrs={"rows": 2})
PERSON, ORGANIZATION = "person", "organization"
APPLICANT_KINDS = [(PERSON, _("Natural person")), (ORGANIZATION, _("Legal person or organisation"))]


def department_choices(blank: bool = True) -> list[tuple[str, str]]:
    rows = Department.objects.order_by("sort_order", "code").values_list("code", "name")
    return ([("", "—")] if blank else []) + [(code, name) for code, name in rows]


def organization_types() -> list[tuple[str, str]]:
    return [(v, label) for v, label in m.ApplicantType.choices if v != m.ApplicantType.PERSON]


class RequestForm(OnceForm):
    """A request with its real-name details (art. 29): who asks, what for, in which form and how
    it is to reach them."""

    applicant_kind = forms.ChoiceField(
        label=_("Applicant type"), choices=APPLICANT_KINDS, widget=forms.RadioSelect
    )
    organization_type = forms.ChoiceField(label=_("Type of organisation"), required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("A person's full name, or the organisation's registered name."),
    )
    id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_("Postal address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description of the information"),
        max_length=2000,
        widget=WIDE,
        help_text=_("Name the information as exactly as you can: its subject, period and maker."),
    )
    document_number = forms.CharField(
        label=_("Document number (if known)"), max_length=100, required=False
    )
    form = forms.ChoiceField(
        label=_("Form wanted"), choices=m.Form.choices, widget=forms.RadioSelect
    )
    delivery = forms.ChoiceField(
        label=_("How to receive it"), choices=m.Delivery.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization_type"].choices = [("", "—"), *organization_types()]

    def put_errors(self, failed, rename=None) -> list:
        """The services name the applicant's fields ``applicant.<field>``."""
        fields = ("name", "id_number", "uscc", "phone", "address")
        rename = {f"applicant.{name}": name for name in fields}
        rename["applicant.type"] = "organization_type"
        return super().put_errors(failed, rename)

    def applicant(self) -> dict:
        """The applicant as the services take it (the API's ``applicant`` object)."""
        data = self.cleaned_data
        person = data["applicant_kind"] == PERSON
        applicant = {
            "type": m.ApplicantType.PERSON if person else data["organization_type"],
            "name": data["name"],
            "phone": data["phone"],
            "address": data["address"],
        }
        if person:
            applicant["id_number"] = data["id_number"]
        else:
            applicant["uscc"] = data["uscc"]
        return applicant

    def request_data(self) -> dict:
        data = self.cleaned_data
        return {
            "applicant": self.applicant(),
            "description": data["description"],
            "document_number": data["document_number"],
            "form": data["form"],
            "delivery": data["delivery"],
        }


STAFF_CHANNELS = [c for c in m.Channel.choices if c[0] != m.Channel.INTERNET]


class RegisterForm(RequestForm):
    """A request the office received in person, by post or by fax, entered with the stated time
    it came in (the services date its receipt by art. 31)."""

    channel = forms.ChoiceField(label=_("Came in by"), choices=STAFF_CHANNELS)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=_(
            "When it was handed in, signed for, or confirmed with the applicant (an ordinary "
            "letter, a fax)."
        ),
    )

    confirmed_at = forms.DateTimeField(
        label=_("Confirmed with the applicant at"),
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        required=False,
        help_text=_(
            "An ordinary letter, a fax or an online request: when the office confirmed "
            "it with the applicant (by default when it arrived)."
        ),
    )

    field_order = ["channel", "received_at", "confirmed_at"]


class FollowForm(forms.Form):
    number = forms.CharField(
        label=_("Request number"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone given with the request"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "tel", "autocomplete": "tel"}
        ),
    )


class SupplementForm(StyledForm):
    note = forms.CharField(label=_("What you add or make clear"), max_length=2000, widget=WIDE)


class FilterForm(StyledForm):
    number = forms.CharField(label=_("Request number"), max_length=32, required=False)
    name = forms.CharField(label=_("Applicant"), max_length=60, required=False)
    department = forms.ChoiceField(label=_("Handled by"), required=False)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput())

    def __init__(self, *args, departments=True, **kwargs):
        super().__init__(*args, **kwargs)
        if departments:
            self.fields["department"].choices = department_choices()
        else:
            del self.fields["department"]

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


# --- actions on a request -------------------------------------------------------------------------


class ActionForm(StyledForm):
    """An action's form; ``payload()`` is the body the API takes for it; ``version`` the
    request's version the page showed (a stale one is refused)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def payload(self) -> dict:
        return {
            k: v for k, v in self.cleaned_data.items() if v not in (None, "") and k != "version"
        }


class RouteForm(ActionForm):
    department = forms.ChoiceField(label=_("Department that holds the information"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()


class RequestSupplementForm(ActionForm):
    items = forms.CharField(label=_("What to supplement or make clear"), widget=WIDE)
    period_workdays = forms.IntegerField(
        label=_("Period to answer (working days)"), min_value=1, max_value=60, initial=15
    )


class SupplementOnBehalfForm(ActionForm):
    note = forms.CharField(label=_("What the applicant added"), widget=WIDE)


class ConsultForm(ActionForm):
    kind = forms.ChoiceField(label=_("Whom to consult"), choices=labels.CONSULT_KINDS)
    party = forms.CharField(label=_("Name of the third party or agency"), max_length=200)
    note = forms.CharField(label=_("Note"), widget=NOTE, required=False)


class ConsultedForm(ActionForm):
    answer = forms.ChoiceField(
        label=_("Their answer"), choices=labels.CONSULT_ANSWERS, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), widget=NOTE, required=False)


class ExtendForm(ActionForm):
    workdays = forms.IntegerField(
        label=_("Extension (working days)"), min_value=1, max_value=20, initial=20
    )
    reason = forms.CharField(label=_("Reason"), widget=NOTE)


class FeeForm(ActionForm):
    items = forms.IntegerField(label=_("Items"), min_value=0, required=False)
    pages = forms.IntegerField(label=_("Pages"), min_value=0, required=False)


class PaidForm(ActionForm):
    note = forms.CharField(label=_("Note"), widget=NOTE, required=False)


class ReplyForm(ActionForm):
    type = forms.ChoiceField(label=_("Reply"))
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    where = forms.CharField(
        label=_("Where it was published"),
        max_length=500,
        required=False,
        help_text=_("For information already published: how and where to get it."),
    )
    agency = forms.CharField(
        label=_("The agency responsible"),
        max_length=200,
        required=False,
        help_text=_("For information that is not this agency's: the agency to ask, when known."),
    )
    text = forms.CharField(
        label=_("What the reply says"),
        widget=WIDE,
        required=False,
        help_text=_("What is disclosed, what is withheld and why."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "—"), *labels.REPLY_TYPES.items()]
        self.fields["reason"].choices = [("", "—"), *labels.reason_choices()]

    def clean(self):
        data = super().clean()
        chosen = data.get("reason")
        if chosen and data.get("type") in rules.REPLY_TYPES:
            group, _colon, number = chosen.partition(":")
            if group != rules.REPLY_TYPES[data["type"]][0]:
                self.add_error("reason", _("Choose one of the reasons of this reply."))
            else:
                data["reason"] = int(number)
        return data


class HotlineForm(ActionForm):
    kind = forms.ChoiceField(label=_("It is really"), choices=labels.HOTLINE_KINDS)


class AskReasonsForm(ActionForm):
    note = forms.CharField(label=_("What to explain"), widget=NOTE)


class ReasonsForm(ActionForm):
    text = forms.CharField(label=_("The applicant's reasons"), widget=WIDE)


class DeferForm(ActionForm):
    workdays = forms.IntegerField(label=_("Delay (working days)"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), widget=NOTE)


class DeliverForm(ActionForm):
    method = forms.ChoiceField(label=_("Delivered by"), choices=m.Delivery.choices)


class WithdrawForm(ActionForm):
    note = forms.CharField(label=_("Note"), widget=NOTE, required=False)
