import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from louyu.core.errors import Conflict, InvalidTransition
from louyu.core.models import AuditEvent, WorkItem, WorkItemState
from louyu.core.services import work_item_complete
from louyu.core.tests.unchanged import assert_unchanged
from louyu.core.uploads import check_upload
from louyu.library import selectors
from louyu.library.models import Practice, PracticeStatusChange
from louyu.library.services import meetings, practices
from louyu.library.tests.conftest import docx_bytes, upload
from louyu.library.workflow import ActionState, PracticeState

pytestmark = pytest.mark.django_db


def test_practice_goes_draft_reviewed_published_with_history_and_audit(lib):
    practice = lib.practice()
    assert practice.state == PracticeState.DRAFT
    assert sorted(t.name for t in practice.tags.all()) == ["建档", "核查"]
    practices.practice_transition(actor=lib.bj_admin, practice=practice, to="reviewed")
    practices.practice_transition(actor=lib.ministry, practice=practice, to="published")
    practice.refresh_from_db()
    assert practice.state == PracticeState.PUBLISHED and practice.published_at
    assert list(
        PracticeStatusChange.objects.filter(practice=practice).values_list("to_state", flat=True)
    ) == ["draft", "reviewed", "published"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"practice.create", "practice.reviewed", "practice.published"} <= actions


@pytest.mark.parametrize(
    ("state", "to"),
    [("draft", "published"), ("published", "reviewed"), ("draft", "draft"), ("draft", "nope")],
)
def test_invalid_transitions_change_nothing(lib, state, to):
    practice = lib.practice(state=state)
    actor = lib.ministry
    with assert_unchanged(), pytest.raises(InvalidTransition):
        practices.practice_transition(actor=actor, practice=practice, to=to)


def test_who_may_review_and_publish(lib):
    practice = lib.practice()
    with assert_unchanged():
        with pytest.raises(PermissionDenied):  # staff, not reviewer
            practices.practice_transition(actor=lib.bj, practice=practice, to="reviewed")
        with pytest.raises(PermissionDenied):  # another jurisdiction's reviewer
            practices.practice_transition(actor=lib.dl_admin, practice=practice, to="reviewed")
    practices.practice_transition(actor=lib.bj_admin, practice=practice, to="reviewed")
    with pytest.raises(PermissionDenied):  # only the ministry publishes
        practices.practice_transition(actor=lib.bj_admin, practice=practice, to="published")


def test_sending_back_needs_a_reason(lib):
    practice = lib.practice(state="reviewed")
    with assert_unchanged(), pytest.raises(ValidationError) as exc:
        practices.practice_transition(actor=lib.bj_admin, practice=practice, to="draft")
    assert "reason" in exc.value.message_dict
    practices.practice_transition(
        actor=lib.bj_admin, practice=practice, to="draft", reason="请补充数据"
    )
    assert practice.state == "draft"


def test_draft_is_seen_only_by_its_jurisdiction_published_by_all(lib):
    practice = lib.practice()
    assert selectors.practice_list(user=lib.bj).filter(pk=practice.pk).exists()
    assert selectors.practice_list(user=lib.caict).filter(pk=practice.pk).exists()
    assert not selectors.practice_list(user=lib.dl).filter(pk=practice.pk).exists()
    with pytest.raises(Practice.DoesNotExist):
        selectors.practice_get(user=lib.dl, pk=practice.pk)
    published = lib.practice(state="published", title="已发布做法")
    assert selectors.practice_get(user=lib.dl, pk=published.pk)


def test_bad_input_is_refused_with_field_messages(lib):
    with assert_unchanged(), pytest.raises(ValidationError) as exc:
        practices.practice_create(
            actor=lib.bj,
            jurisdiction=lib.beijing,
            title=" ",
            summary="",
            metrics=["no_such_metric"],
            tags=["x" * 40],
        )
    assert set(exc.value.message_dict) == {"title", "summary", "metrics", "tags"}
    with assert_unchanged(), pytest.raises(PermissionDenied):
        practices.practice_create(
            actor=lib.bj, jurisdiction=lib.dalian, title="越权撰写", summary="不允许"
        )


def test_only_a_draft_is_edited(lib):
    practice = lib.practice()
    practices.practice_update(actor=lib.bj, practice=practice, title="新标题", tags=["新"])
    assert practice.title == "新标题" and [t.name for t in practice.tags.all()] == ["新"]
    published = lib.practice(state="published")
    with assert_unchanged(), pytest.raises(InvalidTransition):
        practices.practice_update(actor=lib.bj, practice=published, title="改不了")


def test_attachments_are_checked_by_content(lib):
    pdf = check_upload(upload("方案.pdf", b"%PDF-1.7\n%%EOF\n"), documents=True)
    docx = check_upload(upload("说明.docx", docx_bytes()), documents=True)
    practice = lib.practice(attachments=[pdf, docx])
    assert sorted(a.content_type for a in practice.attachments.all()) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    for name, content in (
        ("假的.pdf", b"<html>not a pdf</html>"),
        ("宏.docx", docx_bytes(macros=True)),
        ("zip.docx", b"PK\x03\x04garbage"),
        ("exe.png", b"MZ\x90\x00"),
    ):
        with pytest.raises(ValidationError) as exc:
            check_upload(upload(name, content), documents=True)
        assert name in exc.value.messages[0]


def test_adoption_rules(lib):
    draft = lib.practice()
    with pytest.raises(InvalidTransition):
        practices.practice_adopt(actor=lib.dl, practice=draft, what="借鉴建档")
    published = lib.practice(state="published")
    with assert_unchanged():
        with pytest.raises(PermissionDenied):
            practices.practice_adopt(actor=lib.bj, practice=published, what="自己的做法")
        with pytest.raises(ValidationError):
            practices.practice_adopt(actor=lib.dl, practice=published, what="")
    adoption = practices.practice_adopt(actor=lib.dl, practice=published, what="借鉴建档做法")
    assert adoption.organization == lib.ca_dl and adoption.jurisdiction == lib.dalian
    with pytest.raises(Conflict):
        practices.practice_adopt(actor=lib.dl_admin, practice=published, what="再借鉴一次")


def test_comment(lib):
    practice = lib.practice(state="published")
    comment = practices.practice_comment(actor=lib.dl, practice=practice, text="很有参考价值")
    assert comment.organization == lib.ca_dl
    with pytest.raises(ValidationError):
        practices.practice_comment(actor=lib.dl, practice=practice, text=" ")


def test_trends_read_reporting_figures_around_the_start(lib):
    practice = lib.practice(started_on=lib.today.replace(day=1) - datetime.timedelta(days=40))
    trends = selectors.practice_trends(user=lib.dl, practice=practice)
    assert [t.metric.code for t in trends] == ["multi_operator_share"]
    points = trends[0].points
    assert any(p.after for p in points) and any(not p.after for p in points)
    assert selectors.practice_trends(user=lib.caict, practice=practice)


def test_action_item_is_a_work_item_closed_by_the_response(lib):
    meeting = lib.meeting()
    item = lib.action(meeting)
    work = WorkItem.objects.get(object_id=str(item.pk), kind="meeting_action")
    assert work.assignee_organization == lib.ca_dl and work.due_at is not None
    assert work.link == f"/library/actions/{item.pk}/"
    # The inbox cannot tick it off: only the response closes it.
    with pytest.raises(InvalidTransition):
        work_item_complete(actor=lib.dl, item=work)
    evidence = check_upload(upload("落实.pdf", b"%PDF-1.7\n%%EOF\n"), documents=True)
    meetings.action_item_transition(
        actor=lib.dl, item=item, to="done", response="已建立档案", evidence=evidence
    )
    item.refresh_from_db()
    work.refresh_from_db()
    assert item.state == ActionState.DONE and item.evidence_name == "落实.pdf"
    assert work.state == WorkItemState.DONE
    overview = selectors.acted_overview(selectors.meeting_get(user=lib.ministry, pk=meeting.pk))
    assert [(r.organization.code, r.acted) for r in overview] == [("ca-210200", True)]


def test_action_item_response_rules(lib):
    meeting = lib.meeting()
    item = lib.action(meeting)
    with assert_unchanged():
        with pytest.raises(PermissionDenied):  # not the assigned organisation
            meetings.action_item_transition(actor=lib.bj, item=item, to="done", response="代答")
        with pytest.raises(ValidationError) as exc:
            meetings.action_item_transition(actor=lib.dl, item=item, to="done", response="")
        assert "response" in exc.value.message_dict
    meetings.action_item_transition(actor=lib.dl, item=item, to="done", response="已落实")
    with pytest.raises(InvalidTransition):
        meetings.action_item_transition(actor=lib.dl, item=item, to="done", response="再次")


def test_action_item_needs_a_participant_and_a_future_date(lib):
    meeting = lib.meeting(participants=[lib.ca_bj])
    with assert_unchanged(), pytest.raises(ValidationError) as exc:
        lib.action(meeting, assignee=lib.ca_dl, due_date=lib.today - datetime.timedelta(days=1))
    assert set(exc.value.message_dict) == {"assignee", "due_date"}
    with pytest.raises(PermissionDenied):
        meetings.action_item_add(
            actor=lib.bj, meeting=meeting, requirement="越权", assignee=lib.ca_bj,
            due_date=lib.today,
        )  # fmt: skip


def test_meeting_scope_and_agenda(lib):
    meeting = lib.meeting(participants=[lib.ca_bj])
    assert selectors.meeting_list(user=lib.bj).filter(pk=meeting.pk).exists()
    assert not selectors.meeting_list(user=lib.dl).filter(pk=meeting.pk).exists()
    practice = lib.practice(state="published")
    meetings.agenda_item_add(
        actor=lib.ministry, meeting=meeting, kind="practice", title="北京经验",
        presenter=lib.ca_bj, practice=practice,
    )  # fmt: skip
    meetings.agenda_item_add(
        actor=lib.ministry, meeting=meeting, kind="plan", title="下一阶段联合检查工作方案",
        presenter=lib.caict_org,
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        meetings.agenda_item_add(
            actor=lib.ministry, meeting=meeting, kind="plan", title="", practice=practice
        )
    assert set(exc.value.message_dict) == {"title", "practice", "presenter"}
    assert [a.title for a in meeting.agenda.all()] == ["北京经验", "下一阶段联合检查工作方案"]


def test_action_items_are_reminded_before_and_after_their_due_date(lib):
    from louyu.core.models import Notification
    from louyu.core.services import send_due_reminders

    item = lib.action(lib.meeting(), due_date=lib.today + datetime.timedelta(days=2))
    work = WorkItem.objects.get(object_id=str(item.pk), kind="meeting_action")
    sent = send_due_reminders(
        now=work.due_at - datetime.timedelta(days=1), lead=datetime.timedelta(days=3)
    )
    assert sent["due_soon"] == 1
    sent = send_due_reminders(
        now=work.due_at + datetime.timedelta(hours=1), lead=datetime.timedelta(days=3)
    )
    assert sent["overdue"] == 1
    titles = list(Notification.objects.filter(recipient=lib.dl).values_list("title", flat=True))
    assert any(t.startswith("即将到期：会议要求落实") for t in titles)
    assert any(t.startswith("已超期：会议要求落实") for t in titles)
