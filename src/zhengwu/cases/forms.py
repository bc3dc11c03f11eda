"""Forms of the staff case pages. They only parse and keep what was typed; every rule and message
comes from ``zhengwu.cases.services`` (``ValidationFailed`` errors are put back on the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.inputs import DELIVERY_METHODS
from zhengwu.cases.templatetags.case_tags import DELIVERY_LABELS
from zhengwu.catalog.choices import SPECIAL_PROCEDURES
from zhengwu.core.forms import DATETIME_FORMATS, DateTimeLocalInput, StyledForm
from zhengwu.core.widgets import DateInput

REQUIRED = _("required")


def material_choices(materials) -> list[tuple[str, str]]:
    """``[(code, "code name")]`` for the item's materials, the required ones marked."""
    out = []
    for material in materials:
        label = f"{material.code} {material.name}"
        if material.required:
            label = f"{label}（{REQUIRED}）"
        out.append((material.code, label))
    return out


# --- filters of the workbench --------------------------------------------------------------------


class WorkbenchFilterForm(forms.Form):
    number = forms.CharField(label=_("Case number"), required=False, max_length=32)
    item = forms.CharField(label=_("Item code"), required=False, max_length=64)
    applicant = forms.CharField(
        label=_("Applicant ID or credit code"), required=False, max_length=18
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput())
    department = forms.CharField(label=_("Department"), required=False, max_length=32)

    def values(self) -> dict:
        """The valid filters; a malformed one is dropped rather than refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        out = {}
        for name in self.fields:
            value = data.get(name)
            if isinstance(value, str):
                value = value.replace("\x00", "").strip()
            if value not in (None, ""):
                out[name] = value
        return out


# --- the window application ----------------------------------------------------------------------

APPLICANT_KINDS = [("person", _("Natural person")), ("org", _("Legal person or organisation"))]
# Field names in the services' errors → the form's fields.
SUBMIT_FIELDS = {
    "applicant.kind": "kind",
    "applicant.name": "name",
    "applicant.id_number": "id_number",
    "applicant.uscc": "uscc",
    "applicant.phone": "phone",
    "applicant.contact": "contact",
    "applicant.legal_representative": "legal_representative",
}


class IntakeForm(StyledForm):
    item = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    kind = forms.ChoiceField(
        label=_("Applicant kind"),
        choices=APPLICANT_KINDS,
        initial="person",
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Applicant name"), required=False, max_length=200)
    id_number = forms.CharField(label=_("ID card number"), required=False, max_length=18)
    uscc = forms.CharField(label=_("Unified social credit code"), required=False, max_length=18)
    legal_representative = forms.CharField(
        label=_("Legal representative"), required=False, max_length=60
    )
    contact = forms.CharField(label=_("Contact person"), required=False, max_length=60)
    phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    materials = forms.MultipleChoiceField(
        label=_("Materials handed in"), required=False, widget=forms.CheckboxSelectMultiple
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput,
        help_text=_("Only for paper applications received earlier; leave empty for now."),
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = material_choices(materials)

    def applicant(self) -> dict:
        data = self.cleaned_data
        kind = data.get("kind") or "person"
        return {
            "kind": kind,
            "name": data.get("name", ""),
            "phone": data.get("phone", ""),
            "id_number": data.get("id_number", "") if kind == "person" else "",
            "uscc": data.get("uscc", "") if kind == "org" else "",
            "contact": data.get("contact", ""),
            "legal_representative": data.get("legal_representative", ""),
        }


# --- case actions --------------------------------------------------------------------------------


class ActionForm(StyledForm):
    """What every action form carries: the version seen, and the stated time (staff backfill)."""

    action = ""
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    occurred_at = forms.DateTimeField(
        label=_("Happened at"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput,
        help_text=_("Only when recording a step that happened earlier."),
    )

    def __init__(self, *args, materials=(), **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.material_list = list(materials)

    def payload(self) -> dict:
        """The action's data for ``services.act``."""
        return {}


class AcceptForm(ActionForm):
    action = "accept"
    parallel = forms.BooleanField(
        label=_("Accept into parallel approval"),
        required=False,
        help_text=_("The departments concerned review the application at the same time."),
    )

    def __init__(self, *args, parallel: bool = False, **kwargs):
        """``parallel``: the item allows parallel approval (otherwise the choice is not shown)."""
        super().__init__(*args, **kwargs)
        if not parallel:
            del self.fields["parallel"]

    def payload(self) -> dict:
        return {"parallel": True} if self.cleaned_data.get("parallel") else {}


class RequestSupplementForm(ActionForm):
    action = "request_supplement"
    missing = forms.MultipleChoiceField(
        label=_("Materials to supplement"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    breaks_notice = forms.BooleanField(
        label=_("Issue it although it asks for materials the first notice did not list"),
        required=False,
        help_text=_(
            "A further notice asking for something new breaks the one-time notice rule and is "
            "recorded as an irregularity."
        ),
    )

    def __init__(self, *args, repeat: bool = False, **kwargs):
        """``repeat``: the case had a notice already (only then is the confirmation shown)."""
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = material_choices(self.material_list)
        if not repeat:
            del self.fields["breaks_notice"]

    def payload(self) -> dict:
        return {
            "missing": self.cleaned_data.get("missing") or [],
            "note": self.cleaned_data["note"],
        }


class SupplementForm(ActionForm):
    action = "supplement"
    materials = forms.MultipleChoiceField(
        label=_("Materials handed in"), required=False, widget=forms.CheckboxSelectMultiple
    )
    partial = forms.BooleanField(
        label=_("Only part of the listed materials: the case waits for the rest"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = material_choices(self.material_list)

    def payload(self) -> dict:
        return {"materials": self.cleaned_data.get("materials") or []}


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def payload(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class RefuseForm(ReasonForm):
    action = "refuse"


class WithdrawForm(ReasonForm):
    action = "withdraw"


class SuspendForm(ReasonForm):
    action = "suspend"
    procedure = forms.ChoiceField(label=_("Special procedure"), required=False)
    field_order = ["procedure", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", "—")] + [
            (code, _(label)) for code, label, _chinese in SPECIAL_PROCEDURES
        ]

    def payload(self) -> dict:
        return {"procedure": self.cleaned_data["procedure"], "reason": self.cleaned_data["reason"]}


class ResumeForm(ActionForm):
    action = "resume"
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def payload(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class ExtendForm(ReasonForm):
    action = "extend"
    workdays = forms.IntegerField(
        label=_("Working days"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 10}),
    )
    field_order = ["workdays", "reason"]

    def payload(self) -> dict:
        return {"workdays": self.cleaned_data["workdays"], "reason": self.cleaned_data["reason"]}


class DecideForm(ReasonForm):
    action = "decide"
    outcome = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("grant", _("Grant")), ("deny", _("Deny"))],
        widget=forms.RadioSelect,
    )
    field_order = ["outcome", "reason"]

    def payload(self) -> dict:
        return {"outcome": self.cleaned_data["outcome"], "reason": self.cleaned_data["reason"]}


class DeliverForm(ActionForm):
    action = "deliver"
    method = forms.ChoiceField(
        label=_("Delivery method"),
        required=False,
        choices=[(m, DELIVERY_LABELS[m]) for m in DELIVERY_METHODS],
        widget=forms.RadioSelect,
    )

    def payload(self) -> dict:
        return {"method": self.cleaned_data["method"]}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        RequestSupplementForm,
        SupplementForm,
        RefuseForm,
        SuspendForm,
        ResumeForm,
        ExtendForm,
        DecideForm,
        DeliverForm,
        WithdrawForm,
    )
}
ACTION_LABELS = {
    "accept": _("Accept"),
    "request_supplement": _("Ask for a supplement (one-time notice)"),
    "supplement": _("Record the supplement"),
    "refuse": _("Do not accept"),
    "suspend": _("Start a special procedure"),
    "resume": _("End the special procedure"),
    "extend": _("Extend the decision period"),
    "decide": _("Decide"),
    "deliver": _("Deliver"),
    "withdraw": _("Withdraw (at the applicant's request)"),
}
