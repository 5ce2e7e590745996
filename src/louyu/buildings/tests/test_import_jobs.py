"""Building import jobs: upload, dry run, confirmation, the worker task, the web pages, the
API and the CLI, with real XLSX and CSV files (UTF-8 and GBK) and the bad inputs the issue
lists."""

import datetime
import hashlib
import io
import json
import logging
from urllib.parse import quote

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from louyu.buildings import import_jobs, selectors
from louyu.buildings.import_engine import writer
from louyu.buildings.models import Building, BuildingImport, ImportStatus
from louyu.core import roles
from louyu.core.models import AuditEvent, Notification, Organization
from louyu.core.reference import load_reference_organizations
from louyu.core.tests.factories import UserFactory
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

HEADERS = ["楼宇名称", "地址", "楼宇类型", "楼层数"]
GOOD_ROWS = [
    ["国贸大厦", "北京市朝阳区建国路88号", "写字楼", "30"],
    ["光华创业园", "北京市朝阳区光华路9号", "产业园区", "5"],
]
BAD_ROWS = [
    ["国贸大厦", "北京市朝阳区建国路88号", "写字楼", "30"],  # duplicate of row 2
    ["无处大厦", "火星某地1号", "写字楼", "3"],  # address resolves to no region
]


def xlsx_bytes(rows, headers=HEADERS, title=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding: str, headers=HEADERS) -> bytes:
    lines = [",".join(headers), *(",".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(content: bytes, name: str = "楼宇.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the queued import job) as a real commit would."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture
def env(db):
    load_reference_organizations()
    org = Organization.objects.get

    def user(username, code, role):
        return UserFactory(username=username, organization=org(code=code), roles=[role])

    return {
        "bj": user("t-ca-110000", "ca-110000", roles.ADMINISTRATION_ADMIN),
        "bj2": user("t2-ca-110000", "ca-110000", roles.ADMINISTRATION_STAFF),
        "dl": user("t-ca-210200", "ca-210200", roles.ADMINISTRATION_ADMIN),
        "operator": user("t-op-telecom-110000", "op-telecom-110000", roles.OPERATOR_STAFF),
        "ministry": user("t-ministry", "ministry", roles.MINISTRY_ADMIN),
    }


def start(run_tasks, actor, content, *, name="楼宇.xlsx", dry_run=True, mapping=None):
    with run_tasks():
        job = import_jobs.building_import_create(
            actor=actor, upload=upload(content, name), dry_run=dry_run, mapping=mapping
        )
    job.refresh_from_db()
    return job


def confirm(run_tasks, actor, job):
    with run_tasks():
        new = import_jobs.building_import_confirm(actor=actor, job=job)
    new.refresh_from_db()
    return new


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- services and the task ---------------------------------------------------------------------


def test_dry_run_counts_rows_and_writes_nothing(env, run_tasks):
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS + BAD_ROWS))
    assert job.status == ImportStatus.DONE, job.error
    assert job.counts == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    assert job.progress_done == job.progress_total == 4
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert job.headers == HEADERS
    assert job.mapping == {"0": "name", "1": "address", "2": "building_type", "3": "floors"}
    assert job.jurisdiction.code == "110000"
    assert job.rejected_file
    assert not Building.objects.exists()
    assert not AuditEvent.objects.filter(action="building.import").exists()
    assert AuditEvent.objects.filter(action="building_import.create").count() == 1
    note = Notification.objects.get(recipient=env["bj"])
    assert "试导入已完成" in note.title and "新增 2" in note.body
    assert note.link == reverse("buildings:import_detail", args=[job.public_id])


def test_confirm_writes_and_a_reimport_is_unchanged(env, run_tasks):
    content = xlsx_bytes(GOOD_ROWS)
    dry = start(run_tasks, env["bj"], content)
    committed = confirm(run_tasks, env["bj"], dry)
    assert committed.status == ImportStatus.DONE, committed.error
    assert not committed.dry_run and committed.committed_from == dry
    assert committed.file.name == dry.file.name and committed.sha256 == dry.sha256
    assert committed.counts["new"] == 2
    assert set(Building.objects.values_list("name", flat=True)) == {"国贸大厦", "光华创业园"}
    assert AuditEvent.objects.filter(action="building.import").count() == 1
    assert AuditEvent.objects.filter(action="building_import.confirm").count() == 1

    again = start(run_tasks, env["bj"], content, dry_run=False)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert Building.objects.count() == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_and_gbk(env, run_tasks, encoding):
    job = start(run_tasks, env["bj"], csv_bytes(GOOD_ROWS, encoding), name="楼宇.csv")
    assert job.status == ImportStatus.DONE, job.error
    assert job.counts["new"] == 2 and job.counts["rejected"] == 0


def test_title_rows_and_formulas_are_read_as_text(env, run_tasks):
    rows = [*GOOD_ROWS, ['=HYPERLINK("http://x","点我")', "北京市朝阳区光华路1号", "写字楼", "2"]]
    job = start(run_tasks, env["bj"], xlsx_bytes(rows, title="2026年楼宇台账"))
    assert job.status == ImportStatus.DONE, job.error
    assert job.progress_total == 3


def test_empty_upload_is_refused_before_queueing(env):
    with assert_unchanged(), pytest.raises(ValidationError, match="文件为空"):
        import_jobs.building_import_create(actor=env["bj"], upload=upload(b""), dry_run=True)
    assert not BuildingImport.objects.exists()


def test_blank_file_fails_with_the_engines_message(env, run_tasks):
    job = start(run_tasks, env["bj"], b" \r\n ", name="空.csv")
    assert job.status == ImportStatus.FAILED
    assert job.error == "文件为空。"


def test_text_file_renamed_xlsx_fails_cleanly(env, run_tasks):
    job = start(run_tasks, env["bj"], "这不是表格\n只是文字".encode(), name="假的.xlsx")
    assert job.status == ImportStatus.FAILED
    assert "Excel" in job.error
    note = Notification.objects.get(recipient=env["bj"])
    assert "失败" in note.title


def test_missing_required_column_fails_then_a_mapping_fixes_it(env, run_tasks):
    headers = ["大厦", "地址", "楼宇类型", "楼层数"]
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS, headers=headers))
    assert job.status == ImportStatus.FAILED
    assert "楼宇名称" in job.error
    assert job.headers == headers and job.mapping["0"] == ""

    with run_tasks():
        rerun = import_jobs.building_import_rerun(
            actor=env["bj"], job=job, mapping={"0": "name", "1": "address"}
        )
    rerun.refresh_from_db()
    assert rerun.status == ImportStatus.DONE, rerun.error
    assert rerun.dry_run and rerun.file.name == job.file.name
    assert rerun.counts["new"] == 2
    assert rerun.mapping["0"] == "name"


def test_mapping_is_validated(env):
    with pytest.raises(ValidationError, match="未知的字段"):
        import_jobs.clean_mapping({"0": "colour"})
    with pytest.raises(ValidationError, match="每个字段只能对应一列"):
        import_jobs.clean_mapping({"0": "name", "2": "name"})
    with pytest.raises(ValidationError, match="超出"):
        import_jobs.clean_mapping({"9": "name"}, width=4)
    assert import_jobs.clean_mapping({"1": "address", "0": ""}) == {1: "address", 0: ""}


def test_oversized_upload_is_refused_unread(env, settings):
    settings.LOUYU_IMPORT_MAX_BYTES = 1000
    with assert_unchanged(), pytest.raises(ValidationError, match="文件过大"):
        import_jobs.building_import_create(
            actor=env["bj"], upload=upload(b"x" * 1001, "大.csv"), dry_run=True
        )
    assert not BuildingImport.objects.exists()


def test_joint_departments_cannot_import(env):
    samr = UserFactory(
        organization=Organization.objects.get(code="samr-110000"),
        roles=[roles.JOINT_DEPARTMENT_STAFF],
    )
    with assert_unchanged(), pytest.raises(PermissionDenied):
        import_jobs.building_import_create(
            actor=samr, upload=upload(xlsx_bytes(GOOD_ROWS)), dry_run=True
        )


def test_an_operator_uploads_its_presence_list_as_a_job(env, run_tasks):
    registry = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS), dry_run=False)
    assert registry.status == "done" and registry.counts["new"] >= 1
    job = start(run_tasks, env["operator"], xlsx_bytes(GOOD_ROWS), dry_run=False)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.counts["new"] == 0  # an operator's list never registers buildings
    assert job.jurisdiction.code == "110000"


def _queued_commit(content: bytes, user) -> BuildingImport:
    return BuildingImport.objects.create(
        created_by=user,
        original_filename="楼宇.xlsx",
        file="imports/other.xlsx",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        dry_run=False,
        status=ImportStatus.QUEUED,
    )


def test_a_second_commit_of_the_same_file_is_refused_while_the_first_waits(env, run_tasks):
    content = xlsx_bytes(GOOD_ROWS)
    dry = start(run_tasks, env["bj"], content)
    _queued_commit(content, env["bj2"])
    with assert_unchanged():
        with pytest.raises(import_jobs.ImportConflict, match="同一文件正在导入"):
            import_jobs.building_import_create(
                actor=env["bj"], upload=upload(content), dry_run=False
            )
        with pytest.raises(import_jobs.ImportConflict, match="同一文件正在导入"):
            import_jobs.building_import_confirm(actor=env["bj"], job=dry)
    # A dry run of the same file is still fine.
    assert start(run_tasks, env["bj"], content).status == ImportStatus.DONE


def test_the_database_refuses_two_active_commits_of_one_file(env):
    from django.db import IntegrityError, transaction

    content = xlsx_bytes(GOOD_ROWS)
    _queued_commit(content, env["bj"])
    with pytest.raises(IntegrityError), transaction.atomic():
        _queued_commit(content, env["bj2"])


def test_a_stale_running_commit_no_longer_blocks_the_file(env, run_tasks):
    content = xlsx_bytes(GOOD_ROWS)
    stale = _queued_commit(content, env["bj"])
    BuildingImport.objects.filter(pk=stale.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=3)
    )
    job = start(run_tasks, env["bj"], content, dry_run=False)
    assert job.status == ImportStatus.DONE
    stale.refresh_from_db()
    assert stale.status == ImportStatus.FAILED and "中断" in stale.error


def test_confirm_refusals(env, run_tasks):
    dry = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS))
    with assert_unchanged(), pytest.raises(PermissionDenied):
        import_jobs.building_import_confirm(actor=env["bj2"], job=dry)
    committed = confirm(run_tasks, env["bj"], dry)
    with assert_unchanged():
        with pytest.raises(import_jobs.ImportConflict, match="已确认"):
            import_jobs.building_import_confirm(actor=env["bj"], job=dry)
        with pytest.raises(import_jobs.ImportConflict, match="只能确认试导入"):
            import_jobs.building_import_confirm(actor=env["bj"], job=committed)
    queued = _queued_commit(b"other", env["bj"])
    BuildingImport.objects.filter(pk=queued.pk).update(dry_run=True)
    queued.refresh_from_db()
    with assert_unchanged(), pytest.raises(import_jobs.ImportConflict, match="尚未完成"):
        import_jobs.building_import_confirm(actor=env["bj"], job=queued)


def test_an_import_interrupted_halfway_writes_nothing(env, run_tasks, monkeypatch, caplog):
    personal = "张三 13800000000"

    def broken(*args, **kwargs):
        raise RuntimeError(personal)

    monkeypatch.setattr(writer, "_refresh_counts", broken)
    rows = [*GOOD_ROWS, ["有电信的楼", "北京市朝阳区光华路2号", "写字楼", "3"]]
    with caplog.at_level(logging.ERROR, logger="louyu.buildings.import_jobs"):
        job = start(run_tasks, env["bj"], xlsx_bytes(rows), dry_run=False)
    assert job.status == ImportStatus.FAILED
    assert job.error == import_jobs.SYSTEM_ERROR
    assert not Building.objects.exists()
    assert not AuditEvent.objects.filter(action="building.import").exists()
    assert "RuntimeError" in caplog.text and "张三" not in caplog.text


def test_progress_is_written_about_every_percent(env):
    job = _queued_commit(b"p", env["bj"])
    record = import_jobs._progress_recorder(job.pk)
    with CaptureQueriesContext(connection) as queries:
        for done in range(1, 1001):
            record(done, 1000)
    assert 90 <= len(queries) <= 102
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (1000, 1000)


def test_a_job_runs_once(env, run_tasks):
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS))
    assert import_jobs.building_import_run(import_id=job.pk) == "skipped"


# --- scoping -----------------------------------------------------------------------------------


def test_who_sees_which_jobs(env, run_tasks):
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS))
    national = start(run_tasks, env["ministry"], xlsx_bytes(GOOD_ROWS))
    assert national.jurisdiction is None

    def visible(user):
        return set(selectors.building_import_list(user=user).values_list("pk", flat=True))

    assert visible(env["bj"]) == {job.pk}
    assert visible(env["bj2"]) == {job.pk}  # same administration
    assert visible(env["dl"]) == set()
    assert visible(env["operator"]) == set()
    assert visible(env["ministry"]) == {job.pk, national.pk}


def test_another_jurisdictions_job_is_404_on_the_web(env, run_tasks, client):
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS + BAD_ROWS))
    client.force_login(env["dl"])
    for name in ("import_detail", "import_progress", "import_rejected"):
        assert client.get(reverse(f"buildings:{name}", args=[job.public_id])).status_code == 404
    for name in ("import_confirm", "import_remap"):
        with assert_unchanged():
            response = client.post(reverse(f"buildings:{name}", args=[job.public_id]))
            assert response.status_code == 404
    client.logout()
    response = client.get(reverse("buildings:import_detail", args=[job.public_id]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_jurisdictions_job_is_404_in_the_api(env, run_tasks):
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS + BAD_ROWS))
    base = f"/api/v1/building-imports/{job.public_id}/"
    other = api(env["dl"])
    assert other.get(base).status_code == 404
    assert other.get(base + "rejected/").status_code == 404
    with assert_unchanged():
        assert other.post(base + "confirm/").status_code == 404
    assert other.get("/api/v1/building-imports/").json()["count"] == 0
    assert api().get(base).status_code == 401
    with assert_unchanged():
        assert api().post("/api/v1/building-imports/").status_code == 401
    assert api(env["bj"]).get("/api/v1/building-imports/not-a-uuid/").status_code == 404


# --- web ---------------------------------------------------------------------------------------


def test_upload_page_lists_fields_and_the_template_downloads(env, client):
    client.force_login(env["bj"])
    page = client.get(reverse("buildings:imports"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "楼宇名称" in html and 'accept=".xlsx,.xls,.csv"' in html
    assert 'name="dry_run" id="id_dry_run" checked' in html
    response = client.get(reverse("buildings:import_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header[:2] == ["楼宇编码", "楼宇名称"] and "地址" in header
    list_page = client.get(reverse("buildings:list")).content.decode()
    assert reverse("buildings:imports") in list_page and "批量导入" in list_page


def test_operator_import_page_explains_the_presence_list(env, client):
    client.force_login(env["operator"])
    page = client.get(reverse("buildings:imports"))
    assert page.status_code == 200
    assert 'data-testid="operator-mode"' in page.content.decode()
    assert "上报入驻清单" in client.get(reverse("buildings:list")).content.decode()


def test_web_dry_run_then_confirm(env, client, run_tasks):
    client.force_login(env["bj"])
    with run_tasks():
        response = client.post(
            reverse("buildings:imports"),
            {"file": upload(xlsx_bytes(GOOD_ROWS + BAD_ROWS)), "dry_run": "on"},
        )
    job = BuildingImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("buildings:import_detail", args=[job.public_id])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-new"' in page and "确认导入" in page
    assert reverse("buildings:import_rejected", args=[job.public_id]) in page
    assert 'data-testid="import-rejected-sample"' in page and "第 4 行" in page

    rejected = client.get(reverse("buildings:import_rejected", args=[job.public_id]))
    assert rejected.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(rejected.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("行号", "原因")
    assert [r[0] for r in rows[1:]] == [4, 5]
    assert "重复" in rows[1][1]

    with run_tasks():
        response = client.post(reverse("buildings:import_confirm", args=[job.public_id]))
    committed = BuildingImport.objects.get(dry_run=False)
    assert response["Location"] == reverse("buildings:import_detail", args=[committed.public_id])
    assert Building.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "已写入楼宇名录" in page
    dry_page = client.get(reverse("buildings:import_detail", args=[job.public_id]))
    assert 'data-testid="import-confirm"' not in dry_page.content.decode()


def test_web_bad_uploads_never_500(env, client, run_tasks, settings):
    client.force_login(env["bj"])
    url = reverse("buildings:imports")
    with assert_unchanged():
        assert client.post(url, {}).status_code == 400
        assert client.post(url, {"file": upload(b"", "a.xlsx")}).status_code == 400
        settings.LOUYU_IMPORT_MAX_BYTES = 100
        response = client.post(url, {"file": upload(b"x" * 200, "a.csv"), "dry_run": "on"})
        assert response.status_code == 400 and "文件过大" in response.content.decode()
    settings.LOUYU_IMPORT_MAX_BYTES = 30 * 1024 * 1024
    with run_tasks():
        response = client.post(url, {"file": upload(b"PK\x03\x04garbage", "a.xlsx")})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert 'data-testid="import-error"' in response.content.decode()


def test_web_remap_and_unknown_columns(env, client, run_tasks):
    headers = ["大厦", "地址", "楼宇类型", "楼层数", "联系电话"]
    rows = [[*row, "12345"] for row in GOOD_ROWS]
    job = start(run_tasks, env["bj"], xlsx_bytes(rows, headers=headers))
    client.force_login(env["bj"])
    page = client.get(reverse("buildings:import_detail", args=[job.public_id])).content.decode()
    assert 'data-testid="import-mapping"' in page and "大厦" in page
    data = {"col_0": "name", "col_1": "address", "col_2": "building_type", "col_3": "floors"}
    with run_tasks():
        response = client.post(reverse("buildings:import_remap", args=[job.public_id]), data)
    rerun = BuildingImport.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("buildings:import_detail", args=[rerun.public_id])
    assert rerun.status == ImportStatus.DONE and rerun.counts["new"] == 2
    assert rerun.unknown_columns == ["联系电话"]
    page = client.get(response["Location"]).content.decode()
    assert "联系电话" in page and 'data-testid="import-unknown"' in page
    with assert_unchanged():
        bad = client.post(
            reverse("buildings:import_remap", args=[rerun.public_id]),
            {"col_0": "name", "col_1": "name"},
            follow=True,
        )
    assert "每个字段只能对应一列" in bad.content.decode()


def test_progress_partial_polls_while_active_and_reloads_when_done(env, client, run_tasks):
    client.force_login(env["bj"])
    running = _queued_commit(b"r", env["bj"])
    BuildingImport.objects.filter(pk=running.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), progress_done=5, progress_total=10
    )
    response = client.get(reverse("buildings:import_progress", args=[running.public_id]))
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and "50%" in html and "HX-Refresh" not in response
    page = client.get(reverse("buildings:import_detail", args=[running.public_id]))
    assert 'hx-get="' in page.content.decode()
    done = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS))
    response = client.get(reverse("buildings:import_progress", args=[done.public_id]))
    assert response["HX-Refresh"] == "true" and "hx-trigger" not in response.content.decode()


# --- API ---------------------------------------------------------------------------------------


def test_api_upload_defaults_to_a_dry_run_and_reports_the_job(env, run_tasks):
    client = api(env["bj"])
    with run_tasks():
        response = client.post(
            "/api/v1/building-imports/",
            {"file": upload(xlsx_bytes(GOOD_ROWS + BAD_ROWS))},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/building-imports/{job_id}/").json()
    assert body["status"] == "done" and body["dry_run"] is True
    assert body["counts"] == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    assert body["progress"] == {"done": 4, "total": 4}
    assert body["rejected_url"].endswith(f"/api/v1/building-imports/{job_id}/rejected/")
    assert body["rejected_sample"] and {"row", "reason"} == set(body["rejected_sample"][0])
    assert body["unknown_columns"] == [] and body["error"] == ""
    assert body["created_at"].endswith("+08:00") and body["finished_at"]
    rejected = client.get(f"/api/v1/building-imports/{job_id}/rejected/")
    assert rejected.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(rejected.streaming_content))).active
    assert [c.value for c in sheet[1]][:2] == ["行号", "原因"]

    with run_tasks():
        confirmed = client.post(f"/api/v1/building-imports/{job_id}/confirm/")
    assert confirmed.status_code == 202
    assert confirmed.json()["dry_run"] is False and confirmed.json()["committed_from"] == job_id
    assert Building.objects.count() == 2
    with assert_unchanged():
        again = client.post(f"/api/v1/building-imports/{job_id}/confirm/")
    assert again.status_code == 409 and "已确认" in again.json()["detail"]


def test_api_commit_with_mapping_and_refusals(env, run_tasks, settings):
    client = api(env["bj"])
    headers = ["大厦", "地址", "楼宇类型", "楼层数"]
    content = xlsx_bytes(GOOD_ROWS, headers=headers)
    with run_tasks():
        response = client.post(
            "/api/v1/building-imports/",
            {"file": upload(content), "dry_run": "false", "mapping": json.dumps({"0": "name"})},
            format="multipart",
        )
    assert response.status_code == 202
    body = client.get(f"/api/v1/building-imports/{response.json()['id']}/").json()
    assert body["status"] == "done" and body["counts"]["new"] == 2
    assert body["rejected_url"] is None and body["mapping"]["0"] == "name"
    assert Building.objects.count() == 2

    _queued_commit(content, env["bj2"])
    samr = UserFactory(
        organization=Organization.objects.get(code="samr-110000"),
        roles=[roles.JOINT_DEPARTMENT_STAFF],
    )
    with assert_unchanged():
        busy = client.post(
            "/api/v1/building-imports/",
            {"file": upload(content), "dry_run": "false"},
            format="multipart",
        )
        assert busy.status_code == 409 and "同一文件正在导入" in busy.json()["detail"]
        bad_mapping = client.post(
            "/api/v1/building-imports/",
            {"file": upload(content), "mapping": "{not json"},
            format="multipart",
        )
        assert bad_mapping.status_code == 400 and "mapping" in bad_mapping.json()
        assert client.post("/api/v1/building-imports/", {}, format="multipart").status_code == 400
        settings.LOUYU_IMPORT_MAX_BYTES = 10
        big = client.post(
            "/api/v1/building-imports/", {"file": upload(content)}, format="multipart"
        )
        assert big.status_code == 400 and "文件过大" in big.json()["file"][0]
        refused = api(samr).post(
            "/api/v1/building-imports/", {"file": upload(content)}, format="multipart"
        )
    assert refused.status_code == 403


def test_api_confirm_of_someone_elses_dry_run_is_403(env, run_tasks):
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS))
    with assert_unchanged():
        response = api(env["bj2"]).post(f"/api/v1/building-imports/{job.public_id}/confirm/")
    assert response.status_code == 403
    assert (
        api(env["bj"]).get(f"/api/v1/building-imports/{job.public_id}/rejected/").status_code == 404
    )


# --- row preview -------------------------------------------------------------------------------

PREVIEW_ROWS = [
    ["国贸大厦", "北京市朝阳区建国路88号", "写字楼", "31"],  # 30 floors in the registry
    ["光华创业园", "北京市朝阳区光华路9号", "产业园区", "5"],  # as registered
    ["望京创新大厦", "北京市朝阳区望京街10号", "写字楼", "28"],
    ["无处大厦", "火星某地1号", "写字楼", "3"],
]


def _previewed(env, run_tasks):
    start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS), dry_run=False)
    return start(run_tasks, env["bj"], xlsx_bytes(PREVIEW_ROWS))


def test_a_dry_run_keeps_a_preview_of_every_kind_of_row(env, run_tasks):
    job = _previewed(env, run_tasks)
    assert job.status == ImportStatus.DONE, job.error
    assert job.counts == {"new": 1, "updated": 1, "unchanged": 1, "rejected": 1}
    assert [(r["row"], r["action"]) for r in job.preview] == [
        (2, "updated"),
        (3, "unchanged"),
        (4, "new"),
        (5, "rejected"),
    ]
    assert job.preview[0]["changes"] == [{"field": "floors", "old": 30, "new": 31}]
    assert job.preview[0]["code"] == Building.objects.get(name="国贸大厦").code
    assert "无法从地址识别所在区县" in job.preview[3]["reason"]
    assert Building.objects.get(name="国贸大厦").floors == 30
    committed = confirm(run_tasks, env["bj"], job)
    # the same rows, the new building now with the code it was written with
    assert job.preview[2]["code"] == ""
    job.preview[2]["code"] = Building.objects.get(name="望京创新大厦").code
    assert committed.preview == job.preview


def test_the_preview_page_shows_each_action_and_filters(env, run_tasks, client, settings):
    job = _previewed(env, run_tasks)
    client.force_login(env["bj"])
    url = reverse("buildings:import_detail", args=[job.public_id])
    page = client.get(url).content.decode()
    assert 'data-testid="import-preview-table"' in page
    assert page.count('data-testid="preview-row"') == 4
    for label in ("新增", "更新", "未变", "未通过"):
        assert f'data-testid="preview-action">{label}</span>' in page
    assert "楼层数：</span>30 → 31" in page and "无法从地址识别所在区县" in page
    assert "仅显示前" not in page
    rejected = client.get(url, {"action": "rejected"}).content.decode()
    assert rejected.count('data-testid="preview-row"') == 1 and "无处大厦" in rejected
    assert client.get(url, {"action": "bogus"}).content.decode().count("preview-row") == 4
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "Row preview" in english and "Floors：</span>30 → 31" in english
    assert 'data-testid="preview-action">Unchanged</span>' in english


def test_a_long_file_keeps_and_shows_only_the_first_50_rows(env, run_tasks, client):
    rows = [[f"测试大厦{i}号楼", f"北京市朝阳区建国路{i}号", "写字楼", "3"] for i in range(60)]
    job = start(run_tasks, env["bj"], xlsx_bytes(rows))
    assert job.status == ImportStatus.DONE, job.error
    assert job.counts["new"] == 60
    assert [r["row"] for r in job.preview] == list(range(2, 52))
    client.force_login(env["bj"])
    page = client.get(reverse("buildings:import_detail", args=[job.public_id])).content.decode()
    assert page.count('data-testid="preview-row"') == 50
    assert "仅显示前 50 行（共 60 行）" in page


def test_a_malformed_file_fails_clearly_with_no_preview(env, run_tasks, client):
    job = start(run_tasks, env["bj"], "这不是表格\n只是文字".encode(), name="假的.xlsx")
    assert job.status == ImportStatus.FAILED and "Excel" in job.error
    assert job.preview == []
    headers = ["大厦", "地址", "楼宇类型", "楼层数"]
    unmapped = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS, headers=headers))
    assert unmapped.status == ImportStatus.FAILED and "楼宇名称" in unmapped.error
    assert unmapped.preview == []
    client.force_login(env["bj"])
    page = client.get(reverse("buildings:import_detail", args=[job.public_id])).content.decode()
    assert 'data-testid="import-error"' in page and "Excel" in page
    assert 'data-testid="import-preview"' not in page


def test_the_api_job_detail_carries_the_preview(env, run_tasks, settings):
    job = _previewed(env, run_tasks)
    client = api(env["bj"])
    body = client.get(f"/api/v1/building-imports/{job.public_id}/").json()
    rows = body["preview"]
    assert [(r["row"], r["action"], r["action_label"]) for r in rows] == [
        (2, "updated", "更新"),
        (3, "unchanged", "未变"),
        (4, "new", "新增"),
        (5, "rejected", "未通过"),
    ]
    assert rows[0]["changes"] == [{"field": "floors", "label": "楼层数", "old": "30", "new": "31"}]
    assert rows[0]["name"] == "国贸大厦" and rows[0]["jurisdiction"] == "北京"
    assert rows[0]["district"] == "北京市朝阳区" and rows[0]["reason"] == ""
    assert rows[2]["code"] == "" and rows[2]["changes"] == []
    assert "无法从地址识别所在区县" in rows[3]["reason"] and rows[3]["name"] == "无处大厦"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/api/v1/building-imports/{job.public_id}/").json()
    assert english["preview"][0]["changes"][0]["label"] == "Floors"
    assert english["preview"][1]["action_label"] == "Unchanged"
    listed = client.get("/api/v1/building-imports/").json()["results"]
    assert listed and all("preview" not in item for item in listed)
    assert api(env["dl"]).get(f"/api/v1/building-imports/{job.public_id}/").status_code == 404


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_imports_with_a_progress_bar_and_writes_rejected_rows(env, tmp_path):
    path = tmp_path / "楼宇台账.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS + BAD_ROWS))
    out, err = io.StringIO(), io.StringIO()
    call_command("import-buildings", str(path), "--dry-run", stdout=out, stderr=err)
    assert "新增 2" in out.getvalue() and "未通过 2" in out.getvalue()
    assert not Building.objects.exists()
    assert "100%" in err.getvalue() and "\r[" in err.getvalue()

    out = io.StringIO()
    call_command("import_buildings", str(path), "--user", "t-ca-110000", stdout=out, stderr=err)
    assert "导入完成：新增 2" in out.getvalue()
    assert Building.objects.count() == 2
    rejected = tmp_path / "楼宇台账.rejected.xlsx"
    assert str(rejected) in out.getvalue()
    sheet = openpyxl.load_workbook(rejected).active
    assert [c.value for c in sheet[1]][:2] == ["行号", "原因"]


def test_cli_bad_input(env, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a spreadsheet")
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(GOOD_ROWS))
    UserFactory(
        username="t-samr",
        organization=Organization.objects.get(code="samr-110000"),
        roles=[roles.JOINT_DEPARTMENT_STAFF],
    )
    with assert_unchanged():
        with pytest.raises(CommandError, match="Excel"):
            call_command("import_buildings", str(fake), stdout=io.StringIO(), stderr=io.StringIO())
        with pytest.raises(CommandError, match="不存在"):
            call_command("import_buildings", str(tmp_path / "missing.xlsx"))
        with pytest.raises(CommandError, match="无权"):
            call_command("import_buildings", str(good), "--user", "t-samr")
        with pytest.raises(CommandError, match="JSON"):
            call_command("import_buildings", str(good), "--mapping", "{oops")
    assert not Building.objects.exists()


def test_a_long_chinese_file_name_is_kept_but_not_stored_as_the_file_name(env, run_tasks):
    # 96 Chinese characters are 288 bytes: more than a file system takes for one name.
    name = "北京市朝阳区商务楼宇宽带接入专项整治楼宇台账" * 4 + "第一批汇总表" * 2 + ".xlsx"
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS + BAD_ROWS), name=name)
    assert job.status == ImportStatus.DONE, job.error
    assert job.original_filename == name
    for stored in (job.file.name, job.rejected_file.name):
        assert len(stored.rsplit("/", 1)[-1].encode()) < 64
        assert stored.endswith(".xlsx")
    response = api(env["bj"]).get(reverse("building-import-rejected", args=[job.public_id]))
    assert response.status_code == 200
    assert "-rejected.xlsx" in response["Content-Disposition"]
    assert quote("第一批汇总表") in response["Content-Disposition"]


# --- hostile files and dead workers ------------------------------------------------------------


def test_a_far_cell_fails_the_job_with_a_message_and_the_file_can_be_fixed(env, run_tasks):
    from louyu.buildings.tests import hostile_files as hostile

    with assert_unchanged(Building):
        job = start(run_tasks, env["bj"], hostile.far_cell_xlsx(), dry_run=False)
    assert job.status == ImportStatus.FAILED
    assert "超出上限" in job.error and "XFD1048576" in job.error
    fixed = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS), dry_run=False)
    assert fixed.status == ImportStatus.DONE


def test_a_zip_bomb_fails_the_job_and_a_reupload_is_not_409(env, run_tasks, settings):
    from louyu.buildings.tests import hostile_files as hostile

    settings.LOUYU_IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    bomb = hostile.zip_bomb_xlsx(4 * 1024 * 1024)
    job = start(run_tasks, env["bj"], bomb, dry_run=False)
    assert job.status == ImportStatus.FAILED and "解压后过大" in job.error
    again = start(run_tasks, env["bj"], bomb, dry_run=False)
    assert again.status == ImportStatus.FAILED


def _running(env, *, started_ago, beat_ago):
    job = _queued_commit(xlsx_bytes(GOOD_ROWS), env["bj"])
    now = timezone.now()
    BuildingImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING,
        started_at=now - started_ago,
        heartbeat_at=None if beat_ago is None else now - beat_ago,
    )
    return job


def test_a_job_whose_worker_stopped_beating_fails_within_a_minute(env, run_tasks):
    seconds = datetime.timedelta(seconds=1)
    dead = _running(env, started_ago=90 * seconds, beat_ago=45 * seconds)
    assert import_jobs.import_fail_dead_jobs() == 1
    dead.refresh_from_db()
    assert dead.status == ImportStatus.FAILED and dead.error == import_jobs.INTERRUPTED_ERROR
    assert dead.finished_at is not None
    # The same file is accepted again at once, not refused with "同一文件正在导入".
    job = start(run_tasks, env["bj"], xlsx_bytes(GOOD_ROWS), dry_run=False)
    assert job.status == ImportStatus.DONE


def test_a_long_job_that_still_beats_keeps_running(env):
    alive = _running(
        env, started_ago=datetime.timedelta(hours=3), beat_ago=datetime.timedelta(seconds=5)
    )
    assert import_jobs.import_fail_dead_jobs() == 0
    alive.refresh_from_db()
    assert alive.status == ImportStatus.RUNNING


def test_a_job_that_never_beat_is_dead_a_minute_after_it_started(env):
    _running(env, started_ago=datetime.timedelta(seconds=50), beat_ago=None)
    assert import_jobs.import_fail_dead_jobs() == 1


def test_the_heartbeat_moves_while_the_job_runs(env):
    job = _running(env, started_ago=datetime.timedelta(seconds=50), beat_ago=None)
    import_jobs.Heartbeat(job.pk).beat()
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < datetime.timedelta(seconds=5)


def test_the_sweep_is_a_periodic_task(settings):
    assert "louyu.buildings.tasks.fail_dead_imports" in settings.LOUYU_PERIODIC_TASKS
    assert settings.LOUYU_PERIODIC_TASKS["louyu.buildings.tasks.fail_dead_imports"] <= 20
