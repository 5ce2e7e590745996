import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from louyu.buildings import services as building_services
from louyu.complaints import codes, services
from louyu.complaints.models import Category, Complaint
from louyu.core.models import AuditEvent
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

REPLY = {"result": "substantiated", "reply_text": "已责令物业整改，电信已进场施工。"}


def detail(complaint):
    return reverse("complaints:detail", args=[complaint.pk])


def transition_url(complaint):
    return reverse("complaints:transition", args=[complaint.pk])


def post_action(client, complaint, to, **details):
    complaint.refresh_from_db()
    data = {"to": to, "expected_version": complaint.version, **details}
    return client.post(transition_url(complaint), data)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Scope --------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, cenv):
    complaint, _ = cenv["file"]()
    for url in (reverse("complaints:queue"), detail(complaint), reverse("complaints:intake")):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_queue_and_detail_are_scoped_to_the_jurisdiction(client, cenv):
    beijing, _ = cenv["file"]()
    client.force_login(cenv["dl"])
    response = client.get(reverse("complaints:queue"))
    assert response.status_code == 200
    assert beijing.tracking_code not in response.content.decode()
    assert client.get(detail(beijing)).status_code == 404
    with assert_unchanged():
        assert client.post(reverse("complaints:reveal", args=[beijing.pk])).status_code == 404
        response = post_action(client, beijing, "accepted")
        assert response.status_code == 404
    beijing.refresh_from_db()
    assert beijing.state == "submitted"

    client.force_login(cenv["bj"])
    response = client.get(reverse("complaints:queue"))
    assert beijing.tracking_code in response.content.decode()
    assert "申诉处理" in response.content.decode()  # the navigation item


def test_a_joint_department_sees_only_what_was_referred_to_it(client, cenv):
    referred, _ = cenv["file"]()
    other, _ = cenv["file"](complainant_phone="13900139000")
    services.complaint_transition(actor=cenv["bj"], complaint=referred, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=referred, to="handling")
    services.complaint_refer(
        actor=cenv["bj"], complaint=referred, to_organization=cenv["samr_org"], kind="co_handle"
    )
    client.force_login(cenv["samr"])
    page = client.get(reverse("complaints:queue")).content.decode()
    assert referred.tracking_code in page and other.tracking_code not in page
    assert client.get(detail(other)).status_code == 404
    response = client.get(detail(referred))
    content = response.content.decode()
    assert response.context["actions"] == []
    assert 'data-testid="read-only"' in content and 'data-testid="answer-form"' in content
    assert "张三" not in content
    # read-only: the transition endpoint refuses
    with assert_unchanged():
        assert post_action(client, referred, "replied", **REPLY).status_code == 403


# --- Queue --------------------------------------------------------------------------------


def test_queue_filters(client, cenv):
    first, _ = cenv["file"]()
    letter, _ = cenv["file"](
        channel="letter",
        category=Category.objects.get(code="unreasonable_fee"),
        address="北京市海淀区中关村大街1号",
        description="物业收取宽带进场费两万元。",
        complainant_phone="13900139000",
    )
    overdue, _ = cenv["file"](
        received_at=timezone.now() - datetime.timedelta(days=30), complainant_phone="13700137000"
    )
    services.complaint_transition(
        actor=cenv["bj"], complaint=first, to="rejected", refusal_reason="out_of_scope"
    )
    services.complaint_assign(actor=cenv["bj"], complaints=[letter], assignee=cenv["bj"])
    client.force_login(cenv["bj"])
    url = reverse("complaints:queue")

    def codes(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {row["complaint"].tracking_code for row in response.context["rows"]}

    everything = {first.tracking_code, letter.tracking_code, overdue.tracking_code}
    assert codes() == everything
    assert codes(state="rejected") == {first.tracking_code}
    assert codes(channel="letter") == {letter.tracking_code}
    assert codes(category="unreasonable_fee") == {letter.tracking_code}
    assert codes(open_only="on") == {letter.tracking_code, overdue.tracking_code}
    assert codes(overdue="on") == {overdue.tracking_code}
    assert codes(due_within="30") == {letter.tracking_code}
    assert codes(mine="on") == {letter.tracking_code}
    page = client.get(url, {"mine": "on"}).content.decode()
    assert 'type="checkbox" name="mine" id="id_mine" checked>' in page
    assert 'type="checkbox" name="overdue" id="id_overdue">' in page
    assert f'href="{url}"' in page  # reset
    assert codes(q=letter.tracking_code) == {letter.tracking_code}
    assert codes(q="中关村") == {letter.tracking_code}
    assert codes(q="进场费") == {letter.tracking_code}
    # a wrong filter is reported and ignored, never a crash
    response = client.get(url, {"state": "bogus", "due_within": "abc"})
    assert 'data-testid="form-errors"' in response.content.decode()
    assert len(response.context["rows"]) == 3
    # the jurisdiction filter is for national users only
    assert "jurisdiction" not in response.context["form"].fields
    client.force_login(cenv["ministry"])
    cenv["file"](address="辽宁省大连市中山区人民路1号", complainant_phone="13600136000")
    assert codes(jurisdiction="110000") == everything
    assert len(codes(jurisdiction="210200")) == 1


def test_queue_shows_deadline_overdue_and_only_a_masked_name(client, cenv):
    complaint, _ = cenv["file"](received_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(cenv["bj"])
    content = client.get(reverse("complaints:queue")).content.decode()
    assert "张*" in content and "张三" not in content and "13800138000" not in content
    assert 'data-testid="overdue"' in content
    Complaint.objects.filter(pk=complaint.pk).update(
        deadline_provisional=True, accept_due_at=timezone.now() + datetime.timedelta(days=3)
    )
    content = client.get(reverse("complaints:queue")).content.decode()
    assert "时限待定" in content and 'data-testid="overdue"' not in content


def test_queue_paginates_by_25(client, cenv):
    for i in range(27):
        cenv["file"](complainant_phone=f"138001{i:05d}")
    client.force_login(cenv["bj"])
    assert len(client.get(reverse("complaints:queue")).context["rows"]) == 25
    assert len(client.get(reverse("complaints:queue"), {"page": 2}).context["rows"]) == 2


def test_bulk_assign(client, cenv):
    a, _ = cenv["file"]()
    b, _ = cenv["file"](complainant_phone="13900139000")
    dalian, _ = cenv["file"](address="辽宁省大连市中山区人民路1号", actor=cenv["dl"])
    client.force_login(cenv["bj"])
    url = reverse("complaints:bulk_assign")
    response = client.post(
        url, {"complaints": [a.pk, b.pk], "assignee": cenv["bj2"].pk}, follow=True
    )
    assert "已将 2 件申诉分派给" in " ".join(messages_of(response))
    assert set(Complaint.objects.filter(assignee=cenv["bj2"]).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    # someone of another organisation, a complaint outside the scope, nothing chosen
    with assert_unchanged():
        response = client.post(url, {"complaints": [a.pk], "assignee": cenv["dl"].pk}, follow=True)
        assert "只能分派给本机构的在岗人员。" in messages_of(response)
        response = client.post(
            url, {"complaints": [dalian.pk], "assignee": cenv["bj2"].pk}, follow=True
        )
        assert "所选申诉不存在或无权办理。" in messages_of(response)
        dalian.refresh_from_db()
        assert dalian.assignee is None
        response = client.post(url, {"assignee": cenv["bj2"].pk}, follow=True)
        assert "请勾选申诉。" in messages_of(response)
    assert AuditEvent.objects.filter(action="complaint.assign").count() == 2


# --- Detail and actions -------------------------------------------------------------------


def test_detail_offers_the_next_allowed_actions(client, cenv):
    complaint, _ = cenv["file"](operator=cenv["telecom"])
    client.force_login(cenv["bj"])
    response = client.get(detail(complaint))
    assert [a["to"] for a in response.context["actions"]] == ["accepted", "rejected", "merged"]
    content = response.content.decode()
    assert f'name="expected_version" value="{complaint.version}"' in content
    # the operator was never asked first: the refusal ground is suggested
    assert "未先向电信企业投诉" in content
    Complaint.objects.filter(pk=complaint.pk).update(state="suspended", suspended_from="handling")
    response = client.get(detail(complaint))
    assert [a["to"] for a in response.context["actions"]] == ["handling"]


def test_the_whole_path_through_the_forms(client, cenv):
    complaint, _ = cenv["file"]()
    client.force_login(cenv["bj"])
    steps = [
        ("accepted", {}),
        ("verifying", {"note": "安排现场核查"}),
        ("handling", {}),
        ("replied", REPLY),
        ("closed", {"satisfaction": "5", "resolved": "yes"}),
    ]
    for to, details in steps:
        response = post_action(client, complaint, to, **details)
        assert response.status_code == 302, (to, response.content.decode()[:2000])
        complaint.refresh_from_db()
        assert complaint.state == to
    assert complaint.satisfaction == 5 and complaint.resolved is True
    response = client.get(detail(complaint))
    content = response.content.decode()
    assert "安排现场核查" in content  # internal note visible to staff
    assert content.count('data-testid="timeline-entry"') == 6
    assert response.context["actions"] == []


def test_reject_suspend_resume_reopen_and_merge(client, cenv):
    client.force_login(cenv["bj"])
    rejected, _ = cenv["file"]()
    assert post_action(client, rejected, "rejected", refusal_reason="too_old").status_code == 302
    rejected.refresh_from_db()
    assert rejected.state == "rejected" and rejected.refusal_reason == "too_old"

    complaint, _ = cenv["file"](complainant_phone="13900139000")
    post_action(client, complaint, "accepted")
    post_action(client, complaint, "handling")
    assert post_action(client, complaint, "suspended", reason="请补充合同").status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "suspended"
    assert "请补充合同" in client.get(detail(complaint)).content.decode()
    assert post_action(client, complaint, "handling").status_code == 302
    post_action(client, complaint, "replied", **REPLY)
    assert post_action(client, complaint, "reopened", reason="申诉人不满意").status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "reopened"

    master, _ = cenv["file"](complainant_phone="13700137000")
    duplicate, _ = cenv["file"](complainant_phone="13600136000")
    with assert_unchanged():
        response = post_action(client, duplicate, "merged", master="TS000")
    assert response.status_code == 400
    assert "找不到该受理编号的申诉。" in response.content.decode()
    response = post_action(client, duplicate, "merged", master=master.tracking_code.lower())
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.state == "merged" and duplicate.merged_into == master


@pytest.mark.parametrize(
    ("to", "details", "field", "message"),
    [
        ("rejected", {}, "refusal_reason", "此项必填。"),
        ("rejected", {"refusal_reason": "because"}, "refusal_reason", "请从列表中选择。"),
        ("merged", {}, "master", "此项必填。"),
    ],
)
def test_missing_or_wrong_details_are_form_errors(client, cenv, to, details, field, message):
    complaint, _ = cenv["file"]()
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = post_action(client, complaint, to, **details)
    assert response.status_code == 400
    form = next(a["form"] for a in response.context["actions"] if a["to"] == to)
    assert message in form.errors[field]
    assert f'data-testid="error-{field}"' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == "submitted"


@pytest.mark.parametrize(
    ("to", "details", "field"),
    [
        ("suspended", {"reason": ""}, "reason"),
        ("replied", {"result": "substantiated", "reply_text": ""}, "reply_text"),
        ("replied", {"result": "", "reply_text": "已处理完毕。"}, "result"),
    ],
)
def test_missing_details_in_handling(client, cenv, to, details, field):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = post_action(client, complaint, to, **details)
    assert response.status_code == 400
    form = next(a["form"] for a in response.context["actions"] if a["to"] == to)
    assert field in form.errors


def test_a_service_validation_error_becomes_a_form_error(client, cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = post_action(client, complaint, "replied", result="partly", reply_text="好")
    assert response.status_code == 400
    form = next(a["form"] for a in response.context["actions"] if a["to"] == "replied")
    assert form.errors["reply_text"] == ["请填写答复内容。"]


def test_a_forged_transition_is_refused_with_a_message(client, cenv):
    complaint, _ = cenv["file"]()
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = client.post(
            transition_url(complaint),
            {"to": "closed", "expected_version": complaint.version, "satisfaction": "5"},
            follow=True,
        )
        assert response.status_code == 200
        assert "当前状态为“已提交”，不能转为“已办结”。" in messages_of(response)
        response = client.post(
            transition_url(complaint), {"to": "flying", "expected_version": "1"}, follow=True
        )
    assert "未知的操作。" in messages_of(response)
    complaint.refresh_from_db()
    assert complaint.state == "submitted"


def test_a_stale_page_is_refused_with_a_message(client, cenv):
    complaint, _ = cenv["file"]()
    stale = complaint.version
    services.complaint_assign(actor=cenv["bj2"], complaints=[complaint], assignee=cenv["bj2"])
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = client.post(
            transition_url(complaint), {"to": "accepted", "expected_version": stale}, follow=True
        )
        assert "该申诉已被他人更新，请刷新页面后再操作。" in messages_of(response)
        response = client.post(transition_url(complaint), {"to": "accepted"}, follow=True)
    assert "页面已过期，请刷新后再操作。" in messages_of(response)
    complaint.refresh_from_db()
    assert complaint.state == "submitted"


def test_users_who_only_view_cannot_act(client, cenv):
    complaint, _ = cenv["file"]()
    client.force_login(cenv["operator"])  # an operator branch, nothing referred
    assert client.get(detail(complaint)).status_code == 404
    with assert_unchanged():
        assert post_action(client, complaint, "accepted").status_code == 404


# --- Personal data ------------------------------------------------------------------------


def test_personal_data_is_masked_until_revealed_and_each_reveal_is_audited(client, cenv):
    complaint, _ = cenv["file"](complainant_address="北京市朝阳区某小区1号")
    client.force_login(cenv["bj"])
    content = client.get(detail(complaint)).content.decode()
    assert "张*" in content and "138****8000" in content
    assert "张三" not in content and "13800138000" not in content
    assert 'data-testid="reveal"' in content
    reveal = reverse("complaints:reveal", args=[complaint.pk])
    for expected in (1, 2):
        response = client.post(reveal)
        content = response.content.decode()
        assert response.status_code == 200
        assert "张三" in content and "13800138000" in content and "某小区1号" in content
        assert AuditEvent.objects.filter(action="complaint.view_personal_data").count() == expected
    assert client.get(reveal).status_code == 405


def test_the_ministry_sees_personal_data_masked_and_nothing_is_audited(client, cenv):
    complaint, _ = cenv["file"]()
    client.force_login(cenv["ministry"])
    content = client.get(detail(complaint)).content.decode()
    assert 'data-testid="reveal"' not in content
    with assert_unchanged():
        response = client.post(reverse("complaints:reveal", args=[complaint.pk]))
    content = response.content.decode()
    assert "张三" not in content and "张*" in content
    assert not AuditEvent.objects.filter(action="complaint.view_personal_data").exists()


def test_description_html_is_escaped(client, cenv):
    complaint, _ = cenv["file"](description='<script>alert("x")</script><b>物业</b>')
    client.force_login(cenv["bj"])
    for url in (detail(complaint), reverse("complaints:queue")):
        content = client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in content
    assert "&lt;script&gt;" in client.get(detail(complaint)).content.decode()


# --- Referral and verification ------------------------------------------------------------


def test_refer_answer_and_verify(client, cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    client.force_login(cenv["bj"])
    response = client.get(detail(complaint))
    choices = dict(response.context["refer_form"].fields["to_organization"].choices)
    assert str(cenv["samr_org"].pk) in choices
    assert all("大连" not in str(label) for label in choices.values())
    refer = reverse("complaints:refer", args=[complaint.pk])
    with assert_unchanged():
        response = client.post(refer, {"to_organization": "", "kind": "refer"})
    assert response.status_code == 400
    assert "to_organization" in response.context["refer_form"].errors
    response = client.post(
        refer,
        {"to_organization": cenv["samr_org"].pk, "kind": "co_handle", "note": "请核查收费"},
        follow=True,
    )
    assert f"已转至 {cenv['samr_org'].name}。" in messages_of(response)
    referral = complaint.referrals.get()

    verify = reverse("complaints:verification_add", args=[complaint.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with assert_unchanged():
        response = client.post(
            verify, {"method": "on_site", "performed_on": tomorrow.isoformat(), "findings": "现场"}
        )
        assert response.status_code == 400
        assert response.context["verify_form"].errors["performed_on"] == ["核查日期不能晚于今天。"]
        response = client.post(
            verify,
            {"method": "bogus", "performed_on": "", "findings": ""},
        )
    assert set(response.context["verify_form"].errors) == {"method", "performed_on", "findings"}
    response = client.post(
        verify,
        {
            "method": "call",
            "performed_on": timezone.localdate().isoformat(),
            "findings": "电话核实物业确未放行",
        },
        follow=True,
    )
    assert "已登记核查记录。" in messages_of(response)
    assert "电话核实物业确未放行" in response.content.decode()

    answer = reverse("complaints:referral_answer", args=[complaint.pk, referral.pk])
    with assert_unchanged():
        assert client.post(answer, {"answer": "已查"}).status_code == 403  # not the referred dept
    client.force_login(cenv["samr"])
    with assert_unchanged():
        response = client.post(answer, {"answer": ""})
    assert response.status_code == 400
    response = client.post(answer, {"answer": "已立案调查收费问题"}, follow=True)
    assert "已提交办理意见。" in messages_of(response)
    assert 'data-testid="answer-form"' not in response.content.decode()
    with assert_unchanged():
        response = client.post(answer, {"answer": "再答一次"}, follow=True)
    assert "该转办已经答复。" in messages_of(response)
    client.force_login(cenv["bj"])
    assert "已立案调查收费问题" in client.get(detail(complaint)).content.decode()


def test_refer_is_refused_before_handling(client, cenv):
    complaint, _ = cenv["file"]()
    client.force_login(cenv["bj"])
    assert client.get(detail(complaint)).context["refer_form"] is None
    with assert_unchanged():
        response = client.post(
            reverse("complaints:refer", args=[complaint.pk]),
            {"to_organization": cenv["samr_org"].pk, "kind": "refer"},
            follow=True,
        )
    assert "只有核查或处理中的申诉可以转办。" in messages_of(response)


# --- Intake -------------------------------------------------------------------------------


def _intake(**overrides):
    now = timezone.localtime() - datetime.timedelta(hours=2)
    data = {
        "channel": "phone",
        "received_at": f"{now:%Y-%m-%dT%H:%M}",
        "category": "entry_blocked",
        "building_code": "",
        "address": "北京市朝阳区建国路88号",
        "description": "物业不让联通进场，只能用代理商宽带。",
        "complainant_name": "李四",
        "complainant_phone": "13900001111",
        "complainant_company": "某某科技有限公司",
        "operator": "",
    }
    data.update(overrides)
    return data


def test_staff_intake_shows_the_codes_once(client, cenv):
    client.force_login(cenv["bj"])
    assert client.get(reverse("complaints:intake")).status_code == 200
    response = client.post(reverse("complaints:intake"), _intake())
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(complaint)
    assert complaint.channel == "phone" and complaint.created_by == cenv["bj"]
    assert complaint.handler.code == "ca-110000"
    received = timezone.localtime(complaint.received_at)
    assert received.date() == (timezone.localtime() - datetime.timedelta(hours=2)).date()
    response = client.get(detail(complaint))
    secret = response.context["receipt"]
    assert secret and codes.check_secret(complaint, secret)
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert complaint.tracking_code in response.content.decode()
    again = client.get(detail(complaint))
    assert again.context["receipt"] is None and secret not in again.content.decode()


def test_intake_of_a_registered_building_by_code(client, cenv):
    building = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号", building_type="office_tower"
    )
    client.force_login(cenv["bj"])
    response = client.post(
        reverse("complaints:intake"),
        _intake(building_code=building.code, address="", operator=str(cenv["telecom"].pk)),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.building == building and complaint.operator == cenv["telecom"]
    content = client.get(detail(complaint)).content.decode()
    assert (
        f"/buildings/{building.pk}/" in content
        and 'data-testid="building-operator-count"' in content
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"received_at": f"{timezone.localtime() + datetime.timedelta(days=1):%Y-%m-%dT%H:%M}"},
            "received_at",
            "收到时间不能晚于当前时间。",
        ),
        ({"address": "火星基地一号"}, "address", "无法从地址识别所在地区"),
        ({"address": ""}, "address", "请选择楼宇或填写楼宇地址。"),
        ({"building_code": "NO-SUCH"}, "building_code", "找不到编码为 NO-SUCH 的楼宇"),
        ({"complainant_phone": "12"}, "complainant_phone", "请填写正确的联系电话"),
        ({"complainant_name": ""}, "complainant_name", "此项必填。"),
        ({"channel": "web"}, "channel", "请从列表中选择。"),
        (
            {"received_at": "yesterday"},
            "received_at",
            "请输入有效的日期和时间，例如 2026-12-03 14:30",
        ),
    ],
)
def test_bad_intake_is_shown_on_the_form(client, cenv, overrides, field, message):
    client.force_login(cenv["bj"])
    with assert_unchanged():
        response = client.post(reverse("complaints:intake"), _intake(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Complaint.objects.exists()


def test_intake_needs_the_add_permission(client, cenv):
    client.force_login(cenv["samr"])
    assert client.get(reverse("complaints:intake")).status_code == 403
    with assert_unchanged():
        assert client.post(reverse("complaints:intake"), _intake()).status_code == 403
    assert not Complaint.objects.exists()


def test_intake_for_another_jurisdiction_shows_the_codes_in_the_queue(client, cenv):
    client.force_login(cenv["bj"])
    response = client.post(
        reverse("complaints:intake"), _intake(address="辽宁省大连市中山区人民路1号"), follow=True
    )
    complaint = Complaint.objects.get()
    assert complaint.handler.code == "ca-210200"
    text = " ".join(messages_of(response))
    assert complaint.tracking_code in text and "查询码" in text


def test_queue_and_api_cap_their_counts(client, cenv, monkeypatch):
    """At millions of complaints the lists stop counting at the cap and say "more than"."""
    from rest_framework.test import APIClient

    from louyu.core import pagination

    cenv["file"]()
    cenv["file"](complainant_phone="13900139000")
    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 1)
    client.force_login(cenv["bj"])
    body = client.get("/complaints/").content.decode()
    assert "超过 1 件申诉符合条件" in body
    api = APIClient()
    api.force_authenticate(cenv["bj"])
    data = api.get("/api/v1/complaints/").json()
    assert data["count"] == 1 and data["count_is_estimate"] is True
    assert len(data["results"]) == 2


def test_an_operator_referred_a_complaint_sees_only_its_own_presence_in_the_building(client, cenv):
    from louyu.core.models import Organization

    building = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号", building_type="office_tower"
    )
    for key in ("telecom", "mobile"):
        building_services.presence_set(
            actor=None,
            building=building,
            operator=Organization.objects.get(code=f"op-{key}"),
            status="serving",
            source="manual",
        )
    complaint, _ = cenv["file"](building=building)
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    services.complaint_refer(
        actor=cenv["bj"],
        complaint=complaint,
        to_organization=Organization.objects.get(code="op-telecom-110000"),
        kind="refer",
    )
    client.force_login(cenv["operator"])
    response = client.get(detail(complaint))
    assert [p.operator.operator_key for p in response.context["presences"]] == ["telecom"]
    assert "中国移动" not in response.content.decode()
    assert 'data-testid="building-operator-count">2<' in response.content.decode()
    client.force_login(cenv["bj"])
    shown = {p.operator.operator_key for p in client.get(detail(complaint)).context["presences"]}
    assert shown == {"telecom", "mobile"}


def test_handling_staff_correct_the_public_text_on_the_detail_page(client, cenv):
    complaint, _ = cenv["file"](description="物业王先生收进场费，电话13912345678。")
    client.force_login(cenv["bj"])
    page = client.get(detail(complaint)).content.decode()
    assert "物业某先生收进场费，电话［电话已隐去］。" in page
    url = reverse("complaints:public_text", args=[complaint.pk])
    response = client.post(url, {"public_description": "物业收取进场费，回电 13912345678。"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.public_description == "物业收取进场费，回电 ［电话已隐去］。"
    assert AuditEvent.objects.filter(action="complaint.public_text").count() == 1
    with assert_unchanged():
        client.post(url, {"public_description": "长" * 5001})
    assert "5000" in client.get(detail(complaint)).content.decode()


def test_others_cannot_change_the_public_text(client, cenv):
    complaint, _ = cenv["file"]()
    url = reverse("complaints:public_text", args=[complaint.pk])
    with assert_unchanged(Complaint, AuditEvent):
        client.force_login(cenv["dl"])
        assert client.post(url, {"public_description": "改"}).status_code == 404
        client.force_login(cenv["operator"])
        assert client.post(url, {"public_description": "改"}).status_code in (403, 404)
        client.logout()
        assert client.post(url, {"public_description": "改"}).status_code == 302


def test_intake_offers_a_calendar_filled_with_the_present_minute(client, cenv):
    client.force_login(cenv["bj"])
    html = client.get(reverse("complaints:intake")).content.decode()
    now = timezone.localtime()
    assert 'data-louyu-date="datetime"' in html
    assert f'value="{now:%Y-%m-%d} ' in html
    assert 'data-louyu-date="date"' in html


def test_intake_reads_a_time_typed_the_chinese_way(client, cenv):
    client.force_login(cenv["bj"])
    earlier = timezone.localtime() - datetime.timedelta(days=2)
    typed = f"{earlier.year}年{earlier.month}月{earlier.day}日 09:05"
    response = client.post(reverse("complaints:intake"), _intake(received_at=typed))
    assert response.status_code == 302
    received = timezone.localtime(Complaint.objects.get().received_at)
    assert (received.date(), received.hour, received.minute) == (earlier.date(), 9, 5)
