"""Forms of the staff pages. They only parse input; the rules live in rules.py and services.py."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import fields_for_model
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog import selectors
from zhengwu.catalog.models import (
    KIND_CHOICES,
    SPECIAL_PROCEDURE_CHOICES,
    Material,
    ServiceItem,
    ServiceItemVersion,
)
from zhengwu.catalog.services import MODEL_FIELDS
from zhengwu.core import clock

# Version form field -> dict-shape key (the services' language).
CONTENT_KEYS = {model: key for key, model in MODEL_FIELDS.items()}
VERSION_FIELDS = [
    "name",
    "kind",
    "handling_type",
    "statutory_limit",
    "promised_limit",
    "onsite_visits",
    "onsite_reason",
    "online_depth",
    "legal_basis",
    "conditions",
    "special_procedures",
    "parallel_approval",
    "place",
    "hours",
    "consult_phone",
    "complaint_phone",
    "licence_type",
]
MAX_UPLOAD = 10 * 1024 * 1024


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class VersionForm(StyledForm):
    """The content fields of a version (materials, fees and steps are formsets beside it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("statutory_limit", "promised_limit", "onsite_visits"):
            self.fields[name].widget.attrs["min"] = 0

    def content(self) -> dict:
        data = self.cleaned_data
        return {CONTENT_KEYS.get(name, name): data[name] for name in VERSION_FIELDS}


VersionForm.base_fields.update(
    fields_for_model(
        ServiceItemVersion,
        fields=VERSION_FIELDS,
        widgets={
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "onsite_reason": forms.TextInput(),
        },
    )
)
VersionForm.base_fields["special_procedures"] = forms.MultipleChoiceField(
    label=_("Special procedures that may apply"),
    choices=SPECIAL_PROCEDURE_CHOICES,
    widget=forms.CheckboxSelectMultiple,
    required=False,
    help_text=_("Their time is not counted in the limits (行政许可法 art. 45)."),
)
VersionForm.base_fields["licence_type"].help_text = _(
    "The code of the licence type a grant of this item issues; empty when it issues none."
)
VersionForm.base_fields["kind"].choices = [
    ("", "---------"),
    *((code, format_lazy("{} {}", code, label)) for code, label in KIND_CHOICES),
]


def version_initial(version: ServiceItemVersion | None) -> dict:
    if version is None:
        return {"online_depth": 1, "onsite_visits": 0}
    return {name: getattr(version, name) for name in VERSION_FIELDS}


class IdentityForm(StyledForm):
    """What identifies a new item; fixed afterwards."""

    impl_code = forms.CharField(label=_("implementation code"), max_length=64)
    base_code = forms.CharField(label=_("basic code"), max_length=64)
    department = forms.ModelChoiceField(label=_("department"), queryset=None, to_field_name="code")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if departments.count() == 1:
            self.fields["department"].initial = departments.first().code


class MaterialForm(StyledForm):
    """One material row. ``ref`` is the id of the row it was loaded from: its files are kept unless
    a new file is uploaded or "remove" is ticked."""

    ref = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label=_("material code"), max_length=32)
    name = forms.CharField(label=_("material name"), max_length=300)
    required = forms.BooleanField(label=_("required"), required=False, initial=True)
    form = forms.ChoiceField(
        label=_("form"), choices=Material._meta.get_field("form").choices, initial="paper"
    )
    copies = forms.IntegerField(label=_("copies"), min_value=0, initial=1)
    source = forms.CharField(label=_("source"), max_length=300, required=False)
    notes = forms.CharField(label=_("notes"), max_length=1000, required=False)
    licence_type = forms.CharField(
        label=_("satisfied by a licence of type"),
        max_length=32,
        required=False,
        help_text=_("The code of a licence type: a holder of a valid one need not hand it in."),
    )
    blank_form = forms.FileField(
        label=_("blank form"),
        widget=forms.ClearableFileInput,
        required=False,
        validators=Material._meta.get_field("blank_form").validators,
    )
    sample = forms.FileField(
        label=_("filled-in sample"),
        widget=forms.ClearableFileInput,
        required=False,
        validators=Material._meta.get_field("sample").validators,
    )

    def __init__(self, *args, existing: dict[int, Material] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing or {}

    @property
    def source_material(self) -> Material | None:
        """The stored row this form was loaded from (for its current files)."""
        ref = self["ref"].value()
        try:
            return self.existing.get(int(ref)) if ref not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        for key in ("blank_form", "sample"):
            upload = data.get(key)
            if isinstance(upload, UploadedFile) and upload.size > MAX_UPLOAD:
                self.add_error(key, _("A file can have at most 10 MB."))
        return data

    def entry(self) -> dict:
        """The material in the dict shape, with the file decisions of the form."""
        data = self.cleaned_data
        entry = {key: data[key] for key in ("code", "name", "required", "form", "copies")}
        entry.update(
            source=data.get("source") or "",
            notes=data.get("notes") or "",
            licence_type=data.get("licence_type") or "",
        )
        source = self.existing.get(data.get("ref")) if data.get("ref") is not None else None
        for key in ("blank_form", "sample"):
            value = data.get(key)
            if value is False:
                entry[key] = None
            elif isinstance(value, UploadedFile):
                entry[key] = value
            elif source is not None:
                entry[key] = getattr(source, key) or None
        return entry


class FeeForm(StyledForm):
    name = forms.CharField(label=_("fee"), max_length=200)
    standard = forms.CharField(label=_("standard"), max_length=500, required=False)
    basis = forms.CharField(label=_("basis for the fee"), max_length=500, required=False)

    def entry(self) -> dict:
        return {key: self.cleaned_data.get(key) or "" for key in ("name", "standard", "basis")}


class StepForm(StyledForm):
    name = forms.CharField(label=_("step"), max_length=200)
    description = forms.CharField(label=_("description"), max_length=2000, required=False)

    def entry(self) -> dict:
        return {key: self.cleaned_data.get(key) or "" for key in ("name", "description")}


MaterialFormSet = forms.formset_factory(
    MaterialForm, extra=1, can_delete=True, max_num=200, absolute_max=200, validate_max=True
)
FeeFormSet = forms.formset_factory(
    FeeForm, extra=1, can_delete=True, max_num=50, absolute_max=50, validate_max=True
)
StepFormSet = forms.formset_factory(
    StepForm, extra=1, can_delete=True, max_num=50, absolute_max=50, validate_max=True
)


def children_initial(version: ServiceItemVersion | None) -> dict[str, list[dict]]:
    """Initial formset rows: the version's content, each material row with its database ref."""
    if version is None:
        return {"materials": [], "fees": [], "steps": []}
    content = selectors.version_content(version)
    refs = [material.pk for material in version.materials.all()]
    return {
        "materials": [
            {**row, "ref": ref} for row, ref in zip(content["materials"], refs, strict=True)
        ],
        "fees": content["fees"],
        "steps": content["steps"],
    }


def used_forms(formset) -> list[forms.Form]:
    """The formset's forms that hold an entry, in order (neither empty nor marked for deletion)."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
    ]


class PublishForm(StyledForm):
    valid_from = forms.DateField(
        label=_("valid from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"valid_from": clock.today()})
        super().__init__(*args, **kwargs)


class RetireForm(StyledForm):
    reason = forms.CharField(
        label=_("reason for retiring"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(StyledForm):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    publish = forms.BooleanField(
        label=_("Publish the imported versions at once"), required=False, initial=True
    )
    valid_from = forms.DateField(
        label=_("valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: today."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("A file can have at most 10 MB."))
        return upload


class ListFilterForm(forms.Form):
    """The GET filters of the lists; bad values are ignored, never an error page."""

    q = forms.CharField(required=False, max_length=100)
    department = forms.CharField(required=False, max_length=32)
    center = forms.CharField(required=False, max_length=32)
    nearby = forms.BooleanField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *KIND_CHOICES])
    status = forms.ChoiceField(
        required=False,
        choices=[("", ""), *ServiceItem.Status.choices, ("has_draft", _("Has a draft"))],
    )

    def values(self) -> dict[str, str]:
        self.is_valid()  # invalid fields drop out of cleaned_data and filter nothing
        return {key: self.cleaned_data.get(key) or "" for key in self.fields}


VERSION_PREFIX = "v"
PUBLISH_PREFIX = "p"
IDENTITY_PREFIX = "item"
FORMSET_PREFIXES = ("materials", "fees", "steps")


def editor_data(version: ServiceItemVersion, *, valid_from=None) -> QueryDict:
    """The editor's POST data that shows ``version`` as stored (to re-show a saved draft with the
    problems that keep it from being published)."""
    data = QueryDict(mutable=True)

    def put(key: str, value) -> None:
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value)

    for name in VERSION_FIELDS:
        value = getattr(version, name)
        if name == "special_procedures":
            data.setlist(f"{VERSION_PREFIX}-{name}", list(value))
        else:
            put(f"{VERSION_PREFIX}-{name}", value)
    for prefix, entries in children_initial(version).items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(entries))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(entries))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, entry in enumerate(entries):
            for key, value in entry.items():
                put(f"{prefix}-{index}-{key}", value)
    if valid_from is not None:
        put(f"{PUBLISH_PREFIX}-valid_from", valid_from.isoformat())
    return data
