"""Practices and meetings in the platform search: a practice's drafts only in its own
jurisdiction and nationally, published ones for every library reader (and no longer once
withdrawn); a meeting for those who see it; both reindexed by their services after commit."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from rest_framework.test import APIClient

from louyu.library.services import meetings, practices
from louyu.library.workflow import AgendaKind, PracticeState
from louyu.search.indexing import reindex
from louyu.search.models import Document
from louyu.search.query import visible_documents

pytestmark = pytest.mark.django_db


def found(user, q, kind=None):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/search/", {"q": q, **({"kind": kind} if kind else {})})
    assert response.status_code == 200, response.content
    return {(hit["kind"], hit["object_id"]) for hit in response.json()["results"]}


def test_a_draft_practice_is_found_only_in_its_jurisdiction_and_nationally(lib):
    draft = lib.practice(title="楼宇光纤入户清单管理", body="## 步骤\n\n- **逐户**登记光纤端口")
    reindex(keys=["practice"])
    hit = {("practice", draft.pk)}
    assert found(lib.bj, "光纤入户") == hit
    assert found(lib.bj, "逐户登记") == hit  # the body's words, not its Markdown
    assert found(lib.bj, "建档") == hit  # a tag
    assert found(lib.ministry, "光纤入户") == hit
    assert found(lib.caict, "端口") == hit
    assert found(lib.dl, "光纤入户") == set()
    assert not visible_documents(user=AnonymousUser()).exists()
    assert APIClient().get("/api/v1/search/", {"q": "光纤入户"}).status_code in (401, 403)


def test_a_published_practice_is_found_everywhere_until_it_is_withdrawn(
    lib, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published = lib.practice(title="物业进场费清退机制", state=PracticeState.PUBLISHED)
    hit = {("practice", published.pk)}
    assert found(lib.dl, "进场费清退") == hit
    with django_capture_on_commit_callbacks(execute=True):
        practices.practice_transition(
            actor=lib.bj_admin, practice=published, to=PracticeState.DRAFT, reason="数据需要核实"
        )
    assert found(lib.dl, "进场费清退") == set()
    assert found(lib.bj, "进场费清退") == hit
    row = Document.objects.get(kind="practice", object_id=published.pk)
    assert row.jurisdiction_id == lib.beijing.pk


def test_written_and_edited_practices_are_indexed_after_commit(
    lib, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        practice = lib.practice(title="楼宇宽带资费公示")
    assert found(lib.bj, "资费公示") == {("practice", practice.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        practices.practice_update(
            actor=lib.bj, practice=practice, summary="在大堂张贴运营商资费标准。", tags=["公示牌"]
        )
    assert found(lib.bj, "张贴 资费标准") == {("practice", practice.pk)}
    assert found(lib.bj, "公示牌") == {("practice", practice.pk)}


def test_meetings_are_found_by_those_who_see_them(lib, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = lib.meeting(participants=[lib.ca_bj], minutes="会议要求推广一楼一档做法。")
    hit = {("meeting", meeting.pk)}
    assert found(lib.ministry, "一楼一档") == hit
    assert found(lib.bj, "推广 做法", kind="meeting") == hit
    assert found(lib.dl, "一楼一档") == set()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.agenda_item_add(
            actor=lib.ministry, meeting=meeting, kind=AgendaKind.OTHER, title="光纤到户验收标准解读"
        )
    assert found(lib.bj, "验收标准") == hit
    with django_capture_on_commit_callbacks(execute=True):
        meetings.meeting_update(actor=lib.ministry, meeting=meeting, participants=[lib.ca_dl])
    assert found(lib.dl, "验收标准") == hit
    assert found(lib.bj, "验收标准") == set()


def test_reindex_command_rebuilds_the_practices(lib):
    practice = lib.practice(title="楼宇接入协议备案")
    out = io.StringIO()
    call_command("search_reindex", "--kind", "practice", stdout=out)
    assert out.getvalue().split() == ["practice:", "1"]
    assert found(lib.bj, "协议备案") == {("practice", practice.pk)}


def test_the_search_page_filters_by_the_new_kinds(client, lib):
    practice = lib.practice(title="楼宇宽带交流经验汇编")
    meeting = lib.meeting(title="楼宇宽带交流座谈会")
    reindex(keys=["practice", "meeting"])
    client.force_login(lib.ministry)
    page = client.get("/search/", {"q": "楼宇宽带 交流", "kind": "practice"}).content.decode()
    for key in ("practice", "meeting", "article"):
        assert f'value="{key}"' in page
    assert f"/library/practices/{practice.pk}/" in page
    assert f"/library/meetings/{meeting.pk}/" not in page
    page = client.get("/search/", {"q": "楼宇宽带 交流", "kind": "meeting"}).content.decode()
    assert f"/library/meetings/{meeting.pk}/" in page
    assert f"/library/practices/{practice.pk}/" not in page
