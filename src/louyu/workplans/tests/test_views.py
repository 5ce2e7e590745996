import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from PIL import Image

from louyu.buildings import services as building_services
from louyu.core import roles
from louyu.core.models import AuditEvent, OrganizationType
from louyu.core.tests.factories import OrganizationFactory, UserFactory
from louyu.core.tests.unchanged import assert_unchanged
from louyu.workplans.models import PlanProgress, WorkPlan

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_zero_operator_list_and_create_link(client, wp):
    plan = wp.plan()
    response = _login(client, wp.bj).get(reverse("workplans:zero_operator"))
    html = response.content.decode()
    assert response.status_code == 200
    assert wp.building_bj.name in html and wp.building_bj2.name in html
    assert wp.building_dl.name not in html
    assert reverse("workplans:detail", args=[plan.pk]) in html
    assert reverse("workplans:create", args=[wp.building_bj2.pk]) in html
    response = client.get(reverse("workplans:zero_operator"), {"has_plan": "no"})
    assert wp.building_bj.name not in response.content.decode()


def test_zero_operator_list_is_not_for_operators_or_anonymous(client, wp):
    assert client.get(reverse("workplans:zero_operator")).status_code == 302
    assert _login(client, wp.telecom_bj).get(reverse("workplans:zero_operator")).status_code == 403


def test_create_from_the_list(client, wp):
    url = reverse("workplans:create", args=[wp.building_bj.pk])
    _login(client, wp.bj)
    assert client.get(url).status_code == 200
    target = (wp.today + datetime.timedelta(days=60)).isoformat()
    response = client.post(url, {"goal": "年底前实现电信入驻", "target_date": target})
    plan = WorkPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "workplans:detail", args=[plan.pk]
    )
    # A second attempt goes to the existing plan.
    response = client.get(url)
    assert response.url == reverse("workplans:detail", args=[plan.pk])


def test_create_refuses_past_dates_served_and_foreign_buildings(client, wp):
    _login(client, wp.bj)
    url = reverse("workplans:create", args=[wp.building_bj.pk])
    with assert_unchanged():
        response = client.post(url, {"goal": "目标", "target_date": "2020-01-01"})
    assert response.status_code == 200 and "目标日期不能早于今天" in response.content.decode()
    assert not WorkPlan.objects.exists()
    foreign = reverse("workplans:create", args=[wp.building_dl.pk])
    assert client.get(foreign).status_code == 404
    assert client.get(reverse("workplans:create", args=[999999])).status_code == 404
    building_services.presence_set(
        actor=None, building=wp.building_bj2, operator=wp.telecom, status="serving", source="manual"
    )
    response = client.get(reverse("workplans:create", args=[wp.building_bj2.pk]))
    assert response.url == reverse("buildings:detail", args=[wp.building_bj2.pk])


@pytest.mark.parametrize(("who", "status"), [("dl", 404), ("mobile_bj", 404), ("bj", 200)])
def test_detail_scope(client, wp, who, status):
    plan = wp.plan()
    wp.commitment(plan)
    assert (
        _login(client, wp[who]).get(reverse("workplans:detail", args=[plan.pk])).status_code
        == status
    )


def test_detail_shows_now_served_banner_and_actions(client, wp):
    plan = wp.plan()
    wp.commitment(plan)
    building_services.presence_set(
        actor=None, building=wp.building_bj, operator=wp.telecom, status="serving", source="manual"
    )
    html = _login(client, wp.bj).get(reverse("workplans:detail", args=[plan.pk])).content.decode()
    assert "已有基础运营商入驻：中国电信 自" in html
    assert 'data-testid="form-close"' in html and 'data-testid="close-cancels"' in html


def test_operator_detail_does_not_name_a_competitor_that_entered(client, wp):
    plan = wp.plan()
    wp.commitment(plan, owner=wp.mobile_branch, title="移动承诺入驻")
    building_services.presence_set(
        actor=None, building=wp.building_bj, operator=wp.telecom, status="serving", source="manual"
    )
    response = _login(client, wp.mobile_bj).get(reverse("workplans:detail", args=[plan.pk]))
    html = response.content.decode()
    assert response.context["presences"] == []
    assert "中国电信" not in html
    assert "已有基础电信企业提供服务。" in html
    assert 'data-testid="operator-count">1<' in html


def test_operator_reports_progress_with_evidence_on_its_measure(client, wp):
    plan = wp.plan()
    mine = wp.commitment(plan)
    theirs = wp.measure(plan)
    _login(client, wp.telecom_bj)
    html = client.get(reverse("workplans:detail", args=[plan.pk])).content.decode()
    assert reverse("workplans:progress_add", args=[mine.pk]) in html
    assert reverse("workplans:progress_add", args=[theirs.pk]) not in html
    assert 'data-testid="form-close"' not in html
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), "blue").save(buffer, "PNG")
    buffer.name = "photo.png"
    buffer.seek(0)
    response = client.post(
        reverse("workplans:progress_add", args=[mine.pk]),
        {"text": "已进场勘察", "new_status": "in_progress", "evidence": buffer},
    )
    assert response.status_code == 302
    record = PlanProgress.objects.get()
    assert record.evidence_name == "photo.png"
    download = client.get(reverse("workplans:evidence", args=[record.pk]))
    assert download.status_code == 200
    # Not the owner of the other measure: it is not even there.
    with assert_unchanged():
        response = client.post(
            reverse("workplans:progress_add", args=[theirs.pk]), {"text": "越权"}
        )
        assert response.status_code == 404
        # A forged measure id, and another operator's view of the evidence.
        forged = client.post(reverse("workplans:progress_add", args=[999999]), {"text": "x"})
        assert forged.status_code == 404
    client.force_login(wp.mobile_bj)
    assert client.get(reverse("workplans:evidence", args=[record.pk])).status_code == 404


def test_fake_evidence_is_refused(client, wp):
    measure = wp.commitment(wp.plan())
    fake = io.BytesIO(b"MZ not an image")
    fake.name = "photo.jpg"
    _login(client, wp.telecom_bj)
    with assert_unchanged():
        response = client.post(
            reverse("workplans:progress_add", args=[measure.pk]),
            {"text": "附件", "evidence": fake},
        )
    assert response.status_code == 400
    assert "不是图片" in response.content.decode()
    assert not PlanProgress.objects.exists()


def test_close_form_and_stale_version(client, wp):
    plan = wp.plan()
    url = reverse("workplans:transition", args=[plan.pk])
    _login(client, wp.bj)
    with assert_unchanged():
        response = client.post(
            url, {"to": "closed", "outcome": "achieved", "expected_version": plan.version}
        )
        assert response.status_code == 400
        assert "仍没有基础电信企业提供服务" in response.content.decode()
        response = client.post(
            url, {"to": "closed", "outcome": "abandoned", "reason": "x", "expected_version": 99}
        )
        assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "active"
    response = client.post(
        url,
        {
            "to": "closed",
            "outcome": "abandoned",
            "reason": "业主拒绝",
            "expected_version": plan.version,
        },
    )
    plan.refresh_from_db()
    assert plan.state == "closed"
    client.force_login(wp.telecom_bj)
    with assert_unchanged():
        response = client.post(url, {"to": "active", "reason": "x", "expected_version": 1})
        assert response.status_code == 404


def test_measure_add_and_edit_pages(client, wp):
    plan = wp.plan()
    _login(client, wp.bj)
    due = (wp.today + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        reverse("workplans:measure_add", args=[plan.pk]),
        {
            "kind": wp.commitment_kind.pk,
            "title": "电信入驻",
            "owner": wp.telecom_branch.pk,
            "due_date": due,
            "committed_entry_date": due,
        },
    )
    assert response.status_code == 302
    measure = plan.measures.get()
    assert measure.operator == wp.telecom
    with assert_unchanged():
        response = client.post(
            reverse("workplans:measure_add", args=[plan.pk]),
            {"kind": wp.talk.pk, "title": "约谈", "owner": wp.ca_bj.pk, "due_date": "2020-01-01"},
        )
    assert response.status_code == 400 and "完成时限不能早于今天" in response.content.decode()
    edit = reverse("workplans:measure_edit", args=[measure.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "kind": wp.commitment_kind.pk,
            "title": "电信入驻（改）",
            "owner": wp.telecom_branch.pk,
            "due_date": due,
            "committed_entry_date": due,
            "status": "in_progress",
            "expected_version": measure.version,
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.status) == ("电信入驻（改）", "in_progress")


def test_exports_neutralise_formulas_and_are_audited(client, wp):
    evil = building_services.building_create(
        actor=None, name='=HYPERLINK("http://x")', address="北京市朝阳区建国路9号"
    )
    plan = wp.plan(building=evil)
    wp.commitment(plan)
    _login(client, wp.bj)
    sheet = _workbook(client.get(reverse("workplans:zero_operator_export")))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("楼宇编码", "名称")
    evil_row = next(r for r in rows if r[0] == evil.code)
    assert evil_row[1] == '\'=HYPERLINK("http://x")'
    assert evil_row[8:12] == ("有", "推进中", 0, 1)
    assert len(rows) == 1 + 3  # header + three 北京 zero-operator buildings
    sheet = _workbook(client.get(reverse("workplans:export"), {"state": "active"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == '\'=HYPERLINK("http://x")' and rows[1][4] == "推进中"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"work_plan.export", "work_plan.zero_operator_export"} <= actions
    client.force_login(wp.telecom_bj)
    assert client.get(reverse("workplans:export")).status_code == 403


def test_plan_list_filters_and_building_page(client, wp):
    plan = wp.plan()
    wp.plan(building=wp.building_dl, actor=wp.dl)
    _login(client, wp.bj)
    html = client.get(reverse("workplans:list")).content.decode()
    assert wp.building_bj.name in html and wp.building_dl.name not in html
    html = client.get(reverse("workplans:list"), {"state": "closed"}).content.decode()
    assert wp.building_bj.name not in html
    html = client.get(reverse("buildings:detail", args=[wp.building_bj.pk])).content.decode()
    assert reverse("workplans:detail", args=[plan.pk]) in html
    html = client.get(reverse("buildings:detail", args=[wp.building_bj2.pk])).content.decode()
    assert reverse("workplans:create", args=[wp.building_bj2.pk]) in html


def test_navigation_entry(client, wp):
    assert "一楼一策" in _login(client, wp.telecom_bj).get(reverse("web:home")).content.decode()


@pytest.mark.parametrize(
    ("who", "linked"),
    [("bj", True), ("ministry", True), ("samr", False), ("pm", False)],
)
def test_plan_page_links_the_building_only_for_who_may_open_it(client, wp, who, linked):
    """samr may not open buildings (403 there), a property company only its own (404 for
    this one): both read the building's name without a link into an error page."""
    plan = wp.plan()
    pm_org = OrganizationFactory(
        code="pm-test", type=OrganizationType.PROPERTY_COMPANY, jurisdiction=wp.ca_bj.jurisdiction
    )
    wp["pm"] = UserFactory(username="w-pm", organization=pm_org, roles=[roles.PROPERTY_STAFF])
    wp.measure(plan, owner=wp.samr_org if who == "samr" else pm_org)
    user = wp[who]
    client.force_login(user)
    html = client.get(reverse("workplans:detail", args=[plan.pk])).content.decode()
    building_url = reverse("buildings:detail", args=[plan.building.pk])
    assert (f'href="{building_url}"' in html) is linked
    assert "望京测试大厦" in html
    building_status = client.get(building_url).status_code
    assert (building_status == 200) is linked
