import datetime

import pytest
from django.test import Client

from louyu.core.tests.unchanged import assert_unchanged
from louyu.core.uploads import check_upload
from louyu.library.models import ActionItem, Practice
from louyu.library.tests.conftest import docx_bytes, upload

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_is_sent_to_login(lib):
    practice = lib.practice(state="published")
    meeting = lib.meeting()
    item = lib.action(meeting)
    for url in (
        "/library/",
        f"/library/practices/{practice.pk}/",
        "/library/meetings/",
        f"/library/meetings/{meeting.pk}/",
        f"/library/actions/{item.pk}/",
    ):
        response = client_for().get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_another_jurisdictions_draft_is_404(lib):
    practice = lib.practice()
    client = client_for(lib.dl)
    for url in ("", "edit/", "transition/", "comments/", "adopt/"):
        method = client.get if url in ("", "edit/") else client.post
        assert method(f"/library/practices/{practice.pk}/{url}").status_code == 404
    list_page = client.get("/library/").content.decode()
    assert practice.title not in list_page
    pdf = check_upload(upload("a.pdf", b"%PDF-1.7\n%%EOF\n"), documents=True)
    attachment_practice = lib.practice(attachments=[pdf])
    attachment = attachment_practice.attachments.get()
    assert client.get(f"/library/attachments/{attachment.pk}/").status_code == 404
    assert client_for(lib.bj).get(f"/library/attachments/{attachment.pk}/").status_code == 200


def test_write_a_practice_with_attachments_and_hostile_markdown(lib):
    client = client_for(lib.bj)
    assert client.get("/library/practices/new/").status_code == 200
    body = (
        "## 做法\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n"
        "[点我](javascript:alert(1)) [官网](https://www.miit.gov.cn)"
    )
    response = client.post(
        "/library/practices/new/",
        {
            "title": "楼宇宽带建档",
            "summary": "按月核查。",
            "body": body,
            "tags": "建档，核查",
            "metrics": ["multi_operator_share"],
            "started_on": "2026-01-01",
            "attachments": [upload("说明.docx", docx_bytes())],
        },
    )
    assert response.status_code == 302
    practice = Practice.objects.get(title="楼宇宽带建档")
    assert practice.jurisdiction == lib.beijing and practice.attachments.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "<img" not in page  # raw HTML is only text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page
    assert '<a href="https://www.miit.gov.cn" rel="noopener noreferrer nofollow">' in page
    assert "&lt;script&gt;" in page


def test_bad_practice_input_changes_nothing(lib):
    client = client_for(lib.bj)
    with assert_unchanged():
        response = client.post(
            "/library/practices/new/",
            {
                "title": "伪装附件",
                "summary": "摘要",
                "attachments": [upload("方案.pdf", b"<html><script>x</script></html>")],
            },
        )
    assert response.status_code == 200
    assert "方案.pdf" in response.content.decode()
    with assert_unchanged():
        response = client.post(
            "/library/practices/new/", {"title": "x", "summary": "摘要", "metrics": ["bad"]}
        )
    assert "请填写标题" in response.content.decode() or "标题" in response.content.decode()


def test_transitions_comments_and_adoption_through_pages(lib):
    practice = lib.practice()
    admin, staff, dl = client_for(lib.bj_admin), client_for(lib.bj), client_for(lib.dl)
    admin.post(f"/library/practices/{practice.pk}/transition/", {"to": "reviewed"})
    practice.refresh_from_db()
    assert practice.state == "reviewed"
    with assert_unchanged():  # staff may not publish
        staff.post(f"/library/practices/{practice.pk}/transition/", {"to": "published"})
    with assert_unchanged():  # sending back without a reason
        response = admin.post(f"/library/practices/{practice.pk}/transition/", {"to": "draft"})
    assert response.status_code == 400 and "请说明退回或撤回的理由" in response.content.decode()
    client_for(lib.ministry).post(
        f"/library/practices/{practice.pk}/transition/", {"to": "published"}
    )
    page = dl.get(f"/library/practices/{practice.pk}/").content.decode()
    assert 'data-testid="form-adopt"' in page
    with assert_unchanged():
        response = dl.post(f"/library/practices/{practice.pk}/adopt/", {"what": ""})
    assert response.status_code == 400
    dl.post(f"/library/practices/{practice.pk}/adopt/", {"what": "借鉴建档做法"})
    dl.post(f"/library/practices/{practice.pk}/comments/", {"text": "很好"})
    page = dl.get(f"/library/practices/{practice.pk}/").content.decode()
    assert "借鉴建档做法" in page and "很好" in page and 'data-testid="form-adopt"' not in page


def test_meeting_pages_and_response(lib):
    ministry = client_for(lib.ministry)
    response = ministry.post(
        "/library/meetings/new/",
        {
            "title": "经验交流会",
            "date": "2026-11-20",
            "kind": "on_site",
            "participants": [str(lib.ca_bj.pk), str(lib.ca_dl.pk)],
        },
    )
    assert response.status_code == 302
    meeting_url = response["Location"]
    pk = int(meeting_url.rstrip("/").rsplit("/", 1)[1])
    due = (lib.today + datetime.timedelta(days=10)).isoformat()
    with assert_unchanged():
        response = ministry.post(
            f"/library/meetings/{pk}/actions/",
            {"requirement": "落实", "assignee": str(lib.caict_org.pk), "due_date": due},
        )
    assert response.status_code == 400
    ministry.post(
        f"/library/meetings/{pk}/actions/",
        {"requirement": "建立楼宇档案", "assignee": str(lib.ca_dl.pk), "due_date": due},
    )
    item = ActionItem.objects.get(meeting_id=pk)
    bj, dl = client_for(lib.bj), client_for(lib.dl)
    assert dl.get(f"/library/meetings/{pk}/").status_code == 200
    assert client_for(lib.caict).get(f"/library/meetings/{pk}/").status_code == 200
    # 北京 attended but is not assigned: sees it, may not respond.
    with assert_unchanged():
        response = bj.post(f"/library/actions/{item.pk}/transition/", {"response": "代为答复"})
    assert response.status_code == 403
    with assert_unchanged():
        response = dl.post(
            f"/library/actions/{item.pk}/transition/",
            {"response": "已建档", "evidence": upload("证明.pdf", b"not a pdf")},
        )
    assert response.status_code == 400 and "证明.pdf" in response.content.decode()
    response = client_for(lib.dl).post(
        f"/library/actions/{item.pk}/transition/",
        {"response": "已建档", "evidence": upload("证明.pdf", b"%PDF-1.7\n%%EOF\n")},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "done"
    assert client_for(lib.dl).get(f"/library/actions/{item.pk}/evidence/").status_code == 200


def test_meeting_of_others_is_404(lib):
    meeting = lib.meeting(participants=[lib.ca_bj])
    item = lib.action(meeting, assignee=lib.ca_bj)
    client = client_for(lib.dl)
    assert client.get(f"/library/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/library/actions/{item.pk}/").status_code == 404
    assert client.post(f"/library/actions/{item.pk}/transition/", {}).status_code == 404
    assert client.post(f"/library/meetings/{meeting.pk}/actions/", {}).status_code == 404


def test_edit_a_draft_and_a_meeting(lib):
    practice = lib.practice()
    client = client_for(lib.bj)
    url = f"/library/practices/{practice.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "修改后的标题", "summary": "新摘要", "tags": "甲, 乙", "body": "正文"}
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "修改后的标题" and practice.version == 2
    with assert_unchanged():
        response = client.post(url, {"title": "", "summary": "新摘要"})
    assert response.status_code == 200 and "error-title" in response.content.decode()
    assert client_for(lib.caict).get(url).status_code == 403  # sees it, may not edit
    meeting = lib.meeting()
    ministry = client_for(lib.ministry)
    edit = f"/library/meetings/{meeting.pk}/edit/"
    assert ministry.get(edit).status_code == 200
    response = ministry.post(
        edit,
        {
            "title": "改名的交流会",
            "date": str(lib.today),
            "kind": "video",
            "minutes": "纪要",
            "participants": [str(lib.ca_bj.pk)],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "改名的交流会" and list(meeting.participants.all()) == [lib.ca_bj]
    assert client_for(lib.bj).get(edit).status_code == 403


def test_an_invalid_transition_is_a_message_and_changes_nothing(lib):
    practice = lib.practice()
    ministry = client_for(lib.ministry)
    with assert_unchanged():
        response = ministry.post(
            f"/library/practices/{practice.pk}/transition/", {"to": "published"}, follow=True
        )
    assert "当前状态为“草稿”，不能转为“已发布”" in response.content.decode()
    with assert_unchanged():
        response = ministry.post(
            f"/library/practices/{practice.pk}/transition/", {"to": "nonsense"}, follow=True
        )
    assert "无效的操作" in response.content.decode()
