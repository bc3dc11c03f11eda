"""Read-only admin views of the catalogue: every change goes through the catalogue pages
(services), which keep published versions immutable and check the rules."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog.models import Fee, Material, ProcessStep, ServiceItem, ServiceItemVersion


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MaterialInline(ReadOnlyMixin, admin.TabularInline):
    model = Material
    fields = ["position", "code", "name", "required", "form", "copies", "source", "blank_form"]
    readonly_fields = fields
    extra = 0


class FeeInline(ReadOnlyMixin, admin.TabularInline):
    model = Fee
    fields = ["position", "name", "standard", "basis"]
    readonly_fields = fields
    extra = 0


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = ProcessStep
    fields = ["position", "name", "description"]
    readonly_fields = fields
    extra = 0


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    model = ServiceItemVersion
    fields = ["number", "status", "name", "valid_from", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    ordering = ["-number"]


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["impl_code", "current_name", "department", "status", "current_version"]
    list_filter = ["status", "department"]
    search_fields = ["impl_code", "base_code", "current_version__name", "draft_version__name"]
    list_select_related = ["department", "current_version", "draft_version"]
    inlines = [VersionInline]

    @admin.display(description=_("item name"))
    def current_name(self, obj):
        version = obj.latest_version
        return version.name if version else ""


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "number", "name", "kind", "handling_type", "status", "valid_from"]
    list_filter = ["status", "kind", "handling_type", "online_depth"]
    search_fields = ["item__impl_code", "name"]
    list_select_related = ["item"]
    inlines = [MaterialInline, FeeInline, StepInline]
