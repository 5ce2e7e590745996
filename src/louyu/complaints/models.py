"""Complaints from tenants and the public, with their rules (categories, deadline policies,
routing rules) kept as data editable by the ministry."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.complaints.workflow import RefusalReason, ReplyResult, State
from louyu.core.labels import EnglishLabel
from louyu.core.models import OrganizationType


class Category(EnglishLabel):
    """A problem category of DESIGN.md (exclusive_deal, entry_blocked, …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    lead_department = models.CharField(
        _("牵头部门类型"),
        max_length=32,
        choices=OrganizationType.choices,
        default=OrganizationType.COMM_ADMIN,
    )
    is_fee_dispute = models.BooleanField(
        _("费用争议类"), default=False, help_text=_("费用争议的受理时限为五个月，其他为两年。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")


class DeadlinePolicy(models.Model):
    """Handling periods for complaints of one category (or the default when category is
    empty): acceptance within N working days of receipt, reply within N days of acceptance,
    a warning before each deadline, and escalation after it."""

    category = models.OneToOneField(
        Category,
        verbose_name=_("问题类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_policy",
        help_text=_("留空为默认规则。"),
    )
    accept_working_days = models.PositiveSmallIntegerField(
        _("受理时限（工作日）"), default=5, validators=[MinValueValidator(1)]
    )
    reply_days = models.PositiveSmallIntegerField(
        _("答复时限（自受理起，日）"), default=30, validators=[MinValueValidator(1)]
    )
    warn_before_hours = models.PositiveSmallIntegerField(_("到期前提醒（小时）"), default=48)
    escalate_to_supervisor_after_hours = models.PositiveSmallIntegerField(
        _("超期后上报管理局负责人（小时）"), default=0
    )
    escalate_to_ministry_after_hours = models.PositiveSmallIntegerField(
        _("超期后上报工信部（小时）"), default=72
    )

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        constraints = [
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(category__isnull=True),
                name="one_default_deadline_policy",
            )
        ]

    def __str__(self) -> str:
        return str(self.category or _("默认规则"))


class Channel(models.TextChoices):
    WEB = "web", _("网上申诉")
    PHONE = "phone", _("电话（12300 转办）")
    LETTER = "letter", _("来信")
    WALK_IN = "walk_in", _("来访")
    OPERATOR = "operator", _("企业转办")
    API = "api", _("系统对接")
    OPEN311 = "open311", _("Open311")


class RoutingRule(models.Model):
    """Which organisation handles a complaint. Rules are tried in ``order``; the first whose
    conditions all match wins; empty conditions match anything. Without a matching rule the
    jurisdiction's communications administration handles it."""

    order = models.PositiveIntegerField(_("顺序"), default=100)
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("问题类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices, blank=True)
    operator = models.ForeignKey(
        "core.Organization",
        verbose_name=_("被申诉企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"is_basic_operator": True},
    )
    handler = models.ForeignKey(
        "core.Organization",
        verbose_name=_("承办机构"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")

    def __str__(self) -> str:
        return f"{self.order} → {self.handler}"

    def applies_to(self, *, jurisdiction, category, channel: str, operator=None) -> bool:
        """Whether every condition the rule sets matches the complaint's (an empty condition
        matches anything; an operator condition needs the complaint to name that one)."""
        return (
            (not self.jurisdiction_id or self.jurisdiction_id == jurisdiction.pk)
            and (not self.category_id or self.category_id == category.pk)
            and (not self.channel or self.channel == channel)
            and (not self.operator_id or (operator is not None and self.operator_id == operator.pk))
        )


class Complaint(models.Model):
    tracking_code = models.CharField(_("受理编号"), max_length=20, unique=True)
    secret_hash = models.CharField(_("查询码摘要"), max_length=64)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Personal data: shown only to the handling organisation, masked elsewhere.
    complainant_name = models.CharField(_("申诉人姓名"), max_length=64)
    complainant_phone = models.CharField(_("联系电话"), max_length=32)
    complainant_company = models.CharField(_("单位名称"), max_length=128, blank=True)
    complainant_address = models.CharField(_("联系地址"), max_length=300, blank=True)
    personal_data_erased_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True)

    category = models.ForeignKey(
        Category, verbose_name=_("问题类别"), on_delete=models.PROTECT, related_name="complaints"
    )
    description = models.TextField(_("问题描述"), max_length=5000)
    # What the public sees (Open311), redacted from the description (public_text.redact).
    public_description = models.TextField(_("公开说明"), max_length=5000, blank=True)
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("楼宇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,  # leads the (building, category, received_at) index
    )
    address = models.CharField(_("楼宇地址"), max_length=300, blank=True)
    normalized_address = models.CharField(_("规范化地址"), max_length=300, blank=True)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("所在区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,  # leads the (jurisdiction, state, received_at) index
    )
    operator = models.ForeignKey(
        "core.Organization",
        verbose_name=_("被申诉企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about",
        limit_choices_to={"is_basic_operator": True},
    )
    first_raised_with_operator_on = models.DateField(_("首次向企业投诉日期"), null=True, blank=True)
    matter_date = models.DateField(_("争议事项发生日期"), null=True, blank=True)
    handler = models.ForeignKey(
        "core.Organization",
        verbose_name=_("承办机构"),
        on_delete=models.PROTECT,
        related_name="handled_complaints",
        db_index=False,  # leads the (handler, state) index
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
    )

    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    suspended_from = models.CharField(max_length=16, choices=State.choices, blank=True)
    accept_due_at = models.DateTimeField(_("受理时限"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("答复时限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("时限待定"), default=False)
    pauses = models.JSONField(_("中止时段"), default=list, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("不予受理理由"), max_length=32, choices=RefusalReason.choices, blank=True
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply_result = models.CharField(
        _("核查结论"), max_length=16, choices=ReplyResult.choices, blank=True
    )
    reply_text = models.TextField(_("答复内容"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    resolved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_complaints",
    )
    is_repeat = models.BooleanField(_("重复申诉"), default=False)
    # Reminder bookkeeping: each is sent once per deadline (cleared when a deadline is reset).
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        permissions = [("export_complaint", _("导出申诉"))]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "received_at"]),
            models.Index(fields=["handler", "state"]),
            models.Index(fields=["state", "accept_due_at"]),
            models.Index(fields=["state", "reply_due_at"]),
            models.Index(fields=["building", "category", "received_at"]),
            models.Index(fields=["normalized_address", "category"]),
            # The repeat check at intake (intake_store._repeat_probe) looks only at closed ones.
            models.Index(
                fields=["building", "category", "closed_at"],
                condition=models.Q(state=State.CLOSED),
                name="complaint_repeat_building",
            ),
            models.Index(
                fields=["normalized_address", "category", "closed_at"],
                condition=models.Q(state=State.CLOSED),
                name="complaint_repeat_address",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def current_due_at(self):
        """The deadline that runs now: acceptance before acceptance, else the reply."""
        if self.state == State.SUBMITTED:
            return self.accept_due_at
        if self.state in (State.ACCEPTED, State.VERIFYING, State.HANDLING, State.REOPENED):
            return self.reply_due_at
        return None


class StatusChange(models.Model):
    """One transition of a complaint. Append-only: the history is never edited."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_organization = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(
        default=True, help_text=_("是否在公开查询页显示（内部备注不显示）。")
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Status changes are append-only.")
        super().save(*args, **kwargs)


class Referral(models.Model):
    class Kind(models.TextChoices):
        REFER = "refer", _("转办")
        CO_HANDLE = "co_handle", _("协办")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="referrals")
    to_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("转至机构"),
        on_delete=models.PROTECT,
        related_name="complaint_referrals",
    )
    kind = models.CharField(_("方式"), max_length=16, choices=Kind.choices, default=Kind.REFER)
    note = models.TextField(_("转办说明"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("办理意见"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        indexes = [models.Index(fields=["to_organization", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_organization}"


class Verification(models.Model):
    class Method(models.TextChoices):
        ON_SITE = "on_site", _("现场核查")
        CALL = "call", _("电话核实")
        DOCUMENT = "document", _("材料审核")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="verifications")
    method = models.CharField(_("方式"), max_length=16, choices=Method.choices)
    performed_on = models.DateField(_("核查日期"))
    findings = models.TextField(_("核查情况"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["performed_on", "id"]
        verbose_name = _("核查记录")
        verbose_name_plural = _("核查记录")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.performed_on}"


class IdempotencyKey(models.Model):
    """A system's ``Idempotency-Key`` for one create call, so a retried request returns the
    complaint created the first time instead of a second one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


RESULT_CHOICES = ReplyResult.choices


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """Stored under complaints/%Y/%m/ with a random name; the original name is kept apart."""
    now = timezone.now()
    return f"complaints/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    lowered = filename.lower()
    for ext in (".jpg", ".png", ".pdf"):
        if lowered.endswith(ext):
            return ext
    return ""


class Attachment(models.Model):
    """A file sent with a complaint (by the complainant) or added as evidence by staff.
    Only checked content is stored: images re-encoded without metadata, PDFs as sent."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("申诉材料")
        EVIDENCE = "evidence", _("核查证据")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class PublicRating(models.Model):
    """The complainant's own rating after the reply, given on the public tracking page.
    It does not move the complaint: staff record the call-back with the close transition."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="public_ratings"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    resolved = models.BooleanField(_("问题已解决"))
    comment = models.TextField(_("意见"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("申诉人评价")
        verbose_name_plural = _("申诉人评价")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.satisfaction}"


class DuplicateDismissal(models.Model):
    """Staff decided that ``candidate`` is not a duplicate of ``complaint``: it is no longer
    offered on the complaint's list of likely duplicates."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="duplicate_dismissals"
    )
    candidate = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dismissed_at", "id"]
        verbose_name = _("排除的疑似重复")
        verbose_name_plural = _("排除的疑似重复")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "candidate"], name="duplicate_dismissal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} ≠ {self.candidate_id}"


class Letter(models.Model):
    """A letter to the complainant (受理通知书, 答复意见书) as first issued: the organisation
    that issued it, its document number (文号) and the date it bears. A letter is issued
    once; printing it again shows the same number and date."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("受理通知书")
        REPLY = "reply", _("答复意见书")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("发文机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=64)
    issued_at = models.DateTimeField(_("发文时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("申诉文书")
        verbose_name_plural = _("申诉文书")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind"], name="complaints_letter_once"),
            models.UniqueConstraint(
                fields=["organization", "year", "sequence"], name="complaints_letter_number"
            ),
        ]

    def __str__(self) -> str:
        return self.number
