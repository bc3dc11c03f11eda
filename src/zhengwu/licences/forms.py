"""The licence register's search form (it only parses)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.licences.selectors import EXPIRED, VALID


class RegisterForm(StyledForm):
    holder = forms.CharField(
        label=_("Holder's ID number or credit code"), max_length=18, required=False
    )
    number = forms.CharField(label=_("Licence number"), max_length=40, required=False)
    type = forms.ChoiceField(label=_("Licence type"), required=False)
    validity = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[("", _("Any")), (VALID, _("Valid today")), (EXPIRED, _("Expired"))],
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Any")), *[(t.code, t.name) for t in types]]

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}
