"""Forms of the citizen portal. They only shape the input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Applicant
from zhengwu.cases.services import ApplicantInput

KINDS = (Applicant.Kind.PERSON.value, Applicant.Kind.ORG.value)


def _text(label, max_length: int, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


class ApplicantForm(forms.Form):
    """Who applies: a person (name, ID number, phone) or an organisation (name, USCC, contact,
    phone). Which numbers are valid is the accounts service's business."""

    kind = forms.ChoiceField(
        choices=[(k, k) for k in KINDS], initial=Applicant.Kind.PERSON, widget=forms.HiddenInput
    )
    name = _text(_("Full name (as on the ID card)"), 200, autocomplete="name")
    id_number = _text(_("ID card number"), 18, autocomplete="off", inputmode="text")
    uscc = _text(_("Unified social credit code"), 18, autocomplete="off")
    legal_representative = _text(_("Legal representative"), 60)
    contact = _text(_("Contact person"), 60)
    phone = _text(_("Mobile phone"), 20, autocomplete="tel", inputmode="tel")

    PERSON_FIELDS = ("name", "id_number", "phone")
    ORG_FIELDS = ("name", "uscc", "legal_representative", "contact", "phone")

    def __init__(self, *args, kind: str = Applicant.Kind.PERSON, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_value = kind if kind in KINDS else Applicant.Kind.PERSON.value
        if self.kind_value == Applicant.Kind.ORG:
            self.fields["name"].label = _("Organisation name")

    def visible(self) -> list:
        names = self.ORG_FIELDS if self.kind_value == Applicant.Kind.ORG else self.PERSON_FIELDS
        return [self[name] for name in names]

    def applicant_input(self) -> ApplicantInput:
        data = self.cleaned_data
        if self.kind_value == Applicant.Kind.ORG:
            return ApplicantInput(
                kind=Applicant.Kind.ORG.value,
                name=data["name"],
                phone=data["phone"],
                uscc=data["uscc"],
                contact=data["contact"],
                legal_representative=data["legal_representative"],
            )
        return ApplicantInput(
            kind=Applicant.Kind.PERSON.value,
            name=data["name"],
            phone=data["phone"],
            id_number=data["id_number"],
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    phone = forms.CharField(
        label=_("Phone given with the application"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "tel", "autocomplete": "tel"}
        ),
    )


def version_from(value) -> int | None:
    """The case version a page was showing (a stale one is refused by the services)."""
    try:
        number = int(str(value or "").strip())
    except ValueError:
        return None
    return number if number > 0 else None
