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
from louyu.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline


@admin.register(RectificationPolicy)
class RectificationPolicyAdmin(AuditedAdmin):
    """One policy per severity, seeded by migration ``cases 0002``: editable, never
    deleted (every case's deadline needs its severity's policy)."""

    list_display = ["severity", "period", "working_days", "warn_before_days"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ViolationInline(ReadOnlyInline):
    model = Violation


class MeasureInline(ReadOnlyInline):
    model = Measure


class ActionInline(ReadOnlyInline):
    model = EnforcementAction


class AcceptanceInline(ReadOnlyInline):
    model = AcceptanceCheck


class StatusInline(ReadOnlyInline):
    model = CaseStatusChange
    fields = ["from_state", "to_state", "actor", "created_at", "note", "details"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read only: every change of a case (its texts included) goes through the case pages
    and API, whose services lock the row, bump its version and audit the change; an admin
    edit did neither."""

    list_display = ["code", "title", "jurisdiction", "state", "severity", "key_case"]
    list_filter = ["state", "severity", "key_case", "jurisdiction"]
    search_fields = ["code", "title", "building__name", "building__code"]
    raw_id_fields = ["building", "opened_by", "supervisor"]
    exclude = ["complaints", "warned_at", "overdue_notified_at"]
    inlines = [ViolationInline, MeasureInline, ActionInline, AcceptanceInline, StatusInline]
