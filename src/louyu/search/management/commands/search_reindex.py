import sys

from django.core.management.base import BaseCommand, CommandError

from louyu.search.indexing import reindex
from louyu.search.registry import kinds


class Command(BaseCommand):
    help = "Rebuild the search index of every kind, or of one (--kind), in batches."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", default=[], help="repeatable")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, kind, batch_size, **options):
        known = [k.key for k in kinds()]
        unknown = [k for k in kind if k not in known]
        if unknown:
            raise CommandError(f"未知的搜索类型：{'、'.join(unknown)}（可用：{'、'.join(known)}）")
        if batch_size < 1:
            raise CommandError("批量大小必须是正整数。")

        def progress(key, written):
            sys.stderr.write(f"\r{key}: {written:,}")
            sys.stderr.flush()

        counts = reindex(keys=kind or None, batch_size=batch_size, progress=progress)
        sys.stderr.write("\n")
        for key, written in counts.items():
            self.stdout.write(f"{key}: {written:,}")
