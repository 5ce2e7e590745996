import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from PIL import Image

from louyu.buildings import services as building_services
from louyu.buildings.models import PresenceSource, PresenceStatus
from louyu.core.models import AuditEvent, WorkItem, WorkItemState
from louyu.core.uploads import check_upload
from louyu.workplans import services
from louyu.workplans.models import PlanProgress, PlanStatusChange, WorkPlan
from louyu.workplans.workflow import MeasureStatus, State

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _serve(building, operator, actor=None):
    return building_services.presence_set(
        actor=actor,
        building=building,
        operator=operator,
        status=PresenceStatus.SERVING,
        source=PresenceSource.OPERATOR_REPORT,
    )


# --- Creating a plan ----------------------------------------------------------------------


def test_create_writes_plan_status_row_and_audit(wp):
    plan = wp.plan()
    assert plan.state == State.ACTIVE
    assert plan.jurisdiction_id == wp.building_bj.jurisdiction_id
    assert plan.status_changes.get().to_state == State.ACTIVE
    assert AuditEvent.objects.filter(action="work_plan.create", object_id=str(plan.pk)).exists()


def test_ministry_may_create_in_any_jurisdiction(wp):
    assert wp.plan(building=wp.building_dl, actor=wp.ministry).jurisdiction.code == "210200"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("dl", PermissionDenied),  # another jurisdiction
        ("telecom_bj", PermissionDenied),  # operators do not make plans
        ("caict", PermissionDenied),  # the institute reads only
        ("samr", PermissionDenied),
    ],
)
def test_only_the_building_administration_creates(wp, who, error):
    with pytest.raises(error):
        wp.plan(actor=wp[who])
    assert not WorkPlan.objects.exists()


def test_served_building_is_refused(wp):
    _serve(wp.building_bj, wp.telecom)
    with pytest.raises(ValidationError) as exc:
        wp.plan()
    assert "已有基础电信企业提供服务" in exc.value.message_dict["building"][0]
    assert not WorkPlan.objects.exists()


def test_second_active_plan_points_to_the_first(wp):
    first = wp.plan()
    with pytest.raises(services.DuplicatePlan) as exc:
        wp.plan()
    assert exc.value.plan == first
    assert WorkPlan.objects.count() == 1


def test_one_active_plan_per_building_is_a_database_constraint(wp):
    first = wp.plan()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPlan.objects.create(
            building=first.building,
            jurisdiction=first.jurisdiction,
            goal="x",
            target_date=first.target_date,
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"goal": " "}, "goal"),
        ({"target_date": datetime.date(2020, 1, 1)}, "target_date"),
        ({"target_date": "2020-13-01"}, "target_date"),
        ({"target_date": None}, "target_date"),
    ],
)
def test_create_rejects_bad_input(wp, overrides, field):
    with pytest.raises(ValidationError) as exc:
        wp.plan(**overrides)
    assert field in exc.value.message_dict
    assert not WorkPlan.objects.exists()


# --- The workflow -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to", "details", "served", "error", "field"),
    [
        ("active", "closed", {"outcome": "achieved"}, True, None, None),
        ("active", "closed", {"outcome": "abandoned", "reason": "业主拒绝"}, False, None, None),
        ("active", "closed", {"outcome": "achieved"}, False, ValidationError, "outcome"),
        ("active", "closed", {"outcome": "abandoned"}, False, ValidationError, "reason"),
        ("active", "closed", {}, False, ValidationError, "outcome"),
        ("active", "closed", {"outcome": "won"}, False, ValidationError, "outcome"),
        ("active", "active", {"reason": "再试"}, False, services.InvalidTransition, None),
        ("active", "bogus", {}, False, services.InvalidTransition, None),
        (
            "closed",
            "closed",
            {"outcome": "abandoned", "reason": "x"},
            False,
            services.InvalidTransition,
            None,
        ),
        ("closed", "active", {}, False, ValidationError, "reason"),
        ("closed", "active", {"reason": "物业更换，重新推进"}, False, None, None),
        ("closed", "active", {"reason": "已入驻也想重开"}, True, ValidationError, "reason"),
    ],
)
def test_transition_table(wp, start, to, details, served, error, field):
    plan = wp.plan()
    if start == "closed":
        services.work_plan_transition(
            actor=wp.bj, plan=plan, to="closed", outcome="abandoned", reason="暂无进展"
        )
    if served:
        _serve(wp.building_bj, wp.telecom)
    before = (plan.state, plan.version, PlanStatusChange.objects.count())
    if error is None:
        services.work_plan_transition(actor=wp.bj, plan=plan, to=to, **details)
        plan.refresh_from_db()
        assert plan.state == to
        assert plan.status_changes.last().to_state == to
        assert AuditEvent.objects.filter(action=f"work_plan.{to}").exists()
        return
    with pytest.raises(error) as exc:
        services.work_plan_transition(actor=wp.bj, plan=plan, to=to, **details)
    if field:
        assert field in exc.value.message_dict
    plan.refresh_from_db()
    assert (plan.state, plan.version, PlanStatusChange.objects.count()) == before


def test_stale_version_is_refused(wp):
    plan = wp.plan()
    stale = plan.version
    wp.measure(plan)  # bumps the version
    with pytest.raises(services.ConcurrentEdit):
        services.work_plan_transition(
            actor=wp.bj,
            plan=plan,
            to="closed",
            expected_version=stale,
            outcome="abandoned",
            reason="x y",
        )
    plan.refresh_from_db()
    assert plan.state == State.ACTIVE


def test_other_jurisdiction_cannot_transition(wp):
    plan = wp.plan()
    with pytest.raises(PermissionDenied):
        services.work_plan_transition(
            actor=wp.dl, plan=plan, to="closed", outcome="abandoned", reason="越权"
        )


def test_close_cancels_open_measures_and_their_work_items(wp):
    plan = wp.plan()
    done = wp.measure(plan, title="已完成的约谈")
    services.progress_report(actor=wp.bj, measure=done, text="已约谈", new_status="done")
    open_measure = wp.commitment(plan)
    services.work_plan_transition(
        actor=wp.bj, plan=plan, to="closed", outcome="abandoned", reason="业主明确拒绝"
    )
    open_measure.refresh_from_db()
    done.refresh_from_db()
    assert open_measure.status == MeasureStatus.CANCELLED
    assert done.status == MeasureStatus.DONE
    assert "业主明确拒绝" in open_measure.progress.last().text
    item = WorkItem.objects.get(object_id=str(open_measure.pk), kind="work_plan_measure")
    assert item.state == WorkItemState.CANCELLED


def test_reopen_clears_the_outcome(wp):
    plan = wp.plan()
    services.work_plan_transition(
        actor=wp.bj, plan=plan, to="closed", outcome="abandoned", reason="暂停"
    )
    services.work_plan_transition(actor=wp.bj, plan=plan, to="active", reason="物业已更换")
    plan.refresh_from_db()
    assert (plan.state, plan.outcome, plan.closed_at) == (State.ACTIVE, "", None)


def test_reopen_is_refused_when_another_plan_is_active(wp):
    plan = wp.plan()
    services.work_plan_transition(
        actor=wp.bj, plan=plan, to="closed", outcome="abandoned", reason="暂停"
    )
    wp.plan()
    with pytest.raises(ValidationError):
        services.work_plan_transition(actor=wp.bj, plan=plan, to="active", reason="再试")


# --- Measures -----------------------------------------------------------------------------


def test_measure_gives_its_owner_a_work_item(wp):
    plan = wp.plan()
    measure = wp.commitment(plan)
    assert measure.operator == wp.telecom
    item = WorkItem.objects.get(object_id=str(measure.pk), kind="work_plan_measure")
    assert item.assignee_organization == wp.telecom_branch
    assert item.link == f"/work-plans/{plan.pk}/"
    assert item.due_at is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": None}, "kind"),
        ({"owner": None}, "owner"),
        ({"due_date": datetime.date(2020, 1, 1)}, "due_date"),
        ({"committed_entry_date": datetime.date(2099, 1, 1)}, "committed_entry_date"),
    ],
)
def test_measure_rejects_bad_input(wp, overrides, field):
    plan = wp.plan()
    with pytest.raises(ValidationError) as exc:
        wp.measure(plan, **overrides)
    assert field in exc.value.message_dict
    assert not plan.measures.exists()


def test_commitment_needs_an_operator_and_a_date(wp):
    plan = wp.plan()
    with pytest.raises(ValidationError) as exc:
        wp.commitment(plan, owner=wp.samr_org)
    assert "owner" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        wp.commitment(plan, committed_entry_date=None)
    assert "committed_entry_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        wp.commitment(plan, committed_entry_date=wp.today - DAY)
    assert "committed_entry_date" in exc.value.message_dict


def test_measures_on_a_closed_plan_are_refused(wp):
    plan = wp.plan()
    services.work_plan_transition(
        actor=wp.bj, plan=plan, to="closed", outcome="abandoned", reason="暂停"
    )
    with pytest.raises(services.InvalidTransition):
        wp.measure(plan)


def test_measure_update_moves_the_work_item_to_a_new_owner(wp):
    plan = wp.plan()
    measure = wp.measure(plan)
    services.measure_update(
        actor=wp.bj, measure=measure, expected_version=measure.version, owner=wp.samr_org
    )
    items = WorkItem.objects.filter(object_id=str(measure.pk), kind="work_plan_measure")
    assert {(i.assignee_organization.code, i.state) for i in items} == {
        ("ca-110000", WorkItemState.CANCELLED),
        ("samr-110000", WorkItemState.OPEN),
    }


def test_measure_update_checks_version_and_dates(wp):
    plan = wp.plan()
    measure = wp.measure(plan)
    with pytest.raises(services.ConcurrentEdit):
        services.measure_update(
            actor=wp.bj, measure=measure, expected_version=measure.version + 1, title="新标题"
        )
    with pytest.raises(ValidationError) as exc:
        services.measure_update(actor=wp.bj, measure=measure, due_date=wp.today - DAY)
    assert "due_date" in exc.value.message_dict
    # An unchanged due date that has passed since is kept when another field changes.
    type(measure).objects.filter(pk=measure.pk).update(due_date=wp.today - 5 * DAY)
    measure.refresh_from_db()
    services.measure_update(actor=wp.bj, measure=measure, title="改期前先改名")
    with pytest.raises(PermissionDenied):
        services.measure_update(actor=wp.telecom_bj, measure=measure, title="运营商改名")


def test_done_measure_cannot_be_reopened(wp):
    plan = wp.plan()
    measure = wp.measure(plan)
    services.measure_update(actor=wp.bj, measure=measure, status="done")
    assert WorkItem.objects.get(object_id=str(measure.pk)).state == WorkItemState.DONE
    with pytest.raises(services.InvalidTransition):
        services.measure_update(actor=wp.bj, measure=measure, status="planned")


# --- Progress -----------------------------------------------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name, self.size = name, len(data)


def test_owner_operator_reports_progress_with_evidence(wp):
    plan = wp.plan()
    measure = wp.commitment(plan)
    checked = check_upload(_Upload(_png(), "现场.png"))
    record = services.progress_report(
        actor=wp.telecom_bj,
        measure=measure,
        text="已完成勘察，下周进场",
        new_status="in_progress",
        evidence=checked,
    )
    assert record.evidence and record.evidence_name.endswith(".png")
    assert record.reported_by_organization == wp.telecom_branch
    services.progress_report(actor=wp.telecom_bj, measure=measure, text="已开通", new_status="done")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert WorkItem.objects.get(object_id=str(measure.pk)).state == WorkItemState.DONE
    # The operator's headquarters may report for its branch too; the branch not for others.
    other = wp.commitment(plan, title="总部跟进")
    services.progress_report(actor=wp.telecom_hq, measure=other, text="总部已协调")


@pytest.mark.parametrize("who", ["mobile_bj", "samr", "dl", "caict"])
def test_only_the_owner_reports(wp, who):
    measure = wp.commitment(wp.plan())
    with pytest.raises(PermissionDenied):
        services.progress_report(actor=wp[who], measure=measure, text="越权报告")
    assert not PlanProgress.objects.exists()


@pytest.mark.parametrize(
    ("new_status", "error"),
    [("cancelled", ValidationError), ("planned", ValidationError), ("bogus", ValidationError)],
)
def test_progress_status_only_moves_forward(wp, new_status, error):
    measure = wp.commitment(wp.plan())
    with pytest.raises(error):
        services.progress_report(
            actor=wp.telecom_bj, measure=measure, text="进展", new_status=new_status
        )


def test_no_progress_on_closed_plans_or_finished_measures(wp):
    plan = wp.plan()
    finished = wp.commitment(plan)
    services.progress_report(actor=wp.telecom_bj, measure=finished, text="完成", new_status="done")
    with pytest.raises(services.InvalidTransition):
        services.progress_report(actor=wp.telecom_bj, measure=finished, text="再报")
    still_open = wp.commitment(plan, title="第二项")
    services.work_plan_transition(
        actor=wp.bj, plan=plan, to="closed", outcome="abandoned", reason="暂停"
    )
    with pytest.raises(services.InvalidTransition):
        services.progress_report(actor=wp.telecom_bj, measure=still_open, text="关闭后报告")


def test_progress_text_is_required(wp):
    measure = wp.commitment(wp.plan())
    with pytest.raises(ValidationError) as exc:
        services.progress_report(actor=wp.telecom_bj, measure=measure, text=" ")
    assert "text" in exc.value.message_dict


# --- Presence turning serving -------------------------------------------------------------


def test_presence_serving_tells_the_administration_once(wp, django_capture_on_commit_callbacks):
    plan = wp.plan()
    with django_capture_on_commit_callbacks(execute=True):
        _serve(wp.building_bj, wp.telecom)
    item = WorkItem.objects.get(kind="work_plan_closable")
    assert item.assignee_organization == wp.ca_bj
    assert item.link == f"/work-plans/{plan.pk}/"
    assert "可关闭工作方案" in item.title
    mobile = wp.mobile_branch.parent
    with django_capture_on_commit_callbacks(execute=True):
        _serve(wp.building_bj, mobile)
    assert WorkItem.objects.filter(kind="work_plan_closable").count() == 1
    services.work_plan_transition(actor=wp.bj, plan=plan, to="closed", outcome="achieved")
    assert WorkItem.objects.get(kind="work_plan_closable").state == WorkItemState.DONE


def test_an_import_that_makes_the_building_served_tells_the_administration(
    wp, django_capture_on_commit_callbacks
):
    """Imports write presence history in bulk (no post_save per row); they reach plans too."""
    from louyu.buildings.import_engine.readers import Table
    from louyu.buildings.import_engine.run import run_import

    plan = wp.plan()
    wp.plan(building=wp.building_bj2)
    table = Table(
        headers=["楼宇名称", "详细地址", "已进驻运营商"],
        rows=[
            (2, ["望京测试大厦", "北京市朝阳区建国路1号", "电信"]),
            (3, ["国贸测试中心", "北京市朝阳区建国路2号", "无"]),
        ],
        header_row=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(table=table, actor=wp.bj, dry_run=False)
    assert result.rejected == []
    wp.building_bj.refresh_from_db()
    assert wp.building_bj.operator_count == 1
    item = WorkItem.objects.get(kind="work_plan_closable")
    assert item.link == f"/work-plans/{plan.pk}/"
    assert "可关闭工作方案" in item.title


def test_presence_without_plan_or_not_serving_does_nothing(wp, django_capture_on_commit_callbacks):
    wp.plan()
    with django_capture_on_commit_callbacks(execute=True):
        _serve(wp.building_bj2, wp.telecom)
        building_services.presence_set(
            actor=None,
            building=wp.building_bj,
            operator=wp.telecom,
            status=PresenceStatus.BUILDING_IN,
            source=PresenceSource.MANUAL,
        )
    assert not WorkItem.objects.filter(kind="work_plan_closable").exists()
