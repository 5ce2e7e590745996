"""`louyu import-buildings FILE`: import buildings from an XLSX/CSV file in this process,
with a progress bar on stderr. Rejected rows go to FILE.rejected.xlsx next to the input."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from louyu.buildings import import_jobs, permissions
from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.import_engine.isolated import read_table_isolated
from louyu.buildings.import_engine.rejected import rejected_rows_xlsx
from louyu.buildings.import_engine.run import run_import
from louyu.core.models import User

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import buildings from FILE (.xlsx, .xls, .csv in UTF-8 or GBK). Without --user the "
        "import runs as a national system import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="import as this user (scope and audit)")
        parser.add_argument("--dry-run", action="store_true", help="only count what would change")
        parser.add_argument(
            "--mapping",
            help='column mapping as JSON, column index from 0 -> field, e.g. {"0": "name"}',
        )

    def handle(self, *args, file, user, dry_run, mapping, **options):
        path = Path(file)
        actor = self._actor(user)
        column_mapping = self._mapping(mapping)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        limit = import_jobs.max_import_bytes()
        if path.stat().st_size > limit:
            raise CommandError(
                f"文件过大（{path.stat().st_size / 1048576:.1f} MB），上限为 "
                f"{limit // 1048576} MB，请拆分后分批导入。"
            )
        try:
            table = read_table_isolated(path.read_bytes(), filename=path.name)
            result = run_import(
                table=table,
                actor=actor,
                mapping=import_jobs.effective_mapping(table.headers, column_mapping),
                dry_run=dry_run,
                progress=self._progress_bar(),
                source_label=path.name,
            )
        except ImportFileError as exc:
            self.stderr.write("")
            raise CommandError(str(exc))
        self.stderr.write("")
        counts = result.counts
        prefix = "试导入（未写入数据）" if dry_run else "导入完成"
        self.stdout.write(
            f"{prefix}：新增 {counts.get('new', 0)}，更新 {counts.get('updated', 0)}，"
            f"未变 {counts.get('unchanged', 0)}，未通过 {counts.get('rejected', 0)}"
        )
        if result.unknown_columns:
            self.stdout.write("未识别的列（已忽略）：" + "、".join(result.unknown_columns))
        if result.rejected:
            target = path.with_name(f"{path.stem}.rejected.xlsx")
            target.write_bytes(rejected_rows_xlsx(result, table.headers))
            self.stdout.write(f"未通过的行已写入：{target}")

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        try:
            user = User.objects.select_related("organization").get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户 {username} 不存在。")
        if not user.is_active:
            raise CommandError(f"用户 {username} 已停用。")
        if not permissions.can_import(user):
            raise CommandError(f"用户 {username} 无权导入楼宇名录。")
        return user

    def _mapping(self, text: str | None) -> dict[int, str]:
        if not text:
            return {}
        try:
            return import_jobs.clean_mapping(json.loads(text))
        except ValueError:
            raise CommandError("--mapping 不是有效的 JSON。")
        except ValidationError as exc:
            raise CommandError(exc.messages[0])

    def _progress_bar(self):
        stream = self.stderr
        last = {"percent": -1}

        def show(done: int, total: int) -> None:
            percent = done * 100 // total if total else 100
            if percent == last["percent"]:
                return
            last["percent"] = percent
            filled = BAR_WIDTH * percent // 100
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            stream.write(f"\r[{bar}] {percent:3d}% {done}/{total}", style_func=str, ending="")
            stream.flush()

        return show
