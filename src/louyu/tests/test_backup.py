"""``louyu backup`` then ``louyu restore`` into an empty database (and an empty file store,
a local directory or an S3 bucket) brings back every complaint, case, attachment, case file
and audit event, on SQLite and PostgreSQL alike."""

import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from louyu.buildings.tests.factories import BuildingFactory
from louyu.cases.models import Case, CaseFile
from louyu.cases.tests.factories import CaseFactory
from louyu.complaints.models import Attachment, Complaint
from louyu.complaints.tests.factories import ComplaintFactory
from louyu.core import roles
from louyu.core.models import AuditEvent, Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory
from louyu.tests.processes import louyu_process_env, postgres_url

COUNTED = [Complaint, Case, Attachment, CaseFile, AuditEvent]


def _data(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_reference_organizations()
    staff = UserFactory(
        username="backup-staff",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_STAFF],
    )
    complaint = ComplaintFactory(actor=staff)
    Attachment.objects.create(
        complaint=complaint,
        file=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=17,
        sha256="0" * 64,
    )
    case = CaseFactory(actor=staff, building=BuildingFactory(actor=staff), title="备份测试案件")
    CaseFile.objects.create(
        case=case,
        kind=CaseFile.Kind.EVIDENCE,
        file=ContentFile(b"%PDF-1.4 case evidence", name="case.pdf"),
        original_name="现场证据.pdf",
        content_type="application/pdf",
        size=22,
        sha256="1" * 64,
    )


def _stored():
    return {
        record.file.name: record.file.read()
        for model in (Attachment, CaseFile)
        for record in model.objects.all()
    }


def _empty_database(tmp_path):
    """A DATABASE_URL of a new, empty database, a way to count its rows, and its removal."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def count(table):
            with sqlite3.connect(path) as db:
                return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        return f"sqlite:///{path}", count, lambda: None
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = postgres_url(params, name)

    def count(table):
        with psycopg.connect(url) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, count, drop


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database(settings, tmp_path):
    _data(settings, tmp_path)
    expected = {model._meta.db_table: model.objects.count() for model in COUNTED}
    assert all(expected.values())
    files = _stored()
    assert len(files) == 2
    archive = tmp_path / "louyu.tar"
    call_command("backup", str(archive))

    url, count, drop = _empty_database(tmp_path)
    try:
        subprocess.run(
            [sys.executable, "-m", "louyu.cli", "restore", str(archive)],
            env=louyu_process_env(
                tmp_path, DATABASE_URL=url, LOUYU_MEDIA_ROOT=str(tmp_path / "restored-media")
            ),
            check=True,
            timeout=120,
            capture_output=True,
        )
        assert {table: count(table) for table in expected} == expected
    finally:
        drop()
    for name, content in files.items():
        assert (tmp_path / "restored-media" / name).read_bytes() == content


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_s3_files_restores_into_an_empty_database_and_bucket(
    settings, tmp_path, s3_storage
):
    _data(settings, tmp_path)
    expected = {model._meta.db_table: model.objects.count() for model in COUNTED}
    files = _stored()
    assert s3_storage.objects(s3_storage.default) == files and len(files) == 2
    archive = tmp_path / "louyu.tar"
    call_command("backup", str(archive))

    empty_bucket = s3_storage.bucket()
    url, count, drop = _empty_database(tmp_path)
    try:
        subprocess.run(
            [sys.executable, "-m", "louyu.cli", "restore", str(archive)],
            env=louyu_process_env(
                tmp_path, DATABASE_URL=url, **s3_storage.environment(empty_bucket)
            ),
            check=True,
            timeout=120,
            capture_output=True,
        )
        assert {table: count(table) for table in expected} == expected
    finally:
        drop()
    assert s3_storage.objects(empty_bucket) == files
