"""Admin: categories and routing rules are edited here (configuration); tickets and their
events are read-only, since every change to a ticket goes through the services."""

from __future__ import annotations

from django.contrib import admin

from zhengwu.catalog.admin import ReadOnlyMixin
from zhengwu.core.masking import CASE_HANDLING_ROLES, MaskedFieldsAdmin, mask_phone
from zhengwu.core.roles import Role
from zhengwu.tickets.models import Category, RoutingRule, Ticket, TicketEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "kind_hint", "is_efficiency", "active", "order"]
    list_filter = ["is_efficiency", "active", "kind_hint"]
    search_fields = ["code", "name"]
    ordering = ["order", "code"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "active", "category", "keywords", "area", "department", "note"]
    list_filter = ["active", "department"]
    list_editable = ["active"]
    search_fields = ["keywords", "area", "note"]
    autocomplete_fields = ["category"]
    ordering = ["order", "id"]


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = TicketEvent
    fields = ["seq", "kind", "occurred_at", "recorded_at", "actor_name", "data", "retroactive"]
    readonly_fields = fields
    extra = 0
    ordering = ["seq"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyMixin, MaskedFieldsAdmin):
    list_display = ["number", "kind", "category", "state", "department", "urge_level", "due_at"]
    list_filter = ["state", "kind", "urgent", "urge_level", "channel"]
    search_fields = ["number"]
    inlines = [EventInline]
    show_full_result_count = False
    masked_fields = {"caller_phone": mask_phone}
    unmasked_roles = CASE_HANDLING_ROLES | {Role.OPERATOR}
