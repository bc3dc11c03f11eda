"""The filters of the supervision lists: what was typed comes back on the page, bad values are
shown as errors and ignored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.widgets import DateInput
from zhengwu.supervision.models import (
    IrregularityKind,
    IrregularityStatus,
    ReviewOutcome,
    WarningLevel,
)
from zhengwu.supervision.selectors import ListFilters


class ListFilterForm(forms.Form):
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *WarningLevel.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *IrregularityKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *IrregularityStatus.choices],
    )
    number = forms.CharField(label=_("Case number"), required=False, max_length=32)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d.pk, d.name) for d in departments
        ]

    def clean_number(self):
        return self.cleaned_data["number"].replace("\x00", "").strip()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filters(self) -> ListFilters:
        """The valid values (an invalid field filters nothing)."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return ListFilters(
            department=data.get("department"),
            start=data.get("start"),
            end=data.get("end") if "end" not in self.errors else None,
            level=data.get("level", ""),
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            number=data.get("number", ""),
        )


class ReviewForm(forms.Form):
    """A review step with its note; ``steps`` are those the user may take now
    (``services.steps_for``), all of them when not given."""

    outcome = forms.ChoiceField(
        label=_("Finding"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Review note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What the review found; kept with the irregularity for good."),
    )

    def __init__(self, *args, steps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if steps is not None:
            labels = dict(ReviewOutcome.choices)
            self.fields["outcome"].choices = [(s, labels[s]) for s in steps]
            if steps == [ReviewOutcome.ANSWERED]:
                self.fields["outcome"].initial = ReviewOutcome.ANSWERED
                self.fields["note"].label = _("The department's explanation")
                self.fields["note"].help_text = _(
                    "What happened and why; the supervisor reviews it."
                )
