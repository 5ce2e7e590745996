"""Work plans for zero-operator buildings (一楼一策): one active plan per building, its
measures with owner organisations and due dates, operator entry commitments and the
progress their owners report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.core.labels import EnglishLabel
from louyu.workplans.workflow import MeasureStatus, Outcome, State


class MeasureKind(EnglishLabel):
    """A kind of measure (data, editable in the admin). ``is_commitment`` kinds record an
    operator's entry commitment: the owner must be an operator and a committed entry date
    is required."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    is_commitment = models.BooleanField(_("运营商入驻承诺"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("措施类型")
        verbose_name_plural = _("措施类型")


class WorkPlan(models.Model):
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("楼宇"),
        on_delete=models.PROTECT,
        related_name="work_plans",
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="work_plans",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    goal = models.TextField(_("工作目标"))
    target_date = models.DateField(_("目标日期"))
    outcome = models.CharField(_("关闭结果"), max_length=16, choices=Outcome.choices, blank=True)
    close_reason = models.TextField(_("关闭说明"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("一楼一策工作方案")
        verbose_name_plural = _("一楼一策工作方案")
        permissions = [("export_workplan", _("导出一楼一策清单"))]
        indexes = [models.Index(fields=["jurisdiction", "state", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=models.Q(state="active"),
                name="workplan_one_active_per_building",
            )
        ]

    def __str__(self) -> str:
        return f"{self.building}（{self.get_state_display()}）"

    @property
    def is_active(self) -> bool:
        return self.state == State.ACTIVE


class PlanStatusChange(models.Model):
    """One state change of a work plan. Append-only."""

    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("工作方案"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("方案状态变更")
        verbose_name_plural = _("方案状态变更")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Plan status changes are append-only.")
        super().save(*args, **kwargs)


class PlanMeasure(models.Model):
    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.ForeignKey(
        MeasureKind, verbose_name=_("措施类型"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("措施内容"), max_length=200)
    owner = models.ForeignKey(
        "core.Organization",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="plan_measures",
    )
    operator = models.ForeignKey(
        "core.Organization",
        verbose_name=_("承诺入驻的基础电信企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_commitments",
    )
    committed_entry_date = models.DateField(_("承诺入驻日期"), null=True, blank=True)
    due_date = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("方案措施")
        verbose_name_plural = _("方案措施")
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["operator", "status"]),
            models.Index(fields=["plan", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


class PlanProgress(models.Model):
    """A progress report on one measure, with an optional evidence file (checked by
    content) and an optional new status. Append-only."""

    measure = models.ForeignKey(
        PlanMeasure, verbose_name=_("措施"), on_delete=models.CASCADE, related_name="progress"
    )
    text = models.TextField(_("进展情况"))
    new_status = models.CharField(
        _("新状态"), max_length=16, choices=MeasureStatus.choices, blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_by_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("报告单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence = models.FileField(
        _("佐证材料"), upload_to="workplans/%Y/%m/", max_length=300, blank=True
    )
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("措施进展")
        verbose_name_plural = _("措施进展")

    def __str__(self) -> str:
        return self.text[:50]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Progress reports are append-only.")
        super().save(*args, **kwargs)


__all__ = [
    "MeasureKind",
    "MeasureStatus",
    "Outcome",
    "PlanMeasure",
    "PlanProgress",
    "PlanStatusChange",
    "State",
    "WorkPlan",
]
