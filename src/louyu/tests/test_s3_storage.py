"""Uploaded files on an S3-compatible storage (django-storages against moto's server): the
services store the checked content in the bucket under a random name, and the download views
give back the same bytes."""

import re

import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from storages.backends.s3 import S3Storage

from louyu.buildings.tests.factories import BuildingFactory
from louyu.cases.services.files import case_files_add
from louyu.cases.tests.factories import CaseFactory
from louyu.complaints import attachments
from louyu.complaints.tests.factories import ComplaintFactory
from louyu.core import roles, uploads
from louyu.core.models import Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory
from louyu.core.tests.files import PDF
from louyu.library.services.practices import practice_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    load_reference_organizations()
    return UserFactory(
        username="s3-staff",
        organization=Organization.objects.get(code="ca-110000"),
        roles=[roles.ADMINISTRATION_STAFF],
    )


def checked(name):
    return uploads.check_uploads([SimpleUploadedFile(name, PDF, content_type="application/pdf")])


def downloaded(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_default_storage_is_the_bucket(s3_storage):
    assert isinstance(storages["default"], S3Storage)
    assert default_storage.bucket_name == s3_storage.default


def test_a_complaint_attachment_goes_to_the_bucket_and_comes_back(client, staff, s3_storage):
    complaint = ComplaintFactory(actor=staff)
    [attachment] = attachments.attachments_save(
        complaint=complaint, files=checked("申诉材料.pdf"), actor=staff, kind="evidence"
    )
    assert re.fullmatch(r"complaints/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert s3_storage.objects(s3_storage.default) == {attachment.file.name: PDF}
    url = reverse("complaints:attachment_download", args=[complaint.pk, attachment.pk])
    assert downloaded(client, staff, url) == PDF


def test_a_case_file_goes_to_the_bucket_and_comes_back(client, staff, s3_storage):
    case = CaseFactory(actor=staff, building=BuildingFactory(actor=staff))
    [record] = case_files_add(actor=staff, case=case, files=checked("现场照片说明.pdf"))
    assert re.fullmatch(r"cases/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", record.file.name)
    assert s3_storage.objects(s3_storage.default) == {record.file.name: PDF}
    url = reverse("cases:file_download", args=[case.pk, record.pk])
    assert downloaded(client, staff, url) == PDF


def test_a_file_missing_from_the_bucket_is_not_found(client, staff, s3_storage):
    case = CaseFactory(actor=staff, building=BuildingFactory(actor=staff))
    [record] = case_files_add(actor=staff, case=case, files=checked("a.pdf"))
    s3_storage.client.delete_object(Bucket=s3_storage.default, Key=record.file.name)
    client.force_login(staff)
    response = client.get(reverse("cases:file_download", args=[case.pk, record.pk]))
    assert response.status_code == 404


def test_a_library_attachment_is_stored_under_its_random_storage_name(client, staff, s3_storage):
    practice = practice_create(
        actor=staff,
        jurisdiction=staff.organization.jurisdiction,
        title="楼宇接入经验",
        summary="摘要",
        attachments=checked("经验材料（最终版）.pdf"),
    )
    attachment = practice.attachments.get()
    assert re.fullmatch(r"library/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert s3_storage.objects(s3_storage.default) == {attachment.file.name: PDF}
    url = reverse("library:attachment", args=[attachment.pk])
    assert downloaded(client, staff, url) == PDF
