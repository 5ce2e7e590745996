"""Reference data and cross-cutting records: regions, jurisdictions, organisations, users,
the audit trail, the legal calendar's overrides, work items and notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.core.labels import localized_text


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    PREFECTURE = 2, _("地级")
    COUNTY = 3, _("县级")


class Region(models.Model):
    """A GB/T 2260 administrative division (province, prefecture or county level)."""

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    full_name = models.CharField(_("全称"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        "Jurisdiction",
        verbose_name=_("管辖机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="all_regions",
        help_text=_("由管辖范围推导，保存管辖机构时重算。"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        indexes = [models.Index(fields=["name"]), models.Index(fields=["level", "parent"])]

    def __str__(self) -> str:
        return f"{self.full_name or self.name}（{self.code}）"


class Jurisdiction(models.Model):
    """The area one communications administration answers for: a set of region codes.

    A jurisdiction is data, not a province: 大连 (210200) is its own jurisdiction carved out of
    辽宁 (210000). A region belongs to the jurisdiction that lists its nearest ancestor (or
    itself) in ``regions``.
    """

    code = models.CharField(_("代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=16)
    regions = models.ManyToManyField(
        Region, verbose_name=_("管辖区划"), related_name="owning_jurisdictions"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("管辖范围")
        verbose_name_plural = _("管辖范围")

    def __str__(self) -> str:
        return self.name


class OrganizationType(models.TextChoices):
    MINISTRY = "ministry", _("工业和信息化部")
    COMM_ADMIN = "comm_admin", _("通信管理局")
    MARKET_REGULATION = "market_regulation", _("市场监管部门")
    HOUSING = "housing", _("住房和城乡建设部门")
    PUBLIC_SECURITY = "public_security", _("公安部门")
    STATE_ASSETS = "state_assets", _("国资监管部门")
    RESEARCH_INSTITUTE = "research_institute", _("研究院")
    OPERATOR = "operator", _("基础电信企业")
    OPERATOR_BRANCH = "operator_branch", _("基础电信企业省级分公司")
    PROPERTY_COMPANY = "property_company", _("物业公司")
    ACCESS_AGENT = "access_agent", _("接入代理商")
    OTHER = "other", _("其他")


JOINT_DEPARTMENT_TYPES = frozenset(
    {
        OrganizationType.MARKET_REGULATION,
        OrganizationType.HOUSING,
        OrganizationType.PUBLIC_SECURITY,
        OrganizationType.STATE_ASSETS,
    }
)
NATIONAL_VIEW_TYPES = frozenset({OrganizationType.MINISTRY, OrganizationType.RESEARCH_INSTITUTE})


class Organization(models.Model):
    code = models.SlugField(_("机构代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    type = models.CharField(_("类型"), max_length=32, choices=OrganizationType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("所属管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    operator_key = models.SlugField(
        _("运营商标识"),
        max_length=16,
        blank=True,
        help_text=_("基础电信企业总部的标识，如 telecom、mobile。"),
    )
    is_basic_operator = models.BooleanField(_("基础电信企业"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["type", "code"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        indexes = [models.Index(fields=["type", "jurisdiction"])]

    def __str__(self) -> str:
        return self.name

    @property
    def operator(self) -> Organization | None:
        """The basic operator this organisation is, or is a branch of."""
        if self.type == OrganizationType.OPERATOR:
            return self
        if self.type == OrganizationType.OPERATOR_BRANCH:
            return self.parent
        return None


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class AuditEvent(models.Model):
    """Who did what to which object, when and from where. Written in the same transaction
    as the change it records; never updated or deleted (enforced here and, on PostgreSQL,
    by a trigger)."""

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # leads the (actor, created_at) index
    )
    actor_repr = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_organization = models.ForeignKey(
        Organization,
        verbose_name=_("操作人机构"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # leads the (object_type, object_id) index
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # leads the (jurisdiction, created_at) index
    )
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        default_permissions = ("view",)
        permissions = [("export_auditevent", _("导出审计记录"))]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["jurisdiction", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class CalendarDay(models.Model):
    """An administrator's entry in the official holiday schedule: a rest day that falls on
    a weekday, or a make-up working day (调休) that falls on a weekend. Overrides the
    bundled schedule for its date."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日名称"), max_length=32, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """Marks a year's holiday schedule as published (entered completely). Deadlines whose
    counting touches a year that is neither bundled nor published are provisional."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    published = models.BooleanField(_("已录入完整安排"), default=True)
    source = models.CharField(_("依据文件"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")

    def __str__(self) -> str:
        return str(self.year)


class WorkItemState(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class WorkItem(models.Model):
    """Anything assigned to an organisation or a person with a due date; shown in one inbox."""

    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类别"), max_length=32, default="task")
    step = models.BooleanField(
        _("流程环节"),
        default=False,
        help_text=_("代表一个流程环节的待办只能通过办理该环节完成，不能手工办结。"),
    )
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # leads the (content_type, object_id) index
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    link = models.CharField(_("链接"), max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee_organization = models.ForeignKey(
        Organization,
        verbose_name=_("承办机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
        db_index=False,  # leads the (assignee_organization, state, due_at) index
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
        db_index=False,  # leads the (assignee_user, state, due_at) index
    )
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("时限待定"), default=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=WorkItemState.choices, default=WorkItemState.OPEN
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["assignee_organization", "state", "due_at"]),
            models.Index(fields=["assignee_user", "state", "due_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assignee_organization__isnull=False)
                | models.Q(assignee_user__isnull=False),
                name="work_item_has_assignee",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title_display(self) -> str:
        return localized_text(self.title)

    @property
    def is_overdue(self) -> bool:
        return (
            self.state == WorkItemState.OPEN
            and self.due_at is not None
            and self.due_at < timezone.now()
        )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=32, default="info")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    delivered = models.JSONField(_("投递渠道"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title_display(self) -> str:
        return localized_text(self.title)

    @property
    def body_display(self) -> str:
        return localized_text(self.body)


class AuthorizationVersion(models.Model):
    """A single row whose value is replaced by a new random number in the same transaction
    as every change to who may do what (permissions, groups, memberships; see
    ``louyu.core.authz``). Processes key their cached permission sets by it, so a committed
    change is seen by every process on its next request."""

    value = models.BigIntegerField(_("版本"))

    class Meta:
        verbose_name = _("权限版本")
        verbose_name_plural = _("权限版本")

    def __str__(self) -> str:
        return str(self.value)


class DocumentNumber(models.Model):
    """The last sequence number an organisation gave to a series (``kind``) of its
    documents in a calendar year: the counter behind document numbers (文号) such as
    〔2026〕123号. Only ``louyu.core.document_numbers`` writes it, under a row lock, so a
    number is never given twice and no number is skipped."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="document_numbers",
    )
    kind = models.SlugField(_("文书类别"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "kind"], name="core_document_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.kind} {self.year}: {self.last}"
