"""The base of every staff and public form: Bootstrap classes on the widgets, and the services'
``ValidationFailed`` messages put back on the fields. Forms only parse; rules live in services."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext as _

from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.idempotency import MAX_KEY_LENGTH

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


class OnceForm(StyledForm):
    """A form that creates something once: a fresh form carries a one-time token (``once``, a
    hidden field) that the page sends as the idempotency key, so sending the same form twice
    gives the first result. A form shown again after a failure keeps its token."""

    once = forms.CharField(max_length=MAX_KEY_LENGTH, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("once", secrets.token_urlsafe(24))


def attempt(form, write):
    """``(result, problems, status)``: ``write()``'s result when the form is valid and the
    services accept it; else None with the messages to show and the status (422 / 409 / 403)."""
    if not form.is_valid():
        return None, [_("The submitted data is not valid.")], 422
    try:
        return write(), [], 200
    except ValidationFailed as failed:
        return None, [str(failed.message), *form.put_errors(failed)], 422
    except DomainError as error:
        return None, [str(error.message)], 409
    except Forbidden as error:
        return None, [str(error.message)], 403
