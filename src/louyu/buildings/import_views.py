"""Staff pages of the building import: upload with a dry run, the job page with progress
(polled with htmx), counts, the row preview (filtered by action with ``?action=``), column
mapping, rejected rows, and the confirmation."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.buildings import import_jobs, permissions, selectors
from louyu.buildings.import_engine.headers import FIELD_LABELS, HEADER_ALIASES
from louyu.buildings.import_engine.preview import (
    ACTION_LABELS,
    ACTIONS,
    PREVIEW_ROWS,
    describe_change,
)
from louyu.buildings.models import BuildingImport, ImportStatus
from louyu.core.exports import XLSX_CONTENT_TYPE
from louyu.core.scope import scope_for

RECENT_JOBS = 20
ACCEPT = ".xlsx,.xls,.csv"
STATUS_CSS = {
    ImportStatus.QUEUED: "ly-tag-open",
    ImportStatus.RUNNING: "ly-tag-open",
    ImportStatus.DONE: "ly-tag-done",
    ImportStatus.FAILED: "ly-tag-overdue",
}
ACTION_CSS = {
    "new": "ly-tag-done",
    "updated": "ly-tag-open",
    "unchanged": "ly-tag-cancelled",
    "rejected": "ly-tag-overdue",
}
# Columns of the downloadable template: every field except the operator list, which is the
# alternative to one column per operator.
TEMPLATE_SKIP = {"operators"}
REQUIRED_NOTES = {
    "name": gettext_lazy("必填"),
    "address": gettext_lazy("地址、区县、区划代码至少填一项"),
    "region": gettext_lazy("六位行政区划代码，填写后优先于地址"),
    "code": gettext_lazy("已登记楼宇的编码；填写后按编码更新"),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("导入文件"),
        help_text=gettext_lazy("Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK 编码）。"),
        error_messages={
            "required": gettext_lazy("请选择要导入的文件。"),
            "empty": gettext_lazy("文件为空。"),
        },
    )
    dry_run = forms.BooleanField(label=gettext_lazy("仅试导入（不写入数据）"), required=False)


def _require_importer(user) -> None:
    if not permissions.can_import(user):
        raise PermissionDenied


def _get_job(request, public_id) -> BuildingImport:
    try:
        return selectors.building_import_get(user=request.user, public_id=public_id)
    except BuildingImport.DoesNotExist:
        raise Http404 from None


def _first_error(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else _("操作失败。")


def _field_notes() -> list[dict]:
    return [
        {
            "key": key,
            "label": label,
            "aliases": [a for a in HEADER_ALIASES.get(key, []) if a != label and not a.isascii()],
            "note": REQUIRED_NOTES.get(key, ""),
        }
        for key, label in FIELD_LABELS.items()
    ]


def _upload_page(request, form: ImportUploadForm, *, status: int = 200):
    jobs = selectors.building_import_list(user=request.user).filter(created_by=request.user)
    return render(
        request,
        "buildings/import_upload.html",
        {
            "nav_active": "buildings",
            "form": form,
            "operator_mode": scope_for(request.user).is_operator,
            "accept": ACCEPT,
            "fields": _field_notes(),
            "max_mb": import_jobs.max_import_bytes() // (1024 * 1024),
            "jobs": [(job, STATUS_CSS.get(job.status, "")) for job in jobs[:RECENT_JOBS]],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_importer(request.user)
    if request.method == "GET":
        return _upload_page(request, ImportUploadForm(initial={"dry_run": True}))
    form = ImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = import_jobs.building_import_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as exc:
            form.add_error("file", _first_error(exc))
        else:
            return redirect("buildings:import_detail", public_id=job.public_id)
    return _upload_page(request, form, status=400)


@login_required
@require_GET
def import_template(request):
    """An empty XLSX with the Chinese column names the import recognises."""
    _require_importer(request.user)
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    head = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    sheet = workbook.add_worksheet(_("楼宇名录"))
    keys = [k for k in FIELD_LABELS if k not in TEMPLATE_SKIP]
    for column, key in enumerate(keys):
        sheet.write_string(0, column, FIELD_LABELS[key], head)
        sheet.set_column(column, column, 24 if key in ("name", "address") else 14)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("填写说明"))
    notes.write_row(0, 0, [_("列名"), _("也可写作"), _("说明")], head)
    for row, field in enumerate(_field_notes(), start=1):
        notes.write_string(row, 0, field["label"])
        notes.write_string(row, 1, "、".join(field["aliases"]))
        notes.write_string(row, 2, str(field["note"]))
    notes.set_column(0, 0, 20)
    notes.set_column(1, 1, 50)
    notes.set_column(2, 2, 40)
    workbook.close()
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename="楼宇导入模板.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def _mapping_rows(job: BuildingImport) -> list[dict]:
    mapping = {int(k): v for k, v in (job.mapping or {}).items()}
    return [
        {
            "index": index,
            "name": f"col_{index}",
            "header": header or _("（无列名）"),
            "key": mapping.get(index, ""),
            "unknown": not mapping.get(index, ""),
        }
        for index, header in enumerate(job.headers or [])
    ]


def _counts(job: BuildingImport) -> list[dict]:
    labels = [
        ("new", _("新增"), "ly-stat-info"),
        ("updated", _("更新"), ""),
        ("unchanged", _("未变"), ""),
        ("rejected", _("未通过"), "ly-stat-danger"),
    ]
    return [
        {"key": key, "label": label, "value": (job.counts or {}).get(key, 0), "css": css}
        for key, label, css in labels
    ]


def _preview(request, job: BuildingImport) -> dict:
    """The stored preview rows for the page, narrowed to one action by ``?action=``, with
    how many rows of each action it holds."""
    rows = job.preview or []
    chosen = request.GET.get("action", "")
    if chosen not in ACTIONS:
        chosen = ""
    tally = {key: 0 for key in ACTIONS}
    for row in rows:
        tally[row.get("action")] = tally.get(row.get("action"), 0) + 1
    total_rows = sum(int((job.counts or {}).get(key, 0)) for key in ACTIONS)
    return {
        "rows": [
            {
                **row,
                "action_label": ACTION_LABELS.get(row.get("action"), ""),
                "action_css": ACTION_CSS.get(row.get("action"), ""),
                "changes": [describe_change(c) for c in row.get("changes", [])],
            }
            for row in rows
            if not chosen or row.get("action") == chosen
        ],
        "filters": [
            {"key": "", "label": _("全部"), "count": len(rows), "active": not chosen},
            *(
                {
                    "key": key,
                    "label": ACTION_LABELS[key],
                    "count": tally[key],
                    "active": chosen == key,
                }
                for key in ACTIONS
            ),
        ],
        "shown": len(rows),
        "limit": PREVIEW_ROWS,
        "truncated": total_rows > len(rows),
        "total_rows": total_rows,
    }


def _detail_context(request, job: BuildingImport) -> dict:
    user = request.user
    confirmation = selectors.building_import_confirmation(job) if job.dry_run else None
    is_owner = job.created_by_id == user.pk
    return {
        "nav_active": "buildings",
        "job": job,
        "status_css": STATUS_CSS.get(job.status, ""),
        "counts": _counts(job),
        "mapping_rows": _mapping_rows(job),
        "preview": _preview(request, job) if job.status == ImportStatus.DONE else None,
        "field_choices": list(FIELD_LABELS.items()),
        "can_remap": job.dry_run
        and not job.is_active
        and bool(job.headers)
        and permissions.can_import(user),
        "can_confirm": job.dry_run
        and job.status == ImportStatus.DONE
        and is_owner
        and permissions.can_import(user)
        and (confirmation is None or confirmation.status == ImportStatus.FAILED),
        "confirmation": confirmation,
    }


@login_required
@require_GET
def import_detail(request, public_id):
    job = _get_job(request, public_id)
    return render(request, "buildings/import_detail.html", _detail_context(request, job))


@login_required
@require_GET
def import_progress(request, public_id):
    """The progress bar alone, polled by htmx; once the job has ended the page reloads."""
    job = _get_job(request, public_id)
    response = render(request, "buildings/import_progress.html", {"job": job})
    if not job.is_active:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_remap(request, public_id):
    job = _get_job(request, public_id)
    _require_importer(request.user)
    mapping = {
        str(index): request.POST.get(f"col_{index}", "") for index in range(len(job.headers or []))
    }
    try:
        new_job = import_jobs.building_import_rerun(actor=request.user, job=job, mapping=mapping)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
        return redirect("buildings:import_detail", public_id=job.public_id)
    messages.info(request, _("已按新的列对应关系重新试导入。"))
    return redirect("buildings:import_detail", public_id=new_job.public_id)


@login_required
@require_POST
def import_confirm(request, public_id):
    job = _get_job(request, public_id)
    try:
        new_job = import_jobs.building_import_confirm(actor=request.user, job=job)
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
        return redirect("buildings:import_detail", public_id=job.public_id)
    messages.success(request, _("已提交正式导入。"))
    return redirect("buildings:import_detail", public_id=new_job.public_id)


@login_required
@require_GET
def import_rejected(request, public_id):
    job = _get_job(request, public_id)
    if not job.rejected_file:
        raise Http404
    try:
        handle = job.rejected_file.open("rb")
    except OSError:
        raise Http404 from None
    stem = job.original_filename.rsplit(".", 1)[0][:100] or "import"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{stem}-未通过行.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
