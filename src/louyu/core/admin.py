from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from louyu.core.audit import audit_record
from louyu.core.lockout import login_unlock
from louyu.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    DocumentNumber,
    Jurisdiction,
    Notification,
    Organization,
    Region,
    User,
    WorkItem,
)

admin.site.site_header = _("楼宇 · 管理后台")
admin.site.site_title = _("楼宇管理后台")
admin.site.index_title = _("参考数据与规则")


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only records and job logs: viewable, never added, changed or deleted
    through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent in a read-only admin: they change through services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits of reference data and rules are audited like any other write; the admin
    already runs each save in a transaction."""

    def save_model(self, request, obj, form, change):
        before = {name: form.initial.get(name) for name in form.changed_data} if change else {}
        super().save_model(request, obj, form, change)
        changes = {
            name: [before.get(name), form.cleaned_data.get(name)] for name in form.changed_data
        }
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'change' if change else 'create'}",
            obj=obj,
            changes={k: [str(v[0]), str(v[1])] for k, v in changes.items()},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=f"{obj._meta.model_name}.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=f"{obj._meta.model_name}.delete", obj=obj)
        super().delete_queryset(request, queryset)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "jurisdiction"]
    list_filter = ["level", "jurisdiction"]
    search_fields = ["code", "name", "full_name"]
    readonly_fields = ["jurisdiction"]
    autocomplete_fields = ["parent"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdmin):
    list_display = ["code", "name", "short_name", "sort_order"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["regions"]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["code", "name", "type", "jurisdiction", "parent", "is_active"]
    list_filter = ["type", "is_basic_operator", "is_active", "jurisdiction"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "jurisdiction"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "organization", "is_active"]
    list_filter = ["is_active", "is_staff", "groups", "organization__type"]
    search_fields = ["username", "first_name", "last_name", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("所属机构"), {"fields": ["organization", "phone"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"user.{'change' if change else 'create'}",
            obj=obj,
            jurisdiction=getattr(obj.organization, "jurisdiction_id", None),
            changes={"fields": sorted(n for n in form.changed_data if n != "password")},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "actor_repr",
        "action",
        "object_repr",
        "jurisdiction",
        "ip_address",
    ]
    list_filter = ["action", "jurisdiction"]
    search_fields = ["actor_repr", "action", "object_repr", "object_id"]
    date_hierarchy = "created_at"


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ["year", "published", "source"]


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    """A work item is completed by doing its step (DESIGN.md), never edited here."""

    list_display = ["title", "assignee_organization", "assignee_user", "due_at", "state"]
    list_filter = ["state", "kind"]
    search_fields = ["title"]
    raw_id_fields = ["assignee_organization", "assignee_user", "created_by", "jurisdiction"]


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ReadOnlyAdmin):
    """A series advances only when a document is issued (louyu.core.document_numbers), so
    that no number is given twice."""

    list_display = ["organization", "kind", "year", "last"]
    list_filter = ["kind", "year"]
    raw_id_fields = ["organization"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]


@admin.register(AccessAttempt)
class LoginLockoutAdmin(AccessAttemptAdmin):
    """Axes' list of counted login failures (AXES_ENABLE_ADMIN is off so that this one is
    registered instead): unlocking, by the action or by deleting, goes through
    ``login_unlock`` and is audited."""

    actions = ["unlock"]

    @admin.action(description=_("解除所选登录锁定"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = login_unlock(actor=request.user, attempts=queryset, via="admin")
        self.message_user(
            request,
            _("已解除 %(count)d 个用户名与地址的登录锁定。") % {"count": count},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        login_unlock(
            actor=request.user, attempts=AccessAttempt.objects.filter(pk=obj.pk), via="admin"
        )

    def delete_queryset(self, request, queryset):
        login_unlock(actor=request.user, attempts=queryset, via="admin")
