from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts import models, regions, services
from zhengwu.core.masking import MaskedFieldsAdmin, mask_id, mask_phone


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        regions.place(obj)
        super().save_model(request, obj, form, change)


@admin.register(models.Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "phone"]
    search_fields = ["code", "name"]


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "center", "head", "is_active", "sort_order"]
    list_filter = ["center", "is_active"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["head", "parent"]


@admin.register(models.Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "center", "department", "is_active"]
    list_filter = ["center", "is_active", "department"]
    search_fields = ["number", "name"]
    filter_horizontal = ["serves"]


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "department", "window", "is_active", "last_login"]
    list_filter = ["groups", "department", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Work"), {"fields": ("full_name", "phone", "department", "window", "center", "region")}),
    )


@admin.register(models.Applicant)
class ApplicantAdmin(MaskedFieldsAdmin):
    list_display = ["name", "kind", "masked_number", "masked_phone", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "id_number", "uscc"]
    readonly_fields = ["created_at"]
    masked_fields = {"id_number": mask_id, "uscc": mask_id, "phone": mask_phone}

    @admin.display(description=_("number"))
    def masked_number(self, obj):
        return mask_id(obj.number)


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued with `manage.py issue_token`, shown once

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token=token)
