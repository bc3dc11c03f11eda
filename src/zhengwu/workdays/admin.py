"""The calendar in the Django admin: stored days are edited through the services (so every edit
is logged and announced); years and the change log are read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role, has_role
from zhengwu.workdays import loader, services
from zhengwu.workdays.formatting import chinese_date
from zhengwu.workdays.models import CalendarChange, CalendarDay, CalendarYear
from zhengwu.workdays.selectors import describe_state


class _AdminOnly:
    """Only the admin role changes the calendar."""

    def has_module_permission(self, request):
        return has_role(request.user, Role.ADMIN)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)


class CalendarDayForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Why this day changes; kept in the change log."),
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "name", "note"]

    def clean_date(self):
        day = self.cleaned_data["date"]
        first, last = loader.supported_range()
        if day is not None and not first <= day <= last:
            raise forms.ValidationError(
                _("Enter a date from %(first)s to %(last)s."),
                params={"first": chinese_date(first), "last": chinese_date(last)},
                code="out_of_range",
            )
        return day


@admin.register(CalendarDay)
class CalendarDayAdmin(_AdminOnly, admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["shown_date", "is_workday", "name", "source", "updated_at", "updated_by"]
    list_filter = ["is_workday", "source"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description=_("date"), ordering="date")
    def shown_date(self, obj):
        return chinese_date(obj.date)

    def has_add_permission(self, request):
        return has_role(request.user, Role.ADMIN)

    def has_change_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)

    def has_delete_permission(self, request, obj=None):
        return has_role(request.user, Role.ADMIN)

    def get_readonly_fields(self, request, obj=None):
        return ["date"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = services.set_day(
            day=obj.date,
            is_workday=obj.is_workday,
            name=obj.name,
            note=obj.note,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
        obj.pk = saved.pk
        obj.source = saved.source
        obj.updated_at = saved.updated_at

    def delete_model(self, request, obj):
        services.clear_day(day=obj.date, actor=request.user)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            services.clear_day(day=row.date, actor=request.user)


@admin.register(CalendarYear)
class CalendarYearAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = ["year", "status", "notice", "imported_at", "imported_by"]
    list_filter = ["status"]
    readonly_fields = ["year", "status", "notice", "imported_at", "imported_by", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarChange)
class CalendarChangeAdmin(_AdminOnly, admin.ModelAdmin):
    list_display = [
        "at",
        "kind",
        "year",
        "shown_date",
        "shown_before",
        "shown_after",
        "by",
        "reason",
    ]
    list_filter = ["kind", "year"]
    search_fields = ["reason", "actor_label"]
    date_hierarchy = "at"

    @admin.display(description=_("date"), ordering="date")
    def shown_date(self, obj):
        return chinese_date(obj.date) if obj.date else "—"

    @admin.display(description=_("before"))
    def shown_before(self, obj):
        return describe_state(obj.before)

    @admin.display(description=_("after"))
    def shown_after(self, obj):
        return describe_state(obj.after)

    @admin.display(description=_("by"))
    def by(self, obj):
        return obj.actor_label or (obj.actor and obj.actor.get_username()) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
