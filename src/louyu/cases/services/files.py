"""A case's files (ADR 0007): evidence, measure answers, acceptance evidence and action
documents are all rows of one ``CaseFile`` table with a kind and an optional link to the
measure, check or action.

Only files that passed the complaint attachment checks (``core.uploads.check_uploads``) are
stored, at most ``FILES_MAX`` at a time. Files are stored inside the write's transaction;
when the write fails, the stored bytes are deleted again (``StoredFiles``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from louyu.cases.models import AcceptanceCheck, Case, CaseFile, EnforcementAction, Measure
from louyu.cases.services._common import actor_or_none, lock_case
from louyu.cases.services.permissions import require_manager
from louyu.cases.workflow import FINAL_STATES
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import User
from louyu.core.uploads import CheckedFile

FILES_MAX = 5


def files_save(
    *,
    case: Case,
    files: list[CheckedFile],
    kind: str,
    actor=None,
    measure: Measure | None = None,
    acceptance_check: AcceptanceCheck | None = None,
    action: EnforcementAction | None = None,
) -> list[CaseFile]:
    """Store content-checked files (``core.uploads.check_uploads``) of a case in
    the default storage. Call inside the write's transaction; on failure the caller deletes
    what was stored (see ``StoredFiles``)."""
    if len(files) > FILES_MAX:
        raise ValidationError({"files": f"每次最多上传 {FILES_MAX} 个文件。"})
    saved = []
    for checked in files:
        if not isinstance(checked, CheckedFile):
            raise ValidationError({"files": "文件未经检查，不能保存。"})
        record = CaseFile(
            case=case,
            kind=kind,
            measure=measure,
            acceptance_check=acceptance_check,
            action=action,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor_or_none(actor),
        )
        record.file.save(checked.name, ContentFile(checked.data), save=False)
        record.save()
        saved.append(record)
    return saved


class StoredFiles:
    """Deletes the files stored inside a block from storage when the block fails (the rows
    are rolled back with the transaction, the stored bytes are not)."""

    def __init__(self) -> None:
        self.saved: list[CaseFile] = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for record in self.saved:
                record.file.delete(save=False)
        return False


@transaction.atomic
def case_files_add(*, actor: User, case: Case, files: list[CheckedFile]) -> list[CaseFile]:
    """Add evidence files to an open case."""
    if not files:
        raise ValidationError({"files": "请选择文件。"})
    locked = lock_case(case)
    require_manager(actor, locked)
    if locked.state in FINAL_STATES:
        raise InvalidTransition("已结案的案件不能补充证据。")
    return evidence_save(actor=actor, case=locked, files=files)


def evidence_save(
    *, actor: User | None, case: Case, files: list[CheckedFile], **details
) -> list[CaseFile]:
    """Store evidence files of a locked case with their audit event (``details`` added to
    its changes). Call inside the write's transaction."""
    with StoredFiles() as stored:
        stored.saved += files_save(
            case=case, files=list(files), kind=CaseFile.Kind.EVIDENCE, actor=actor
        )
        audit_record(
            actor=actor,
            action="case.evidence_add",
            obj=case,
            changes={"files": [f.pk for f in stored.saved], **details},
        )
    return stored.saved
