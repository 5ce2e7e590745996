"""The building list as an XLSX workbook, written row by row in constant memory."""

from __future__ import annotations

from django.utils.translation import gettext as _

from louyu.buildings.selectors import FLAG_FIELDS, presence_operators, with_presence
from louyu.core.exports import Column, write_xlsx

EXPORT_MAX_ROWS = 200_000


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def region_columns(region) -> tuple[str, str, str]:
    """Province, prefecture and county names of a county-level region."""
    names = []
    node = region
    while node is not None:
        names.append(node.name)
        node = node.parent
    names.reverse()
    province = names[0] if names else ""
    if len(names) >= 3:
        return province, names[1], names[-1]
    return province, "", names[-1] if len(names) > 1 else ""


def write_buildings_xlsx(fileobj, buildings, *, user) -> tuple[int, bool]:
    """Write the buildings (an ordered queryset scoped to ``user``) to ``fileobj`` with a
    column for each operator whose presence the user may see; returns (rows, truncated).
    Text cells are neutralised against formula injection."""
    operators = list(presence_operators(user=user))
    flag_fields = [
        field
        for field in buildings.model._meta.get_fields()
        if getattr(field, "name", "") in FLAG_FIELDS
    ]
    columns = [
        Column(_("楼宇编码"), 18),
        Column(_("名称"), 30),
        Column(_("地址"), 40),
        Column(_("省"), 10),
        Column(_("市"), 10),
        Column(_("区县"), 12),
        Column(_("管辖范围"), 18),
        Column(_("类型"), 12),
        Column(_("在服务基础电信企业数"), 10),
        *(Column(operator.short_name or operator.name, 12) for operator in operators),
        *(Column(str(field.verbose_name), 10) for field in flag_fields),
    ]

    def rows():
        queryset = with_presence(buildings.select_related("region__parent__parent"), user=user)
        for building in queryset[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=2000):
            statuses = {p.operator_id: p.get_status_display() for p in building.presences.all()}
            yield [
                building.code,
                building.name,
                building.address,
                *region_columns(building.region),
                building.jurisdiction.name,
                building.get_building_type_display(),
                building.operator_count,
                *(statuses.get(operator.pk, "") for operator in operators),
                *(_yes_no(getattr(building, field.name)) for field in flag_fields),
            ]

    return write_xlsx(
        fileobj,
        sheet_name=_("楼宇名录"),
        columns=columns,
        rows=rows(),
        max_rows=EXPORT_MAX_ROWS,
        truncated_note=_("仅导出前 %(max)d 栋楼宇，请缩小筛选范围后再导出其余楼宇。")
        % {"max": EXPORT_MAX_ROWS},
        freeze_columns=2,
    )
