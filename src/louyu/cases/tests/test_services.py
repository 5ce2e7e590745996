import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from louyu.cases import services
from louyu.cases.models import Case, CaseFile, CaseStatusChange, Measure, RectificationPolicy
from louyu.cases.tests.conftest import checked_png
from louyu.cases.workflow import ActionKind, MeasureStatus, Severity, Source, State
from louyu.complaints.models import Category
from louyu.complaints.services import Intake, complaint_create, complaint_transition
from louyu.core import calendar
from louyu.core.models import AuditEvent, CalendarYear, WorkItem, WorkItemState

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
    again, created = services.case_open(
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
    services.case_transition(
        actor=kenv["bj"], case=first, to="closed_unresolved", reason="楼宇拆除"
    )
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


def test_rectifying_needs_a_violation_and_sets_the_deadline_by_policy(kenv):
    case = kenv["open_case"](violations=[], severity=Severity.MAJOR)
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=kenv["bj"], case=case, to="rectifying")
    assert "violations" in exc.value.message_dict
    case.refresh_from_db()
    assert case.state == State.IDENTIFIED
    services.violation_add(
        actor=kenv["bj"], case=case, category=kenv["category"], responsible_party="owner"
    )
    case = services.case_transition(actor=kenv["bj"], case=case, to="rectifying")
    policy = RectificationPolicy.objects.get(severity=Severity.MAJOR)
    started = case.status_changes.get(to_state=State.RECTIFYING).created_at
    expected = calendar.deadline_from(started, days=policy.period)
    assert case.rectify_due_at == expected.due_at
    assert timezone.localtime(case.rectify_due_at).time() == datetime.time(0, 0)


@pytest.mark.parametrize(
    ("severity", "period", "working_days"),
    [(Severity.GENERAL, 30, False), (Severity.SERIOUS, 10, True), (Severity.MAJOR, 15, False)],
)
def test_deadline_follows_the_policy_of_the_severity(kenv, severity, period, working_days):
    RectificationPolicy.objects.filter(severity=severity).update(
        period=period, working_days=working_days
    )
    start = datetime.datetime(2025, 9, 29, 10, tzinfo=datetime.UTC)  # before National Day
    deadline = services.rectification_deadline(severity, start)
    if working_days:
        assert deadline == calendar.deadline_from(start, working_days=period)
    else:
        assert deadline == calendar.deadline_from(start, days=period)


def test_deadline_in_an_unpublished_year_is_provisional(kenv):
    year = max(calendar.bundled_years()) + 3
    CalendarYear.objects.filter(year=year).delete()
    start = datetime.datetime(year, 3, 2, 10, tzinfo=datetime.UTC)
    deadline = services.rectification_deadline(Severity.GENERAL, start)
    assert deadline.provisional is True
    assert deadline.last_day >= datetime.date(year, 4, 1)


def test_changing_severity_while_rectifying_recomputes_the_deadline(kenv):
    case = kenv["rectifying"]()
    before = case.rectify_due_at
    case = services.case_update(actor=kenv["bj"], case=case, severity=Severity.MAJOR)
    assert case.rectify_due_at < before
    assert AuditEvent.objects.filter(action="case.update", object_id=str(case.pk)).exists()


def test_measures_are_work_items_and_block_acceptance_and_closing(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    item = WorkItem.objects.get(object_id=str(measure.pk), kind="case_measure")
    assert item.assignee_organization == kenv["pm"]
    assert item.state == WorkItemState.OPEN
    assert item.link == f"/cases/{case.pk}/#measure-{measure.pk}"
    for to, details in [("awaiting_acceptance", {}), ("closed_unresolved", {"reason": "无法整改"})]:
        with pytest.raises(ValidationError) as exc:
            services.case_transition(actor=kenv["bj"], case=case, to=to, **details)
        message = exc.value.message_dict["measures"][0]
        assert "开放弱电间供运营商进场" in message and "取消" in message
    case.refresh_from_db()
    assert case.state == State.RECTIFYING
    services.measure_answer(
        actor=kenv["pm_user"], measure=measure, response="已开放弱电间", files=checked_png()
    )
    item.refresh_from_db()
    assert item.state == WorkItemState.DONE
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert measure.files.count() == 1
    case = services.case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    assert case.state == State.AWAITING_ACCEPTANCE


def test_a_cancelled_measure_no_longer_blocks(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    with pytest.raises(ValidationError):
        services.measure_cancel(actor=kenv["bj"], measure=measure, reason="")
    services.measure_cancel(actor=kenv["bj"], measure=measure, reason="已由其他措施替代")
    assert WorkItem.objects.get(object_id=str(measure.pk)).state == WorkItemState.CANCELLED
    services.case_transition(
        actor=kenv["bj"], case=case, to="closed_unresolved", reason="业主拒不整改"
    )
    case.refresh_from_db()
    assert case.state == State.CLOSED_UNRESOLVED
    assert case.closed_reason == "业主拒不整改"


def test_closing_unresolved_needs_a_reason(kenv):
    case = kenv["open_case"]()
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=kenv["bj"], case=case, to="closed_unresolved")
    assert "reason" in exc.value.message_dict


def test_accepting_without_evidence_is_refused_and_nothing_changes(kenv):
    case = kenv["rectifying"]()
    case = services.case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    with pytest.raises(ValidationError) as exc:
        services.acceptance_check_record(
            actor=kenv["bj"],
            case=case,
            passed=True,
            notes="现场已开放",
            checked_on=timezone.localdate(),
            files=[],
        )
    assert "files" in exc.value.message_dict
    case.refresh_from_db()
    assert case.state == State.AWAITING_ACCEPTANCE
    assert not case.acceptance_checks.exists()
    # Nor can the transition be forced without a passed check.
    with pytest.raises(ValidationError) as exc:
        services.case_transition(actor=kenv["bj"], case=case, to="rectified")
    assert "acceptance" in exc.value.message_dict


def test_failed_acceptance_returns_to_rectifying_with_a_new_deadline_then_passes(kenv):
    case = kenv["rectifying"]()
    case = services.case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    services.acceptance_check_record(
        actor=kenv["bj"],
        case=case,
        passed=False,
        notes="弱电间仍上锁",
        checked_on=timezone.localdate(),
        files=checked_png(),
    )
    case.refresh_from_db()
    assert case.state == State.RECTIFYING and case.rectify_due_at is not None
    case = services.case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    check = services.acceptance_check_record(
        actor=kenv["bj"],
        case=case,
        passed=True,
        notes="已开放，三家运营商已进场",
        checked_on=timezone.localdate(),
        files=checked_png("after.png"),
    )
    case.refresh_from_db()
    assert case.state == State.RECTIFIED and case.closed_at and case.rectify_due_at is None
    assert check.files.get().kind == CaseFile.Kind.ACCEPTANCE
    states = list(case.status_changes.values_list("to_state", flat=True))
    assert states == [
        "identified",
        "rectifying",
        "awaiting_acceptance",
        "rectifying",
        "awaiting_acceptance",
        "rectified",
    ]


def test_concurrent_transition_with_a_stale_version_is_refused(kenv):
    case = kenv["open_case"]()
    version = case.version
    services.case_transition(actor=kenv["bj"], case=case, to="rectifying", expected_version=version)
    with pytest.raises(services.ConcurrentEdit):
        services.case_transition(
            actor=kenv["bj"],
            case=case,
            to="closed_unresolved",
            reason="x理由",
            expected_version=version,
        )
    case.refresh_from_db()
    assert case.state == State.RECTIFYING


def test_disallowed_transition_is_invalid(kenv):
    case = kenv["open_case"]()
    with pytest.raises(services.InvalidTransition):
        services.case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")


@pytest.mark.parametrize("who", ["pm_user", "telecom", "samr", "dl", "caict"])
def test_only_the_administration_or_ministry_changes_a_case(kenv, who):
    case = kenv["rectifying"]()
    kenv["measure"](case)
    case.refresh_from_db()
    before = (case.state, case.version, case.severity)
    calls = [
        lambda: services.case_transition(
            actor=kenv[who], case=case, to="closed_unresolved", reason="试图结案"
        ),
        lambda: services.case_update(actor=kenv[who], case=case, severity="major"),
        lambda: services.measure_create(
            actor=kenv[who],
            case=case,
            title="x措施",
            owner=kenv["pm"],
            due_date=timezone.localdate(),
        ),
        lambda: services.case_set_supervision(actor=kenv[who], case=case, level="administration"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    case.refresh_from_db()
    assert (case.state, case.version, case.severity) == before


def test_the_ministry_may_change_any_case(kenv):
    case = kenv["open_case"]()
    services.case_transition(actor=kenv["ministry"], case=case, to="rectifying")
    case.refresh_from_db()
    assert case.state == State.RECTIFYING


def test_only_the_owner_answers_its_measure(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    for who in ("telecom", "bj"):
        with pytest.raises(PermissionDenied):
            services.measure_answer(actor=kenv[who], measure=measure, response="已完成")
    with pytest.raises(ValidationError):
        services.measure_answer(actor=kenv["pm_user"], measure=measure, response="")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.OPEN


def test_measure_due_date_in_the_past_is_refused(kenv):
    case = kenv["rectifying"]()
    with pytest.raises(ValidationError) as exc:
        kenv["measure"](case, days=-1)
    assert "due_date" in exc.value.message_dict
    assert not Measure.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (
            {"kind": ActionKind.PENALTY, "amount": Decimal("0"), "decision_number": "京通罚1号"},
            "amount",
        ),
        ({"kind": ActionKind.PENALTY, "amount": Decimal("5000")}, "decision_number"),
        ({"kind": ActionKind.REFERRAL}, "target_organization"),
        ({"kind": "fine"}, "kind"),
    ],
)
def test_enforcement_actions_reject_incomplete_records(kenv, kwargs, field):
    case = kenv["open_case"]()
    with pytest.raises(ValidationError) as exc:
        services.enforcement_action_add(
            actor=kenv["bj"], case=case, action_date=timezone.localdate(), **kwargs
        )
    assert field in exc.value.message_dict
    assert not case.actions.exists()


def test_every_kind_of_enforcement_action_is_recorded_and_referral_shows_the_case(kenv):
    from louyu.cases.selectors import case_list

    case = kenv["open_case"]()
    today = timezone.localdate()
    extra = {
        ActionKind.PENALTY: {"amount": Decimal("20000"), "decision_number": "京通管罚〔2026〕1号"},
        ActionKind.REFERRAL: {"target_organization": kenv["samr_org"]},
    }
    assert not case_list(user=kenv["samr"]).exists()
    for kind in ActionKind.values:
        services.enforcement_action_add(
            actor=kenv["bj"],
            case=case,
            kind=kind,
            action_date=today,
            files=checked_png(f"{kind}.png"),
            **extra.get(kind, {}),
        )
    assert case.actions.count() == len(ActionKind.values)
    assert CaseFile.objects.filter(kind=CaseFile.Kind.ACTION).count() == len(ActionKind.values)
    assert list(case_list(user=kenv["samr"])) == [case]


def test_supervision_levels_by_who_sets_them(kenv):
    case = kenv["open_case"]()
    with pytest.raises(PermissionDenied):
        services.case_set_supervision(actor=kenv["bj"], case=case, level="ministry")
    services.case_set_supervision(actor=kenv["bj"], case=case, level="administration")
    case.refresh_from_db()
    assert case.key_case and case.supervisor.code == "ca-110000"
    services.case_set_supervision(actor=kenv["ministry"], case=case, level="ministry")
    case.refresh_from_db()
    assert case.supervision_level == "ministry" and case.supervisor.code == "ministry"
    with pytest.raises(PermissionDenied):
        services.case_set_supervision(actor=kenv["bj"], case=case, level="")
    assert AuditEvent.objects.filter(action="case.supervision", object_id=str(case.pk)).count() == 2


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
    case, created = services.case_open_from_complaint(actor=kenv["bj"], complaint=first)
    assert created and case.source == Source.COMPLAINT
    assert list(case.complaints.all()) == [first]
    assert case.violations.get().category == first.category
    second = _replied_complaint(kenv, result="partly")
    again, created = services.case_open_from_complaint(actor=kenv["bj"], complaint=second)
    assert (again.pk, created) == (case.pk, False)
    assert set(again.complaints.all()) == {first, second}
    assert again.violations.count() == 1


def test_complaints_that_cannot_open_a_case(kenv):
    not_substantiated = _replied_complaint(kenv, result="not")
    with pytest.raises(services.InvalidTransition):
        services.case_open_from_complaint(actor=kenv["bj"], complaint=not_substantiated)
    no_building = _replied_complaint(kenv, building=False)
    with pytest.raises(ValidationError) as exc:
        services.case_open_from_complaint(actor=kenv["bj"], complaint=no_building)
    assert "楼宇" in exc.value.message_dict["building"][0]
    assert not Case.objects.exists()


def test_operator_reports_refused_entry(kenv):
    case, created = services.case_report_refused_entry(
        actor=kenv["telecom"], building=kenv["building"], description="物业拒绝我司进场施工"
    )
    assert created and case.source == Source.OPERATOR_REPORT and case.state == State.IDENTIFIED
    violation = case.violations.get()
    assert violation.category.code == "entry_blocked"
    assert violation.responsible_party == "property_company"
    assert violation.responsible_organization == kenv["pm"]
    again, created = services.case_report_refused_entry(
        actor=kenv["mobile"], building=kenv["building"], description="物业同样拒绝移动进场"
    )
    assert (again.pk, created) == (case.pk, False)
    with pytest.raises(ValidationError):
        services.case_report_refused_entry(
            actor=kenv["telecom"], building=kenv["dl_building"], description="大连的楼宇受阻"
        )
    with pytest.raises(PermissionDenied):
        services.case_report_refused_entry(
            actor=kenv["bj"], building=kenv["building"], description="管理局不能以运营商名义报告"
        )


def test_status_changes_are_append_only(kenv):
    case = kenv["open_case"]()
    change = CaseStatusChange.objects.filter(case=case).first()
    with pytest.raises(PermissionError):
        change.save()


def test_a_violation_recorded_by_mistake_is_withdrawn_not_deleted(kenv):
    from louyu.cases.models import Violation

    case = kenv["rectifying"]()
    violation = case.violations.get()
    case.refresh_from_db()
    version = case.version
    with pytest.raises(ValidationError):
        services.violation_withdraw(actor=kenv["bj"], case=case, violation=violation, reason=" ")
    with pytest.raises(services.ConcurrentEdit):
        services.violation_withdraw(
            actor=kenv["bj"],
            case=case,
            violation=violation,
            reason="登记错了",
            expected_version=version - 1,
        )
    with pytest.raises(PermissionDenied):
        services.violation_withdraw(
            actor=kenv["pm_user"], case=case, violation=violation, reason="物业想撤"
        )
    other = kenv["open_case"](building=kenv["dl_building"], actor=kenv["dl"])
    with pytest.raises(ValidationError):  # another case's violation, forged
        services.violation_withdraw(
            actor=kenv["bj"], case=case, violation=other.violations.get(), reason="伪造"
        )
    case.refresh_from_db()
    assert case.version == version and violation.withdrawn_at is None
    withdrawn = services.violation_withdraw(
        actor=kenv["bj"], case=case, violation=violation, reason="登记错了，应为未公示"
    )
    assert withdrawn.withdrawn_at and withdrawn.withdrawn_by == kenv["bj"]
    assert Violation.objects.filter(pk=violation.pk).exists()  # still on the case
    case.refresh_from_db()
    assert case.version == version + 1
    assert case.status_changes.filter(details__event="violation_withdrawn").exists()
    assert AuditEvent.objects.filter(action="case.violation_withdraw").count() == 1
    with pytest.raises(services.InvalidTransition):
        services.violation_withdraw(actor=kenv["bj"], case=case, violation=violation, reason="再撤")
    # The same category and party may be recorded again once withdrawn.
    again = services.violation_add(
        actor=kenv["bj"],
        case=case,
        category=kenv["category"],
        responsible_party="property_company",
    )
    assert again.pk != violation.pk
