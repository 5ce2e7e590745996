from django.contrib import admin

from louyu.core.admin import AuditedAdmin, ReadOnlyAdmin
from louyu.reporting.models import Bulletin, MonthlyReport, ReportPolicy


@admin.register(ReportPolicy)
class ReportPolicyAdmin(AuditedAdmin):
    list_display = ["name", "name_en", "due_working_day", "remind_days_before", "is_active"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    """Reports change only through their workflow (the reporting pages and API)."""

    list_display = ["jurisdiction", "period", "state", "due_at", "submitted_at"]
    list_filter = ["state", "period"]


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ["period", "title", "number", "state", "published_at"]
