"""Tables for the import engine's tests: the usual headers, three good rows in two
jurisdictions (北京 and 大连), and a Table of given rows as they come from a file."""

from louyu.buildings.import_engine.readers import Table

HEADERS = ["楼宇名称", "详细地址", "楼宇类型", "楼层数", "已进驻运营商", "是否收取进场费"]


GOOD = [
    ["国贸大厦", "北京市朝阳区建国门外大街1号", "写字楼", "38", "电信、移动", "否"],
    ["中关村软件园", "北京市海淀区东北旺西路8号", "产业园区", "6", "无", "是"],
    ["星海广场", "辽宁省大连市沙河口区星海广场1号", "商业综合体", "20", "联通", "否"],
]


def table_of(rows, headers=HEADERS):
    return Table(
        headers=headers,
        rows=[(i + 2, [str(c) for c in r]) for i, r in enumerate(rows)],
        header_row=1,
    )
