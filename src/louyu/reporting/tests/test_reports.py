"""Monthly reports and bulletins: opened with their work items and due dates, submitted with
frozen figures, returned and resubmitted, compiled into a bulletin from accepted reports,
reviewed and published; refusals change nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from louyu.core.calendar import SHANGHAI
from louyu.core.errors import ConcurrentEdit, Conflict, InvalidTransition
from louyu.core.models import WorkItem, WorkItemState
from louyu.core.tests.unchanged import assert_unchanged
from louyu.reporting import selectors
from louyu.reporting.models import Bulletin, MonthlyReport, ReportStatusChange
from louyu.reporting.rollup import refresh
from louyu.reporting.services import bulletins, reports
from louyu.reporting.tests.conftest import SERVING
from louyu.reporting.tests.test_dashboard import users  # noqa: F401  (fixture)
from louyu.reporting.tests.test_figures import build

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def opened(history, users):  # noqa: F811
    build(history)
    refresh.refresh()
    reports.reports_open(period=MARCH)
    return history


def _report(history, code="110000", period=MARCH):
    return MonthlyReport.objects.get(jurisdiction__code=code, period=period)


def test_every_administration_gets_a_report_and_a_work_item_due_on_the_fifth_working_day(
    history,
):
    created = reports.reports_open(period=NOVEMBER)
    assert created == MonthlyReport.objects.filter(period=NOVEMBER).count() >= 32
    assert reports.reports_open(period=NOVEMBER) == 0  # idempotent
    report = _report(history, "210200", NOVEMBER)
    # 2026-11-30 is a Monday: Dec 1, 2, 3, 4 and 7 are the five working days after it.
    assert report.due_at == datetime.datetime(2026, 12, 8, tzinfo=SHANGHAI)  # 24:00 of Dec 7
    item = WorkItem.objects.get(object_id=str(report.pk), kind="monthly_report")
    assert item.assignee_organization.code == "ca-210200" and item.due_at == report.due_at
    assert item.title == "报送2026年11月专项整治进展"


def test_a_month_not_yet_begun_has_no_report(history):
    future = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    with assert_unchanged(), pytest.raises(ValidationError):
        reports.reports_open(period=future)
    assert not MonthlyReport.objects.filter(period=future).exists()


def test_submitting_freezes_the_figures_and_completes_the_work_item(opened, users):  # noqa: F811
    report = _report(opened)
    with assert_unchanged(), pytest.raises(ValidationError) as empty:
        reports.report_transition(actor=users["bj"], report=report, to="submitted")
    assert "progress" in empty.value.message_dict
    reports.report_update(actor=users["bj"], report=report, progress="推进楼宇清理整治。")
    reports.report_transition(actor=users["bj"], report=report, to="submitted")
    report.refresh_from_db()
    assert report.state == "submitted" and report.figures_as_of is not None
    assert report.figures["complaints_received"]["value"] == 3.0  # 北京, March
    assert report.figures["problem_buildings"]["numerator"] == 1
    items = WorkItem.objects.filter(object_id=str(report.pk), kind="monthly_report")
    assert {i.state for i in items} == {WorkItemState.DONE}
    # A back-dated change later moves the live figures but not the frozen ones.
    late = opened.complaint("2026-03-20", [])
    late.created_at = timezone.now()
    late.save()
    refresh.refresh()
    assert reports.frozen_figures(report)["complaints_received"]["value"] == 4.0
    report.refresh_from_db()
    assert report.figures["complaints_received"]["value"] == 3.0


def test_a_submitted_report_cannot_be_edited_or_submitted_again(opened, users):  # noqa: F811
    report = _report(opened)
    reports.report_update(actor=users["bj"], report=report, progress="进展")
    reports.report_transition(actor=users["bj"], report=report, to="submitted")
    before = (report.version, ReportStatusChange.objects.count())
    with assert_unchanged(), pytest.raises(InvalidTransition):
        reports.report_update(actor=users["bj"], report=report, progress="改")
    with assert_unchanged(), pytest.raises(InvalidTransition):
        reports.report_transition(actor=users["bj"], report=report, to="submitted")
    report.refresh_from_db()
    assert (report.version, ReportStatusChange.objects.count()) == before
    assert report.progress == "进展"


def test_two_people_editing_one_draft(opened, users):  # noqa: F811
    report = _report(opened)
    version = report.version
    reports.report_update(
        actor=users["bj"], report=report, expected_version=version, progress="甲的版本"
    )
    with assert_unchanged(), pytest.raises(ConcurrentEdit):
        reports.report_update(
            actor=users["bj"], report=_report(opened), expected_version=version, progress="乙"
        )
    assert _report(opened).progress == "甲的版本"


def test_only_the_own_administration_writes_and_only_the_ministry_reviews(
    opened,
    users,  # noqa: F811
):
    report = _report(opened)
    with assert_unchanged(), pytest.raises(PermissionDenied):
        reports.report_update(actor=users["dl"], report=report, progress="越权")
    with assert_unchanged(), pytest.raises(Http404):
        selectors.report_get(user=users["dl"], pk=report.pk)
    assert selectors.report_list(user=users["operator"]).count() == 0
    reports.report_update(actor=users["bj"], report=report, progress="进展")
    reports.report_transition(actor=users["bj"], report=report, to="submitted")
    with assert_unchanged(), pytest.raises(PermissionDenied):
        reports.report_transition(actor=users["bj"], report=report, to="accepted")
    assert _report(opened).state == "submitted"


def test_returned_with_comments_then_resubmitted_and_accepted(opened, users):  # noqa: F811
    report = _report(opened)
    reports.report_update(actor=users["bj"], report=report, progress="进展")
    reports.report_transition(actor=users["bj"], report=report, to="submitted")
    with assert_unchanged(), pytest.raises(ValidationError):
        reports.report_transition(actor=users["ministry"], report=report, to="returned")
    reports.report_transition(
        actor=users["ministry"], report=report, to="returned", comment="请补充典型做法。"
    )
    report.refresh_from_db()
    assert report.state == "returned" and report.return_comment == "请补充典型做法。"
    open_items = WorkItem.objects.filter(object_id=str(report.pk), state=WorkItemState.OPEN)
    assert open_items.count() == 1
    reports.report_update(actor=users["bj"], report=report, practices="楼宇清单管理。")
    reports.report_transition(actor=users["bj"], report=report, to="submitted")
    reports.report_transition(actor=users["ministry"], report=report, to="accepted")
    report.refresh_from_db()
    assert report.state == "accepted" and report.return_comment == ""
    assert not WorkItem.objects.filter(object_id=str(report.pk), state=WorkItemState.OPEN)


def test_a_bulletin_uses_accepted_reports_and_says_which_are_missing(opened, users):  # noqa: F811
    report = _report(opened)
    reports.report_update(actor=users["bj"], report=report, progress="进展")
    reports.report_transition(actor=users["bj"], report=report, to="submitted")
    reports.report_transition(actor=users["ministry"], report=report, to="accepted")
    # After acceptance a back-dated complaint changes the live figure, not the bulletin's.
    late = opened.complaint("2026-03-21", [])
    late.created_at = timezone.now()
    late.save()
    refresh.refresh()
    bulletin = bulletins.bulletin_create(actor=users["ministry"], period=MARCH)
    rows = {row["code"]: row for row in bulletin.snapshot["jurisdictions"]}
    assert rows["110000"]["source"] == "report"
    assert rows["110000"]["values"]["complaints_received"]["value"] == 3.0
    assert rows["210200"]["source"] == "live" and "210200" in bulletin.snapshot["missing"]
    assert rows["210200"]["values"]["complaints_received"]["value"] == 1.0
    national = bulletin.snapshot["national"]
    total = sum(r["values"]["complaints_received"]["numerator"] for r in rows.values())
    assert national["complaints_received"]["numerator"] == total == 4
    assert national["median_days_to_reply"]["source"] == "live"
    assert {r["metric"] for r in bulletin.snapshot["rankings"]} == set(bulletins.RANKED)
    late = {row["code"]: row for row in bulletin.snapshot["late"]}
    # March's reports were due in April: 北京 submitted late, 大连 not at all.
    assert late["110000"]["submitted_at"] is not None and late["210200"]["submitted_at"] is None
    with assert_unchanged(), pytest.raises(Conflict):
        bulletins.bulletin_create(actor=users["ministry"], period=MARCH)
    assert Bulletin.objects.count() == 1


def test_a_bulletin_is_reviewed_then_published_and_only_then_seen_by_administrations(
    opened,
    users,  # noqa: F811
):
    with assert_unchanged(), pytest.raises(PermissionDenied):
        bulletins.bulletin_create(actor=users["bj"], period=MARCH)
    bulletin = bulletins.bulletin_create(actor=users["ministry"], period=MARCH)
    assert not selectors.bulletin_list(user=users["bj"]).filter(pk=bulletin.pk).exists()
    with assert_unchanged(), pytest.raises(ValidationError) as missing:
        bulletins.bulletin_transition(actor=users["ministry"], bulletin=bulletin, to="reviewed")
    assert set(missing.value.message_dict) == {"number", "summary"}
    with assert_unchanged(), pytest.raises(InvalidTransition):
        bulletins.bulletin_transition(actor=users["ministry"], bulletin=bulletin, to="published")
    bulletins.bulletin_update(
        actor=users["ministry"],
        bulletin=bulletin,
        number="工信厅通信函〔2026〕15号",
        summary="各地扎实推进商务楼宇宽带接入整治。",
    )
    bulletins.bulletin_transition(actor=users["ministry"], bulletin=bulletin, to="reviewed")
    with assert_unchanged(), pytest.raises(InvalidTransition):
        bulletins.bulletin_update(actor=users["ministry"], bulletin=bulletin, summary="改")
    bulletins.bulletin_transition(actor=users["ministry"], bulletin=bulletin, to="published")
    bulletin.refresh_from_db()
    assert bulletin.state == "published" and bulletin.published_at is not None
    assert selectors.bulletin_list(user=users["bj"]).filter(pk=bulletin.pk).exists()
    assert bulletin.summary == "各地扎实推进商务楼宇宽带接入整治。"


def test_a_bulletin_for_the_running_month_is_refused(history, users):  # noqa: F811
    with assert_unchanged(), pytest.raises(ValidationError):
        bulletins.bulletin_create(actor=users["ministry"], period=timezone.localdate())
    assert not Bulletin.objects.exists()


def test_the_next_bulletin_compares_with_the_published_one(opened, users):  # noqa: F811
    first = bulletins.bulletin_create(actor=users["ministry"], period=MARCH)
    bulletins.bulletin_update(actor=users["ministry"], bulletin=first, number="1号", summary="总")
    bulletins.bulletin_transition(actor=users["ministry"], bulletin=first, to="reviewed")
    bulletins.bulletin_transition(actor=users["ministry"], bulletin=first, to="published")
    building = opened.building("己大厦", "2026-04-02")
    opened.presence(building, opened.telecom, SERVING, "2026-04-03")
    refresh.rebuild()
    second = bulletins.bulletin_create(actor=users["ministry"], period=datetime.date(2026, 4, 1))
    assert second.snapshot["previous"]["period"] == "2026-03-01"
    change = bulletins.national_change(second)
    assert change["buildings_registered"] == 2.0  # 丙 (04-01) and 己 (04-02)


def test_attachments_are_checked_scoped_and_closed_with_the_report(
    opened,
    users,  # noqa: F811
    client,
    settings,
    tmp_path,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from louyu.core.tests.files import PDF
    from louyu.reporting.models import ReportFile

    settings.MEDIA_ROOT = tmp_path
    report = _report(opened)
    url = f"/reporting/reports/{report.pk}/files/"
    client.force_login(users["bj"])
    fake = SimpleUploadedFile("报告.pdf", b"not a pdf at all", content_type="application/pdf")
    with assert_unchanged():
        client.post(url, {"files": [fake]})
    assert not ReportFile.objects.exists()
    client.post(url, {"files": [SimpleUploadedFile("情况说明.pdf", PDF)]})
    stored = ReportFile.objects.get()
    assert stored.original_name == "情况说明.pdf"
    download = f"/reporting/reports/{report.pk}/files/{stored.pk}/"
    assert client.get(download).status_code == 200
    client.force_login(users["dl"])
    assert client.get(download).status_code == 404
    with assert_unchanged():
        assert client.post(url, {"files": [SimpleUploadedFile("x.pdf", PDF)]}).status_code == 404
    reports.report_update(actor=users["bj"], report=report, progress="进展")
    reports.report_transition(actor=users["bj"], report=report, to="submitted")
    with assert_unchanged(), pytest.raises(InvalidTransition):
        reports.report_files_add(actor=users["bj"], report=report, files=[])
    assert ReportFile.objects.count() == 1


def test_the_home_page_shows_the_headline_figures(opened, users, client):  # noqa: F811
    client.force_login(users["ministry"])
    content = client.get("/").content.decode()
    assert 'data-testid="home-progress"' in content and "全国本月进展" in content
    client.force_login(users["dl"])
    assert "大连市通信管理局本月进展" in client.get("/").content.decode()
    client.force_login(users["operator"])
    assert 'data-testid="home-progress"' not in client.get("/").content.decode()
