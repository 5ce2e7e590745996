"""Evidence rules, team progress, re-inspections scheduled from the board, and the
inspection report of one building (service, web page and API)."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from louyu.core.audit import AuditEvent
from louyu.core.errors import InvalidTransition
from louyu.core.models import WorkItem
from louyu.inspections import selectors, services
from louyu.inspections.models import Assignment
from louyu.inspections.tests.conftest import nothing_changes
from louyu.inspections.tests.records_fixtures import (
    PASSING,
    api_for,
    client_for,
    jpeg,
    running,
    submit,
)

__all__ = ["running"]
FAILING = {**PASSING, "exclusive_deal": "yes"}
EXCLUSIVE = "物业或代理商是否与单一运营商/代理商存在排他协议或安排"


def board(env):
    return f"/inspections/plans/{env.plan_obj.pk}/"


# --- Evidence ------------------------------------------------------------------------------


def test_answers_without_the_required_photos_are_refused_naming_each_item(running):
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        submit(running, evidence=False)
    assert exc.value.message_dict["photos"] == [
        "检查项“实际在楼内提供服务的基础电信企业”须上传现场照片。",
        "检查项“楼内主流商务宽带月资费（元，100M）”须上传书面材料照片。",
        "检查项“楼内是否公示服务项目、资费标准、服务热线和12315投诉电话”须上传现场照片。",
        "检查项“楼内管道、竖井、设备间是否向所有运营商公平开放”须上传现场照片。",
    ]


def test_photo_on_fail_is_needed_only_when_the_item_fails(running):
    always = ["operators_serving", "monthly_price", "notice_posted", "facilities_open"]
    photos = [(code, jpeg()) for code in always]
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        submit(running, answers=FAILING, photos=photos, evidence=False)
    assert exc.value.message_dict["photos"] == [f"检查项“{EXCLUSIVE}”不合格，须上传现场照片。"]
    photos = [(code, jpeg()) for code in always]
    inspection, created = submit(running, photos=photos, evidence=False)
    assert created and inspection.photos.count() == 4


def test_could_not_inspect_takes_a_note_instead_of_a_photo(running):
    inspection, _ = submit(
        running,
        answers={},
        outcome="could_not_inspect",
        not_inspected_reason="closed",
        note="楼宇整体装修停用",
    )
    assert inspection.outcome == "could_not_inspect" and not inspection.photos.exists()


def test_web_and_api_refuse_missing_evidence_and_the_page_shows_the_rule(running):
    url = f"/inspections/assignments/{running.assignment.pk}/"
    client = client_for(running.samr)
    page = client.get(url).content.decode()
    assert page.count('data-testid="evidence-required"') == 4
    assert page.count('data-testid="evidence-on-fail"') == 3
    data = {"submission_key": str(uuid.uuid4()), "outcome": "inspected"}
    data.update({f"answer_{code}": value for code, value in PASSING.items()})
    with nothing_changes():
        response = client.post(url + "inspection/", data, headers={"X-Requested-With": "fetch"})
        api = api_for(running.samr).post(
            "/api/v1/inspections/",
            {
                "assignment": running.assignment.pk,
                "submission_key": str(uuid.uuid4()),
                "answers": PASSING,
            },
            format="json",
        )
    assert response.status_code == 400
    assert "检查项“实际在楼内提供服务的基础电信企业”须上传现场照片。" in response.json()["errors"]
    assert api.status_code == 400
    assert "须上传书面材料照片" in api.content.decode()


# --- Team progress -------------------------------------------------------------------------


def _second_team(env):
    team = services.team_create(actor=env.bj, plan=env.plan_obj, name="第二组", members=[env.bj])
    other = env.plan_obj.sample.exclude(building=env.target).get()
    assignment = services.assignment_create(
        actor=env.bj, team=team, sampled=other, scheduled_on=env.today
    )
    return team, assignment


def test_team_progress_counts_records_failures_and_overdue(running):
    _team, _assignment = _second_team(running)
    submit(running, answers=FAILING)
    later = running.today + datetime.timedelta(days=2)
    rows = {
        row["team"].name: row
        for row in selectors.team_progress(user=running.bj, plan=running.plan_obj, today=later)
    }
    assert rows["第一组"] == {
        "team": rows["第一组"]["team"],
        "assigned": 1,
        "inspected": 1,
        "could_not": 0,
        "remaining": 0,
        "overdue": 0,
        "failed": 1,
    }
    assert (rows["第二组"]["assigned"], rows["第二组"]["remaining"]) == (1, 1)
    assert (rows["第二组"]["overdue"], rows["第二组"]["failed"]) == (1, 0)
    outsider = selectors.team_progress(user=running.dl, plan=running.plan_obj)
    assert all(row["assigned"] == 0 for row in outsider)


def test_board_and_export_show_team_progress(running):
    from openpyxl import load_workbook

    submit(running, answers=FAILING)
    page = client_for(running.bj).get(board(running)).content.decode()
    assert 'data-testid="team-progress-row"' in page and "第一组" in page
    response = client_for(running.bj).get(board(running) + "sample.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["抽样楼宇", "检查组进度"]
    rows = list(book["检查组进度"].iter_rows(values_only=True))
    assert rows[1] == ("第一组", 1, 1, 0, 0, 0, 1)
    sample = {row[2]: row for row in book["抽样楼宇"].iter_rows(values_only=True)}
    assert sample[running.target.name][9] == "不合格"


# --- Re-inspections ------------------------------------------------------------------------


def test_failed_building_is_scheduled_for_reinspection(running):
    record, _ = submit(running, answers=FAILING)
    team = running.plan_obj.teams.get()
    day = running.today + datetime.timedelta(days=1)
    (assignment,) = services.reinspection_schedule(
        actor=running.bj, plan=running.plan_obj, inspections=[record], team=team, scheduled_on=day
    )
    assert assignment.reinspection_of == record and assignment.sampled == record.assignment.sampled
    items = WorkItem.objects.filter(object_id=str(assignment.pk), kind="inspection_assignment")
    assert items.count() == 2 and all("复查" in item.title for item in items)
    assert {item.assignee_user_id for item in items} == {running.bj.pk, running.samr.pk}
    event = AuditEvent.objects.get(action="inspection_plan.reinspect")
    assert event.changes["reinspection_of"] == record.pk
    failed = list(selectors.failed_inspections(user=running.bj, plan=running.plan_obj))
    assert failed == [record] and failed[0].reinspection == assignment

    # The team records the re-inspection; it passes and leaves the list of failures.
    again, created = submit(running, assignment=assignment)
    assert created and again.building == record.building
    assert list(selectors.failed_inspections(user=running.bj, plan=running.plan_obj)) == [record]


def test_reinspection_refusals_change_nothing(running):
    record, _ = submit(running, answers=FAILING)
    team = running.plan_obj.teams.get()
    tomorrow = running.today + datetime.timedelta(days=1)
    other_plan = running.plan(sample_size=1, name="另一方案")
    services.inspection_plan_draw(actor=running.bj, plan=other_plan)
    services.inspection_plan_transition(actor=running.bj, plan=other_plan, to="approved")
    foreign = services.team_create(
        actor=running.bj, plan=other_plan, name="他组", members=[running.bj]
    )

    def schedule(**overrides):
        values = {
            "actor": running.bj,
            "plan": running.plan_obj,
            "inspections": [record],
            "team": team,
            "scheduled_on": tomorrow,
        }
        values.update(overrides)
        return services.reinspection_schedule(**values)

    cases = [
        ({"team": foreign}, "team", "请选择本方案的检查组。"),
        ({"scheduled_on": running.today - datetime.timedelta(days=1)}, "scheduled_on", None),
        ({"inspections": []}, "inspections", "请选择需要复查的楼宇。"),
    ]
    for overrides, field, message in cases:
        with nothing_changes(), pytest.raises(ValidationError) as exc:
            schedule(**overrides)
        assert field in exc.value.message_dict
        if message:
            assert exc.value.message_dict[field] == [message]
    with nothing_changes(), pytest.raises(PermissionDenied):
        schedule(actor=running.dl)
    schedule()
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        schedule()
    assert exc.value.message_dict["inspections"] == [
        f"“{record.building.name}”已安排复查，尚未完成。"
    ]


def test_a_record_outside_the_actors_jurisdiction_is_refused_by_the_service(running):
    """The pages and the API never offer another jurisdiction's record; the service checks
    it anyway, for a record whose building is (here, forged to be) in 大连."""
    record, _ = submit(running, answers=FAILING)
    sampled = record.assignment.sampled
    type(sampled).objects.filter(pk=sampled.pk).update(jurisdiction=running.dalian)
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        services.reinspection_schedule(
            actor=running.bj,
            plan=running.plan_obj,
            inspections=[record],
            team=running.plan_obj.teams.get(),
            scheduled_on=running.today + datetime.timedelta(days=1),
        )
    assert exc.value.message_dict["inspections"] == [
        f"“{record.building.name}”不在您的管辖范围内。"
    ]
    assert not Assignment.objects.filter(reinspection_of=record).exists()


def test_passing_building_and_stopped_plan_are_refused(running):
    record, _ = submit(running)
    team = running.plan_obj.teams.get()
    tomorrow = running.today + datetime.timedelta(days=1)
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        services.reinspection_schedule(
            actor=running.bj,
            plan=running.plan_obj,
            inspections=[record],
            team=team,
            scheduled_on=tomorrow,
        )
    assert exc.value.message_dict["inspections"] == [
        f"“{record.building.name}”检查合格，无需复查。"
    ]
    services.inspection_plan_transition(actor=running.bj, plan=running.plan_obj, to="closed")
    with nothing_changes(), pytest.raises(InvalidTransition):
        services.reinspection_schedule(
            actor=running.bj,
            plan=running.plan_obj,
            inspections=[record],
            team=team,
            scheduled_on=tomorrow,
        )


def test_board_schedules_reinspections_and_refuses_bad_input(running):
    record, _ = submit(running, answers=FAILING)
    team = running.plan_obj.teams.get()
    client = client_for(running.bj)
    page = client.get(board(running)).content.decode()
    assert 'data-testid="failed-row"' in page and f'value="{record.pk}"' in page
    url = board(running) + "reinspections/"
    past = (running.today - datetime.timedelta(days=1)).isoformat()
    outsider = client_for(running.dl)
    with nothing_changes():
        bad = client.post(url, {"inspections": [record.pk], "team": team.pk, "scheduled_on": past})
        unknown = client.post(
            url, {"inspections": [999999], "team": team.pk, "scheduled_on": running.today}
        )
        assert outsider.post(url, {}).status_code == 404
    assert bad.status_code == 400 and "复查日期不能早于今天。" in bad.content.decode()
    assert "所选楼宇不在您可见的本方案检查记录中。" in unknown.content.decode()
    done = client.post(
        url, {"inspections": [record.pk], "team": team.pk, "scheduled_on": running.today}
    )
    assert done.status_code == 302
    follow_up = Assignment.objects.get(reinspection_of=record)
    shown = client.get(board(running)).content.decode()
    assert f"/inspections/assignments/{follow_up.pk}/" in shown
    original = client.get(f"/inspections/assignments/{record.assignment_id}/").content.decode()
    assert 'data-testid="reinspection-scheduled"' in original
    linked = client.get(f"/inspections/assignments/{follow_up.pk}/").content.decode()
    assert 'data-testid="reinspection-of"' in linked


def test_api_schedules_reinspections_by_building(running):
    record, _ = submit(running, answers=FAILING)
    team = running.plan_obj.teams.get()
    url = f"/api/v1/inspection-plans/{running.plan_obj.pk}/reinspections/"
    payload = {
        "buildings": [running.target.pk],
        "team": team.pk,
        "scheduled_on": running.today.isoformat(),
    }
    with nothing_changes():
        assert api_for(running.dl).post(url, payload, format="json").status_code == 404
        assert APIClient().post(url, payload, format="json").status_code == 401
        other = running.plan_obj.sample.exclude(building=running.target).get().building_id
        missing = api_for(running.bj).post(url, {**payload, "buildings": [other]}, format="json")
        assert missing.status_code == 400
        assert "没有您可见的检查记录" in missing.content.decode()
        past = (running.today - datetime.timedelta(days=1)).isoformat()
        bad = api_for(running.bj).post(url, {**payload, "scheduled_on": past}, format="json")
        assert bad.status_code == 400 and "复查日期不能早于今天" in bad.content.decode()
    created = api_for(running.bj).post(url, payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    linked = [a for a in body["assignments"] if a["reinspection_of"] == record.pk]
    assert len(linked) == 1
    progress = {row["name"]: row for row in body["team_progress"]}
    assert progress["第一组"]["assigned"] == 2 and progress["第一组"]["remaining"] == 1
    with nothing_changes():
        again = api_for(running.bj).post(url, payload, format="json")
    assert again.status_code == 400 and "已安排复查" in again.content.decode()
    shown = api_for(running.bj).get(f"/api/v1/inspections/{record.pk}/").json()
    assert shown["reinspection"] == linked[0]["id"]


# --- Inspection report ---------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_report_pdf_names_the_building_and_its_failures(running):
    from louyu.inspections.documents import inspection_report_document

    record, _ = submit(running, answers=FAILING)
    document = inspection_report_document(inspection=record)
    assert document.title == f"{running.target.name}联合检查报告"
    url = f"/inspections/assignments/{running.assignment.pk}/report.pdf"
    response = client_for(running.samr).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert running.target.name in text and "不合格" in text and record.case.code in text
    assert client_for(running.dl).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    api = api_for(running.bj).get(f"/api/v1/inspections/{record.pk}/report/")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")
    assert api_for(running.dl).get(f"/api/v1/inspections/{record.pk}/report/").status_code == 404


def test_no_report_before_the_record(running):
    url = f"/inspections/assignments/{running.assignment.pk}/report.pdf"
    assert client_for(running.samr).get(url).status_code == 404
