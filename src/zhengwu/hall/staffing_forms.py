"""The forms of the staffing pages: they only parse; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import NOTE_WIDGET, OnceForm, StyledForm
from zhengwu.hall.models.staffing import AssistedService, AttendanceMethod, LeaveRequest

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AttendanceForm(StyledForm):
    method = forms.ChoiceField(label=_("Sign-in method"), choices=AttendanceMethod.choices)
    lat = forms.CharField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    lon = forms.CharField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    photo = forms.FileField(
        label=_("Face photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "user"}),
    )


class LeaveForm(OnceForm):
    kind = forms.ChoiceField(label=_("Kind of leave"), choices=LeaveRequest.Kind.choices)
    first_day = forms.CharField(label=_("First day"), widget=DATE_WIDGET)
    last_day = forms.CharField(label=_("Last day"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class SettingsForm(StyledForm):
    radius_m = forms.IntegerField(
        label=_("Sign-in radius (metres)"),
        help_text=_("At most 50 m; a sign-in by location farther away is refused."),
    )
    empty_grace_minutes = forms.IntegerField(label=_("Empty-post grace (minutes)"))
    patrol_grace_minutes = forms.IntegerField(label=_("Patrol grace (minutes)"))
    finding_workdays = forms.IntegerField(label=_("Working days to follow up a finding"))
    late_tolerance_minutes = forms.IntegerField(label=_("Late and early tolerance (minutes)"))
    areas = forms.CharField(
        label=_("Patrol areas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One area a line; every window of the hall is checked as well."),
    )


class RosterForm(StyledForm):
    day = forms.CharField(label=_("Date"), widget=DATE_WIDGET)
    leader_a = forms.ChoiceField(label=_("Duty leader A"))
    leader_b = forms.ChoiceField(label=_("Duty leader B"), required=False)
    patrol_staff = forms.MultipleChoiceField(
        label=_("Patrol staff"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(pk), name) for pk, name in people]
        self.fields["leader_a"].choices = [("", "—"), *choices]
        self.fields["leader_b"].choices = [("", "—"), *choices]
        self.fields["patrol_staff"].choices = choices


class AssistedForm(OnceForm):
    person = forms.CharField(label=_("Person helped"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    items = forms.CharField(label=_("Items"), max_length=300)
    case_number = forms.CharField(label=_("Case number"), max_length=40, required=False)
    mode = forms.ChoiceField(
        label=_("Where"), choices=AssistedService.Mode.choices, widget=forms.RadioSelect
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Required for a home visit."),
    )
    served_on = forms.CharField(label=_("Date"), required=False, widget=DATE_WIDGET)


class CallbackForm(StyledForm):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=AssistedService.Satisfaction.choices
    )
    note = forms.CharField(label=_("Callback note"), max_length=300, required=False)


class FollowUpForm(StyledForm):
    follow_up = forms.CharField(label=_("Follow-up"), max_length=500, widget=NOTE_WIDGET)
