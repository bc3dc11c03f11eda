"""The admin of the hall's queue: business types (with the windows serving each) are configured
here; numbers, slots and appointments are read only (phones masked). Loaded by the app's
``ready()``."""

from django.contrib import admin

from zhengwu.core.masking import MaskedFieldsAdmin, mask_phone
from zhengwu.hall.models.queue import Appointment, BusinessType, Slot, Ticket


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "department", "prefix", "slot_capacity", "is_active")
    list_filter = ("hall", "kind", "is_active")
    search_fields = ("code", "name")
    filter_horizontal = ("windows",)


class ReadOnly(MaskedFieldsAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = ("number", "day", "business_type", "state", "priority", "window", "taken_at")
    list_filter = ("state", "source", "business_type", "day")
    search_fields = ("number",)
    masked_fields = {"phone": mask_phone}


@admin.register(Slot)
class SlotAdmin(ReadOnly):
    list_display = ("business_type", "day", "starts_at", "ends_at", "capacity", "booked")
    list_filter = ("business_type", "day")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnly):
    list_display = ("code", "slot", "state", "booked_at")
    list_filter = ("state",)
    search_fields = ("code",)
    masked_fields = {"phone": mask_phone}
