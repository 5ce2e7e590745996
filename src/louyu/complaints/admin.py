from django.contrib import admin

from louyu.complaints.models import Category, Complaint, DeadlinePolicy, RoutingRule, StatusChange
from louyu.core.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "name_en",
        "lead_department",
        "is_fee_dispute",
        "sort_order",
        "is_active",
    ]
    list_editable = ["sort_order", "is_active"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(AuditedAdmin):
    list_display = [
        "__str__",
        "accept_working_days",
        "reply_days",
        "warn_before_hours",
        "escalate_to_ministry_after_hours",
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        """The default policy (no category) stays: every complaint's deadlines need one."""
        if obj is not None and obj.category_id is None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = [
        "order",
        "jurisdiction",
        "category",
        "channel",
        "operator",
        "handler",
        "is_active",
    ]
    list_editable = ["is_active"]
    list_filter = ["is_active", "jurisdiction"]
    raw_id_fields = ["handler"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Complaints are handled in the staff pages (scope, workflow, audit); the admin only
    lists them, without personal data."""

    list_display = ["tracking_code", "jurisdiction", "category", "state", "received_at"]
    list_filter = ["state", "channel", "category", "jurisdiction"]
    search_fields = ["tracking_code"]
    exclude = ["complainant_name", "complainant_phone", "complainant_address", "secret_hash"]
    inlines = [StatusChangeInline]
