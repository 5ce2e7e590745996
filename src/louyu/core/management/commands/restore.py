from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from louyu.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database with the one in a `louyu backup` archive and write its files "
        "back to the storage. On PostgreSQL it drops and recreates the tables: run it as the "
        'owner role (README, "Production"), with the web and worker processes stopped.'
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar file of `louyu backup`")

    def handle(self, *args, archive, **options):
        try:
            manifest = backup_restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored the {manifest['vendor']} database of {manifest['created_at']} and "
            f"{len(manifest['files'])} file(s)"
        )
