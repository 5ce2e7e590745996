from django.contrib import admin

from louyu.core.admin import AuditedAdmin, ReadOnlyAdmin
from louyu.workplans.models import MeasureKind, PlanMeasure, PlanStatusChange, WorkPlan


@admin.register(MeasureKind)
class MeasureKindAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "is_commitment", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


class PlanStatusChangeInline(admin.TabularInline):
    model = PlanStatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PlanMeasureInline(admin.TabularInline):
    model = PlanMeasure
    extra = 0
    can_delete = False
    fields = ["kind", "title", "owner", "due_date", "status"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkPlan)
class WorkPlanAdmin(ReadOnlyAdmin):
    """Plans are kept in the staff pages (scope, workflow, audit); the admin only lists."""

    list_display = ["building", "jurisdiction", "state", "outcome", "target_date", "created_at"]
    list_filter = ["state", "outcome", "jurisdiction"]
    search_fields = ["building__name", "building__code"]
    raw_id_fields = ["building"]
    inlines = [PlanStatusChangeInline, PlanMeasureInline]
