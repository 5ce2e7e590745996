"""Files stored with a complaint, after ``louyu.core.uploads`` has checked their content:
saved all or nothing, and deleted again when the transaction holding their rows fails."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from louyu.complaints.models import Attachment, Complaint
from louyu.core.uploads import CheckedFile, max_files


@transaction.atomic
def attachments_save(
    *, complaint: Complaint, files: list[CheckedFile], actor=None, kind: str = "complaint"
) -> list[Attachment]:
    """Store checked files for a complaint in the default storage (complaints/%Y/%m/).
    All or nothing: if one file fails, the files already written are deleted again. A
    caller whose own transaction may fail after this returns wraps it in
    ``discarded_on_failure``."""
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": "附件类别无效。"})
    if complaint.attachments.count() + len(files) > max_files() and kind == "complaint":
        raise ValidationError(f"每件申诉最多 {max_files()} 个附件。")
    saved = []
    try:
        for checked in files:
            attachment = Attachment(
                complaint=complaint,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor if actor is not None and getattr(actor, "pk", None) else None,
                kind=kind,
            )
            attachment.file.save(checked.name, ContentFile(checked.data), save=False)
            saved.append(attachment)
            if (tracker := _written.get()) is not None:
                tracker.append(attachment)
            attachment.save()
    except BaseException:
        attachments_discard(saved)
        raise
    return saved


_written: ContextVar[list[Attachment] | None] = ContextVar("attachments_written", default=None)


@contextmanager
def discarded_on_failure():
    """Files stored by ``attachments_save`` inside this block are deleted again when the
    block raises, e.g. because the transaction that held their rows rolled back. Wrap the
    ``transaction.atomic()`` block in it, so a failed commit is covered too."""
    outer = _written.get()
    written: list[Attachment] = []
    token = _written.set(written)
    try:
        yield written
    except BaseException:
        attachments_discard(written)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(written)


def attachments_discard(saved: list[Attachment]) -> None:
    """Delete stored files whose rows were rolled back, so storage keeps no orphans."""
    for attachment in saved:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
