"""Building import jobs: the services (writes) around the import engine in
``import_engine/``; their scoped reads are in ``selectors.py``.

A job stores the uploaded file once; a dry run previews it, a re-run with a corrected column
mapping or a confirmation creates a new job from the same stored file. The job runs on the
task queue (``tasks.run_building_import``); the engine writes all rows or none. The file is
parsed in a limited child process (``import_engine.isolated``), and while the job runs the
worker writes a heartbeat; a running job whose heartbeat is older than ``DEAD_AFTER`` lost
its worker and is failed (``import_fail_dead_jobs``, every 15 s), so the file can be
uploaded again.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import traceback
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from louyu.buildings.import_engine.errors import ImportFileError
from louyu.buildings.import_engine.headers import FIELD_LABELS, guess_mapping
from louyu.buildings.import_engine.isolated import read_table_isolated
from louyu.buildings.import_engine.readers import MAX_IMPORT_BYTES
from louyu.buildings.import_engine.rejected import rejected_rows_xlsx
from louyu.buildings.import_engine.run import run_import
from louyu.buildings.models import ACTIVE_IMPORT_STATUSES, BuildingImport, ImportStatus
from louyu.buildings.permissions import import_rights
from louyu.core.audit import audit_record
from louyu.core.errors import Conflict
from louyu.core.models import User
from louyu.core.scope import ScopeKind, scope_for
from louyu.core.services import notify
from louyu.core.uploads import original_name, storage_name

logger = logging.getLogger(__name__)

# A running job beats every HEARTBEAT_SECONDS; one silent for DEAD_AFTER lost its worker (the
# engine wrote nothing, since a commit is one transaction) and is failed so the file can be
# imported again. A job queued for a day never found a worker.
HEARTBEAT_SECONDS = 10
DEAD_AFTER = datetime.timedelta(seconds=40)
STALE_QUEUED_AFTER = datetime.timedelta(days=1)
SYSTEM_ERROR = "导入过程中发生系统错误，未写入任何数据。请稍后重试，或联系系统管理员。"
INTERRUPTED_ERROR = (
    "导入被中断（处理进程已停止响应，可能因文件过大或损坏被终止），未写入任何数据。"
    "请检查文件后重新导入。"
)
COUNT_KEYS = ("new", "updated", "unchanged", "rejected")
REJECTED_SAMPLE = 20


class ImportConflict(Conflict):
    """The request is well-formed but conflicts with the job's state or another job
    (the API answers 409)."""


def max_import_bytes() -> int:
    return int(getattr(settings, "LOUYU_IMPORT_MAX_BYTES", MAX_IMPORT_BYTES))


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1048576:.0f} MB"
    return f"{max(1, size // 1024)} KB"


def clean_mapping(mapping, *, width: int | None = None) -> dict[int, str]:
    """A column mapping from user input (``{"3": "name", ...}``): indices are column
    numbers from 0, values canonical keys or "" (ignore). Raises ValidationError."""
    if mapping in (None, "", {}):
        return {}
    if not isinstance(mapping, dict):
        raise ValidationError({"mapping": "列对应关系应为“列序号: 字段”的对象。"})
    cleaned: dict[int, str] = {}
    for raw_index, raw_key in mapping.items():
        try:
            index = int(raw_index)
        except (TypeError, ValueError):
            raise ValidationError({"mapping": f"列序号“{str(raw_index)[:10]}”无效。"})
        key = "" if raw_key is None else str(raw_key)
        if index < 0 or (width is not None and index >= width):
            raise ValidationError({"mapping": f"列序号 {index} 超出文件的列数。"})
        if key and key not in FIELD_LABELS:
            raise ValidationError({"mapping": f"未知的字段“{key[:30]}”。"})
        cleaned[index] = key
    used: dict[str, int] = {}
    for index, key in sorted(cleaned.items()):
        if not key:
            continue
        if key in used:
            raise ValidationError(
                {
                    "mapping": f"第 {used[key] + 1} 列和第 {index + 1} 列都对应“"
                    f"{FIELD_LABELS[key]}”，每个字段只能对应一列。"
                }
            )
        used[key] = index
    return cleaned


def effective_mapping(headers: list[str], chosen: dict[int, str]) -> dict[int, str] | None:
    """The user's choices over the guessed mapping: columns the user did not mention keep
    their guessed field, unless the user gave that field to another column."""
    if not chosen:
        return None
    taken = {key for key in chosen.values() if key}
    merged = {index: ("" if key in taken else key) for index, key in guess_mapping(headers).items()}
    merged.update({index: key for index, key in chosen.items() if index < len(headers)})
    return merged


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def import_fail_dead_jobs() -> int:
    """Fail every running job whose worker stopped beating (and every job queued for a day),
    with ``INTERRUPTED_ERROR``; returns how many. Nothing was written for them: a commit is
    one transaction, which the dead worker's connection rolled back."""
    now = timezone.now()
    silent = Q(heartbeat_at__lt=now - DEAD_AFTER) | Q(
        heartbeat_at__isnull=True, started_at__lt=now - DEAD_AFTER
    )
    return BuildingImport.objects.filter(
        Q(status=ImportStatus.RUNNING) & silent
        | Q(status=ImportStatus.QUEUED, created_at__lt=now - STALE_QUEUED_AFTER)
    ).update(status=ImportStatus.FAILED, error=INTERRUPTED_ERROR, finished_at=now)


class Heartbeat:
    """While a job runs, a thread writes its ``heartbeat_at`` every ``HEARTBEAT_SECONDS`` on
    its own connection (outside the import's transaction, so others see it). It dies with
    the worker process, which is how a dead worker is told from a slow one."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"import-{job_id}", daemon=True)

    def beat(self) -> None:
        BuildingImport.objects.filter(pk=self.job_id, status=ImportStatus.RUNNING).update(
            heartbeat_at=timezone.now()
        )

    def _run(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # a busy or lost connection: the next beat retries
                    logger.warning("heartbeat of building import %s failed", self.job_id)
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def _refuse_concurrent_commit(sha256: str) -> None:
    if BuildingImport.objects.filter(
        sha256=sha256, dry_run=False, status__in=ACTIVE_IMPORT_STATUSES
    ).exists():
        raise ImportConflict({"file": "同一文件正在导入，请等待完成。"})


def _enqueue(job: BuildingImport) -> None:
    def _run() -> None:
        from louyu.buildings.tasks import run_building_import

        run_building_import.enqueue(import_id=job.pk)

    transaction.on_commit(_run)


def building_import_create(
    *,
    actor: User | None,
    upload: UploadedFile | None,
    dry_run: bool,
    mapping: dict | None = None,
    from_job: BuildingImport | None = None,
) -> BuildingImport:
    """Store an import file (or reuse ``from_job``'s) and queue its import after commit.

    Guarantees: only users allowed to add buildings in a jurisdiction (or nationally) may
    import; a file over ``LOUYU_IMPORT_MAX_BYTES`` is refused before it is read; a commit
    of a file is refused while another commit of the same file waits or runs (also
    enforced by a unique index); the job and its audit event are written together."""
    if not import_rights(actor).allowed:
        raise PermissionDenied("您无权导入楼宇名录。")
    if (upload is None) == (from_job is None):
        raise ValidationError({"file": "请选择要导入的文件。"})
    width = len(from_job.headers) if from_job is not None and from_job.headers else None
    cleaned_mapping = clean_mapping(mapping, width=width)
    if from_job is not None:
        filename, size, sha256 = from_job.original_filename, from_job.size, from_job.sha256
        if not cleaned_mapping:
            cleaned_mapping = {int(k): v for k, v in (from_job.mapping or {}).items()}
    else:
        size = upload.size or 0
        limit = max_import_bytes()
        if size > limit:
            raise ValidationError(
                {
                    "file": f"文件过大（{_size_text(size)}），上限为 {_size_text(limit)}，"
                    "请拆分后分批导入。"
                }
            )
        if size == 0:
            raise ValidationError({"file": "文件为空。"})
        filename = original_name(str(upload.name or "import"))
        sha256 = _sha256(upload)
    organization = getattr(actor, "organization", None)
    scope = scope_for(actor) if actor is not None else None
    jurisdiction_id = (
        organization.jurisdiction_id
        if scope is not None and scope.kind in (ScopeKind.JURISDICTION, ScopeKind.OPERATOR)
        else None
    )
    import_fail_dead_jobs()
    with transaction.atomic():
        if not dry_run:
            _refuse_concurrent_commit(sha256)
        job = BuildingImport(
            created_by=actor if actor is not None and actor.pk else None,
            organization=organization,
            jurisdiction_id=jurisdiction_id,
            original_filename=filename,
            size=size,
            sha256=sha256,
            dry_run=dry_run,
            mapping={str(k): v for k, v in cleaned_mapping.items()},
            committed_from=from_job if from_job is not None and not dry_run else None,
        )
        if from_job is not None:
            job.file.name = from_job.file.name
            job.headers = from_job.headers
        else:
            job.file.save(storage_name(filename), upload, save=False)
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError:
            raise ImportConflict({"file": "同一文件正在导入，请等待完成。"})
        audit_record(
            actor=actor,
            action="building_import.confirm" if job.committed_from_id else "building_import.create",
            obj=job,
            changes={
                "filename": filename,
                "size": size,
                "sha256": sha256,
                "dry_run": dry_run,
                "from": str(from_job.public_id) if from_job is not None else None,
                "mapping": job.mapping if cleaned_mapping else None,
            },
        )
        _enqueue(job)
    return job


def building_import_confirm(*, actor: User, job: BuildingImport) -> BuildingImport:
    """Commit what a finished dry run previewed: a new job with the same stored file and
    column mapping. Only the dry run's own creator may confirm it, once."""
    if not job.dry_run:
        raise ImportConflict({"detail": "只能确认试导入。"})
    if job.status != ImportStatus.DONE:
        raise ImportConflict({"detail": "试导入尚未完成，不能确认导入。"})
    if actor is None or job.created_by_id != actor.pk:
        raise PermissionDenied("只能确认本人发起的试导入。")
    if job.confirmations.exclude(status=ImportStatus.FAILED).exists():
        raise ImportConflict({"detail": "该试导入已确认导入，请勿重复提交。"})
    return building_import_create(actor=actor, upload=None, dry_run=False, from_job=job)


def building_import_rerun(*, actor: User, job: BuildingImport, mapping: dict) -> BuildingImport:
    """Preview the same file again with a corrected column mapping (a new dry run)."""
    return building_import_create(
        actor=actor, upload=None, dry_run=True, mapping=mapping or {}, from_job=job
    )


def job_path(job: BuildingImport) -> str:
    return reverse("buildings:import_detail", args=[job.public_id])


def _notify_creator(job: BuildingImport) -> None:
    if job.created_by_id is None:
        return
    what = "楼宇试导入" if job.dry_run else "楼宇导入"
    if job.status == ImportStatus.DONE:
        c = job.counts
        title = f"{what}已完成：{job.original_filename}"
        body = (
            f"新增 {c.get('new', 0)}，更新 {c.get('updated', 0)}，"
            f"未变 {c.get('unchanged', 0)}，未通过 {c.get('rejected', 0)}。"
        )
        kind = "import_done"
    else:
        title = f"{what}失败：{job.original_filename}"
        body = job.error
        kind = "import_failed"
    notify(recipients=[job.created_by], title=title, body=body, link=job_path(job), kind=kind)


def _progress_recorder(job_id: int) -> Callable[[int, int], None]:
    """A progress callback that writes at most about every 1% (one quick UPDATE each)."""
    last = {"done": -1, "total": -1}

    def record(done: int, total: int) -> None:
        step = max(1, total // 100)
        if total == last["total"] and done < total and done - last["done"] < step:
            return
        last["done"], last["total"] = done, total
        BuildingImport.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)

    return record


def _finish(job: BuildingImport, **fields) -> None:
    fields.setdefault("finished_at", timezone.now())
    with transaction.atomic():
        for key, value in fields.items():
            setattr(job, key, value)
        job.save(update_fields=list(fields))
        _notify_creator(job)


def _log_failure(job: BuildingImport, exc: BaseException) -> None:
    """Log the failure without the exception's message (it may quote cell contents)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("building import %s failed with %s\n%s", job.public_id, type(exc).__name__, frames)


def building_import_run(*, import_id: int) -> str:
    """Run a queued import job once (a job already taken by another worker is skipped).
    Ends ``done`` with counts, or ``failed`` with a Chinese error and nothing written."""
    now = timezone.now()
    claimed = BuildingImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress_done=0,
        progress_total=0,
    )
    if not claimed:
        return "skipped"
    with Heartbeat(import_id):
        return _run_claimed(import_id)


def _run_claimed(import_id: int) -> str:
    job = BuildingImport.objects.select_related("created_by").get(pk=import_id)
    table = mapping = None
    try:
        with job.file.open("rb") as handle:
            data = handle.read(max_import_bytes() + 1)
        if len(data) > max_import_bytes():
            raise ImportFileError(
                f"文件过大，上限为 {_size_text(max_import_bytes())}，请拆分后分批导入。"
            )
        table = read_table_isolated(data, filename=job.original_filename)
        mapping = effective_mapping(
            table.headers, {int(k): v for k, v in (job.mapping or {}).items()}
        )
        result = run_import(
            table=table,
            actor=job.created_by,
            mapping=mapping,
            dry_run=job.dry_run,
            progress=_progress_recorder(job.pk),
            source_label=job.original_filename,
        )
    except ImportFileError as exc:
        fields = {"status": ImportStatus.FAILED, "error": str(exc)}
        if table is not None:  # the file was read; keep its columns for a corrected mapping
            guessed = mapping or guess_mapping(table.headers)
            fields["headers"] = list(table.headers)
            fields["mapping"] = {str(k): v for k, v in sorted(guessed.items())}
        _finish(job, **fields)
        return ImportStatus.FAILED
    except Exception as exc:
        _log_failure(job, exc)
        _finish(job, status=ImportStatus.FAILED, error=SYSTEM_ERROR)
        return ImportStatus.FAILED

    fields = {
        "status": ImportStatus.DONE,
        "counts": {key: int(result.counts.get(key, 0)) for key in COUNT_KEYS},
        "mapping": {str(k): v for k, v in sorted(result.mapping.items())},
        "unknown_columns": list(result.unknown_columns),
        "rejected_sample": [
            {"row": r.row, "reason": r.reason} for r in result.rejected[:REJECTED_SAMPLE]
        ],
        "preview": result.preview,
        "headers": list(table.headers),
        "progress_done": len(table.rows),
        "progress_total": len(table.rows),
        "error": "",
    }
    if result.rejected:
        try:
            content = rejected_rows_xlsx(result, table.headers)
            job.rejected_file.save(storage_name(".xlsx"), ContentFile(content), save=False)
            fields["rejected_file"] = job.rejected_file
        except Exception as exc:  # the import itself stands; only the list is missing
            _log_failure(job, exc)
            fields["error"] = "未能生成未通过行清单。"
    _finish(job, **fields)
    return ImportStatus.DONE
