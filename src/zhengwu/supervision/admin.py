"""Read-only views of the supervision records for administrators: they are written by the sweep
and the review service only (docs/supervision.md)."""

from django.contrib import admin

from zhengwu.catalog.admin import ReadOnlyMixin
from zhengwu.supervision.models import CaseWarning, DailySeal, Irregularity, IrregularityReview


class ReadOnly(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReviewInline(admin.TabularInline):
    model = IrregularityReview
    extra = 0
    fields = ("created_at", "reviewer", "outcome", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CaseWarning)
class CaseWarningAdmin(ReadOnly):
    list_display = ("case", "department", "level", "period", "due", "raised_at")
    list_filter = ("level", "department")
    date_hierarchy = "raised_on"
    search_fields = ("case__number",)
    list_select_related = ("case", "department")


@admin.register(Irregularity)
class IrregularityAdmin(ReadOnly):
    list_display = ("case", "department", "kind", "status", "detected_at")
    list_filter = ("kind", "status", "department")
    date_hierarchy = "detected_on"
    search_fields = ("case__number",)
    list_select_related = ("case", "department")
    inlines = [ReviewInline]


@admin.register(DailySeal)
class DailySealAdmin(ReadOnly):
    list_display = ("day", "cases", "events", "hash", "created_at")
