"""Rectification cases for problem buildings (问题楼宇整治): one open case per building, with
its violations, measures, enforcement actions, acceptance checks, files and status history.
The rectification period per severity is data (RectificationPolicy)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.cases.workflow import (
    FINAL_STATES,
    ActionKind,
    MeasureStatus,
    ResponsibleParty,
    Severity,
    Source,
    State,
    SupervisionLevel,
)


class RectificationPolicy(models.Model):
    """How long a case of one severity has to be put right once rectification starts."""

    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices, unique=True)
    period = models.PositiveSmallIntegerField(
        _("整改期限"), default=30, validators=[MinValueValidator(1)]
    )
    working_days = models.BooleanField(
        _("按工作日计算"), default=False, help_text=_("不勾选则按自然日计算。")
    )
    warn_before_days = models.PositiveSmallIntegerField(_("到期前提醒（日）"), default=3)

    class Meta:
        ordering = ["severity"]
        verbose_name = _("整改期限规则")
        verbose_name_plural = _("整改期限规则")

    def __str__(self) -> str:
        return self.get_severity_display()


class Case(models.Model):
    code = models.CharField(_("案件编号"), max_length=20, unique=True)
    building = models.ForeignKey(
        "buildings.Building", verbose_name=_("楼宇"), on_delete=models.PROTECT, related_name="cases"
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    state = models.CharField(
        _("状态"), max_length=24, choices=State.choices, default=State.IDENTIFIED
    )
    severity = models.CharField(
        _("严重程度"), max_length=16, choices=Severity.choices, default=Severity.GENERAL
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    title = models.CharField(_("案件名称"), max_length=200)
    summary = models.TextField(_("案情摘要"), max_length=5000, blank=True)
    key_case = models.BooleanField(_("重点案件"), default=False, db_index=True)
    supervision_level = models.CharField(
        _("督办级别"), max_length=16, choices=SupervisionLevel.choices, blank=True
    )
    supervisor = models.ForeignKey(
        "core.Organization",
        verbose_name=_("督办机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_cases",
    )
    rectify_due_at = models.DateTimeField(_("整改期限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("时限待定"), default=False)
    closed_reason = models.TextField(_("结案理由"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    complaints = models.ManyToManyField(
        "complaints.Complaint",
        verbose_name=_("关联申诉"),
        through="CaseComplaint",
        related_name="cases",
        blank=True,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("立案时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Reminder bookkeeping: each is sent once per deadline (cleared when the deadline changes).
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("整治案件")
        verbose_name_plural = _("整治案件")
        permissions = [
            ("export_case", _("导出整治案件")),
            ("report_refused_entry", _("报告进场受阻")),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "created_at"]),
            models.Index(fields=["state", "rectify_due_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=~models.Q(state__in=sorted(FINAL_STATES)),
                name="one_open_case_per_building",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES

    @property
    def is_overdue(self) -> bool:
        return (
            self.state == State.RECTIFYING
            and self.rectify_due_at is not None
            and self.rectify_due_at < timezone.now()
        )


class CaseComplaint(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="complaint_links")
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="case_links"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["linked_at", "id"]
        verbose_name = _("关联申诉")
        verbose_name_plural = _("关联申诉")
        constraints = [
            models.UniqueConstraint(fields=["case", "complaint"], name="case_complaint_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ↔ {self.complaint_id}"


class Violation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violations")
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("问题类别"),
        on_delete=models.PROTECT,
        related_name="case_violations",
    )
    responsible_party = models.CharField(
        _("责任主体"), max_length=16, choices=ResponsibleParty.choices
    )
    responsible_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_violations",
    )
    description = models.TextField(_("违规情况"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A violation recorded by mistake is withdrawn, never deleted: it stays on the case,
    # struck through, with who withdrew it, when and why.
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdraw_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("违规问题")
        verbose_name_plural = _("违规问题")
        indexes = [models.Index(fields=["responsible_party", "case"])]

    def __str__(self) -> str:
        return f"{self.category} / {self.get_responsible_party_display()}"


class CaseStatusChange(models.Model):
    """One transition of a case (or a recorded event on it). Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_state = models.CharField(max_length=24, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=24, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_organization = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("案件状态变更")
        verbose_name_plural = _("案件状态变更")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Status changes are append-only.")
        super().save(*args, **kwargs)


class Measure(models.Model):
    """A rectification measure (整改措施) one organisation owes, by a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("措施"), max_length=200)
    description = models.TextField(_("要求"), max_length=2000, blank=True)
    owner = models.ForeignKey(
        "core.Organization",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="case_measures",
    )
    due_date = models.DateField(_("完成期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    response = models.TextField(_("落实情况"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        indexes = [models.Index(fields=["owner", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == MeasureStatus.OPEN and self.due_date < timezone.localdate()


class AcceptanceCheck(models.Model):
    """Verification that the problem is gone (验收). A pass moves the case to rectified, a
    failure back to rectifying; at least one evidence file is always required."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="acceptance_checks")
    passed = models.BooleanField(_("验收通过"))
    notes = models.TextField(_("验收意见"), max_length=5000)
    checked_on = models.DateField(_("验收日期"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("验收记录")
        verbose_name_plural = _("验收记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.checked_on}"


class EnforcementAction(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("措施类型"), max_length=24, choices=ActionKind.choices)
    action_date = models.DateField(_("日期"))
    issuing_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("作出机构"),
        on_delete=models.PROTECT,
        related_name="issued_case_actions",
    )
    target_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("移送至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_case_actions",
    )
    amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision_number = models.CharField(_("决定书文号"), max_length=100, blank=True)
    notes = models.TextField(_("说明"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["action_date", "id"]
        verbose_name = _("执法措施")
        verbose_name_plural = _("执法措施")
        indexes = [models.Index(fields=["target_organization", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.action_date}"


def case_file_upload_to(instance: CaseFile, filename: str) -> str:
    now = timezone.now()
    suffix = next((ext for ext in (".jpg", ".png", ".pdf") if filename.lower().endswith(ext)), "")
    return f"cases/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{suffix}"


class CaseFile(models.Model):
    """A content-checked file of a case: evidence of the case, of a measure's answer or of an
    acceptance check, or an enforcement action's document."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("案件证据")
        MEASURE = "measure", _("整改材料")
        ACCEPTANCE = "acceptance", _("验收证据")
        ACTION = "action", _("执法文书")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    acceptance_check = models.ForeignKey(
        AcceptanceCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    action = models.ForeignKey(
        EnforcementAction, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("文件"), upload_to=case_file_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("案件文件")
        verbose_name_plural = _("案件文件")

    def __str__(self) -> str:
        return self.original_name
