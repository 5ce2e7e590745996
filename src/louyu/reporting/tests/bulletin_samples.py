"""Bulletins for the document tests and for looking at the result: an unsaved `Bulletin`
with a snapshot of the shape the compile service freezes, for the 32 jurisdictions of
core/data/jurisdictions.csv and every metric, with made-up but plausible figures."""

import csv
import datetime
import random
from pathlib import Path

from louyu.core.calendar import SHANGHAI
from louyu.reporting.metrics import METRICS, Kind
from louyu.reporting.models import Bulletin

JURISDICTIONS_CSV = Path(__file__).resolve().parents[2] / "core" / "data" / "jurisdictions.csv"
RANKED = ("rectification_rate", "multi_operator_share", "reply_on_time_rate", "satisfaction_rate")
NUMBER = "工信厅通信函〔2026〕188号"
TITLE = "关于2026年11月商务楼宇宽带接入市场联合整治工作进展情况的通报"
LIVE = ("540000", "650000")  # no accepted report: live figures


# The national figure against a jurisdiction's: counts add up, rates and medians do not.
_NATIONAL = {Kind.LEVEL: 30, Kind.FLOW: 30, Kind.RATE: 1, Kind.MEDIAN: 1}


def jurisdictions() -> list[tuple[str, str]]:
    with JURISDICTIONS_CSV.open(encoding="utf-8") as rows:
        return [(row["code"], row["short_name"]) for row in csv.DictReader(rows)]


def _figure(kind: Kind, chance: random.Random) -> float:
    match kind:
        case Kind.RATE:
            return round(chance.uniform(35, 99.5), 1)
        case Kind.MEDIAN:
            return chance.randrange(8, 70) / 2
        case Kind.LEVEL:
            return float(chance.randrange(20, 6000))
    return float(chance.randrange(0, 400))


def snapshot(*, seed: int = 2026, metrics=METRICS, places=None, previous: bool = True) -> dict:
    chance = random.Random(seed)
    places = jurisdictions() if places is None else places
    rows = [
        {
            "code": code,
            "name": name,
            "source": "live" if code in LIVE else "report",
            "values": {
                metric.code: {
                    "value": (value := _figure(metric.kind, chance)),
                    "numerator": int(value),
                    "denominator": None,
                }
                for metric in metrics
            },
        }
        for code, name in places
    ]
    national = {
        metric.code: {
            "value": (value := _figure(metric.kind, chance) * _NATIONAL[metric.kind]),
            "numerator": int(value),
            "denominator": None,
            "source": "live" if metric.kind == Kind.MEDIAN else "sum",
        }
        for metric in metrics
    }
    codes = [metric.code for metric in metrics]
    rankings = [
        {
            "metric": code,
            "rows": [
                {"code": row["code"], "name": row["name"], "value": value, "rank": rank}
                for rank, (value, row) in enumerate(
                    sorted(
                        ((row["values"][code]["value"], row) for row in rows),
                        key=lambda pair: -pair[0],
                    ),
                    start=1,
                )
            ],
        }
        for code in RANKED
        if code in codes
    ]
    return {
        "period": "2026-11-01",
        "compiled_at": "2026-12-08T10:00:00+08:00",
        "metrics": codes,
        "national": national,
        "jurisdictions": rows,
        "rankings": rankings,
        "late": [
            {
                "code": "210200",
                "name": "大连",
                "due_at": "2026-12-07T23:59:59+08:00",
                "submitted_at": "2026-12-08T09:12:00+08:00",
                "state": "submitted",
            },
            {
                "code": "540000",
                "name": "西藏",
                "due_at": "2026-12-07T23:59:59+08:00",
                "submitted_at": None,
                "state": "draft",
            },
        ],
        "missing": ["540000", "650000"],
        "previous": (
            {
                "period": "2026-10-01",
                "national": {code: value["value"] * 0.95 for code, value in national.items()},
            }
            if previous
            else None
        ),
    }


NARRATIVE = {
    "summary": (
        "11月，各地通信管理局会同市场监管、住房城乡建设等部门，持续推进商务楼宇宽带接入"
        "市场联合整治，全国登记商务楼宇数量稳步增长，问题楼宇整改率进一步提高。\n\n"
        "截至11月底，各地累计登记商务楼宇十二万余栋，发现并立案整治问题楼宇三千余栋。"
    ),
    "highlights": (
        "一是摸底排查更加扎实。各地完成辖区商务楼宇登记核实，零运营商楼宇全部制定“一楼一策”"
        "工作方案。\n\n二是申诉处理更加规范。按时受理率和按时答复率均保持在九成以上。"
    ),
    "problems": "部分地区整改进度偏慢，个别单位未按时报送月度进展情况。",
    "requirements": (
        "各单位要对照排名查找差距，加快问题楼宇整改，按时报送月度进展情况。\n\n"
        "请于12月31日前将整改情况报部（信息通信发展司）。"
    ),
}


def bulletin(*, number: str = NUMBER, title: str = TITLE, data: dict | None = None, **fields):
    return Bulletin(
        period=datetime.date(2026, 11, 1),
        number=number,
        title=title,
        snapshot=snapshot() if data is None else data,
        compiled_at=datetime.datetime(2026, 12, 8, 10, tzinfo=SHANGHAI),
        **{**NARRATIVE, **fields},
    )
