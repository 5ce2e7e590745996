"""Joint inspections (联合调研检查): versioned checklists, inspection plans with their sampling
specification (strata in priority order, exclusions, per-jurisdiction sizes, seed) and the
drawn sample, each building with the reason it was drawn."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.core.labels import EnglishLabel, english_active
from louyu.inspections.workflow import (
    AnswerType,
    CaptureSource,
    Evidence,
    NotInspectedReason,
    Outcome,
    SamplingMethod,
    State,
    StratumKind,
)


class ChecklistVersion(EnglishLabel):
    """A published version of the on-site checklist. Items of a version in use are never
    edited; a change is a new version."""

    code = models.SlugField(_("版本代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("可选用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "code"]
        verbose_name = _("检查表版本")
        verbose_name_plural = _("检查表版本")


class ChecklistItem(EnglishLabel):
    """One question of a checklist version: its answer type, the problem category a failed
    answer reveals, and the evidence it needs."""

    label_field = "text"

    version = models.ForeignKey(
        ChecklistVersion,
        verbose_name=_("检查表版本"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    code = models.SlugField(_("代码"), max_length=48)
    text = models.CharField(_("检查内容"), max_length=300)
    answer_type = models.CharField(_("回答类型"), max_length=16, choices=AnswerType.choices)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    choices_en = models.JSONField(
        _("英文选项"),
        default=list,
        blank=True,
        help_text=_("与选项一一对应，界面切换为英文时显示；答案始终按中文选项保存。"),
    )
    passing_answer = models.JSONField(_("合格答案"), null=True, blank=True)
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("不合格对应问题类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.CharField(
        _("佐证要求"), max_length=16, choices=Evidence.choices, default=Evidence.NONE
    )
    applies_to_fibre_rule_only = models.BooleanField(_("仅适用光纤到户国标的楼宇"), default=False)
    updates_presence = models.BooleanField(_("回答更新运营商入驻情况"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    def choice_label(self, value) -> str:
        """A choice as the active language shows it: its English where the interface is
        English and ``choices_en`` has one at the same place, else the stored value."""
        if english_active() and value in self.choices:
            index = self.choices.index(value)
            if index < len(self.choices_en) and self.choices_en[index]:
                return self.choices_en[index]
        return value

    @property
    def choice_options(self) -> list[tuple[str, str]]:
        """(stored value, label) of each choice, for the answer form."""
        return [(choice, self.choice_label(choice)) for choice in self.choices]

    class Meta:
        ordering = ["version", "sort_order", "code"]
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="checklist_item_code_unique")
        ]


class InspectionPlan(models.Model):
    name = models.CharField(_("方案名称"), max_length=200)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    jurisdictions = models.ManyToManyField(
        "core.Jurisdiction", verbose_name=_("检查范围"), related_name="inspection_plans"
    )
    organizations = models.ManyToManyField(
        "core.Organization",
        verbose_name=_("参加单位"),
        related_name="inspection_plans",
        blank=True,
    )
    planner = models.ForeignKey(
        "core.Organization",
        verbose_name=_("制定单位"),
        on_delete=models.PROTECT,
        related_name="planned_inspections",
    )
    owner_jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("组织实施的管理局辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("管理局自行组织的检查为其辖区；部或研究院组织的多辖区检查为空，由部批准。"),
    )
    checklist = models.ForeignKey(
        ChecklistVersion, verbose_name=_("检查表版本"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    sample_size = models.PositiveIntegerField(_("样本量"))
    minimum_per_jurisdiction = models.PositiveIntegerField(_("每个辖区最少抽取"), default=0)
    exclude_inspected_months = models.PositiveSmallIntegerField(
        _("排除近几个月已抽检的楼宇"), default=0
    )
    exclude_case_closed_months = models.PositiveSmallIntegerField(
        _("排除近几个月已结案的楼宇"), default=0
    )
    seed = models.BigIntegerField(_("随机种子"))
    spec_version = models.PositiveIntegerField(_("抽样规格版本"), default=1)
    sampling_method = models.CharField(
        _("抽样方法"),
        max_length=16,
        choices=SamplingMethod.choices,
        default=SamplingMethod.POSITIONS,
        help_text=_("方案始终按创建时的方法抽样，同一规格、数据和种子抽出同一样本。"),
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("取代的方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    drawn_at = models.DateTimeField(_("抽样时间"), null=True, blank=True)
    draw_notes = models.JSONField(_("抽样说明"), default=list, blank=True)
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
        verbose_name = _("联合检查方案")
        verbose_name_plural = _("联合检查方案")
        permissions = [("approve_inspectionplan", _("批准联合检查方案"))]

    def __str__(self) -> str:
        return self.name


class Stratum(models.Model):
    """One stratum of a plan's sampling specification, in priority order: a building belongs
    to the first stratum that claims it. ``size`` is a count per jurisdiction, ``share`` a
    percentage of the jurisdiction's quota; a random rest with neither takes what is left."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("检查方案"), on_delete=models.CASCADE, related_name="strata"
    )
    position = models.PositiveSmallIntegerField(_("优先顺序"))
    kind = models.CharField(_("分层"), max_length=24, choices=StratumKind.choices)
    size = models.PositiveIntegerField(_("每辖区数量"), null=True, blank=True)
    share = models.PositiveSmallIntegerField(_("占比（%）"), null=True, blank=True)
    min_complaints = models.PositiveIntegerField(_("投诉数不少于"), null=True, blank=True)
    complaint_days = models.PositiveIntegerField(_("统计天数"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("抽样分层")
        verbose_name_plural = _("抽样分层")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="stratum_position_unique"),
            models.UniqueConstraint(fields=["plan", "kind"], name="stratum_kind_unique"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class SampledBuilding(models.Model):
    """A building drawn into a plan's sample, with the stratum that drew it and why."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("检查方案"), on_delete=models.CASCADE, related_name="sample"
    )
    building = models.ForeignKey(
        "buildings.Building", verbose_name=_("楼宇"), on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", verbose_name=_("管辖范围"), on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("分层"), max_length=24, choices=StratumKind.choices)
    reason = models.CharField(_("抽取理由"), max_length=300)
    position = models.PositiveIntegerField(_("序号"))

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("抽样楼宇")
        verbose_name_plural = _("抽样楼宇")
        constraints = [
            models.UniqueConstraint(fields=["plan", "building"], name="sample_building_unique")
        ]
        indexes = [models.Index(fields=["building", "plan"])]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.building_id}"


class PlanStatusChange(models.Model):
    """One state change of an inspection plan. Append-only."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("检查方案"),
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
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("检查方案状态变更")
        verbose_name_plural = _("检查方案状态变更")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Plan status changes are append-only.")
        super().save(*args, **kwargs)


class Team(models.Model):
    """A mixed inspection team of a plan: members of the administration, market regulation,
    housing, the research institute, ..."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("检查方案"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("检查组名称"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), related_name="inspection_teams"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["plan", "name", "id"]
        verbose_name = _("检查组")
        verbose_name_plural = _("检查组")
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A sampled building given to a team for a day; a work item of each member. A
    building has one first assignment; a re-inspection (复查) is a further assignment of the
    same building, linked to the failed inspection it follows up."""

    team = models.ForeignKey(
        Team, verbose_name=_("检查组"), on_delete=models.PROTECT, related_name="assignments"
    )
    sampled = models.ForeignKey(
        SampledBuilding,
        verbose_name=_("抽样楼宇"),
        on_delete=models.PROTECT,
        related_name="assignments",
        related_query_name="assignment",
    )
    scheduled_on = models.DateField(_("检查日期"))
    reinspection_of = models.OneToOneField(
        "Inspection",
        verbose_name=_("复查的检查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinspection",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["scheduled_on", "id"]
        verbose_name = _("检查安排")
        verbose_name_plural = _("检查安排")
        constraints = [
            models.UniqueConstraint(
                fields=["sampled"],
                condition=models.Q(reinspection_of__isnull=True),
                name="assignment_first_per_sample",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sampled.building} {self.scheduled_on}"


class Inspection(models.Model):
    """The on-site record of one assignment, submitted once by a team member. Append-only:
    a submitted record is never edited."""

    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("检查安排"),
        on_delete=models.PROTECT,
        related_name="inspection",
    )
    building = models.ForeignKey(
        "buildings.Building", verbose_name=_("楼宇"), on_delete=models.PROTECT, related_name="+"
    )
    submission_key = models.UUIDField(_("提交标识"), unique=True)
    outcome = models.CharField(_("检查结果"), max_length=24, choices=Outcome.choices)
    not_inspected_reason = models.CharField(
        _("未能检查的原因"), max_length=16, choices=NotInspectedReason.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("整治案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("现场检查记录")
        verbose_name_plural = _("现场检查记录")

    def __str__(self) -> str:
        return f"{self.building} {self.submitted_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Inspections are append-only.")
        super().save(*args, **kwargs)


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查记录"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.JSONField(_("回答"), null=True, blank=True)
    passed = models.BooleanField(_("合格"), null=True)

    class Meta:
        ordering = ["inspection", "item__sort_order", "item__code"]
        verbose_name = _("检查项回答")
        verbose_name_plural = _("检查项回答")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="answer_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}={self.value}"

    @property
    def display_value(self) -> str:
        if self.value is True:
            return str(_("是"))
        if self.value is False:
            return str(_("否"))
        if isinstance(self.value, list):
            return "、".join(self.value) or "—"
        if isinstance(self.value, str) and self.item.answer_type == AnswerType.CHOICE:
            return self.item.choice_label(self.value)
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value if self.value not in (None, "") else "—")


def inspection_photo_upload_to(instance: InspectionPhoto, filename: str) -> str:
    now = timezone.now()
    suffix = next((ext for ext in (".jpg", ".png") if filename.lower().endswith(ext)), "")
    return f"inspections/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{suffix}"


class InspectionPhoto(models.Model):
    """Evidence photo, with the time it was taken (from the photo itself) or, where the
    photo carries none, the upload time marked as such."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查记录"), on_delete=models.CASCADE, related_name="photos"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("检查项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to=inspection_photo_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    captured_at = models.DateTimeField(_("拍摄时间"))
    captured_at_source = models.CharField(
        _("时间来源"), max_length=8, choices=CaptureSource.choices
    )

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return self.original_name
