"""The building list as an XLSX workbook, written row by row in constant memory."""

from __future__ import annotations

from django.utils.translation import gettext as _

from louyu.buildings.selectors import FLAG_FIELDS, with_presence
from louyu.web.views import neutralise_cell

EXPORT_MAX_ROWS = 200_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def _region_columns(region) -> tuple[str, str, str]:
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


def write_buildings_xlsx(fileobj, buildings, operators) -> tuple[int, bool]:
    """Write the buildings (an ordered, scoped queryset) to ``fileobj``; returns (rows,
    truncated). Text cells are neutralised against formula injection."""
    import xlsxwriter

    operators = list(operators)
    flag_fields = [
        field
        for field in buildings.model._meta.get_fields()
        if getattr(field, "name", "") in FLAG_FIELDS
    ]
    workbook = xlsxwriter.Workbook(
        fileobj,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(_("楼宇名录"))
    bold = workbook.add_format({"bold": True, "bg_color": "#E9EEF5", "border": 1})
    header = [
        _("楼宇编码"),
        _("名称"),
        _("地址"),
        _("省"),
        _("市"),
        _("区县"),
        _("管辖范围"),
        _("类型"),
        _("在服务基础电信企业数"),
        *(operator.short_name or operator.name for operator in operators),
        *(str(field.verbose_name) for field in flag_fields),
    ]
    widths = [18, 30, 40, 10, 10, 12, 18, 12, 10, *([12] * len(operators)), *([10] * 4)]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for col, title in enumerate(header):
        sheet.write_string(0, col, title, bold)
    sheet.freeze_panes(1, 2)
    rows = 0
    truncated = False
    queryset = with_presence(buildings.select_related("region__parent__parent"))
    for building in queryset[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=2000):
        if rows >= EXPORT_MAX_ROWS:
            truncated = True
            break
        rows += 1
        statuses = {p.operator_id: p.get_status_display() for p in building.presences.all()}
        province, city, county = _region_columns(building.region)
        texts = [
            building.code,
            building.name,
            building.address,
            province,
            city,
            county,
            building.jurisdiction.name,
            building.get_building_type_display(),
        ]
        col = 0
        for col, value in enumerate(texts):
            sheet.write_string(rows, col, neutralise_cell(value))
        col += 1
        sheet.write_number(rows, col, building.operator_count)
        for operator in operators:
            col += 1
            sheet.write_string(rows, col, neutralise_cell(statuses.get(operator.pk, "")))
        for field in flag_fields:
            col += 1
            sheet.write_string(rows, col, _yes_no(getattr(building, field.name)))
    if truncated:
        sheet.write_string(
            rows + 1,
            0,
            _("仅导出前 %(max)d 栋楼宇，请缩小筛选范围后再导出其余楼宇。")
            % {"max": EXPORT_MAX_ROWS},
            bold,
        )
    workbook.close()
    return rows, truncated
