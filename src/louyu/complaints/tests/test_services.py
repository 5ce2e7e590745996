import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from louyu.complaints import codes, personal_data, services
from louyu.complaints.models import Complaint, RoutingRule, StatusChange
from louyu.complaints.workflow import TRANSITIONS, State
from louyu.core.models import AuditEvent, Organization, WorkItem

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_intake_routes_sets_the_acceptance_deadline_and_opens_a_work_item(cenv):
    received = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    complaint, secret = cenv["file"](received_at=received)
    assert complaint.jurisdiction.code == "110000"
    assert complaint.handler.code == "ca-110000"
    assert complaint.state == State.SUBMITTED
    # 5 working days after 2026-09-30 (National Day holiday, make-up Saturday 10-10)
    assert complaint.accept_due_at == datetime.datetime(2026, 10, 14, 0, 0, tzinfo=SHANGHAI)
    assert not complaint.deadline_provisional
    assert complaint.tracking_code.startswith("TS20260930")
    assert codes.check_secret(complaint, secret)
    assert not codes.check_secret(complaint, "WRONG1")
    assert WorkItem.objects.filter(object_id=str(complaint.pk), state="open").count() == 1
    event = AuditEvent.objects.get(action="complaint.create")
    assert "13800138000" not in str(event.changes) and "张三" not in str(event.changes)


def test_dalian_addresses_go_to_dalian(cenv):
    complaint, _secret = cenv["file"](address="辽宁省大连市中山区人民路1号")
    assert complaint.handler.code == "ca-210200"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"complainant_name": ""}, "complainant_name"),
        ({"complainant_phone": "12"}, "complainant_phone"),
        ({"description": "短"}, "description"),
        ({"address": "火星基地一号"}, "address"),
        ({"address": ""}, "address"),
        ({"channel": "pigeon"}, "channel"),
        ({"received_at": timezone.now() + datetime.timedelta(days=1)}, "received_at"),
        ({"received_at": datetime.datetime(2026, 1, 1, 9, 0)}, "received_at"),
    ],
)
def test_bad_intake_is_refused_and_writes_nothing(cenv, overrides, field):
    with pytest.raises(ValidationError) as exc:
        cenv["file"](**overrides)
    assert field in exc.value.message_dict
    assert not Complaint.objects.exists()


def test_a_deadline_in_a_year_without_holiday_data_is_provisional(cenv):
    from freezegun import freeze_time

    with freeze_time("2026-12-28 09:30:00+08:00"):
        complaint, _ = cenv["file"](received_at=timezone.now())
        assert complaint.deadline_provisional is True  # 5 working days reach into 2027
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    complaint.refresh_from_db()
    # 30 days after 2026-12-28 ends on 2027-01-27: no 2027 schedule is known yet
    assert complaint.reply_due_at == datetime.datetime(2027, 1, 28, 0, 0, tzinfo=SHANGHAI)
    assert complaint.deadline_provisional is True


def test_routing_rules_first_match_wins(cenv):
    samr = cenv["samr_org"]
    RoutingRule.objects.create(order=1, category=cenv["category"], channel="letter", handler=samr)
    RoutingRule.objects.create(order=2, category=cenv["category"], handler=cenv["telecom"])
    letter, _ = cenv["file"](channel="letter")
    phone, _ = cenv["file"](channel="phone", complainant_phone="13900139000")
    assert letter.handler == samr
    assert phone.handler == cenv["telecom"]


WALK = [
    ("accepted", {}),
    ("verifying", {}),
    ("handling", {}),
    ("replied", {"result": "substantiated", "reply_text": "已责令物业整改，电信已进场。"}),
    ("closed", {"satisfaction": 5, "resolved": True}),
]


def test_the_whole_path_appends_history_and_closes_work_items(cenv):
    complaint, _ = cenv["file"]()
    for to, details in WALK:
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to=to, **details)
    complaint.refresh_from_db()
    assert complaint.state == "closed" and complaint.satisfaction == 5
    assert list(complaint.status_changes.values_list("to_state", flat=True)) == [
        "submitted",
        *[to for to, _ in WALK],
    ]
    assert not WorkItem.objects.filter(object_id=str(complaint.pk), state="open").exists()


@pytest.mark.parametrize("state", [s for s in State.values])
def test_transition_table_is_enforced(cenv, state, monkeypatch):
    complaint, _ = cenv["file"]()
    Complaint.objects.filter(pk=complaint.pk).update(state=state, suspended_from="handling")
    complaint.refresh_from_db()
    for target in State.values:
        allowed = target in TRANSITIONS[state] and (state != "suspended" or target == "handling")
        if allowed:
            continue
        with pytest.raises(services.InvalidTransition):
            services.complaint_transition(actor=cenv["bj"], complaint=complaint, to=target)


@pytest.mark.parametrize(
    ("to", "details", "field"),
    [
        ("rejected", {}, "refusal_reason"),
        ("rejected", {"refusal_reason": "bored"}, "refusal_reason"),
        ("merged", {}, "master"),
        ("merged", {"master": 999999}, "master"),
    ],
)
def test_required_details(cenv, to, details, field):
    complaint, _ = cenv["file"]()
    with pytest.raises(ValidationError) as exc:
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to=to, **details)
    assert field in exc.value.message_dict
    complaint.refresh_from_db()
    assert complaint.state == "submitted"
    assert StatusChange.objects.filter(complaint=complaint).count() == 1


def test_suspension_pauses_the_reply_clock(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    complaint.refresh_from_db()
    due = complaint.reply_due_at
    Complaint.objects.filter(pk=complaint.pk).update(
        pauses=[["2026-01-01T00:00:00+00:00", None]], state="suspended", suspended_from="handling"
    )
    complaint.refresh_from_db()
    with pytest.raises(services.InvalidTransition):
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="verifying")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    complaint.refresh_from_db()
    assert complaint.pauses[0][1] is not None
    assert complaint.reply_due_at >= due


def test_refusal_with_a_legal_reason(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(
        actor=cenv["bj"], complaint=complaint, to="rejected", refusal_reason="out_of_scope"
    )
    complaint.refresh_from_db()
    assert complaint.state == "rejected" and complaint.refusal_reason == "out_of_scope"


def test_refusal_grounds_from_dates(cenv):
    today = timezone.localdate()
    fee = cenv["category"].__class__.objects.get(code="unreasonable_fee")
    old_fee, _ = cenv["file"](category=fee, matter_date=today - datetime.timedelta(days=200))
    assert "fee_dispute_too_old" in services.refusal_grounds(old_fee)
    recent, _ = cenv["file"](
        complainant_phone="13900000000",
        operator=cenv["telecom"],
        first_raised_with_operator_on=today - datetime.timedelta(days=3),
    )
    assert "operator_first" in services.refusal_grounds(recent)


def test_other_jurisdictions_cannot_act(cenv):
    complaint, _ = cenv["file"]()
    with pytest.raises(PermissionDenied):
        services.complaint_transition(actor=cenv["dl"], complaint=complaint, to="accepted")
    with pytest.raises(PermissionDenied):
        services.complaint_transition(actor=cenv["operator"], complaint=complaint, to="accepted")


def test_concurrent_edit_is_refused(cenv):
    complaint, _ = cenv["file"]()
    version = complaint.version
    services.complaint_transition(
        actor=cenv["bj"], complaint=complaint, to="accepted", expected_version=version
    )
    with pytest.raises(services.ConcurrentEdit):
        services.complaint_transition(
            actor=cenv["bj2"], complaint=complaint, to="verifying", expected_version=version
        )


def test_merge_and_repeat(cenv):
    master, _ = cenv["file"]()
    duplicate, _ = cenv["file"](complainant_phone="13700137000")
    services.complaint_transition(
        actor=cenv["bj"], complaint=duplicate, to="merged", master=master.pk
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into == master
    for to, details in WALK:
        services.complaint_transition(actor=cenv["bj"], complaint=master, to=to, **details)
    again, _ = cenv["file"](complainant_phone="13600136000", received_at=timezone.now())
    assert again.is_repeat is True
    assert master.is_repeat is False


def test_reopen_when_the_call_back_is_unsatisfied(cenv):
    complaint, _ = cenv["file"]()
    for to, details in WALK[:4]:
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to=to, **details)
    services.complaint_transition(
        actor=cenv["bj"], complaint=complaint, to="reopened", reason="回访不满意：仍未进场"
    )
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    complaint.refresh_from_db()
    assert complaint.state == "handling" and complaint.replied_at is None


def test_referral_lets_the_joint_department_see_and_answer_only_that_complaint(cenv):
    from louyu.complaints import selectors

    referred, _ = cenv["file"]()
    other, _ = cenv["file"](complainant_phone="13500135000")
    for to in ("accepted", "handling"):
        services.complaint_transition(actor=cenv["bj"], complaint=referred, to=to)
    referral = services.complaint_refer(
        actor=cenv["bj"],
        complaint=referred,
        to_organization=cenv["samr_org"],
        kind="refer",
        note="涉及强制收费，请市场监管部门处理。",
    )
    visible = set(selectors.complaint_list(user=cenv["samr"]))
    assert visible == {referred}
    assert other not in visible
    services.referral_answer(actor=cenv["samr"], referral=referral, answer="已立案调查。")
    with pytest.raises(services.InvalidTransition):
        services.referral_answer(actor=cenv["samr"], referral=referral, answer="再次答复")


def test_personal_data_full_for_handlers_masked_otherwise_and_audited(cenv):
    complaint, _ = cenv["file"]()
    full = personal_data.complaint_personal_data(user=cenv["bj"], complaint=complaint)
    assert full["phone"] == "13800138000" and full["full"]
    assert AuditEvent.objects.filter(action="complaint.view_personal_data").count() == 1
    masked = personal_data.complaint_personal_data(user=cenv["ministry"], complaint=complaint)
    assert masked["phone"] == "138****8000" and masked["name"] == "张*"
    assert AuditEvent.objects.filter(action="complaint.view_personal_data").count() == 1


def test_assignment_only_to_the_handlers_people(cenv):
    complaint, _ = cenv["file"]()
    assert services.complaint_assign(actor=cenv["bj"], complaints=[complaint], assignee=cenv["bj2"])
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=cenv["bj"], complaints=[complaint], assignee=cenv["dl"])


def test_unknown_handler_organisation_is_reported(cenv):
    Organization.objects.filter(code="ca-110000").update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        cenv["file"]()
    assert "address" in exc.value.message_dict
