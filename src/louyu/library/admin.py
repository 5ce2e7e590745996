from django.contrib import admin

from louyu.library.models import ActionItem, Meeting, Practice, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "state", "created_at"]
    list_filter = ["state", "jurisdiction"]
    search_fields = ["title"]
    readonly_fields = ["state", "published_at", "version", "created_by"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "kind", "organizer"]
    search_fields = ["title"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["requirement", "meeting", "assignee", "due_date", "state"]
    list_filter = ["state"]
    readonly_fields = ["state", "response", "responded_by", "responded_at", "version"]
