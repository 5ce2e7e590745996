from pathlib import Path

from django.core.management.base import BaseCommand

from louyu.core.backup import backup_create


class Command(BaseCommand):
    help = (
        "Write the database (SQLite copy or pg_dump) and every uploaded file (local or S3 "
        "storage) to one tar archive; `louyu restore` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar file to write")

    def handle(self, *args, archive, **options):
        manifest = backup_create(archive)
        self.stdout.write(
            f"{archive}: {manifest['vendor']} database and {len(manifest['files'])} file(s)"
        )
