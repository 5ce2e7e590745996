"""The building registry: commercial buildings and which basic operators serve each one."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GB 50311-2016 chapter 4 (fibre to each tenant unit) is mandatory for buildings completed
# after it took effect on 2017-04-01; a building completed in 2017 or later is counted.
FIBRE_RULE_FIRST_YEAR = 2017


class BuildingType(models.TextChoices):
    OFFICE_TOWER = "office_tower", _("写字楼")
    BUSINESS_PARK = "business_park", _("产业园区")
    COMMERCIAL_COMPLEX = "commercial_complex", _("商业综合体")
    MIXED_USE = "mixed_use", _("商住混合")
    OTHER = "other", _("其他")


class Building(models.Model):
    code = models.CharField(_("楼宇编码"), max_length=32, unique=True)
    name = models.CharField(_("楼宇名称"), max_length=200)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    address = models.CharField(_("地址"), max_length=300)
    normalized_address = models.CharField(_("规范化地址"), max_length=300, db_index=True)
    normalized_name = models.CharField(_("规范化名称"), max_length=200)
    alias_text = models.CharField(
        _("别名检索文本"), max_length=500, blank=True, help_text=_("规范化后的别名，供检索。")
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("所在区县"),
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    building_type = models.CharField(
        _("楼宇类型"), max_length=32, choices=BuildingType.choices, default=BuildingType.OTHER
    )
    property_company = models.ForeignKey(
        "core.Organization",
        verbose_name=_("物业公司"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_buildings",
    )
    access_agent = models.ForeignKey(
        "core.Organization",
        verbose_name=_("接入代理商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_buildings",
    )
    floors = models.PositiveSmallIntegerField(
        _("楼层数"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    floor_area = models.DecimalField(
        _("建筑面积（平方米）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    tenant_count = models.PositiveIntegerField(_("入驻企业数"), null=True, blank=True)
    year_completed = models.PositiveSmallIntegerField(
        _("竣工年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    fibre_rule_applies = models.BooleanField(
        _("适用光纤到户国标"),
        default=False,
        help_text=_("2017 年及以后竣工，适用 GB 50311-2016 第 4 章光纤到用户单元的强制要求。"),
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    facility_notes = models.TextField(_("设施情况"), blank=True)
    exclusive_deal_known = models.BooleanField(_("存在排他协议"), default=False)
    entry_fee_charged = models.BooleanField(_("收取进场费"), default=False)
    notice_posted = models.BooleanField(_("已公示服务信息"), default=False)
    friendly_pledge = models.BooleanField(_("已承诺友好楼宇"), default=False)
    operator_count = models.PositiveSmallIntegerField(
        _("在服务基础电信企业数"), default=0, db_index=True
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["jurisdiction_id", "region_id", "name"]
        verbose_name = _("楼宇")
        verbose_name_plural = _("楼宇")
        permissions = [("export_building", _("导出楼宇名录"))]
        indexes = [
            models.Index(fields=["jurisdiction", "operator_count"]),
            models.Index(fields=["region", "normalized_name"]),
            models.Index(fields=["jurisdiction", "building_type"]),
            models.Index(fields=["jurisdiction", "name"]),
            models.Index(fields=["normalized_name", "id"], name="buildings_name_id_idx"),
            models.Index(
                fields=["jurisdiction", "normalized_name", "id"], name="buildings_jur_name_id_idx"
            ),
            models.Index(fields=["operator_count", "id"], name="buildings_opcount_id_idx"),
            # Stratified sampling counts and draws by position among a jurisdiction's active
            # buildings in the order (operator count, id), from this index alone (ADR 0015).
            models.Index(
                fields=["jurisdiction", "operator_count", "id"],
                condition=models.Q(is_active=True),
                name="buildings_sampling_idx",
            ),
            models.Index(
                fields=["normalized_name", "id"],
                condition=models.Q(exclusive_deal_known=True),
                name="buildings_exclusive_idx",
            ),
            models.Index(
                fields=["normalized_name", "id"],
                condition=models.Q(entry_fee_charged=True),
                name="buildings_entry_fee_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_zero_operator(self) -> bool:
        return self.operator_count == 0

    @property
    def is_single_operator(self) -> bool:
        return self.operator_count == 1


class PresenceStatus(models.TextChoices):
    SERVING = "serving", _("已提供服务")
    BUILDING_IN = "building_in", _("正在进场建设")
    REFUSED = "refused", _("被拒绝进场")
    WITHDRAWN = "withdrawn", _("已退出")


class PresenceSource(models.TextChoices):
    OPERATOR_REPORT = "operator_report", _("企业报送")
    INSPECTION = "inspection", _("现场检查")
    COMPLAINT_VERIFICATION = "complaint_verification", _("申诉核查")
    IMPORT = "import", _("批量导入")
    MANUAL = "manual", _("人工录入")


class Presence(models.Model):
    """The current state of one basic operator in one building (kept for fast queries; the
    history is in PresenceEvent)."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼宇"), on_delete=models.CASCADE, related_name="presences"
    )
    operator = models.ForeignKey(
        "core.Organization",
        verbose_name=_("基础电信企业"),
        on_delete=models.PROTECT,
        related_name="presences",
        limit_choices_to={"is_basic_operator": True},
    )
    status = models.CharField(_("状态"), max_length=16, choices=PresenceStatus.choices)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=32, choices=PresenceSource.choices)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("入驻情况")
        verbose_name_plural = _("入驻情况")
        constraints = [
            models.UniqueConstraint(fields=["building", "operator"], name="presence_unique")
        ]
        indexes = [models.Index(fields=["operator", "status"])]

    def __str__(self) -> str:
        return f"{self.building} · {self.operator} · {self.get_status_display()}"


class PresenceEvent(models.Model):
    """One change of an operator's presence in a building. Append-only."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼宇"), on_delete=models.CASCADE, related_name="presence_events"
    )
    operator = models.ForeignKey(
        "core.Organization",
        verbose_name=_("基础电信企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    old_status = models.CharField(
        _("原状态"), max_length=16, choices=PresenceStatus.choices, blank=True
    )
    new_status = models.CharField(_("新状态"), max_length=16, choices=PresenceStatus.choices)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=32, choices=PresenceSource.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("入驻变更")
        verbose_name_plural = _("入驻变更")
        indexes = [models.Index(fields=["building", "created_at"])]

    def __str__(self) -> str:
        return f"{self.building} {self.operator} {self.old_status}→{self.new_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Presence events are append-only.")
        super().save(*args, **kwargs)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_IMPORT_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class BuildingImport(models.Model):
    """One run of a building import file: a dry run (preview) or a commit. A commit made
    from a dry run points to it with ``committed_from`` and reuses its stored file and
    column mapping."""

    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="building_imports",
    )
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("发起机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("全国用户发起的导入为空。"),
    )
    original_filename = models.CharField(_("原文件名"), max_length=255)
    file = models.FileField(_("导入文件"), upload_to="imports/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    dry_run = models.BooleanField(_("试导入"), default=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    progress_total = models.PositiveIntegerField(_("总行数"), default=0)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    mapping = models.JSONField(
        _("列对应关系"), default=dict, blank=True, help_text=_("列序号 → 字段。")
    )
    unknown_columns = models.JSONField(_("未识别的列"), default=list, blank=True)
    rejected_sample = models.JSONField(
        _("未通过的行（示例）"),
        default=list,
        blank=True,
        help_text=_("前 20 个未通过的行号与原因，不含单元格内容。"),
    )
    preview = models.JSONField(
        _("逐行预览"),
        default=list,
        blank=True,
        help_text=_(
            "文件前 50 行各自的处理结果：新增、更新（含改动的字段）、未变或未通过（含原因）。"
        ),
    )
    rejected_file = models.FileField(
        _("未通过行清单"), upload_to="imports/%Y/%m/", max_length=300, null=True, blank=True
    )
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Written every few seconds by the worker running the job (import_jobs.Heartbeat).
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    committed_from = models.ForeignKey(
        "self",
        verbose_name=_("所确认的试导入"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confirmations",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("楼宇导入")
        verbose_name_plural = _("楼宇导入")
        indexes = [
            models.Index(fields=["created_by", "created_at"]),
            models.Index(fields=["sha256", "status"]),
            models.Index(fields=["jurisdiction", "created_at"]),
        ]
        constraints = [
            # Two commits of the same file may not wait or run at the same time.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=models.Q(dry_run=False, status__in=["queued", "running"]),
                name="building_import_one_active_commit_per_file",
            )
        ]

    def __str__(self) -> str:
        return self.original_filename

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_IMPORT_STATUSES

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class BuildingBigram(models.Model):
    """One distinct two-character substring of a building's normalised name or of one of
    its aliases, with the building's jurisdiction, so that two typed characters find
    buildings through one index range (ADR 0019). Maintained by ``buildings.suggest``
    wherever buildings are written."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼宇"), on_delete=models.CASCADE, related_name="bigrams"
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    bigram = models.CharField(_("双字片段"), max_length=2)

    class Meta:
        verbose_name = _("楼宇名称双字索引")
        verbose_name_plural = _("楼宇名称双字索引")
        indexes = [
            models.Index(fields=["bigram", "jurisdiction", "building"], name="buildings_bigram_idx")
        ]

    def __str__(self) -> str:
        return f"{self.bigram} · {self.building_id}"
