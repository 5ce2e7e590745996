"""Campaign progress: rolled-up figures, monthly reports from the administrations and the
national bulletins built from them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from louyu.core.labels import EnglishLabel
from louyu.reporting.workflow import BulletinState, ReportState


class Grain(models.TextChoices):
    DAY = "D", _("日")
    MONTH = "M", _("月")
    RUNNING = "R", _("截至月末累计")


# ``Figure.until`` of a running total that still holds.
FOREVER = datetime.date(9999, 12, 31)


class Figure(models.Model):
    """One additive measure (``metrics.MEASURES``) of one jurisdiction (and one city, or
    ``""`` for the whole jurisdiction) on one day or in one month: a count of events that
    day, or for a level the change that day. A running total (``Grain.RUNNING``) is the sum
    from the first day to the end of the month ``date`` starts, written for each month with
    a month row, and holds through the end of the month ``until`` starts (``FOREVER`` for
    the latest), so a total as of any month's end is one row per measure. Rebuilt from the
    append-only histories of the domain apps by ``rollup.refresh``; never edited by
    hand."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    date = models.DateField()
    jurisdiction = models.ForeignKey(
        "core.Jurisdiction", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    city = models.CharField(max_length=6, blank=True)
    measure = models.CharField(max_length=40)
    value = models.BigIntegerField()
    # Running totals only: the last month (its first day) through which the total holds.
    until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "city", "measure", "date", "jurisdiction"],
                name="figure_unique",
            )
        ]
        default_permissions = ("view",)
        permissions = [("export_figure", _("导出统计数据"))]
        indexes = [
            models.Index(fields=["grain", "date"], name="figure_grain_date"),
            # A figure reads one area's measures (some by prefix: histograms) over a range
            # of month and day rows; led by city and measure, the prefix ranges are index
            # ranges instead of a scan of every month row (bench_dashboard: 1.17 → 0.34 s).
            models.Index(
                fields=["city", "measure", "grain", "date"], name="figure_city_measure_grain_date"
            ),
            # A total as of a month's end reads, per measure, the running totals holding
            # then: the ones still holding (``until`` >= the month) are an index range.
            models.Index(
                fields=["city", "measure", "until"],
                name="figure_running_until",
                condition=models.Q(grain="R"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.date} {self.jurisdiction_id}/{self.city} {self.measure}"


class RollupState(models.Model):
    """The one row saying how far the figures reach: ``as_of`` is the time up to which
    every change is included; ``rebuilt_at`` the last full rebuild."""

    as_of = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    days_refreshed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"figures as of {self.as_of}"


class ReportPolicy(EnglishLabel):
    """When the monthly report of a period is due: the N-th working day of the next month
    on the legal calendar (the 5th by default), with a reminder some days before."""

    name = models.CharField(_("名称"), max_length=64, default="月度进展报送")
    due_working_day = models.PositiveSmallIntegerField(
        _("次月第几个工作日报送"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    remind_days_before = models.PositiveSmallIntegerField(_("到期前提醒（日）"), default=2)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("报送时限规则")
        verbose_name_plural = _("报送时限规则")

    def __str__(self) -> str:
        return _("%(name)s：次月第 %(day)s 个工作日") % {
            "name": self.label,
            "day": self.due_working_day,
        }


class MonthlyReport(models.Model):
    """An administration's report of one month (月度进展报送): its figures, filled in from
    the metrics and frozen at each submission, and what it did."""

    jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        related_name="monthly_reports",
    )
    period = models.DateField(_("报送月份"), help_text=_("该月第一天"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    progress = models.TextField(_("工作进展"), blank=True)
    practices = models.TextField(_("典型经验做法"), blank=True)
    difficulties = models.TextField(_("存在的困难和问题"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)
    figures = models.JSONField(_("报送数据"), default=dict, blank=True)
    figures_as_of = models.DateTimeField(_("数据截至"), null=True, blank=True)
    due_at = models.DateTimeField(_("报送时限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("时限待定"), default=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "jurisdiction__sort_order", "id"]
        verbose_name = _("月度进展报告")
        verbose_name_plural = _("月度进展报告")
        permissions = [("review_monthlyreport", _("审核月度进展报告"))]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "period"], name="report_once")
        ]
        indexes = [models.Index(fields=["period", "state"])]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.period:%Y-%m}"

    @property
    def period_end(self) -> datetime.date:
        return month_end(self.period)

    @property
    def is_late(self) -> bool:
        due = self.due_at
        if due is None:
            return False
        done = self.submitted_at
        return (done or timezone.now()) > due


class ReportStatusChange(models.Model):
    """One transition of a monthly report. Append-only."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_state = models.CharField(max_length=16, choices=ReportState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=ReportState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Status changes are append-only.")
        super().save(*args, **kwargs)


def report_file_upload_to(instance: ReportFile, filename: str) -> str:
    today = timezone.localdate()
    return f"reports/{today:%Y/%m}/{instance.report_id}-{filename}"


class ReportFile(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=report_file_upload_to, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Bulletin(models.Model):
    """The national progress bulletin (进展通报) of one month, built from the accepted
    reports' frozen figures (live metrics where a jurisdiction has none, marked as such)."""

    period = models.DateField(_("通报月份"), help_text=_("该月第一天"))
    number = models.CharField(_("文号"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=16, choices=BulletinState.choices, default=BulletinState.DRAFT
    )
    summary = models.TextField(_("总体情况"), blank=True)
    highlights = models.TextField(_("主要进展"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    requirements = models.TextField(_("下一步要求"), blank=True)
    snapshot = models.JSONField(_("数据"), default=dict, blank=True)
    compiled_at = models.DateTimeField(_("数据汇总时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("进展通报")
        verbose_name_plural = _("进展通报")
        permissions = [("publish_bulletin", _("发布进展通报"))]
        constraints = [models.UniqueConstraint(fields=["period"], name="bulletin_once_per_period")]

    def __str__(self) -> str:
        return self.title


class BulletinStatusChange(models.Model):
    """One transition of a bulletin. Append-only."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="status_changes")
    from_state = models.CharField(max_length=16, choices=BulletinState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=BulletinState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.bulletin_id}: {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Status changes are append-only.")
        super().save(*args, **kwargs)


def month_end(first: datetime.date) -> datetime.date:
    """The last day of the month that ``first`` starts."""
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)
