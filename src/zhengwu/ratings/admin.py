from django.contrib import admin

from zhengwu.core.masking import MaskedFieldsAdmin, mask_phone
from zhengwu.ratings.models import Appeal, Invitation, Rating, RectificationTask


@admin.register(Rating)
class RatingAdmin(MaskedFieldsAdmin):
    list_display = ("case", "channel", "level", "real_name", "department", "rated_at", "excluded")
    list_filter = ("level", "channel", "excluded", "department")
    search_fields = ("case__number",)
    raw_id_fields = ("case", "item", "department", "window", "staff", "entered_by")
    masked_fields = {"rater_phone": mask_phone}

    def has_delete_permission(self, request, obj=None):
        return False  # a rating is never deleted (an upheld appeal only leaves the statistics)


@admin.register(RectificationTask)
class RectificationTaskAdmin(admin.ModelAdmin):
    list_display = ("pk", "rating", "department", "state", "due_on", "escalated")
    list_filter = ("state", "escalated", "department")
    raw_id_fields = ("rating",)
    readonly_fields = [f.name for f in RectificationTask._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("task", "reason", "decision", "filed_at", "decided_at")
    list_filter = ("decision", "reason")
    raw_id_fields = ("task", "filed_by", "decided_by")


@admin.register(Invitation)
class InvitationAdmin(MaskedFieldsAdmin):
    list_display = ("case", "masked_phone", "sent_at")
    raw_id_fields = ("case",)
    masked_fields = {"phone": mask_phone}
