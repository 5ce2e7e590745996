"""Verification records with evidence files (photos, scanned documents) in one write.

The files are checked beforehand by ``uploads.check_uploads`` (content-checked, images
re-encoded). They are stored as ``Attachment(kind="evidence")`` of the complaint; the
Attachment model has no link to the verification, so each evidence file gets the
verification's ``created_at`` as its ``uploaded_at`` and the same uploader, which is how the
detail page shows it under its record; the audit event names both ids."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from louyu.complaints import attachments, services
from louyu.complaints.models import Attachment, Complaint, Verification
from louyu.core import uploads
from louyu.core.audit import audit_record
from louyu.core.models import User

EVIDENCE_MAX_FILES = 5


def verification_add_with_evidence(
    *,
    actor: User,
    complaint: Complaint,
    method: str,
    performed_on: datetime.date,
    findings: str,
    files: list[uploads.CheckedFile] = (),
) -> tuple[Verification, list[Attachment]]:
    """Add a verification record and its evidence files: all or nothing. Files written to
    storage before a failure are deleted again."""
    files = list(files or [])
    if len(files) > min(EVIDENCE_MAX_FILES, uploads.max_files()):
        raise ValidationError({"evidence": f"每条核查记录最多 {EVIDENCE_MAX_FILES} 个证据文件。"})
    with attachments.discarded_on_failure(), transaction.atomic():
        record = services.verification_add(
            actor=actor,
            complaint=complaint,
            method=method,
            performed_on=performed_on,
            findings=findings,
        )
        saved = attachments.attachments_save(
            complaint=complaint, files=files, actor=actor, kind=Attachment.Kind.EVIDENCE
        )
        if saved:
            Attachment.objects.filter(pk__in=[a.pk for a in saved]).update(
                uploaded_at=record.created_at
            )
            for attachment in saved:
                attachment.uploaded_at = record.created_at
            audit_record(
                actor=actor,
                action="complaint.evidence_add",
                obj=complaint,
                changes={"verification": record.pk, "attachments": [a.pk for a in saved]},
            )
    return record, saved


def evidence_by_verification(
    complaint: Complaint, verifications: list[Verification]
) -> tuple[dict[int, list[Attachment]], list[Attachment]]:
    """The complaint's evidence files grouped by the verification they were added with, and
    those matching none (added another way)."""
    evidence = list(complaint.attachments.filter(kind=Attachment.Kind.EVIDENCE))
    keys = {(v.created_at, v.created_by_id): v.pk for v in verifications}
    grouped: dict[int, list[Attachment]] = {v.pk: [] for v in verifications}
    loose = []
    for attachment in evidence:
        pk = keys.get((attachment.uploaded_at, attachment.uploaded_by_id))
        if pk is None:
            loose.append(attachment)
        else:
            grouped[pk].append(attachment)
    return grouped, loose
