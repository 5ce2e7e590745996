import datetime
import uuid
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from louyu.buildings.models import Building, Presence, PresenceEvent
from louyu.cases.models import Case
from louyu.cases.services.opening import case_open
from louyu.complaints.models import Category
from louyu.core.audit import AuditEvent
from louyu.core.errors import Conflict, InvalidTransition
from louyu.core.models import WorkItem
from louyu.inspections import services
from louyu.inspections.models import Inspection
from louyu.inspections.services import photo_taken_at
from louyu.inspections.tests.conftest import nothing_changes
from louyu.inspections.tests.records_fixtures import PASSING, jpeg, running, submit

__all__ = ["running"]
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def statuses(building):
    return dict(Presence.objects.filter(building=building).values_list("operator__code", "status"))


def test_passing_record_updates_presence_and_closes_the_work_items(running):
    inspection, created = submit(running)
    assert created and inspection.case is None
    assert statuses(running.target) == {"telecom": "serving", "mobile": "withdrawn"}
    event = PresenceEvent.objects.filter(building=running.target).first()
    assert event.source == "inspection" and event.new_status == "withdrawn"
    assert Building.objects.get(pk=running.target.pk).operator_count == 1
    items = WorkItem.objects.filter(kind="inspection_assignment")
    assert items.count() == 2 and all(i.state == "done" and i.step for i in items)
    audit = AuditEvent.objects.get(action="inspection.submit")
    assert audit.actor_id == running.samr.pk
    assert audit.changes["on_authority_of"] == running.orgs["ca-110000"].name
    assert audit.changes["submitted_by"] == running.samr.username


def test_failed_items_open_a_case_with_their_categories(running):
    answers = {**PASSING, "exclusive_deal": "yes", "notice_posted": "未公示"}
    inspection, _ = submit(running, answers=answers)
    case = Case.objects.get(building=running.target)
    assert inspection.case == case and case.source == "inspection"
    codes = set(case.violations.values_list("category__code", flat=True))
    assert codes == {"exclusive_deal", "no_public_notice"}
    failed = set(inspection.answers.filter(passed=False).values_list("item__code", flat=True))
    assert failed == {"exclusive_deal", "notice_posted"}


def test_failed_item_adds_to_the_open_case(running):
    existing, _ = case_open(
        actor=None,
        building=running.target,
        violations=[
            {
                "category": Category.objects.get(code="entry_blocked"),
                "responsible_party": "property_company",
            }
        ],
    )
    inspection, _ = submit(running, answers={**PASSING, "fee_to_operators": "yes"})
    assert inspection.case == existing
    assert Case.objects.filter(building=running.target).count() == 1
    assert set(existing.violations.values_list("category__code", flat=True)) == {
        "entry_blocked",
        "unreasonable_fee",
    }


def test_could_not_inspect_is_recorded_without_case_or_presence_change(running):
    before = statuses(running.target)
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        submit(running, answers={}, outcome="could_not_inspect", not_inspected_reason="")
    assert "请选择未能检查的原因。" in exc.value.messages
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        submit(
            running, answers={}, outcome="could_not_inspect", not_inspected_reason="entry_refused"
        )
    assert exc.value.messages == [
        "未能检查时须上传现场照片（如楼门、告示）或填写说明（至少 2 个字）。"
    ]
    inspection, _ = submit(
        running,
        answers={},
        outcome="could_not_inspect",
        not_inspected_reason="entry_refused",
        photos=[("", jpeg(name="楼门.jpg"))],
    )
    assert inspection.outcome == "could_not_inspect"
    assert inspection.not_inspected_reason == "entry_refused"
    assert not Case.objects.exists() and statuses(running.target) == before


def test_submitted_twice_is_one_inspection(running):
    key = uuid.uuid4()
    first, created = submit(running, key=key)
    with nothing_changes():
        again, created_again = submit(running, key=key)
    assert created and not created_again and again.pk == first.pk
    with nothing_changes(), pytest.raises(Conflict):
        submit(running, key=uuid.uuid4())
    assert Inspection.objects.count() == 1


def test_photo_that_is_not_an_image_is_refused_and_nothing_written(running):
    fake = SimpleUploadedFile("照片.jpg", b"%PDF-1.4 not a photo %%EOF", content_type="image/jpeg")
    text = SimpleUploadedFile("notes.jpg", b"hello", content_type="image/jpeg")
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        submit(running, photos=[("operators_serving", jpeg()), ("", fake), ("", text)])
    messages = exc.value.message_dict["photos"]
    assert messages[0].startswith("文件“照片.jpg”不是照片")
    assert "文件“notes.jpg”的内容不是图片" in messages[1]


def test_bad_answers_are_refused_with_the_item_named(running):
    answers = {**PASSING, "operators_serving": ["nobody"], "monthly_price": "abc"}
    del answers["exclusive_deal"]
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        submit(running, answers=answers)
    messages = exc.value.message_dict["answers"]
    assert any("“nobody”不是基础电信企业" in m for m in messages)
    assert any("须填写数值" in m for m in messages)
    assert any(m.startswith("请回答检查项“物业或代理商") for m in messages)


def test_deactivated_building_is_refused(running):
    Building.objects.filter(pk=running.target.pk).update(is_active=False)
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        submit(running)
    assert exc.value.message_dict["building"] == ["该楼宇已停用，不能提交检查记录。"]


def test_outsider_may_not_submit(running):
    with nothing_changes(), pytest.raises(PermissionDenied):
        submit(running, actor=running.dl)


def test_photo_capture_time_from_exif_else_upload_time_marked(running):
    inspection, _ = submit(
        running,
        photos=[("operators_serving", jpeg(taken="2026:03:05 09:30:00")), ("", jpeg())],
    )
    with_exif, without = inspection.photos.order_by("id")[:2]
    assert with_exif.captured_at_source == "exif"
    assert with_exif.captured_at == datetime.datetime(2026, 3, 5, 9, 30, tzinfo=SHANGHAI)
    assert with_exif.item.code == "operators_serving"
    assert without.captured_at_source == "upload"
    assert without.file.name.startswith("inspections/") and "photo" not in without.file.name
    assert photo_taken_at(with_exif.file.read()) is None  # the stored copy is stripped


def test_only_a_running_plan_takes_records(running):
    services.inspection_plan_transition(actor=running.bj, plan=running.plan_obj, to="closed")
    with nothing_changes(), pytest.raises(InvalidTransition) as exc:
        submit(running)
    assert exc.value.messages == ["检查方案实施中才能提交检查记录。"]
