import datetime
import io
import os
import subprocess
import sys

import openpyxl
import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from louyu.core import roles, services
from louyu.core.audit import audit_record
from louyu.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    Notification,
    OrganizationType,
    WorkItemState,
)
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.web.templatetags.louyu_web import deadline

pytestmark = pytest.mark.django_db

PAGES = ["home", "inbox", "notifications", "audit", "audit_export", "calendar"]


def _item(env, title="核对楼宇名录", days=10, **kwargs):
    defaults = {
        "actor": env["ministry"],
        "title": title,
        "assignee_organization": env["org_a"],
        "due_at": timezone.now() + datetime.timedelta(days=days),
    }
    defaults.update(kwargs)
    return services.work_item_create(**defaults)


def _event(actor, action, jurisdiction=None, **kwargs):
    with transaction.atomic():
        return audit_record(actor=actor, action=action, jurisdiction=jurisdiction, **kwargs)


@pytest.fixture
def client_a(client, two_jurisdictions):
    client.force_login(two_jurisdictions["user_a"])
    return client


# --- Login and access ------------------------------------------------------------------------


def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "商务楼宇宽带接入整治平台" in html
    assert 'name="username"' in html


def test_login_form_signs_in_and_lands_on_home(client, two_jurisdictions):
    response = client.post(
        reverse("login"), {"username": "admin-a", "password": "demo12345"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "甲省通信管理局" in response.content.decode()


def test_wrong_password_shows_an_error_in_chinese(client, two_jurisdictions):
    response = client.post(reverse("login"), {"username": "admin-a", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="login-error"' in html
    assert "密码" in html


@pytest.mark.parametrize("name", PAGES)
def test_every_page_requires_login(client, name):
    url = reverse(f"web:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize(
    ("name", "kwargs"), [("work_item_complete", {"pk": 1}), ("notifications_read", {})]
)
def test_posts_require_login(client, name, kwargs):
    response = client.post(reverse(f"web:{name}", kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post(client_a):
    response = client_a.post(reverse("logout"))
    assert response.status_code == 302
    assert client_a.get(reverse("web:home")).status_code == 302


def test_password_change_uses_the_staff_templates(client_a, two_jurisdictions):
    response = client_a.get(reverse("password_change"))
    assert response.status_code == 200
    assert "保存新密码" in response.content.decode()
    response = client_a.post(
        reverse("password_change"),
        {
            "old_password": "demo12345",
            "new_password1": "Louyu-new-2026!",
            "new_password2": "Louyu-new-2026!",
        },
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    user = two_jurisdictions["user_a"]
    user.refresh_from_db()
    assert user.check_password("Louyu-new-2026!")


def test_error_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "系统暂时出现问题" in html


def test_healthz_needs_no_login_and_touches_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("web:healthz"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_page_is_a_chinese_404(client_a):
    response = client_a.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_demo_runs_without_debug_and_still_serves_static_files(client):
    """`make run` shows the project's own error pages (DEBUG off unless LOUYU_DEBUG=true);
    WhiteNoise serves the static files from the apps without a collectstatic."""
    env = {k: v for k, v in os.environ.items() if k not in ("LOUYU_DEBUG", "LOUYU_PRODUCTION")}
    code = "import louyu.settings as s; print(s.DEBUG, s.WHITENOISE_USE_FINDERS)"
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == ["False", "True"]
    response = client.get("/static/louyu/louyu.css")
    assert response.status_code == 200
    assert b".ly-" in b"".join(response.streaming_content)


# --- Home ------------------------------------------------------------------------------------


def test_home_shows_counts_scope_and_urgent_items(client_a, two_jurisdictions):
    env = two_jurisdictions
    _item(env, title="已超期的事项", days=-2)
    _item(env, title="明天到期的事项", days=1)
    _item(env, title="下月的事项", days=30, due_provisional=True)
    _item(env, title="乙省的事项", assignee_organization=env["org_b"])
    response = client_a.get(reverse("web:home"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.open, summary.overdue, summary.due_soon) == (3, 1, 1)
    assert summary.unread_notifications == 3
    html = response.content.decode()
    assert "甲省通信管理局" in html
    assert "已超期的事项" in html and "已超期" in html and "ly-overdue" in html
    assert "时限待定" in html
    assert "乙省的事项" not in html
    urgent = [item.title for item in response.context["urgent"]]
    assert urgent == ["已超期的事项", "明天到期的事项", "下月的事项"]
    assert reverse("web:audit") in html  # administration admins may read the audit log
    assert reverse("admin:index") not in html


def test_home_for_a_ministry_user_says_national(client, two_jurisdictions):
    client.force_login(two_jurisdictions["ministry"])
    response = client.get(reverse("web:home"))
    assert response.context["scope"] == {"kind": "national", "label": "全国"}


def test_home_without_audit_permission_has_no_audit_link(client, two_jurisdictions):
    staff = UserFactory(organization=two_jurisdictions["org_a"], roles=[roles.ADMINISTRATION_STAFF])
    client.force_login(staff)
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("web:audit") not in html


# --- Inbox -----------------------------------------------------------------------------------


def test_inbox_lists_only_own_items_and_filters(client_a, two_jurisdictions):
    env = two_jurisdictions
    _item(env, title="已超期的事项", days=-2)
    _item(env, title="十天后到期", days=10)
    _item(env, title="乙省的事项", assignee_organization=env["org_b"])
    done = _item(env, title="已经办完")
    services.work_item_complete(actor=env["user_a"], item=done)

    def titles(**params):
        response = client_a.get(reverse("web:inbox"), params)
        assert response.status_code == 200
        return sorted(item.title for item in response.context["page"].object_list)

    assert titles() == ["十天后到期", "已超期的事项"]
    assert titles(overdue="on") == ["已超期的事项"]
    assert titles(due_within="15") == ["十天后到期"]
    assert titles(q="超期") == ["已超期的事项"]
    assert titles(state="done") == ["已经办完"]
    assert titles(state="all") == ["十天后到期", "已经办完", "已超期的事项"]


def test_items_assigned_to_a_person_alone_render_on_the_inbox_and_home(client_a, two_jurisdictions):
    # Inspection assignments go to each team member, with no organisation on the item.
    env = two_jurisdictions
    _item(env, title="现场检查：华贸中心", assignee_organization=None, assignee_user=env["user_a"])
    for name in ("web:inbox", "web:home"):
        response = client_a.get(reverse(name))
        assert response.status_code == 200
        assert "现场检查：华贸中心" in response.content.decode()


def test_inbox_bad_filter_shows_a_chinese_error_not_a_crash(client_a, two_jurisdictions):
    _item(two_jurisdictions)
    response = client_a.get(reverse("web:inbox"), {"due_within": "abc", "state": "bogus"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "天数必须是 1 到 365 之间的整数。" in html
    assert len(response.context["page"].object_list) == 1


def test_inbox_paginates_25_per_page(client_a, two_jurisdictions):
    for n in range(27):
        _item(two_jurisdictions, title=f"事项{n:02d}", days=n + 1)
    first = client_a.get(reverse("web:inbox"))
    assert len(first.context["page"].object_list) == 25
    second = client_a.get(reverse("web:inbox"), {"page": 2})
    assert [i.title for i in second.context["page"].object_list] == ["事项25", "事项26"]


def test_complete_from_inbox(client_a, two_jurisdictions):
    item = _item(two_jurisdictions)
    response = client_a.post(reverse("web:work_item_complete", args=[item.pk]), follow=True)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == WorkItemState.DONE
    assert "已办结：核对楼宇名录" in response.content.decode()
    assert AuditEvent.objects.filter(action="work_item.complete", object_id=str(item.pk)).exists()


def test_completing_twice_shows_the_error_message(client_a, two_jurisdictions):
    item = _item(two_jurisdictions)
    url = reverse("web:work_item_complete", args=[item.pk])
    client_a.post(url)
    response = client_a.post(url, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "该待办已办结或已取消，不能重复办结。" in html
    assert "alert-danger" in html


def test_completing_a_foreign_work_item_is_a_404(client_a, two_jurisdictions):
    env = two_jurisdictions
    foreign = _item(env, assignee_organization=env["org_b"])
    response = client_a.post(reverse("web:work_item_complete", args=[foreign.pk]))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == WorkItemState.OPEN
    assert client_a.post(reverse("web:work_item_complete", args=[999999])).status_code == 404


def test_complete_asks_to_confirm_and_get_changes_nothing(client_a, two_jurisdictions):
    item = _item(two_jurisdictions)
    response = client_a.get(reverse("web:work_item_complete", args=[item.pk]))
    assert response.status_code == 200
    assert "确认此事项已经办完？" in response.content.decode()
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN


def test_a_step_item_is_not_completed_from_the_inbox(client_a, two_jurisdictions):
    item = _item(two_jurisdictions, title="受理审查：TS1", kind="complaint", step=True)
    item.link = "/complaints/1/"
    item.save(update_fields=["link"])
    inbox = client_a.get(reverse("web:inbox")).content.decode()
    assert f'data-testid="handle-{item.pk}"' in inbox
    assert f'data-testid="complete-{item.pk}"' not in inbox
    url = reverse("web:work_item_complete", args=[item.pk])
    page = client_a.get(url).content.decode()
    assert "不能在这里手工办结" in page and 'href="/complaints/1/"' in page
    response = client_a.post(url, follow=True)
    assert "此待办是流程环节" in response.content.decode()
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN


def test_complete_never_redirects_off_site(client_a, two_jurisdictions):
    item = _item(two_jurisdictions)
    response = client_a.post(
        reverse("web:work_item_complete", args=[item.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:inbox")


def test_html_in_a_work_item_title_is_escaped(client_a, two_jurisdictions):
    _item(two_jurisdictions, title='<script>alert("x")</script><b>粗</b>')
    for name in ("home", "inbox"):
        html = client_a.get(reverse(f"web:{name}")).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;" in html


def test_javascript_links_on_work_items_are_not_rendered(client_a, two_jurisdictions):
    _item(two_jurisdictions, title="带链接", link="javascript:alert(1)")
    html = client_a.get(reverse("web:inbox")).content.decode()
    assert "javascript:alert" not in html


# --- Notifications ---------------------------------------------------------------------------


def test_notifications_unread_first_and_mark_all_read(client_a, two_jurisdictions):
    user = two_jurisdictions["user_a"]
    old = timezone.now() - datetime.timedelta(days=1)
    Notification.objects.create(recipient=user, title="已读的新通知", read_at=timezone.now())
    Notification.objects.create(recipient=user, title="未读的旧通知", created_at=old)
    Notification.objects.create(recipient=two_jurisdictions["user_b"], title="别人的通知")
    response = client_a.get(reverse("web:notifications"))
    titles = [n.title for n in response.context["page"].object_list]
    assert titles == ["未读的旧通知", "已读的新通知"]
    html = response.content.decode()
    assert "别人的通知" not in html
    assert "ly-notice-unread" in html and 'data-testid="unread-badge"' in html

    response = client_a.post(reverse("web:notifications_read"), follow=True)
    assert "已将 1 条通知标为已读。" in response.content.decode()
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(title="别人的通知", read_at__isnull=True).exists()


def test_mark_one_notification_read(client_a, two_jurisdictions):
    user = two_jurisdictions["user_a"]
    one = Notification.objects.create(recipient=user, title="一")
    Notification.objects.create(recipient=user, title="二")
    client_a.post(reverse("web:notifications_read"), {"id": one.pk})
    assert list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
            "title", flat=True
        )
    ) == ["二"]
    response = client_a.post(reverse("web:notifications_read"), {"id": "x"}, follow=True)
    assert "通知编号无效。" in response.content.decode()


# --- Audit log -------------------------------------------------------------------------------


def test_audit_page_is_403_without_permission(client, two_jurisdictions):
    staff = UserFactory(organization=two_jurisdictions["org_a"], roles=[roles.ADMINISTRATION_STAFF])
    client.force_login(staff)
    response = client.get(reverse("web:audit"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert client.get(reverse("web:audit_export")).status_code == 403


def test_audit_page_shows_only_own_jurisdiction(client_a, two_jurisdictions):
    env = two_jurisdictions
    _event(env["ministry"], "building.create", jurisdiction=env["ja"], object_repr="甲楼")
    _event(env["ministry"], "building.create", jurisdiction=env["jb"], object_repr="乙楼")
    response = client_a.get(reverse("web:audit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲楼" in html
    assert "乙楼" not in html
    # even when asking for B's events explicitly
    response = client_a.get(reverse("web:audit"), {"jurisdiction": "970002"})
    assert "乙楼" not in response.content.decode()


def test_audit_filters(client, two_jurisdictions):
    env = two_jurisdictions
    client.force_login(env["ministry"])
    _event(env["user_a"], "building.create", jurisdiction=env["ja"], object_repr="甲楼")
    _event(env["user_b"], "complaint.accept", jurisdiction=env["jb"], object_repr="乙申诉")
    item = _item(env, title="待办甲")

    def reprs(**params):
        response = client.get(reverse("web:audit"), params)
        assert response.status_code == 200
        return {row["event"].object_repr for row in response.context["rows"]}

    assert reprs(actor=str(env["user_a"].pk)) == {"甲楼"}
    assert reprs(organization=env["org_b"].code) == {"乙申诉"}
    assert reprs(action="complaint.") == {"乙申诉"}
    assert reprs(jurisdiction="970002") == {"乙申诉"}
    assert reprs(object_type="workitem", object_id=str(item.pk)) == {"待办甲"}
    today = timezone.localdate()
    assert "甲楼" in reprs(date_from=today.isoformat(), date_to=today.isoformat())
    assert reprs(date_from=(today + datetime.timedelta(days=1)).isoformat()) == set()


def test_audit_invalid_dates_show_a_chinese_form_error(client, two_jurisdictions):
    client.force_login(two_jurisdictions["ministry"])
    response = client.get(reverse("web:audit"), {"date_from": "2026-13-45", "date_to": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入有效日期，格式为 YYYY-MM-DD" in html
    response = client.get(
        reverse("web:audit"), {"date_from": "2026-11-28", "date_to": "2026-11-01"}
    )
    assert "结束日期不能早于开始日期。" in response.content.decode()


def test_audit_paginates_50_per_page(client, two_jurisdictions):
    env = two_jurisdictions
    client.force_login(env["ministry"])
    for n in range(53):
        _event(env["ministry"], f"test.event{n}", jurisdiction=env["ja"])
    response = client.get(reverse("web:audit"), {"action": "test."})
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 53


def test_audit_export_is_a_neutralised_xlsx_and_is_audited(client_a, two_jurisdictions):
    env = two_jurisdictions
    _event(
        env["user_a"],
        "building.create",
        jurisdiction=env["ja"],
        object_repr='=HYPERLINK("http://evil","x")',
        changes={"name": ["", "+1 甲楼"]},
    )
    _event(env["ministry"], "building.create", jurisdiction=env["jb"], object_repr="乙楼")
    response = client_a.get(reverse("web:audit_export"), {"action": "building."})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"audit-{timezone.localdate():%Y%m%d}.xlsx"
    assert f'filename="{filename}"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "操作人机构", "动作")
    assert len(rows) == 2  # header + A's event; B's is out of scope
    object_cell = sheet.cell(row=2, column=7)
    assert object_cell.value == '\'=HYPERLINK("http://evil","x")'
    assert object_cell.data_type == "s"
    assert isinstance(rows[1][0], datetime.datetime)

    event = AuditEvent.objects.get(action="audit.export")
    assert event.actor == env["user_a"]
    assert event.changes["filters"] == {"action": "building."}
    assert event.changes["rows"] == 1


def test_audit_export_stops_at_the_row_limit_with_a_note(client, two_jurisdictions, monkeypatch):
    env = two_jurisdictions
    monkeypatch.setattr("louyu.web.views.audit.AUDIT_EXPORT_MAX_ROWS", 2)
    for n in range(3):
        _event(env["ministry"], f"test.limit{n}", jurisdiction=env["ja"])
    client.force_login(env["ministry"])
    response = client.get(reverse("web:audit_export"), {"action": "test."})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4  # header, 2 events, note
    assert rows[3][0] == "仅导出前 2 条记录，请缩小筛选范围后再导出其余记录。"
    event = AuditEvent.objects.get(action="audit.export")
    assert (event.changes["rows"], event.changes["truncated"]) == (2, True)


def test_audit_export_with_bad_filters_goes_back_to_the_form(client_a):
    response = client_a.get(reverse("web:audit_export"), {"date_from": "yesterday"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:audit"))
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T00:00:00+08:00", "2026-11-30 24:00"),
        ("2026-11-30T16:00:00+00:00", "2026-11-30 24:00"),
        ("2026-12-01T09:30:00+08:00", "2026-12-01 09:30"),
        (None, ""),
    ],
)
def test_deadline_filter_shows_the_end_of_the_last_day(value, expected):
    moment = datetime.datetime.fromisoformat(value) if value else None
    assert deadline(moment) == expected


# --- Working calendar ------------------------------------------------------------------------


def _cells(response):
    return {
        cell["date"]: cell
        for month in response.context["months"]
        for week in month["weeks"]
        for cell in week
        if cell
    }


def test_calendar_2026_is_bundled_with_holidays_and_makeup_days(client_a):
    response = client_a.get(reverse("web:calendar"), {"year": "2026"})
    assert response.status_code == 200
    assert response.context["status"]["kind"] == "bundled"
    cells = _cells(response)
    assert len(cells) == 365
    assert cells[datetime.date(2026, 10, 1)]["kind"] == "holiday"
    assert cells[datetime.date(2026, 10, 1)]["name"] == "国庆节"
    assert cells[datetime.date(2026, 10, 12)]["kind"] == "workday"
    assert cells[datetime.date(2026, 10, 10)]["kind"] == "makeup"  # 国庆调休 Saturday
    html = response.content.decode()
    assert "2026 年工作日历" in html
    assert 'data-status="bundled"' in html


def test_calendar_2027_is_unknown_until_published(client_a):
    response = client_a.get(reverse("web:calendar"), {"year": "2027"})
    assert response.status_code == 200
    assert response.context["status"]["kind"] == "unknown"
    new_year = _cells(response)[datetime.date(2027, 1, 1)]  # a Friday: Monday–Friday guess
    assert (new_year["kind"], new_year["known"]) == ("workday", False)
    assert "时限待定" in response.content.decode()


def test_calendar_shows_admin_overrides(client, two_jurisdictions):
    CalendarDay.objects.create(
        date=datetime.date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦"
    )
    admin = UserFactory(
        organization=OrganizationFactory(type=OrganizationType.MINISTRY, jurisdiction=None),
        roles=[roles.MINISTRY_ADMIN],
        is_staff=True,
    )
    client.force_login(admin)
    response = client.get(reverse("web:calendar"), {"year": "2027"})
    assert _cells(response)[datetime.date(2027, 1, 1)]["kind"] == "holiday"
    assert [d.name for d in response.context["override_days"]] == ["元旦"]
    html = response.content.decode()
    assert reverse("admin:core_calendarday_changelist") in html


def test_calendar_year_published_by_an_administrator(client_a):
    CalendarYear.objects.create(year=2028, published=True, source="国办发明电〔2027〕7号")
    CalendarDay.objects.create(
        date=datetime.date(2028, 1, 8), kind=CalendarDayKind.WORKDAY, name="元旦"
    )
    response = client_a.get(reverse("web:calendar"), {"year": "2028"})
    assert response.context["status"]["kind"] == "published"
    assert _cells(response)[datetime.date(2028, 1, 8)]["kind"] == "makeup"  # a Saturday
    html = response.content.decode()
    assert 'data-status="published"' in html
    assert "国办发明电〔2027〕7号" in html


@pytest.mark.parametrize("year", ["1999", "2101", "abc", "２０２６x"])
def test_calendar_bad_year_falls_back_to_this_year_with_a_message(client_a, year):
    response = client_a.get(reverse("web:calendar"), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert "无效" in response.content.decode()


def test_calendar_has_no_admin_link_for_staff_without_permission(client_a):
    html = client_a.get(reverse("web:calendar")).content.decode()
    assert reverse("admin:core_calendarday_changelist") not in html


# --- Language --------------------------------------------------------------------------------


def test_switching_to_english_changes_the_page_language(client_a):
    response = client_a.post(
        reverse("set_language"), {"language": "en", "next": reverse("web:home")}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Workbench" in html
    assert "工作台" not in html
    response = client_a.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("web:inbox")}, follow=True
    )
    assert '<html lang="zh-hans">' in response.content.decode()


def test_a_provisional_deadline_explains_itself_on_the_page(client_a, two_jurisdictions):
    _item(two_jurisdictions, title="节前事项", due_provisional=True)
    html = client_a.get(reverse("web:inbox")).content.decode()
    assert "时限待定" in html
    assert "节假日安排尚未公布，时限按周一至周五推算，公布后将重新计算。</span>" in html


def test_audit_rows_read_as_sentences_with_labels_values_and_links(client_a, two_jurisdictions):
    """Issue 15 item 8: who did what to which object in words, changed fields by label with
    display values (no raw ids or codes), and a link to the object's page."""
    env = two_jurisdictions
    item = _item(env, title="核对楼宇名录")
    services.work_item_complete(actor=env["user_a"], item=item)
    html = client_a.get(reverse("web:audit"), {"object_type": "workitem"}).content.decode()
    assert f"{env['org_a'].name} {env['user_a'].display_name} 办结了待办事项" in html
    assert '<span class="ly-json-key">状态</span>：待办 → 已完成' in html
    assert f'<span class="ly-json-key">承办机构</span>：{env["org_a"].name}' in html


def test_audit_filter_outside_the_lists_is_a_chinese_error(client_a, two_jurisdictions):
    response = client_a.get(reverse("web:audit"), {"action": "no.such", "actor": "999999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "选择一个有效的选项" in html
    assert response.context["form"].errors.keys() == {"action", "actor"}
