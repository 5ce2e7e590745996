"""The practice library (典型经验做法) and exchange meetings (经验交流会) with the action
items agreed there. Status changes, comments, adoptions and responses are append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.library.workflow import ActionState, AgendaKind, MeetingKind, PracticeState

USER = settings.AUTH_USER_MODEL


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)


class Tag(models.Model):
    name = models.CharField(_("名称"), max_length=32, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("标签")
        verbose_name_plural = _("标签")

    def __str__(self) -> str:
        return self.name


class Practice(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    summary = models.TextField(_("摘要"))
    body = models.TextField(_("正文（Markdown）"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="+")
    metrics = models.JSONField(_("涉及指标"), default=list, blank=True)
    started_on = models.DateField(_("开始实施日期"), null=True, blank=True)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=PracticeState.choices,
        default=PracticeState.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER,
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
        verbose_name = _("典型经验做法")
        verbose_name_plural = _("典型经验做法")
        permissions = [
            ("review_practice", _("审核典型经验做法")),
            ("publish_practice", _("发布典型经验做法")),
            ("adopt_practice", _("标记借鉴典型经验做法")),
        ]
        indexes = [models.Index(fields=["state", "jurisdiction", "created_at"])]

    def __str__(self) -> str:
        return self.title


class PracticeStatusChange(AppendOnly):
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("典型经验做法"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_state = models.CharField(
        _("原状态"), max_length=16, choices=PracticeState.choices, blank=True
    )
    to_state = models.CharField(_("新状态"), max_length=16, choices=PracticeState.choices)
    actor = models.ForeignKey(
        USER,
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
        verbose_name = _("经验做法状态变更")
        verbose_name_plural = _("经验做法状态变更")

    def __str__(self) -> str:
        return f"{self.practice_id} {self.from_state}→{self.to_state}"


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("典型经验做法"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="library/%Y/%m/", max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_by = models.ForeignKey(
        USER,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("经验做法附件")
        verbose_name_plural = _("经验做法附件")

    def __str__(self) -> str:
        return self.name


class PracticeComment(AppendOnly):
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("典型经验做法"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    text = models.TextField(_("评论"))
    author = models.ForeignKey(
        USER,
        verbose_name=_("评论人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("评论单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("经验做法评论")
        verbose_name_plural = _("经验做法评论")

    def __str__(self) -> str:
        return self.text[:50]


class Adoption(AppendOnly):
    """Another jurisdiction marks a published practice adopted, saying what it adopted."""

    practice = models.ForeignKey(
        Practice,
        verbose_name=_("典型经验做法"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("借鉴单位所在辖区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("借鉴单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    what = models.TextField(_("借鉴内容"))
    actor = models.ForeignKey(
        USER,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("借鉴记录")
        verbose_name_plural = _("借鉴记录")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organization"], name="adoption_one_per_organization"
            )
        ]

    def __str__(self) -> str:
        return self.what[:50]


class Meeting(models.Model):
    title = models.CharField(_("会议名称"), max_length=200)
    date = models.DateField(_("会议日期"))
    kind = models.CharField(_("会议形式"), max_length=16, choices=MeetingKind.choices)
    organizer = models.ForeignKey(
        "core.Organization",
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="organized_meetings",
    )
    participants = models.ManyToManyField(
        "core.Organization",
        verbose_name=_("参会单位"),
        blank=True,
        related_name="meetings",
    )
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("经验交流会")
        verbose_name_plural = _("经验交流会")

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    kind = models.CharField(_("议程类型"), max_length=16, choices=AgendaKind.choices)
    title = models.CharField(_("议题"), max_length=200)
    presenter = models.ForeignKey(
        "core.Organization",
        verbose_name=_("发言单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("交流的经验做法"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
    )
    bulletin = models.ForeignKey(
        "reporting.Bulletin",
        verbose_name=_("进展通报"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("会议议程")
        verbose_name_plural = _("会议议程")

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    """A requirement agreed at a meeting, assigned to one organisation with a due date; a
    work item in its inbox until its response (with evidence) is recorded."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="action_items"
    )
    requirement = models.TextField(_("工作要求"))
    assignee = models.ForeignKey(
        "core.Organization",
        verbose_name=_("落实单位"),
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    due_date = models.DateField(_("完成时限"))
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=ActionState.choices,
        default=ActionState.OPEN,
        db_index=True,
    )
    response = models.TextField(_("落实情况"), blank=True)
    evidence = models.FileField(
        _("佐证材料"), upload_to="library/actions/%Y/%m/", max_length=300, blank=True
    )
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    responded_by = models.ForeignKey(
        USER,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("会议要求落实事项")
        verbose_name_plural = _("会议要求落实事项")
        permissions = [("respond_actionitem", _("答复会议要求落实事项"))]
        indexes = [models.Index(fields=["assignee", "state"])]

    def __str__(self) -> str:
        return self.requirement[:50]

    @property
    def is_overdue(self) -> bool:
        return self.state == ActionState.OPEN and self.due_date < timezone.localdate()
