"""Forms of the ticket pages. They only parse and keep what was typed; every rule and message comes
from ``zhengwu.tickets.services`` (``ValidationFailed`` errors are put back on the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengwu.accounts.models import Department
from zhengwu.core.forms import NOTE_WIDGET, OnceForm, StyledForm
from zhengwu.core.widgets import DateInput
from zhengwu.tickets.models import EmergencyService, Kind, Outcome, Satisfaction
from zhengwu.tickets.selectors import categories as category_queryset

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
WIDE = forms.Textarea(attrs={"rows": 4})


def category_choices() -> list[tuple[str, str]]:
    """Active categories as ``(code, "parent › name")``, the tree's order, blank first."""
    rows = list(category_queryset().order_by("order", "code"))
    names = {c.pk: c.name for c in rows}
    out = [("", "—")]
    for c in rows:
        label = f"{names.get(c.parent_id, c.parent.name if c.parent else '')} › {c.name}"
        out.append((c.code, label if c.parent_id else c.name))
    return out


def department_choices(blank: bool = True) -> list[tuple[str, str]]:
    rows = Department.objects.order_by("sort_order", "code").values_list("code", "name")
    return ([("", "—")] if blank else []) + [(code, name) for code, name in rows]


def yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


# --- intake --------------------------------------------------------------------------------------


class IntakeForm(OnceForm):
    """A call as the operator takes it; ``intent`` says what to do once it is registered."""

    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=20)
    caller_name = forms.CharField(label=_("Caller's name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect)
    content = forms.CharField(label=_("What the caller says"), max_length=5000, widget=WIDE)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    area = forms.CharField(label=_("Area"), max_length=100, required=False)
    related_department = forms.ChoiceField(label=_("Department complained about"), required=False)
    related_case = forms.CharField(label=_("Related case number"), max_length=32, required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    department = forms.ChoiceField(label=_("Handling unit"), required=False)
    answer = forms.CharField(
        label=_("Answer given on the spot"), max_length=5000, required=False, widget=WIDE
    )
    service = forms.ChoiceField(
        label=_("Emergency service"),
        choices=[("", "—"), *EmergencyService.choices],
        required=False,
    )
    into = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["department"].choices = department_choices()
        self.fields["related_department"].choices = department_choices()
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class CitizenForm(OnceForm):
    """A request sent by a logged-in citizen from the web or a phone."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"))
    content = forms.CharField(label=_("Your request"), max_length=5000, widget=WIDE)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    caller_phone = forms.CharField(label=_("Phone to call you back"), max_length=20)
    caller_name = forms.CharField(label=_("Your name"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class FollowForm(forms.Form):
    number = forms.CharField(
        label=_("Ticket number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    phone = forms.CharField(
        label=_("Phone given with the request"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "tel", "autocomplete": "tel"}
        ),
    )


class KnowledgeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All")), ("guide", _("Service guides")), ("answer", _("Past answers"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


# --- queue filters -------------------------------------------------------------------------------


class FilterForm(StyledForm):
    number = forms.CharField(label=_("Ticket number"), required=False, max_length=32)
    phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=20)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    department = forms.ChoiceField(label=_("Handling unit"), required=False)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput())
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)

    def __init__(self, *args, departments=None, **kwargs):
        """``departments``: the units the reader may narrow to, grouped by center
        (``selectors.filter_departments``); one group is listed without its heading."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Kind.choices]
        self.fields["category"].choices = [("", _("All categories")), *category_choices()[1:]]
        groups = list(departments or [])
        units = groups[0][1] if len(groups) == 1 else groups
        self.fields["department"].choices = [("", _("All units")), *units]
        for name in ("number", "phone"):
            self.fields[name].widget.attrs["placeholder"] = self.fields[name].label
        for name in ("received_from", "received_to"):
            self.fields[name].widget.attrs["title"] = self.fields[name].label

    def values(self) -> dict:
        """The valid filters (an invalid one is dropped, never an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "", False)}


class ReportForm(StyledForm):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end cannot be before the start."))
        if start and end and (end - start).days > 366 * 5:
            self.add_error("end", _("A report covers at most five years."))
        return data


# --- actions on a ticket -------------------------------------------------------------------------


class ActionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def payload(self) -> dict:
        return {}


class DispatchForm(ActionForm):
    department = forms.ChoiceField(label=_("Handling unit"))
    due = forms.DateField(
        label=_("Reply due (leave empty for the default)"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()

    def payload(self):
        due = self.cleaned_data.get("due")
        return {
            "department": self.cleaned_data["department"],
            "due": due.isoformat() if due else None,
        }


class AcceptForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=NOTE_WIDGET)

    def payload(self):
        return {"reason": self.cleaned_data["reason"]}


class ReviewReturnForm(ActionForm):
    approve = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve the return")), ("no", _("Reject: the unit must handle it"))],
        widget=forms.RadioSelect,
    )
    department = forms.ChoiceField(label=_("Dispatch at once to"), required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=NOTE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()

    def payload(self):
        return {
            "approve": yes_no(self.cleaned_data["approve"]),
            "department": self.cleaned_data.get("department") or None,
            "note": self.cleaned_data.get("note", ""),
        }


class ExtendForm(ActionForm):
    workdays = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=NOTE_WIDGET)

    def payload(self):
        return {"workdays": self.cleaned_data["workdays"], "reason": self.cleaned_data["reason"]}


class ApproveExtensionForm(ActionForm):
    approve = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve the extension")), ("no", _("Reject the extension"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=NOTE_WIDGET)

    def payload(self):
        return {"approve": yes_no(self.cleaned_data["approve"]), "note": self.cleaned_data["note"]}


class ReplyForm(ActionForm):
    result = forms.CharField(label=_("How it was handled"), max_length=5000, widget=WIDE)

    def payload(self):
        return {"result": self.cleaned_data["result"]}


class UrgeForm(ActionForm):
    level = forms.TypedChoiceField(
        label=_("Urge level"),
        coerce=int,
        choices=[
            (1, _("Level 1: the hotline")),
            (2, _("Level 2: the supervisor")),
            (3, _("Level 3: the government office")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=NOTE_WIDGET)

    def payload(self):
        return {"level": self.cleaned_data["level"], "reason": self.cleaned_data["reason"]}


class CallbackForm(ActionForm):
    reached = forms.ChoiceField(label=_("Caller reached"), choices=YES_NO, widget=forms.RadioSelect)
    resolved = forms.ChoiceField(
        label=_("Problem solved"), choices=[("", "—"), *YES_NO], required=False
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=[("", "—"), *Satisfaction.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=NOTE_WIDGET)

    def payload(self):
        data = self.cleaned_data
        return {
            "reached": yes_no(data["reached"]),
            "resolved": yes_no(data.get("resolved")),
            "satisfaction": data.get("satisfaction") or None,
            "note": data.get("note", ""),
        }


class InvestigateForm(ActionForm):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("investigation", "Outcome"), choices=Outcome.choices
    )
    department = forms.ChoiceField(label=_("Department found responsible"), required=False)
    staff = forms.CharField(label=_("Staff member named"), max_length=100, required=False)
    note = forms.CharField(label=_("Findings"), max_length=2000, required=False, widget=NOTE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = department_choices()

    def payload(self):
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "department": data.get("department") or None,
            "staff": data.get("staff", ""),
            "note": data.get("note", ""),
        }


class CloseForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=NOTE_WIDGET)

    def payload(self):
        return {"note": self.cleaned_data["note"]}


class AnswerForm(ActionForm):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=WIDE)


class TransferForm(ActionForm):
    service = forms.ChoiceField(label=_("Emergency service"), choices=EmergencyService.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=NOTE_WIDGET)


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Merge into ticket number"), max_length=32)


# The page's actions in their order: name → (form, label, button colour).
ACTIONS = {
    "dispatch": (DispatchForm, _("Dispatch"), "primary"),
    "accept": (AcceptForm, _("Accept"), "primary"),
    "reply": (ReplyForm, _("Reply"), "primary"),
    "callback": (CallbackForm, _("Record the callback"), "primary"),
    "review_return": (ReviewReturnForm, _("Review the return"), "primary"),
    "approve_extension": (ApproveExtensionForm, _("Review the extension"), "primary"),
    "redo": (ReasonForm, _("Send back for redoing"), "warning"),
    "return": (ReasonForm, _("Return as outside our duties"), "outline-danger"),
    "extend": (ExtendForm, _("Ask for an extension"), "outline-secondary"),
    "investigate": (InvestigateForm, _("Record the investigation"), "primary"),
    "urge": (UrgeForm, _("Urge"), "outline-danger"),
    "answer": (AnswerForm, _("Answer on the spot"), "success"),
    "merge": (MergeForm, _("Merge as a duplicate"), "outline-secondary"),
    "transfer": (TransferForm, _("Emergency transfer"), "danger"),
    "close": (CloseForm, _("Close the ticket"), "outline-secondary"),
}
