"""Practices, meetings and action items change only through their audited services (the
web pages and the API); the admin shows them read-only. Tags are audited."""

from django.contrib import admin

from louyu.core.admin import AuditedAdmin, ReadOnlyAdmin
from louyu.library.models import ActionItem, Meeting, Practice, Tag


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    search_fields = ["name"]


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "jurisdiction", "state", "created_at"]
    list_filter = ["state", "jurisdiction"]
    search_fields = ["title"]
    readonly_fields = ["state", "published_at", "version", "created_by"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "kind", "organizer"]
    search_fields = ["title"]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ["requirement", "meeting", "assignee", "due_date", "state"]
    list_filter = ["state"]
    readonly_fields = ["state", "response", "responded_by", "responded_at", "version"]
