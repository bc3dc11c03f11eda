"""The base of every staff and public form: Bootstrap classes on the widgets, and the services'
``ValidationFailed`` messages put back on the fields. Forms only parse; rules live in services."""

from __future__ import annotations

from django import forms

from zhengwu.core.errors import ValidationFailed

NOTE_WIDGET = forms.Textarea(attrs={"rows": 2})
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (a class already set is kept)."""
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, CHECK_WIDGETS):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def put_errors(self, failed: ValidationFailed, rename: dict[str, str] | None = None) -> list:
        """Put the services' messages on the fields; the ones no field takes are returned."""
        rest = []
        rename = rename or {}
        for key, messages in failed.errors.items():
            name = rename.get(key, key)
            if name in self.fields and not self.fields[name].widget.is_hidden:
                for message in messages:
                    self.add_error(name, message)
            else:
                rest.extend(messages)
        return rest
