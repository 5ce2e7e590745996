"""Monthly reports (月度进展报送) from the communications administrations.

Each month, every administration gets a draft report of the month before and a work item
to submit it, due on the N-th working day of the next month (``ReportPolicy``, the 5th by
default, on the legal calendar). Submitting freezes the month's figures in the report; the
ministry then accepts it or returns it with comments, and a returned report is submitted
(and frozen) again. The work item is completed only by submitting."""

from __future__ import annotations

import datetime

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.errors import ConcurrentEdit, InvalidTransition
from louyu.core.models import Jurisdiction, Organization, OrganizationType, User, WorkItemState
from louyu.core.scope import scope_for
from louyu.core.services import (
    notify,
    users_of_organization,
    work_item_create,
    work_items_close_for,
)
from louyu.core.uploads import CheckedFile, storage_name
from louyu.reporting import figures
from louyu.reporting.models import (
    MonthlyReport,
    ReportFile,
    ReportPolicy,
    ReportStatusChange,
    month_end,
)
from louyu.reporting.rollup.query import Area
from louyu.reporting.rollup.refresh import rollup_state
from louyu.reporting.workflow import (
    REPORT_BY_ADMINISTRATION,
    REPORT_BY_MINISTRY,
    REPORT_EDITABLE,
    REPORT_REQUIRED,
    ReportState,
    report_targets,
)

NARRATIVE = ("progress", "practices", "difficulties", "next_steps")
TEXT_LIMIT = 20000
WORK_ITEM_KIND = "monthly_report"


def report_title(report: MonthlyReport) -> str:
    return f"报送{report.period:%Y年%-m月}专项整治进展"


def report_link(report: MonthlyReport) -> str:
    return f"/reporting/reports/{report.pk}/"


def report_due(period: datetime.date) -> calendar.Deadline:
    """When the report of ``period`` (a month's first day) is due: the policy's N-th
    working day after the month's last day (民法典第二百零一条: the start day is not
    counted), provisional where the next year's holiday schedule is not known yet."""
    policy = ReportPolicy.objects.filter(is_active=True).order_by("pk").first()
    if policy is None:
        raise ImproperlyConfigured("No active report policy (seeded by reporting 0002).")
    return calendar.add_working_days(month_end(period), policy.due_working_day)


def administration_of(jurisdiction_id: int) -> Organization | None:
    return (
        Organization.objects.filter(
            type=OrganizationType.COMM_ADMIN, jurisdiction_id=jurisdiction_id, is_active=True
        )
        .order_by("pk")
        .first()
    )


def _ministry_users() -> list[User]:
    users: list[User] = []
    for org in Organization.objects.filter(type=OrganizationType.MINISTRY, is_active=True):
        users.extend(users_of_organization(org))
    return users


def _open_work_item(actor, report: MonthlyReport, title: str, due_at, provisional: bool):
    administration = administration_of(report.jurisdiction_id)
    if administration is None:
        return None
    return work_item_create(
        actor=actor,
        title=title,
        assignee_organization=administration,
        due_at=due_at,
        due_provisional=provisional,
        target=report,
        link=report_link(report),
        kind=WORK_ITEM_KIND,
        step=True,
        jurisdiction=report.jurisdiction,
    )


@transaction.atomic
def reports_open(*, period: datetime.date, actor: User | None = None) -> int:
    """Make sure every administration has its report of ``period`` and, for a new one, a
    work item to submit it. Idempotent; returns how many reports it created."""
    period = period.replace(day=1)
    if period > timezone.localdate().replace(day=1):
        raise ValidationError({"period": "不能为尚未开始的月份创建月报。"})
    due = report_due(period)
    created = 0
    for jurisdiction in Jurisdiction.objects.order_by("sort_order", "code"):
        if administration_of(jurisdiction.pk) is None:
            continue
        report, is_new = MonthlyReport.objects.get_or_create(
            jurisdiction=jurisdiction,
            period=period,
            defaults={"due_at": due.due_at, "due_provisional": due.provisional},
        )
        if not is_new:
            continue
        created += 1
        ReportStatusChange.objects.create(
            report=report, from_state="", to_state=ReportState.DRAFT, actor=actor
        )
        audit_record(actor=actor, action="monthly_report.open", obj=report)
        _open_work_item(actor, report, report_title(report), due.due_at, due.provisional)
    return created


def can_write(user: User | None, report: MonthlyReport) -> bool:
    """The report's own administration edits and submits it."""
    if user is None:
        return True
    return (
        user.has_perm("reporting.change_monthlyreport")
        and user.organization is not None
        and user.organization.type == OrganizationType.COMM_ADMIN
        and scope_for(user).can_see_jurisdiction(report.jurisdiction_id)
    )


def can_review(user: User | None) -> bool:
    return user is None or user.has_perm("reporting.review_monthlyreport")


def _lock(report: MonthlyReport, expected_version: int | None) -> MonthlyReport:
    locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEdit("该月报已被他人修改，请刷新页面后再操作。")
    return locked


@transaction.atomic
def report_update(
    *, actor: User, report: MonthlyReport, expected_version: int | None = None, **fields: str
) -> MonthlyReport:
    """Change the narrative of a draft or returned report (the administration's own)."""
    locked = _lock(report, expected_version)
    if not can_write(actor, locked):
        raise PermissionDenied("只有本管理局可以填写本月报。")
    if locked.state not in REPORT_EDITABLE:
        raise InvalidTransition("已报送的月报不能修改；如需修改，请等待退回。")
    unknown = set(fields) - set(NARRATIVE)
    if unknown:
        raise ValidationError({name: "不能修改此项。" for name in unknown})
    changed = []
    for name, value in fields.items():
        value = (value or "").strip()
        if len(value) > TEXT_LIMIT:
            raise ValidationError({name: f"内容过长（不超过 {TEXT_LIMIT} 字）。"})
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor, action="monthly_report.update", obj=locked, changes={"fields": changed}
        )
    report.__dict__.update(locked.__dict__)
    return locked


def frozen_figures(report: MonthlyReport) -> dict:
    """The month's figures of the report's jurisdiction, as they stand in the rollup."""
    period = figures.Period(report.period, month_end(report.period))
    values = figures.evaluate(Area(frozenset({report.jurisdiction_id})), period)
    return {code: value.as_dict() for code, value in values.items()}


@transaction.atomic
def report_transition(
    *,
    actor: User | None,
    report: MonthlyReport,
    to: str,
    expected_version: int | None = None,
    comment: str = "",
) -> MonthlyReport:
    """Submit (the administration), accept or return (the ministry) a report. Submitting
    freezes its figures and completes its work item; returning needs a comment and gives
    the administration a new work item."""
    locked = _lock(report, expected_version)
    from_state = locked.state
    if to not in report_targets(from_state):
        target = ReportState(to).label if to in ReportState.values else to
        raise InvalidTransition(f"当前状态为“{locked.get_state_display()}”，不能转为“{target}”。")
    if to in REPORT_BY_ADMINISTRATION and not can_write(actor, locked):
        raise PermissionDenied("只有本管理局可以报送本月报。")
    if to in REPORT_BY_MINISTRY and not can_review(actor):
        raise PermissionDenied("只有工业和信息化部可以审核月报。")
    comment = (comment or "").strip()
    missing = {name: "此项为必填。" for name in REPORT_REQUIRED.get(to, ()) if not comment}
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    if to == ReportState.SUBMITTED:
        if not locked.progress.strip():
            raise ValidationError({"progress": "请填写本月工作进展后再报送。"})
        locked.figures = frozen_figures(locked)
        state = rollup_state()
        locked.figures_as_of = state.as_of if state is not None else now
        locked.submitted_at, locked.submitted_by = now, actor
        locked.return_comment = ""
    else:
        locked.decided_at = now
        if to == ReportState.RETURNED:
            locked.return_comment = comment[:TEXT_LIMIT]
    locked.state = to
    locked.version += 1
    locked.save()
    ReportStatusChange.objects.create(
        report=locked, from_state=from_state, to_state=to, actor=actor, note=comment[:2000]
    )
    audit_record(
        actor=actor,
        action=f"monthly_report.{to}",
        obj=locked,
        changes={"state": [from_state, to]},
    )
    _after(actor, locked, to)
    report.__dict__.update(locked.__dict__)
    return locked


def _after(actor, report: MonthlyReport, to: str) -> None:
    """Work items and notifications of each target state."""
    if to == ReportState.SUBMITTED:
        work_items_close_for(actor=actor, target=report, state=WorkItemState.DONE)
        notify(
            recipients=_ministry_users(),
            title=f"{report.jurisdiction.short_name}已报送{report.period:%Y年%-m月}进展",
            link=report_link(report),
        )
        return
    administration = administration_of(report.jurisdiction_id)
    recipients = users_of_organization(administration) if administration else []
    if to == ReportState.RETURNED:
        due = calendar.add_working_days(timezone.localdate(), 3)
        _open_work_item(
            actor, report, f"修改后重新{report_title(report)}", due.due_at, due.provisional
        )
        notify(recipients=recipients, title=f"月报被退回：{report}", link=report_link(report))
    elif to == ReportState.ACCEPTED:
        notify(recipients=recipients, title=f"月报已采用：{report}", link=report_link(report))


FILES_MAX = 10


@transaction.atomic
def report_files_add(
    *, actor: User, report: MonthlyReport, files: list[CheckedFile]
) -> list[ReportFile]:
    """Attach content-checked files (``core.uploads``) to a draft or returned report, all or
    nothing (stored files are deleted again when the transaction fails)."""
    locked = _lock(report, None)
    if not can_write(actor, locked):
        raise PermissionDenied("只有本管理局可以为本月报添加附件。")
    if locked.state not in REPORT_EDITABLE:
        raise InvalidTransition("已报送的月报不能再添加附件。")
    if not files:
        raise ValidationError({"files": "请选择要上传的文件。"})
    if locked.files.count() + len(files) > FILES_MAX:
        raise ValidationError({"files": f"每份月报最多 {FILES_MAX} 个附件。"})
    saved: list[ReportFile] = []
    try:
        for checked in files:
            stored = ReportFile(
                report=locked,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
            )
            stored.file.save(storage_name(checked.name), ContentFile(checked.data), save=False)
            saved.append(stored)
            stored.save()
    except BaseException:
        for stored in saved:
            if stored.file.name:
                stored.file.storage.delete(stored.file.name)
        raise
    audit_record(
        actor=actor,
        action="monthly_report.files",
        obj=locked,
        changes={"files": [f.original_name for f in saved]},
    )
    return saved
