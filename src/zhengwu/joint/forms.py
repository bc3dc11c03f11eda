"""Forms of the joint case pages. They only parse; the rules and their messages live in
``zhengwu.joint.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import NOTE_WIDGET, StyledForm
from zhengwu.joint.models import JointState

LEVEL_CHOICES = [
    ("", _("Any level")),
    ("normal", _("Normal")),
    ("yellow", _("Yellow warning")),
    ("red", _("Red warning")),
    ("statutory_overdue", _("Past the statutory limit")),
]
DELIVERY_CHOICES = [
    ("window", _("At the window")),
    ("mail", _("By mail")),
    ("electronic", _("Electronically")),
]


class QueueFilterForm(StyledForm):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *JointState.choices]
    )
    scene = forms.ChoiceField(label=_("Scene"), required=False, choices=[])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=LEVEL_CHOICES)
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = forms.DateField(
        label=_("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    q = forms.CharField(
        label=_("Joint case number or applicant"),
        required=False,
        max_length=64,
        help_text=_("A joint case number, an ID number or credit code, or the applicant's name."),
    )

    def __init__(self, *args, scenes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scene"].choices = [("", _("Any scene")), *scenes]

    def values(self) -> dict:
        """The valid filters (an invalid one is ignored, as on the case workbench)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in ("", None)}


class _MaterialsForm(StyledForm):
    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.code, m.name) for m in materials]
        for field in self.fields.values():
            if isinstance(field, forms.MultipleChoiceField):
                field.choices = choices


class RequestSupplementForm(_MaterialsForm):
    missing = forms.MultipleChoiceField(
        label=_("Missing materials (every item)"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=NOTE_WIDGET)

    def payload(self) -> dict:
        return {"missing": self.cleaned_data["missing"], "note": self.cleaned_data["note"]}


class SupplementForm(_MaterialsForm):
    materials = forms.MultipleChoiceField(
        label=_("Materials handed in"), choices=[], widget=forms.CheckboxSelectMultiple
    )

    def payload(self) -> dict:
        return {"materials": self.cleaned_data["materials"]}


class AcceptForm(_MaterialsForm):
    def payload(self) -> dict:
        return {}


class RefuseForm(_MaterialsForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=NOTE_WIDGET)

    def payload(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class ExtendForm(_MaterialsForm):
    workdays = forms.IntegerField(label=_("Working days (1 to 15)"), min_value=1, max_value=15)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=NOTE_WIDGET)

    def payload(self) -> dict:
        return {"workdays": self.cleaned_data["workdays"], "reason": self.cleaned_data["reason"]}


class DeliverForm(_MaterialsForm):
    method = forms.ChoiceField(
        label=_("Delivery method"), choices=DELIVERY_CHOICES, widget=forms.RadioSelect
    )

    def payload(self) -> dict:
        return {"method": self.cleaned_data["method"]}


class WithdrawForm(_MaterialsForm):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=2000, widget=NOTE_WIDGET
    )

    def payload(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


# The public actions (``services.ACTIONS``), in the order a page shows them.
ACTION_FORMS = {
    "request-supplement": RequestSupplementForm,
    "supplement": SupplementForm,
    "accept": AcceptForm,
    "refuse": RefuseForm,
    "extend": ExtendForm,
    "deliver": DeliverForm,
    "withdraw": WithdrawForm,
}
ACTION_LABELS = {
    "request-supplement": _("Issue the one-time notice"),
    "supplement": _("Record the supplement"),
    "accept": _("Accept the joint application"),
    "refuse": _("Refuse the joint application"),
    "extend": _("Extend the joint period"),
    "deliver": _("Deliver every decision at once"),
    "withdraw": _("Withdraw the joint application"),
}
