"""Forms of the survey pages: they parse only; the services check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department
from zhengwu.core.forms import StyledForm
from zhengwu.evaluation.models.surveys import Evaluation, QuestionKind

GROUP_ROWS = 4
QUESTION_ROWS = 12
DEFAULT_GROUPS = (("企业代表", "0.6"), ("政协委员", "0.4"), ("", ""), ("", ""))


class FilterForm(StyledForm):
    q = forms.CharField(label=_("Evaluation name"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Evaluation state"),
        required=False,
        choices=[("", _("All")), *Evaluation.State.choices],
    )


class EvaluationForm(StyledForm):
    name = forms.CharField(label=_("Evaluation name"), max_length=200)
    template = forms.TypedChoiceField(label=_("Questionnaire template"), coerce=int)
    start = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}))
    units = forms.MultipleChoiceField(
        label=_("Units evaluated"), widget=forms.CheckboxSelectMultiple
    )
    excellent = forms.DecimalField(label=_("优秀 from"), initial=90, max_digits=6, decimal_places=2)
    good = forms.DecimalField(label=_("良好 from"), initial=80, max_digits=6, decimal_places=2)
    fair = forms.DecimalField(label=_("一般 from"), initial=70, max_digits=6, decimal_places=2)
    method = forms.CharField(label=_("Method"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, templates=(), reader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.pk, str(t)) for t in templates]
        departments = Department.objects.filter(is_active=True).order_by("sort_order", "code")
        if reader is not None:  # the departments the reader oversees (accounts.regions)
            departments = departments.filter(regions.department_q(reader, "pk"))
        self.fields["units"].choices = [(d.code, d.name) for d in departments]
        for index in range(GROUP_ROWS):
            name, weight = DEFAULT_GROUPS[index]
            self.fields[f"group_{index}_name"] = forms.CharField(
                label=_("Group"), required=False, max_length=60, initial=name
            )
            self.fields[f"group_{index}_weight"] = forms.DecimalField(
                label=_("Weight"), required=False, max_digits=7, decimal_places=3, initial=weight
            )
            self.fields[f"group_{index}_respondents"] = forms.IntegerField(
                label=_("Respondents"), required=False, min_value=1, max_value=5000
            )
        from zhengwu.core.forms import style

        style(self)

    def group_rows(self):
        return [
            (
                self[f"group_{i}_name"],
                self[f"group_{i}_weight"],
                self[f"group_{i}_respondents"],
            )
            for i in range(GROUP_ROWS)
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        groups = []
        for index in range(GROUP_ROWS):
            name = data.get(f"group_{index}_name") or ""
            weight = data.get(f"group_{index}_weight")
            respondents = data.get(f"group_{index}_respondents")
            if name or respondents:
                groups.append(
                    {
                        "name": name,
                        "weight": str(weight) if weight is not None else "",
                        "respondents": respondents,
                    }
                )
        return {
            "name": data["name"],
            "template": data["template"],
            "start": data["start"],
            "end": data["end"],
            "units": list(data["units"]),
            "groups": groups,
            "thresholds": {k: str(data[k]) for k in ("excellent", "good", "fair")},
            "method": data.get("method") or "",
        }

    # Service field names → this form's fields.
    RENAME = {"from": "start", "to": "end", "thresholds": "excellent"} | {
        f"groups.{i}.{part}": f"group_{i}_{part}"
        for i in range(GROUP_ROWS)
        for part in ("name", "weight", "respondents")
    }


class TemplateForm(StyledForm):
    name = forms.CharField(label=_("Template name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(QUESTION_ROWS):
            self.fields[f"q_{index}_code"] = forms.CharField(
                label=_("Question code"), required=False, max_length=32
            )
            self.fields[f"q_{index}_section"] = forms.CharField(
                label=_("Section"), required=False, max_length=200
            )
            self.fields[f"q_{index}_text"] = forms.CharField(
                label=_("Question"), required=False, max_length=500
            )
            self.fields[f"q_{index}_kind"] = forms.ChoiceField(
                label=_("Kind"), choices=QuestionKind.choices, initial="score"
            )
            self.fields[f"q_{index}_weight"] = forms.DecimalField(
                label=_("Weight"), required=False, max_digits=7, decimal_places=3, initial=1
            )
            self.fields[f"q_{index}_choices"] = forms.CharField(
                label=_("Choices (label:points / …)"), required=False, max_length=500
            )
        from zhengwu.core.forms import style

        style(self)

    def question_rows(self):
        parts = ("code", "section", "text", "kind", "weight", "choices")
        return [[self[f"q_{i}_{p}"] for p in parts] for i in range(QUESTION_ROWS)]

    def questions(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for index in range(QUESTION_ROWS):
            code = data.get(f"q_{index}_code") or ""
            text = data.get(f"q_{index}_text") or ""
            if not code and not text:
                continue
            weight = data.get(f"q_{index}_weight")
            choices = []
            for n, part in enumerate((data.get(f"q_{index}_choices") or "").split("/"), 1):
                label, _sep, points = part.strip().partition(":")
                if label.strip():
                    choices.append(
                        {
                            "value": str(n),
                            "label": label.strip(),
                            "points": points.strip() or None,
                        }
                    )
            rows.append(
                {
                    "code": code,
                    "section": data.get(f"q_{index}_section") or "",
                    "text": text,
                    "kind": data.get(f"q_{index}_kind"),
                    "weight": str(weight) if weight is not None else "1",
                    "choices": choices,
                }
            )
        return rows

    @staticmethod
    def rename(errors: dict) -> dict:
        out = {}
        for key, messages in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "questions":
                out[f"q_{parts[1]}_{parts[2]}"] = messages
            else:
                out[key] = messages
        return out


class FindingsForm(StyledForm):
    method = forms.CharField(
        label=_("Method"), required=False, widget=forms.Textarea({"rows": 3}), max_length=4000
    )
    findings = forms.CharField(
        label=_("Problems found"),
        required=False,
        widget=forms.Textarea({"rows": 6}),
        max_length=8000,
    )
