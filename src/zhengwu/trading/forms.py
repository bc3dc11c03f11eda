"""The forms of the trading pages: they only parse; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Department
from zhengwu.core.forms import NOTE_WIDGET, DateTimeLocalInput, StyledForm
from zhengwu.core.widgets import DateInput
from zhengwu.trading.models import DealState, DealType, FlagKind, OnsitePhase
from zhengwu.trading.selectors_pages import NO_DEPARTMENT


class DealFilterForm(StyledForm):
    type = forms.ChoiceField(label=_("Deal type"), required=False)
    state = forms.ChoiceField(label=_("Deal state"), required=False)
    department = forms.ChoiceField(label=_("Supervising department"), required=False)
    tenderer = forms.CharField(label=_("Tenderer"), max_length=100, required=False)
    start = forms.DateField(label=_("Announced from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Announced to"), required=False, widget=DateInput())
    flag = forms.ChoiceField(label=_("Open signal"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["type"].choices = blank + list(DealType.choices)
        self.fields["state"].choices = blank + list(DealState.choices)
        self.fields["flag"].choices = blank + list(FlagKind.choices)
        self.fields["department"].choices = (
            blank
            + list(Department.objects.order_by("sort_order", "code").values_list("code", "name"))
            + [(NO_DEPARTMENT, _("No department"))]
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("confirmed", _("Confirm: the signal is collusion or misconduct")),
            ("dismissed", _("Dismiss: the signal is explained")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Review note"), max_length=2000, widget=NOTE_WIDGET)


class OnsiteForm(StyledForm):
    phase = forms.ChoiceField(label=_("Phase"), choices=OnsitePhase.choices)
    observed_at = forms.DateTimeField(
        label=_("Observed at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty for now."),
    )
    seen = forms.CharField(label=_("What was seen"), max_length=2000, widget=NOTE_WIDGET)
    irregular = forms.BooleanField(label=_("An irregularity"), required=False)


class CreditFilterForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name or credit code"), max_length=100, required=False)

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}
