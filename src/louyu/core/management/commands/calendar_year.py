"""``louyu calendar_year YEAR [--load FILE.csv]``: show or enter one year's holiday schedule
(国务院办公厅《关于部分节假日安排的通知》) for the legal calendar."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from chinese_calendar import __version__ as chinesecalendar_version
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from louyu.core import calendar
from louyu.core.audit import audit_record
from louyu.core.models import CalendarDay, CalendarDayKind, CalendarYear

WEEKDAY_NAMES = "一二三四五六日"
KINDS = {kind.value: kind for kind in CalendarDayKind}
NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length
SOURCE_MAX_LENGTH = CalendarYear._meta.get_field("source").max_length
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass
class Schedule:
    entries: list[CalendarDay] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _weekday(day: date) -> str:
    return f"周{WEEKDAY_NAMES[day.weekday()]}"


def parse_schedule(text: str, year: int) -> Schedule:
    """Check a ``date,kind,name`` CSV of one year's schedule and collect every problem with
    its line number. A header line starting with ``date`` and blank lines are skipped."""
    result = Schedule()
    seen: dict[date, int] = {}
    reader = csv.reader(io.StringIO(text))
    first = True
    for row in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if first and cells[0].lower() == "date":
            first = False
            continue
        first = False
        if len(cells) not in (2, 3):
            result.errors.append(
                f"第 {line} 行：应有 2 或 3 列（date,kind,name），实有 {len(cells)} 列。"
            )
            continue
        raw_date, raw_kind = cells[0], cells[1]
        name = cells[2] if len(cells) == 3 else ""
        match = _DATE.match(raw_date)
        try:
            if match is None:
                raise ValueError
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            result.errors.append(f"第 {line} 行：日期“{raw_date}”无效，应为 YYYY-MM-DD。")
            continue
        if day.year != year:
            result.errors.append(f"第 {line} 行：日期 {day} 不在 {year} 年内。")
            continue
        if day in seen:
            result.errors.append(f"第 {line} 行：日期 {day} 与第 {seen[day]} 行重复。")
            continue
        seen[day] = line
        kind = KINDS.get(raw_kind.lower())
        if kind is None:
            result.errors.append(
                f"第 {line} 行：类型“{raw_kind}”无效，应为 holiday（休息）或 workday（调休上班）。"
            )
            continue
        if len(name) > NAME_MAX_LENGTH:
            result.errors.append(f"第 {line} 行：名称超过 {NAME_MAX_LENGTH} 个字。")
            continue
        if kind == CalendarDayKind.HOLIDAY and day.weekday() >= 5:
            result.warnings.append(
                f"第 {line} 行：{day} 是{_weekday(day)}，本来就休息，标为 holiday 只起说明作用。"
            )
        if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
            result.warnings.append(
                f"第 {line} 行：{day} 是{_weekday(day)}，本来就上班，标为 workday 只起说明作用。"
            )
        result.entries.append(CalendarDay(date=day, kind=kind, name=name))
    if not result.entries and not result.errors:
        result.errors.append("文件中没有任何日期。")
    return result


def _read(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"文件 {path} 既不是 UTF-8 也不是 GB18030 编码。")


class Command(BaseCommand):
    help = (
        "Show a year's holiday schedule status and overrides; with --load FILE.csv "
        "(date,kind,name) replace that year's overrides and mark the year published."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--load",
            metavar="FILE.csv",
            help="CSV with columns date,kind,name (kind: holiday or workday); "
            "replaces the year's overrides atomically",
        )
        parser.add_argument(
            "--source",
            default="",
            help="the notice the schedule comes from (default: the file name)",
        )

    def handle(self, *args, year: int, load: str | None, source: str, **options):
        if not 1 <= year <= 9999:
            raise CommandError(f"年份 {year} 无效。")
        if load:
            self._load(year, load, source or Path(load).name)
        self._show(year)

    def _load(self, year: int, path: str, source: str) -> None:
        schedule = parse_schedule(_read(path), year)
        for warning in schedule.warnings:
            self.stderr.write(self.style.WARNING(f"警告：{warning}"))
        if schedule.errors:
            raise CommandError(
                f"发现 {len(schedule.errors)} 处错误，未写入任何数据：\n"
                + "\n".join(schedule.errors)
            )
        holidays = sum(1 for e in schedule.entries if e.kind == CalendarDayKind.HOLIDAY)
        workdays = len(schedule.entries) - holidays
        with transaction.atomic():
            replaced, _ = CalendarDay.objects.filter(date__year=year).delete()
            CalendarDay.objects.bulk_create(schedule.entries)
            calendar_year, _ = CalendarYear.objects.update_or_create(
                year=year, defaults={"published": True, "source": source[:SOURCE_MAX_LENGTH]}
            )
            audit_record(
                actor=None,
                action="calendar.year_load",
                obj=calendar_year,
                changes={
                    "holidays": holidays,
                    "workdays": workdays,
                    "replaced": replaced,
                    "source": calendar_year.source,
                },
            )
            transaction.on_commit(calendar.clear_calendar_cache)
        calendar.clear_calendar_cache()
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入 {year} 年节假日安排：休息日 {holidays} 天，调休上班日 {workdays} 天"
                f"（替换原有 {replaced} 条），该年已标记为已录入完整安排。"
            )
        )

    def _show(self, year: int) -> None:
        row = CalendarYear.objects.filter(year=year).first()
        bundled = year in calendar.bundled_years()
        if bundled:
            self.stdout.write(
                f"{year} 年：已内置国务院节假日安排（chinesecalendar {chinesecalendar_version}）。"
            )
        if row is not None and row.published:
            source = f"，依据：{row.source}" if row.source else ""
            self.stdout.write(f"{year} 年：管理员已录入完整安排{source}。")
        elif row is not None:
            self.stdout.write(f"{year} 年：管理员已建档但未标记为完整安排。")
        if not bundled and (row is None or not row.published):
            self.stdout.write(
                f"{year} 年：安排未知，按周一至周五为工作日推算，涉及该年的时限为暂定。"
            )
        overrides = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
        if overrides:
            self.stdout.write(f"管理员调整日（{len(overrides)} 条）：")
            for day in overrides:
                name = f" {day.name}" if day.name else ""
                self.stdout.write(
                    f"  {day.date} {_weekday(day.date)} {day.get_kind_display()}{name}"
                )
        else:
            self.stdout.write("管理员调整日：无。")
        first, last = date(year, 1, 1), date(year, 12, 31)
        working = sum(
            calendar.is_working_day(date.fromordinal(ordinal))
            for ordinal in range(first.toordinal(), last.toordinal() + 1)
        )
        self.stdout.write(f"全年工作日：{working} 天。")
