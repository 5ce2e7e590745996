"""The complaint queue as an XLSX workbook, written row by row in constant memory.

Complainants' names and phone numbers are masked: an export leaves the platform, so it
never carries personal data in full, whoever asks for it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from louyu.complaints.personal_data import mask_name, mask_phone
from louyu.core.calendar import format_deadline
from louyu.core.exports import Column, write_xlsx

EXPORT_MAX_ROWS = 200_000


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("是") if value else _("否")


def _columns() -> list[Column]:
    return [
        Column(_("受理编号"), 16),
        Column(_("收到时间"), 17),
        Column(_("渠道"), 12),
        Column(_("问题类别"), 18),
        Column(_("楼宇"), 28),
        Column(_("楼宇地址"), 36),
        Column(_("管辖范围"), 14),
        Column(_("承办机构"), 22),
        Column(_("状态"), 10),
        Column(_("当前时限"), 17),
        Column(_("已超期"), 8),
        Column(_("时限待定"), 8),
        Column(_("答复结果"), 12),
        Column(_("满意度"), 8),
        Column(_("问题已解决"), 10),
        Column(_("重复申诉"), 8),
        Column(_("申诉人（脱敏）"), 12),
        Column(_("联系电话（脱敏）"), 14),
    ]


def _rows(complaints):
    now = timezone.now()
    queryset = complaints.select_related("category", "building", "jurisdiction", "handler")
    for complaint in queryset[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=2000):
        due = complaint.current_due_at
        erased = complaint.personal_data_erased_at is not None
        yield [
            complaint.tracking_code,
            _local(complaint.received_at),
            complaint.get_channel_display(),
            complaint.category.label,
            complaint.building.name if complaint.building_id else "",
            complaint.building.address if complaint.building_id else complaint.address,
            complaint.jurisdiction.name,
            complaint.handler.name if complaint.handler_id else "",
            complaint.get_state_display(),
            format_deadline(due),
            _yes_no(bool(due and due < now)),
            _yes_no(complaint.deadline_provisional),
            complaint.get_reply_result_display() if complaint.reply_result else "",
            str(complaint.satisfaction) if complaint.satisfaction else "",
            _yes_no(complaint.resolved),
            _yes_no(complaint.is_repeat),
            _("（已清除）") if erased else mask_name(complaint.complainant_name),
            "" if erased else mask_phone(complaint.complainant_phone),
        ]


def write_complaints_xlsx(fileobj, complaints) -> tuple[int, bool]:
    """Write the complaints (an ordered, scoped queryset) to ``fileobj``; returns (rows,
    truncated). Text cells are neutralised against formula injection."""
    return write_xlsx(
        fileobj,
        sheet_name=_("申诉"),
        columns=_columns(),
        rows=_rows(complaints),
        max_rows=EXPORT_MAX_ROWS,
        truncated_note=_("仅导出前 %(max)d 件申诉，请缩小筛选范围后再导出其余申诉。")
        % {"max": EXPORT_MAX_ROWS},
    )
