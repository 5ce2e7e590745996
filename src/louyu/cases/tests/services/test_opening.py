import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from louyu.buildings.models import Presence, PresenceEvent, PresenceSource, PresenceStatus
from louyu.buildings.services import presence_set
from louyu.cases.models import Case, CaseStatusChange
from louyu.cases.services.opening import (
    case_open,
    case_open_from_complaint,
    case_report_refused_entry,
)
from louyu.cases.services.transitions import case_transition
from louyu.cases.tests.conftest import checked_png
from louyu.cases.workflow import Source, State
from louyu.complaints.models import Category
from louyu.complaints.services import Intake, complaint_create, complaint_transition
from louyu.core.errors import InvalidTransition
from louyu.core.models import AuditEvent
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db


def test_open_case_records_history_audit_and_no_deadline_yet(kenv):
    case = kenv["open_case"]()
    assert case.state == State.IDENTIFIED
    assert case.code.startswith("ZZ") and len(case.code) == 16
    assert case.jurisdiction_id == kenv["building"].jurisdiction_id
    assert case.rectify_due_at is None
    assert case.violations.count() == 1
    assert list(case.status_changes.values_list("to_state", flat=True)) == [State.IDENTIFIED]
    assert AuditEvent.objects.filter(action="case.open", object_id=str(case.pk)).exists()


def test_a_building_has_at_most_one_open_case_the_second_opening_links_to_it(kenv):
    first = kenv["open_case"]()
    other = Category.objects.get(code="unreasonable_fee")
    again, created = case_open(
        actor=kenv["bj"],
        building=kenv["building"],
        violations=[{"category": other, "responsible_party": "access_agent"}],
    )
    assert (again.pk, created) == (first.pk, False)
    assert again.violations.count() == 2
    assert Case.objects.filter(building=kenv["building"]).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            code="ZZ-dup",
            building=kenv["building"],
            jurisdiction=kenv["building"].jurisdiction,
            source=Source.MANUAL,
            title="重复",
        )


def test_a_new_case_may_be_opened_once_the_previous_one_is_closed(kenv):
    first = kenv["open_case"]()
    case_transition(actor=kenv["bj"], case=first, to="closed_unresolved", reason="楼宇拆除")
    second = kenv["open_case"]()
    assert second.pk != first.pk


def test_a_case_for_a_building_in_another_jurisdiction_is_refused(kenv):
    with pytest.raises(ValidationError) as exc:
        kenv["open_case"](building=kenv["dl_building"])
    assert "管辖范围" in exc.value.message_dict["building"][0]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"severity": "huge"}, "severity"),
        ({"source": "rumour"}, "source"),
        ({"violations": [{"category": None, "responsible_party": "owner"}]}, "violations"),
        ({"violations": [{"category": "CAT", "responsible_party": "tenant"}]}, "violations"),
    ],
)
def test_opening_rejects_bad_input_and_writes_nothing(kenv, kwargs, field):
    if kwargs.get("violations") and kwargs["violations"][0]["category"] == "CAT":
        kwargs["violations"][0]["category"] = kenv["category"]
    with pytest.raises(ValidationError) as exc:
        kenv["open_case"](**kwargs)
    assert field in exc.value.message_dict
    assert not Case.objects.exists()


def _replied_complaint(kenv, result="substantiated", building=True):
    complaint, _secret = complaint_create(
        actor=kenv["bj"],
        intake=Intake(
            channel="phone",
            category=kenv["category"],
            description="物业不让电信进场施工。",
            complainant_name="张三",
            complainant_phone="13800138000",
            building=kenv["building"] if building else None,
            address="" if building else "北京市朝阳区建国路99号",
            received_at=timezone.now() - datetime.timedelta(hours=2),
        ),
    )
    for to, details in [
        ("accepted", {}),
        ("handling", {}),
        ("replied", {"result": result, "reply_text": "经核查情况属实，已责令整改。"}),
    ]:
        complaint_transition(actor=kenv["bj"], complaint=complaint, to=to, **details)
    return complaint


def test_a_substantiated_complaint_opens_a_case_and_a_second_one_links_to_it(kenv):
    first = _replied_complaint(kenv)
    case, created = case_open_from_complaint(actor=kenv["bj"], complaint=first)
    assert created and case.source == Source.COMPLAINT
    assert list(case.complaints.all()) == [first]
    assert case.violations.get().category == first.category
    second = _replied_complaint(kenv, result="partly")
    again, created = case_open_from_complaint(actor=kenv["bj"], complaint=second)
    assert (again.pk, created) == (case.pk, False)
    assert set(again.complaints.all()) == {first, second}
    assert again.violations.count() == 1


def test_complaints_that_cannot_open_a_case(kenv):
    not_substantiated = _replied_complaint(kenv, result="not")
    with pytest.raises(InvalidTransition):
        case_open_from_complaint(actor=kenv["bj"], complaint=not_substantiated)
    no_building = _replied_complaint(kenv, building=False)
    with pytest.raises(ValidationError) as exc:
        case_open_from_complaint(actor=kenv["bj"], complaint=no_building)
    assert "楼宇" in exc.value.message_dict["building"][0]
    assert not Case.objects.exists()


def test_operator_reports_refused_entry(kenv):
    case, created = case_report_refused_entry(
        actor=kenv["telecom"], building=kenv["building"], description="物业拒绝我司进场施工"
    )
    assert created and case.source == Source.OPERATOR_REPORT and case.state == State.IDENTIFIED
    violation = case.violations.get()
    assert violation.category.code == "entry_blocked"
    assert violation.responsible_party == "property_company"
    assert violation.responsible_organization == kenv["pm"]
    again, created = case_report_refused_entry(
        actor=kenv["mobile"], building=kenv["building"], description="物业同样拒绝移动进场"
    )
    assert (again.pk, created) == (case.pk, False)
    with pytest.raises(ValidationError):
        case_report_refused_entry(
            actor=kenv["telecom"], building=kenv["dl_building"], description="大连的楼宇受阻"
        )
    with pytest.raises(PermissionDenied):
        case_report_refused_entry(
            actor=kenv["bj"], building=kenv["building"], description="管理局不能以运营商名义报告"
        )


def test_refused_entry_report_sets_presence_refused_unless_serving(kenv):
    building, telecom, mobile = kenv["building"], kenv["telecom"], kenv["mobile"]
    presence_set(
        actor=None,
        building=building,
        operator=mobile.organization.operator,
        status=PresenceStatus.SERVING,
        source=PresenceSource.MANUAL,
    )
    case, _created = case_report_refused_entry(
        actor=telecom,
        building=building,
        description="物业拒绝我司进场施工",
        files=checked_png("门禁.png"),
    )
    presence = Presence.objects.get(building=building, operator=telecom.organization.operator)
    assert (presence.status, presence.source) == ("refused", PresenceSource.OPERATOR_REPORT)
    event = PresenceEvent.objects.get(building=building, operator=presence.operator)
    assert (event.new_status, event.source, event.actor) == ("refused", "operator_report", telecom)
    assert [f.original_name for f in case.files.all()] == ["门禁.png"]
    case_report_refused_entry(actor=mobile, building=building, description="物业同样拒绝移动进场")
    serving = Presence.objects.get(building=building, operator=mobile.organization.operator)
    assert serving.status == PresenceStatus.SERVING
    assert PresenceEvent.objects.filter(operator=serving.operator).count() == 1


def test_refused_entry_report_with_too_many_files_changes_nothing(kenv):
    with assert_unchanged(), pytest.raises(ValidationError) as exc:
        case_report_refused_entry(
            actor=kenv["telecom"],
            building=kenv["building"],
            description="物业拒绝我司进场施工",
            files=checked_png() * 6,
        )
    assert "最多" in exc.value.message_dict["files"][0]


def test_status_changes_are_append_only(kenv):
    case = kenv["open_case"]()
    change = CaseStatusChange.objects.filter(case=case).first()
    with pytest.raises(PermissionError):
        change.save()
