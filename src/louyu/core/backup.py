"""Backups: the database and every stored file in one tar archive, and the way back.

The archive holds ``manifest.json`` (format, database vendor, file names), the database
(``database.sqlite3``, a copy made with SQLite's online backup; or ``database.pgdump``, a
``pg_dump`` custom-format dump) and the files under ``files/``, read and written through the
default storage, so the local file system and an S3-compatible bucket are backed up alike.
Restoring replaces the database (on PostgreSQL it drops and recreates every table, so it runs
as the owner role, README "Production") and writes the files back."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files/"


class BackupError(Exception):
    """The archive cannot be restored here (wrong database vendor, unknown format)."""


def stored_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in ``storage``, recursively."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for sub in directories:
        yield from stored_files(storage, f"{directory}/{sub}" if directory else sub)


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    variables = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    return {**os.environ, **{key: str(value) for key, value in variables.items() if value}}


def _dump_database(connection, target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
            env=_pg_environment(connection.settings_dict),
            check=True,
        )
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")


def _load_database(connection, source: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as dump:
            dump.backup(connection.connection)
        dump.close()
    else:
        connection.close()  # pg_restore drops the tables this connection may hold locks on
        subprocess.run(  # noqa: S603
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(source),
            ],
            env=_pg_environment(connection.settings_dict),
            check=True,
        )


def backup_create(path: Path, *, using: str = "default", storage: Storage | None = None) -> dict:
    """Write the database and every stored file to the tar archive ``path``; the manifest."""
    storage = storage or default_storage
    connection = connections[using]
    if connection.vendor not in DUMPS:
        raise BackupError(f"no backup for the {connection.vendor} database")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "w") as archive:
        dump = Path(tmp) / DUMPS[connection.vendor]
        _dump_database(connection, dump)
        archive.add(dump, arcname=dump.name)
        names = sorted(stored_files(storage))
        for name in names:
            with storage.open(name, "rb") as handle:
                info = tarfile.TarInfo(FILES + name)
                info.size = storage.size(name)
                archive.addfile(info, handle)
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "files": names,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return manifest


def backup_restore(path: Path, *, using: str = "default", storage: Storage | None = None) -> dict:
    """Replace the database with the archive's and write its files back; the manifest."""
    storage = storage or default_storage
    connection = connections[using]
    with tarfile.open(path, "r") as archive:
        manifest = json.load(archive.extractfile(MANIFEST))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"the backup is of a {manifest['vendor']} database, this is {connection.vendor}"
            )
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / DUMPS[connection.vendor]
            with archive.extractfile(DUMPS[connection.vendor]) as src, dump.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            _load_database(connection, dump)
        for name in manifest["files"]:
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(archive.extractfile(FILES + name), name=name))
            if saved != name:
                raise BackupError(f"the storage saved {name!r} as {saved!r}")
    return manifest
