import datetime

import pytest
from rest_framework.test import APIClient

from louyu.core.tests.unchanged import assert_unchanged
from louyu.library.tests.conftest import docx_bytes, upload

pytestmark = pytest.mark.django_db
PRACTICES = "/api/v1/practices/"
MEETINGS = "/api/v1/meetings/"
ACTIONS = "/api/v1/action-items/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_anonymous_gets_nothing(lib):
    practice = lib.practice(state="published")
    meeting = lib.meeting()
    item = lib.action(meeting)
    for url in (
        PRACTICES,
        f"{PRACTICES}{practice.pk}/",
        MEETINGS,
        f"{MEETINGS}{meeting.pk}/",
        ACTIONS,
        f"{ACTIONS}{item.pk}/",
    ):
        assert client_for().get(url).status_code == 401
    with assert_unchanged():
        assert client_for().post(f"{ACTIONS}{item.pk}/transition/", {}).status_code == 401


def test_other_jurisdictions_draft_and_meeting_are_404(lib):
    draft = lib.practice()
    meeting = lib.meeting(participants=[lib.ca_bj])
    item = lib.action(meeting, assignee=lib.ca_bj)
    client = client_for(lib.dl)
    assert client.get(PRACTICES).json()["count"] == 0
    assert client.get(f"{PRACTICES}{draft.pk}/").status_code == 404
    with assert_unchanged():
        for url, data in (
            (f"{PRACTICES}{draft.pk}/transition/", {"to": "reviewed"}),
            (f"{PRACTICES}{draft.pk}/comments/", {"text": "看不到"}),
            (f"{PRACTICES}{draft.pk}/adoptions/", {"what": "看不到"}),
            (f"{ACTIONS}{item.pk}/transition/", {"to": "done", "response": "x"}),
        ):
            assert client.post(url, data, format="json").status_code == 404
    assert client.get(f"{MEETINGS}{meeting.pk}/").status_code == 404
    assert client.get(MEETINGS).json()["count"] == 0
    assert client.get(ACTIONS).json()["count"] == 0


def test_create_and_transition_codes(lib):
    client = client_for(lib.bj)
    response = client.post(
        PRACTICES,
        {
            "title": "楼宇宽带建档",
            "summary": "按月核查",
            "body": '<a href="javascript:alert(1)" onclick="x()">x</a> **要点**',
            "tags": ["建档"],
            "metrics": ["multi_operator_share"],
            "attachments": [upload("说明.docx", docx_bytes())],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft" and data["jurisdiction"] == "110000"
    assert '<a href="javascript:' not in data["body_html"] and "<a " not in data["body_html"]
    assert "&lt;a href=" in data["body_html"]  # raw HTML is shown as text
    assert "<strong>要点</strong>" in data["body_html"]
    assert data["attachments"][0]["name"] == "说明.docx"
    pk = data["id"]
    url = f"{PRACTICES}{pk}/transition/"
    with assert_unchanged():
        assert (
            client_for(lib.ministry).post(url, {"to": "published"}, format="json").status_code
            == 409
        )
        assert client.post(url, {"to": "reviewed"}, format="json").status_code == 403
        assert client.post(url, {"to": "bogus"}, format="json").status_code == 400
    admin = client_for(lib.bj_admin)
    assert admin.post(url, {"to": "reviewed"}, format="json").json()["state"] == "reviewed"
    with assert_unchanged():
        response = admin.post(url, {"to": "draft"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    published = client_for(lib.ministry).post(url, {"to": "published"}, format="json").json()
    assert published["state"] == "published"
    dl = client_for(lib.dl)
    assert dl.get(f"{PRACTICES}{pk}/").status_code == 200
    adoption = dl.post(f"{PRACTICES}{pk}/adoptions/", {"what": "借鉴建档"}, format="json")
    assert adoption.status_code == 201 and adoption.json()["organization"] == "ca-210200"
    again = dl.post(f"{PRACTICES}{pk}/adoptions/", {"what": "再次"}, format="json")
    assert again.status_code == 409
    assert (
        client.post(f"{PRACTICES}{pk}/adoptions/", {"what": "自己"}, format="json").status_code
        == 403
    )
    assert dl.post(f"{PRACTICES}{pk}/comments/", {"text": "好"}, format="json").status_code == 400
    assert dl.post(f"{PRACTICES}{pk}/comments/", {"text": "很好"}, format="json").status_code == 201


def test_create_refuses_bad_attachments_and_jurisdiction(lib):
    client = client_for(lib.bj)
    with assert_unchanged():
        response = client.post(
            PRACTICES,
            {"title": "标题", "summary": "摘要", "attachments": [upload("a.pdf", b"GIF89a")]},
            format="multipart",
        )
        assert response.status_code == 400 and "attachments" in response.json()
        response = client.post(
            PRACTICES, {"title": "标题", "summary": "摘要", "jurisdiction": "210200"}, format="json"
        )
        assert response.status_code == 400 and "jurisdiction" in response.json()
        assert (
            client_for(lib.caict)
            .post(PRACTICES, {"title": "标题", "summary": "摘要"}, format="json")
            .status_code
            == 403
        )


def test_action_item_transition(lib):
    meeting = lib.meeting()
    item = lib.action(meeting)
    url = f"{ACTIONS}{item.pk}/transition/"
    detail = client_for(lib.ministry).get(f"{MEETINGS}{meeting.pk}/").json()
    assert detail["action_items"][0]["assignee"] == "ca-210200"
    with assert_unchanged():
        # 北京 attended: it sees the item but is not assigned to it.
        assert client_for(lib.bj).post(url, {"to": "done", "response": "代答"}).status_code == 403
        assert client_for(lib.dl).post(url, {"to": "done"}).status_code == 400
        response = client_for(lib.dl).post(
            url,
            {
                "to": "done",
                "response": "已落实",
                "evidence": upload("x.docx", docx_bytes(macros=True)),
            },
            format="multipart",
        )
        assert response.status_code == 400 and "evidence" in response.json()
    response = client_for(lib.dl).post(
        url,
        {"to": "done", "response": "已落实", "evidence": upload("x.pdf", b"%PDF-1.4\n%%EOF")},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["state"] == "done"
    assert response.json()["has_evidence"] is True
    again = client_for(lib.dl).post(url, {"to": "done", "response": "再次"}, format="json")
    assert again.status_code == 409


def test_patch_a_draft(lib):
    practice = lib.practice()
    url = f"{PRACTICES}{practice.pk}/"
    response = client_for(lib.bj).patch(url, {"title": "新标题", "tags": ["新"]}, format="json")
    assert response.status_code == 200 and response.json()["tags"] == ["新"]
    with assert_unchanged():
        assert client_for(lib.dl).patch(url, {"title": "越权"}, format="json").status_code == 404
        assert client_for().patch(url, {"title": "匿名"}, format="json").status_code == 401
        bad = client_for(lib.bj).patch(url, {"metrics": ["nope"]}, format="json")
        assert bad.status_code == 400 and "metrics" in bad.json()
    published = lib.practice(state="published")
    with assert_unchanged():
        response = client_for(lib.bj).patch(
            f"{PRACTICES}{published.pk}/", {"title": "已发布"}, format="json"
        )
    assert response.status_code == 409


def test_record_a_meeting_agenda_and_action_items(lib):
    ministry = client_for(lib.ministry)
    body = {
        "title": "经验交流会",
        "date": str(lib.today),
        "kind": "on_site",
        "participants": ["ca-110000", "ca-210200", "caict"],
    }
    with assert_unchanged():
        assert client_for(lib.bj).post(MEETINGS, body, format="json").status_code == 403
        assert client_for().post(MEETINGS, body, format="json").status_code == 401
        bad = ministry.post(MEETINGS, {**body, "participants": ["nobody"]}, format="json")
        assert bad.status_code == 400 and "participants" in bad.json()
    response = ministry.post(MEETINGS, body, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    practice = lib.practice(state="published")
    agenda = ministry.post(
        f"{MEETINGS}{pk}/agenda/",
        {
            "kind": "practice",
            "title": "北京经验",
            "presenter": "ca-110000",
            "practice": practice.pk,
        },
        format="json",
    )
    assert agenda.status_code == 201 and agenda.json()["agenda"][0]["practice"] == practice.pk
    plan = ministry.post(
        f"{MEETINGS}{pk}/agenda/",
        {"kind": "plan", "title": "下一阶段联合检查工作方案", "presenter": "caict"},
        format="json",
    )
    assert plan.status_code == 201
    due = str(lib.today + datetime.timedelta(days=9))
    with assert_unchanged():
        response = ministry.post(
            f"{MEETINGS}{pk}/action-items/",
            {"requirement": "落实", "assignee": "ca-110000", "due_date": "2020-01-01"},
            format="json",
        )
        assert response.status_code == 400 and "due_date" in response.json()
        response = client_for(lib.bj).post(
            f"{MEETINGS}{pk}/action-items/",
            {"requirement": "落实", "assignee": "ca-110000", "due_date": due},
            format="json",
        )
        assert response.status_code == 403
    response = ministry.post(
        f"{MEETINGS}{pk}/action-items/",
        {"requirement": "报送整改措施", "assignee": "ca-210200", "due_date": due},
        format="json",
    )
    assert response.status_code == 201 and response.json()["allowed_transitions"] == []
    mine = client_for(lib.dl).get(ACTIONS).json()
    assert mine["count"] == 1 and mine["results"][0]["allowed_transitions"] == ["done"]
