from django.contrib import admin

from louyu.cases.models import (
    AcceptanceCheck,
    Case,
    CaseStatusChange,
    EnforcementAction,
    Measure,
    RectificationPolicy,
    Violation,
)
from louyu.core.admin import AuditedAdmin


@admin.register(RectificationPolicy)
class RectificationPolicyAdmin(AuditedAdmin):
    """One policy per severity, seeded by migration ``cases 0002``: editable, never
    deleted (every case's deadline needs its severity's policy)."""

    list_display = ["severity", "period", "working_days", "warn_before_days"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ViolationInline(admin.TabularInline):
    model = Violation
    extra = 0
    raw_id_fields = ["responsible_organization", "created_by"]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    raw_id_fields = ["owner", "answered_by", "created_by"]


class ActionInline(admin.TabularInline):
    model = EnforcementAction
    extra = 0
    raw_id_fields = ["issuing_organization", "target_organization", "created_by"]


class AcceptanceInline(admin.TabularInline):
    model = AcceptanceCheck
    extra = 0
    raw_id_fields = ["checked_by"]


class StatusInline(admin.TabularInline):
    model = CaseStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "created_at", "note", "details"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read mostly: state, deadlines and supervision change through the case pages (the
    services audit them); the admin is for looking up and correcting texts."""

    list_display = ["code", "title", "jurisdiction", "state", "severity", "key_case"]
    list_filter = ["state", "severity", "key_case", "jurisdiction"]
    search_fields = ["code", "title", "building__name", "building__code"]
    raw_id_fields = ["building", "opened_by", "supervisor"]
    readonly_fields = [
        "code",
        "building",
        "jurisdiction",
        "state",
        "source",
        "key_case",
        "supervision_level",
        "supervisor",
        "rectify_due_at",
        "deadline_provisional",
        "closed_at",
        "opened_by",
        "created_at",
        "version",
    ]
    exclude = ["complaints", "warned_at", "overdue_notified_at"]
    inlines = [ViolationInline, MeasureInline, ActionInline, AcceptanceInline, StatusInline]
