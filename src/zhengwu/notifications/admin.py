from django.contrib import admin

from zhengwu.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "code", "case", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "code")
    search_fields = ("recipient__username", "case__number")
    list_select_related = ("recipient", "case")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False
