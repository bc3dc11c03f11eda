"""The forms of the joint review meeting pages and the project search. They only parse; the
rules are ``zhengwu.joint.meetings``' and ``services.clean_project_code``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import NOTE_WIDGET, StyledForm
from zhengwu.joint.models import Opinion


class ConveneForm(StyledForm):
    held_on = forms.DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    topic = forms.CharField(label=_("Topic"), max_length=500)
    departments = forms.MultipleChoiceField(
        label=_("Departments concerned"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = [(d.code, d.name) for d in departments]


class AttendeeForm(StyledForm):
    department = forms.ChoiceField(label=_("Department"))
    name = forms.CharField(label=_("Attendee's name"), max_length=50)
    title = forms.CharField(label=_("Post"), max_length=100, required=False)
    may_decide = forms.TypedChoiceField(
        label=_("May decide on the spot"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.code, d.name) for d in departments]


class DecisionForm(StyledForm):
    item = forms.ChoiceField(label=_("Item"))
    opinion = forms.ChoiceField(label=_("Opinion"), choices=Opinion.choices)
    text = forms.CharField(
        label=_("Conditions or reasons"), required=False, max_length=2000, widget=NOTE_WIDGET
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (c.item.impl_code, c.item.current_version.name if c.item.current_version else "")
            for c in items
        ]


class CloseForm(StyledForm):
    conclusion = forms.CharField(label=_("Conclusion"), max_length=2000, widget=NOTE_WIDGET)


class ProjectSearchForm(StyledForm):
    code = forms.CharField(label=_("Investment project code"), max_length=64, required=False)
