from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from zhengwu.workdays import schedule as sched


class ImportForm(forms.Form):
    """A year's official schedule, typed in or uploaded, previewed, then imported."""

    year = forms.IntegerField(label=_("Year"))
    notice = forms.CharField(
        label=_("Notice"),
        max_length=200,
        required=False,
        help_text=_("The State Council notice, e.g. 国办发明电〔2025〕7号."),
    )
    holidays = forms.CharField(
        label=_("Holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_(
            "One holiday a line: start date, end date, name. Example: 2026-02-15,2026-02-23,春节"
        ),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "font-monospace"}),
        help_text=_("One Saturday or Sunday a line: date, name. Example: 2026-02-14,春节调休上班"),
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        # mark_safe keeps the translation lazy; the catalogue's text holds only <code> tags.
        help_text=mark_safe(  # noqa: S308
            _(
                "CSV or text, one entry a line: <code>holiday,start,end,name</code> or "
                "<code>workday,date,,name</code> (the keywords as written)."
            )
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, first_year: int, last_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_year, self.last_year = first_year, last_year
        self.fields["year"].widget.attrs.update({"min": first_year, "max": last_year})
        self.fields["year"].validators.append(_year_validator(first_year, last_year))
        for name, field in self.fields.items():
            if name == "digest":
                continue
            css = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"form-control {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            widget = self.fields[field].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        upload = cleaned.get("file")
        holidays_text = cleaned.get("holidays", "")
        workdays_text = cleaned.get("workdays", "")
        if upload and (holidays_text.strip() or workdays_text.strip()):
            self.add_error("file", _("Upload a file or type the schedule, not both."))
            return cleaned
        if not upload and not holidays_text.strip() and not workdays_text.strip():
            self.add_error("holidays", _("Enter the year's holidays or upload a file."))
            return cleaned
        if year is None:
            return cleaned
        content = None
        if upload:
            if upload.size > sched.MAX_FILE_BYTES:
                self.add_error("file", _("The file is too large for a schedule (at most 64 KB)."))
                return cleaned
            content = upload.read()
        schedule, errors = sched.parse(
            year, holidays_text=holidays_text, workdays_text=workdays_text, file=content
        )
        for field, messages in errors.by_field.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        cleaned["schedule"] = schedule
        return cleaned


def _year_validator(first_year: int, last_year: int):
    def validate(value):
        if not first_year <= value <= last_year:
            raise ValidationError(
                _("Enter a year from %(first)d to %(last)d."),
                params={"first": first_year, "last": last_year},
                code="year_range",
            )

    return validate
