from django.contrib import admin

from louyu.buildings.models import Building, BuildingImport, Presence, PresenceEvent
from louyu.core.admin import ReadOnlyAdmin


class PresenceInline(admin.TabularInline):
    model = Presence
    extra = 0
    readonly_fields = ["operator", "status", "since", "source", "updated_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # presence changes go through the service, which keeps the history


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdmin):
    """Edits go through the web pages and API (scope, audit, derivations)."""

    list_display = ["code", "name", "region", "jurisdiction", "building_type", "operator_count"]
    list_filter = ["jurisdiction", "building_type", "operator_count"]
    search_fields = ["code", "name", "address"]
    raw_id_fields = ["region", "property_company", "access_agent"]
    readonly_fields = [
        "code",
        "jurisdiction",
        "normalized_address",
        "normalized_name",
        "operator_count",
        "fibre_rule_applies",
    ]
    inlines = [PresenceInline]


@admin.register(PresenceEvent)
class PresenceEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "building", "operator", "old_status", "new_status", "source"]
    list_filter = ["source", "new_status"]
    raw_id_fields = ["building", "operator", "actor"]


@admin.register(BuildingImport)
class BuildingImportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "original_filename", "created_by", "status", "dry_run"]
    list_filter = ["status", "dry_run"]
    search_fields = ["original_filename", "sha256"]
    raw_id_fields = ["created_by", "organization", "jurisdiction", "committed_from"]
