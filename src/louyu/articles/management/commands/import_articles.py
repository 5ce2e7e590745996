"""`louyu import-articles FILE...`: import reference articles from Markdown or HTML files,
each on its own; prints one line per file (created, updated or refused with the reason)
and exits with status 1 when any file was refused."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from louyu.articles import services
from louyu.articles.recognition import Gazetteer
from louyu.core.models import User

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
        gazetteer = Gazetteer()
        refused = 0
        for name in files:
            result = self._one(actor, Path(name), gazetteer)
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

    def _one(self, actor, path: Path, gazetteer: Gazetteer) -> services.FileResult:
        try:
            if not path.is_file():
                raise ValidationError("文件不存在。")
            with path.open("rb") as handle:
                data = services.read_article_upload(File(handle, name=path.name))
            return services.article_import(
                actor=actor, filename=path.name, data=data, gazetteer=gazetteer
            )
        except ValidationError as exc:
            return services.FileResult(
                filename=path.name, outcome=services.Outcome.REFUSED, reason="；".join(exc.messages)
            )

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"用户 {username} 不存在或已停用。")
        if not services.can_import(user):
            raise CommandError(f"用户 {username} 无权导入文章。")
        return user
