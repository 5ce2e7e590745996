"""Roles are Django groups; their permissions are data kept here and synced after every
migration (``sync_roles``). Code checks permissions (``user.has_perm``), never group names."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

MINISTRY_ADMIN = "ministry_admin"
ADMINISTRATION_ADMIN = "administration_admin"
ADMINISTRATION_STAFF = "administration_staff"
JOINT_DEPARTMENT_STAFF = "joint_department_staff"
INSTITUTE_ANALYST = "institute_analyst"
OPERATOR_STAFF = "operator_staff"
PROPERTY_STAFF = "property_staff"

ROLE_LABELS = {
    MINISTRY_ADMIN: _("部级管理员"),
    ADMINISTRATION_ADMIN: _("管理局管理员"),
    ADMINISTRATION_STAFF: _("管理局工作人员"),
    JOINT_DEPARTMENT_STAFF: _("联合部门工作人员"),
    INSTITUTE_ANALYST: _("研究院分析人员"),
    OPERATOR_STAFF: _("运营商工作人员"),
    PROPERTY_STAFF: _("物业公司人员"),
}

_WORK = ["core.view_workitem", "core.change_workitem", "core.view_notification"]
_REFERENCE_VIEW = ["core.view_region", "core.view_jurisdiction", "core.view_organization"]
_CALENDAR_VIEW = ["core.view_calendarday", "core.view_calendaryear"]
_CALENDAR_EDIT = [
    "core.add_calendarday",
    "core.change_calendarday",
    "core.delete_calendarday",
    "core.add_calendaryear",
    "core.change_calendaryear",
]
_AUDIT = ["core.view_auditevent", "core.export_auditevent"]
_COMPLAINTS_VIEW = ["complaints.view_complaint"]
_COMPLAINTS_HANDLE = [
    *_COMPLAINTS_VIEW,
    "complaints.add_complaint",
    "complaints.change_complaint",
    "complaints.export_complaint",
]
_COMPLAINT_RULES = [
    "complaints.view_category",
    "complaints.change_category",
    "complaints.view_deadlinepolicy",
    "complaints.change_deadlinepolicy",
    "complaints.add_deadlinepolicy",
    "complaints.view_routingrule",
    "complaints.add_routingrule",
    "complaints.change_routingrule",
    "complaints.delete_routingrule",
]
_PLANS_VIEW = ["workplans.view_workplan"]
_PLANS_PROGRESS = [*_PLANS_VIEW, "workplans.add_planprogress"]
_PLANS_EDIT = [
    *_PLANS_PROGRESS,
    "workplans.add_workplan",
    "workplans.change_workplan",
    "workplans.export_workplan",
]
_PLAN_RULES = ["workplans.view_measurekind", "workplans.change_measurekind"]
_BUILDINGS_VIEW = ["buildings.view_building", "buildings.view_presence"]
_CASES_VIEW = ["cases.view_case"]
_CASES_HANDLE = [*_CASES_VIEW, "cases.add_case", "cases.change_case", "cases.export_case"]
_CASE_RULES = ["cases.view_rectificationpolicy", "cases.change_rectificationpolicy"]
_INSPECTIONS_VIEW = ["inspections.view_inspectionplan"]
_INSPECTIONS_PLAN = [
    *_INSPECTIONS_VIEW,
    "inspections.add_inspectionplan",
    "inspections.change_inspectionplan",
]
_INSPECTIONS_APPROVE = [*_INSPECTIONS_PLAN, "inspections.approve_inspectionplan"]
_FIGURES = ["reporting.view_figure", "reporting.export_figure"]
_REPORTS_VIEW = ["reporting.view_monthlyreport", "reporting.view_bulletin"]
_REPORTS_WRITE = [*_REPORTS_VIEW, "reporting.add_monthlyreport", "reporting.change_monthlyreport"]
_BULLETINS_EDIT = [
    *_REPORTS_VIEW,
    "reporting.review_monthlyreport",
    "reporting.add_bulletin",
    "reporting.change_bulletin",
    "reporting.publish_bulletin",
]
# Reference articles are public reference material for every role; the ministry, the
# institute and the administrations import them.
_ARTICLES_VIEW = ["articles.view_article"]
_ARTICLES_IMPORT = [*_ARTICLES_VIEW, "articles.add_article", "articles.change_article"]
_LIBRARY_READ = [
    "library.view_practice",
    "library.add_practicecomment",
    "library.view_meeting",
    "library.respond_actionitem",
]
_LIBRARY_WRITE = [
    *_LIBRARY_READ,
    "library.add_practice",
    "library.change_practice",
    "library.adopt_practice",
]
_BUILDINGS_EDIT = [
    *_BUILDINGS_VIEW,
    "buildings.add_building",
    "buildings.change_building",
    "buildings.change_presence",
    "buildings.export_building",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    MINISTRY_ADMIN: [
        *_WORK,
        *_ARTICLES_IMPORT,
        *_REFERENCE_VIEW,
        *_CALENDAR_VIEW,
        *_CALENDAR_EDIT,
        *_AUDIT,
        "core.add_workitem",
        "core.change_organization",
        "core.add_organization",
        "core.change_jurisdiction",
        "core.view_user",
        *_BUILDINGS_EDIT,
        *_COMPLAINTS_HANDLE,
        *_COMPLAINT_RULES,
        *_CASES_HANDLE,
        *_CASE_RULES,
        *_PLANS_EDIT,
        *_PLAN_RULES,
        "workplans.add_measurekind",
        *_INSPECTIONS_APPROVE,
        *_FIGURES,
        *_BULLETINS_EDIT,
        "reporting.view_reportpolicy",
        "reporting.change_reportpolicy",
        *_LIBRARY_WRITE,
        "library.review_practice",
        "library.publish_practice",
        "library.add_meeting",
        "library.change_meeting",
    ],
    ADMINISTRATION_ADMIN: [
        *_WORK,
        *_ARTICLES_IMPORT,
        *_REFERENCE_VIEW,
        *_CALENDAR_VIEW,
        *_AUDIT,
        "core.add_workitem",
        "core.view_user",
        *_BUILDINGS_EDIT,
        *_COMPLAINTS_HANDLE,
        *_CASES_HANDLE,
        *_PLANS_EDIT,
        *_INSPECTIONS_APPROVE,
        *_FIGURES,
        *_REPORTS_WRITE,
        *_LIBRARY_WRITE,
        "library.review_practice",
    ],
    ADMINISTRATION_STAFF: [
        *_WORK,
        *_ARTICLES_IMPORT,
        *_REFERENCE_VIEW,
        *_CALENDAR_VIEW,
        "core.add_workitem",
        *_BUILDINGS_EDIT,
        *_COMPLAINTS_HANDLE,
        *_CASES_HANDLE,
        *_PLANS_EDIT,
        *_INSPECTIONS_APPROVE,
        *_FIGURES,
        *_REPORTS_WRITE,
        *_LIBRARY_WRITE,
    ],
    JOINT_DEPARTMENT_STAFF: [
        *_WORK,
        *_ARTICLES_VIEW,
        *_REFERENCE_VIEW,
        *_CALENDAR_VIEW,
        *_COMPLAINTS_VIEW,
        *_CASES_VIEW,
        *_PLANS_PROGRESS,
        *_LIBRARY_READ,
        *_INSPECTIONS_VIEW,
    ],
    INSTITUTE_ANALYST: [
        *_WORK,
        *_ARTICLES_IMPORT,
        *_REFERENCE_VIEW,
        *_CALENDAR_VIEW,
        *_BUILDINGS_VIEW,
        "buildings.export_building",
        *_COMPLAINTS_VIEW,
        "complaints.export_complaint",
        *_CASES_VIEW,
        "cases.export_case",
        *_PLANS_VIEW,
        "workplans.export_workplan",
        *_INSPECTIONS_PLAN,
        *_FIGURES,
        *_REPORTS_VIEW,
        *_LIBRARY_READ,
    ],
    OPERATOR_STAFF: [
        *_WORK,
        *_ARTICLES_VIEW,
        *_REFERENCE_VIEW,
        *_CALENDAR_VIEW,
        *_BUILDINGS_VIEW,
        "buildings.change_presence",
        *_COMPLAINTS_VIEW,
        *_CASES_VIEW,
        "cases.report_refused_entry",
        *_PLANS_PROGRESS,
    ],
    PROPERTY_STAFF: [
        *_WORK,
        *_ARTICLES_VIEW,
        *_CALENDAR_VIEW,
        *_BUILDINGS_VIEW,
        *_CASES_VIEW,
        *_PLANS_PROGRESS,
    ],
}


@transaction.atomic
def sync_roles() -> None:
    """Create every role group and set exactly its listed permissions (idempotent)."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_key = {}
    for perm in Permission.objects.select_related("content_type").filter(
        codename__in={p.split(".", 1)[1] for p in wanted}
    ):
        by_key[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([by_key[p] for p in perms if p in by_key])


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """Run after the last app's post_migrate, when every app's permissions exist."""
    from django.apps import apps

    with_models = [app for app in apps.get_app_configs() if app.models_module is not None]
    if sender.label == with_models[-1].label:
        sync_roles()
