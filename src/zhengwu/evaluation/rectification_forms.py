"""Forms of the rectification ledger's pages. They only parse; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Department
from zhengwu.core.display import person_name
from zhengwu.core.forms import NOTE_WIDGET, OnceForm, StyledForm
from zhengwu.core.widgets import DateInput
from zhengwu.evaluation.models.rectification import DisciplineKind, MeasureKind, SourceKind

STATE_FILTERS = (("", _("All")), ("open", _("Not all verified")), ("done", _("All verified")))


class PersonChoice(forms.ModelChoiceField):
    """People by name, never by login."""

    def label_from_instance(self, obj):
        department = obj.department.name if obj.department_id else ""
        return f"{person_name(obj)}（{department}）" if department else person_name(obj)


def _staff():
    return (
        get_user_model()
        .objects.filter(is_active=True, department__isnull=False)
        .select_related("department")
        .order_by("department__code", "full_name", "pk")
    )


class LedgerFilterForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All")), *SourceKind.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("Progress"), required=False, choices=STATE_FILTERS)

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "year": data.get("year"),
            "query": (data.get("q") or "").strip(),
            "state": data.get("state") or "",
        }


class LedgerForm(OnceForm):
    """A source with its first finding; more problems are added on the ledger's page."""

    kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date of the source"), widget=DateInput())
    area = forms.CharField(label=_("Area (方面)"), max_length=300)
    item = forms.CharField(label=_("Item (大项)"), max_length=500)
    text = forms.CharField(label=_("Specific problem"), max_length=2000, widget=NOTE_WIDGET)

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "source": {"kind": data["kind"], "title": data["title"], "date": data["date"]},
            "areas": [
                {
                    "title": data["area"],
                    "items": [{"title": data["item"], "problems": [{"text": data["text"]}]}],
                }
            ],
        }


class ProblemForm(StyledForm):
    area = forms.CharField(label=_("Area (方面)"), max_length=300)
    item = forms.CharField(label=_("Item (大项)"), max_length=500)
    text = forms.CharField(label=_("Specific problem"), max_length=2000, widget=NOTE_WIDGET)


class MeasureForm(StyledForm):
    problem = forms.ChoiceField(label=_("Specific problem"))
    text = forms.CharField(label=_("Measure"), max_length=2000, widget=NOTE_WIDGET)
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
    )
    leader = PersonChoice(label=_("Responsible leader"), queryset=_staff())
    person = PersonChoice(label=_("Responsible person"), queryset=_staff())
    kind = forms.ChoiceField(label=_("Kind"), choices=MeasureKind.choices)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, problems=(), units=None, **kwargs):
        """``units``: the departments the office may assign (``services.assignable_units``)."""
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [(p.pk, f"{p.seq}. {p.text[:60]}") for p in problems]
        self.fields["leader"].queryset = _staff()
        self.fields["person"].queryset = _staff()
        if units is not None:
            self.fields["unit"].queryset = units.order_by("code")


class DisciplineForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=DisciplineKind.choices)
    person_name = forms.CharField(label=_("Person"), max_length=60)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    problem = forms.ChoiceField(label=_("Specific problem"), required=False)
    taken_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=NOTE_WIDGET)

    def __init__(self, *args, problems=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [("", "—")] + [
            (p.pk, f"{p.seq}. {p.text[:60]}") for p in problems
        ]
        if units is not None:
            self.fields["unit"].queryset = units.order_by("code")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class StepForm(StyledForm):
    """One step on a measure: the text (progress, what was done, the note or the reason),
    evidence files with a progress report, and the version seen."""

    text = forms.CharField(label=_("Text"), max_length=2000, required=False, widget=NOTE_WIDGET)
    files = MultipleFileField(label=_("Evidence files"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, label=None, files_wanted: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        if not files_wanted:
            del self.fields["files"]


class PeriodForm(StyledForm):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
