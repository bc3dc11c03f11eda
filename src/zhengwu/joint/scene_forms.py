"""Forms of the scene pages. They only parse input; the rules live in ``scenes`` and
``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Department
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.forms import StyledForm
from zhengwu.joint.models import Scene, SceneVersion

MAX_UPLOAD = 10 * 1024 * 1024
MAX_STAGE = 20


class SceneFilterForm(forms.Form):
    """The GET filters of the scene list; bad values filter nothing, never an error page."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False,
        choices=[("", ""), *Scene.Status.choices, ("has_draft", _("Has a draft"))],
    )
    lead = forms.CharField(required=False, max_length=32)

    def values(self) -> dict[str, str]:
        self.is_valid()
        return {key: self.cleaned_data.get(key) or "" for key in self.fields}


class ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        version = obj.current_version or obj.draft_version
        name = version.name if version else obj.impl_code
        return f"{name}（{obj.department.name}）"


class SceneForm(StyledForm):
    code = forms.RegexField(
        label=_("scene code"),
        max_length=64,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        error_messages={"invalid": _("Use letters, digits, “.”, “-” and “_”.")},
    )
    name = forms.CharField(label=_("scene name"), max_length=200)
    lead_department = forms.ModelChoiceField(
        label=_("lead department"), queryset=Department.objects.none(), to_field_name="code"
    )
    promised_limit = forms.IntegerField(
        label=_("promised limit (working days)"),
        min_value=1,
        max_value=9999,
        help_text=_("For the whole scene; at most 45 working days to be published."),
    )
    composite_licence = forms.BooleanField(
        label=_("issues one composite licence"),
        required=False,
        help_text=_("一业一证: one industry licence listing the items' licences."),
    )

    stage_names = forms.CharField(
        label=_("stage names"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in stage order; an empty line leaves a stage unnamed."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = Department.objects.order_by("sort_order", "code")
        if editing:
            self.fields["code"].disabled = True


class SceneItemForm(StyledForm):
    item = ItemChoice(
        label=_("service item"),
        queryset=ServiceItem.objects.none(),
        to_field_name="impl_code",
    )
    stage = forms.IntegerField(label=_("stage"), min_value=1, max_value=MAX_STAGE, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            ServiceItem.objects.exclude(status=ServiceItem.Status.RETIRED)
            .select_related("department", "current_version", "draft_version")
            .order_by("department__sort_order", "impl_code")
        )


SceneItemFormSet = forms.formset_factory(
    SceneItemForm, extra=3, can_delete=True, max_num=60, absolute_max=60, validate_max=True
)


def used_rows(formset) -> list[dict]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
    ]


def stages_from(rows: list[dict]) -> list[list[str]]:
    """The implementation codes by stage (stage numbers on the page start at 1; a gap stays a
    gap, which publishing reports)."""
    stages: list[list[str]] = []
    for row in rows:
        index = row["stage"] - 1
        while len(stages) <= index:
            stages.append([])
        stages[index].append(row["item"].impl_code)
    return stages


def names_from(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r", "").split("\n")]


def initial_of(version: SceneVersion | None) -> tuple[dict, list[dict]]:
    if version is None:
        return {"promised_limit": 10}, []
    scene = {
        "code": version.scene.code,
        "name": version.name,
        "lead_department": version.lead_department.code,
        "promised_limit": version.promised_limit,
        "composite_licence": version.composite_licence,
        "stage_names": "\n".join(version.stage_names),
    }
    rows = [
        {"item": entry.item.impl_code, "stage": entry.stage + 1}
        for entry in version.items.select_related("item").order_by("stage", "position", "id")
    ]
    return scene, rows


class SceneImportForm(StyledForm):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    publish = forms.BooleanField(
        label=_("Publish the imported scenes at once"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("A file can have at most 10 MB."))
        return upload
