"""`louyu import-articles FILE...`: import reference articles from Markdown or HTML files,
each on its own; prints one line per file (created, updated or refused with the reason)
and exits with status 1 when any file was refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from louyu.articles import services
from louyu.core.models import User


@dataclass(frozen=True)
class PathUpload:
    """A file named on the command line, read only when its turn comes."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int | None:
        return self.path.stat().st_size if self.path.is_file() else None

    def read(self, limit: int = -1) -> bytes:
        if not self.path.is_file():
            raise ValidationError("文件不存在。")
        with self.path.open("rb") as handle:
            return handle.read(limit)


LABELS = {
    services.Outcome.CREATED: "新增",
    services.Outcome.UPDATED: "更新",
    services.Outcome.REFUSED: "未导入",
}


class Command(BaseCommand):
    help = (
        "Import reference articles from FILE... (Markdown or HTML with YAML front matter, or "
        "bare HTML pages). Without --user the import runs as a system import."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--user", help="import as this user (permission and audit)")

    def handle(self, *args, files, user, **options):
        actor = self._actor(user)
        results = services.article_import_files(
            actor=actor, uploads=[PathUpload(Path(name)) for name in files], limit_files=False
        )
        refused = 0
        for name, result in zip(files, results, strict=True):
            label = LABELS[result.outcome]
            detail = result.article.title if result.article else result.reason
            line = f"{label}\t{name}\t{detail}"
            if result.outcome == services.Outcome.REFUSED:
                refused += 1
                self.stderr.write(line)
            else:
                self.stdout.write(line)
        self.stdout.write(f"共 {len(files)} 个文件，未导入 {refused} 个。")
        if refused:
            raise SystemExit(1)

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"用户 {username} 不存在或已停用。")
        if not services.can_import(user):
            raise CommandError(f"用户 {username} 无权导入文章。")
        return user
