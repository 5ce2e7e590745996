import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from louyu.buildings.models import Building
from louyu.core.audit import AuditEvent
from louyu.core.errors import InvalidTransition
from louyu.inspections import services
from louyu.inspections.sampling import StratumSpec
from louyu.inspections.tests.conftest import building, nothing_changes

BJ = "北京市朝阳区建国路{}号"
DL = "辽宁省大连市中山区人民路{}号"


@pytest.fixture
def stock(ins):
    """Six buildings in 北京 (two zero-operator) and four in 大连."""
    made = [building(BJ.format(n), operators=0 if n < 3 else 2) for n in range(1, 7)]
    made += [building(DL.format(n)) for n in range(1, 5)]
    return made


def test_administration_plans_for_its_own_jurisdiction(ins, stock):
    plan = ins.plan()
    assert plan.state == "draft" and plan.owner_jurisdiction == ins.beijing
    assert [s.kind for s in plan.strata.all()] == ["zero_operator", "random_rest"]
    assert AuditEvent.objects.filter(action="inspection_plan.create", object_id=str(plan.pk))


def test_plan_over_a_jurisdiction_not_owned_is_refused(ins, stock):
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        ins.plan(jurisdictions=[ins.beijing, ins.dalian])
    assert exc.value.message_dict["jurisdictions"] == ["只能为本局管辖范围制定检查方案。"]


def test_joint_department_may_not_plan(ins):
    with nothing_changes(), pytest.raises(PermissionDenied):
        ins.plan(actor=ins.samr)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": " "}, "name", "请填写方案名称（至少 2 个字）。"),
        ({"sample_size": 0}, "sample_size", "样本量应在 1 到 100000 之间。"),
        ({"sample_size": "十"}, "sample_size", "样本量应为整数。"),
        ({"strata": []}, "strata", "请至少设置一个抽样分层。"),
        (
            {"strata": [StratumSpec(kind="zero_operator")]},
            "strata",
            "第 1 个分层（零运营商楼宇）：请填写数量或占比。",
        ),
        (
            {"strata": [StratumSpec(kind="zero_operator", size=2, share=10)]},
            "strata",
            "第 1 个分层（零运营商楼宇）：数量和占比只能填一项。",
        ),
        (
            {"strata": [StratumSpec(kind="complaint_hotspot", size=2)]},
            "strata",
            "第 1 个分层（投诉热点楼宇）：请填写投诉数下限（≥1）和统计天数（1–3660）。",
        ),
        (
            {"strata": [StratumSpec(kind="random_rest"), StratumSpec(kind="random_rest")]},
            "strata",
            "第 2 个分层：“其余楼宇随机抽取”重复。",
        ),
    ],
)
def test_bad_specification_is_refused_with_a_clear_message(ins, overrides, field, message):
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        ins.plan(**overrides)
    assert exc.value.message_dict[field] == [message]


def test_period_end_before_start(ins):
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        ins.plan(period_end=ins.today.replace(year=ins.today.year - 1))
    assert "结束日期不能早于开始日期。" in exc.value.message_dict["period_end"]


def test_same_specification_same_data_same_seed_draws_the_same_sample(ins, stock):
    first = services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())
    second = services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())
    ids = [list(p.sample.values_list("building_id", "stratum")) for p in (first, second)]
    assert ids[0] == ids[1] and len(ids[0]) == 3
    again = services.inspection_plan_draw(actor=ins.bj, plan=first)
    assert list(again.sample.values_list("building_id", "stratum")) == ids[0]
    assert all(s.reason for s in first.sample.all())


def test_ministry_plan_over_two_jurisdictions_with_minimum(ins, stock):
    plan = ins.plan(
        actor=ins.ministry,
        jurisdictions=[ins.beijing, ins.dalian],
        strata=[StratumSpec(kind="random_rest")],
        sample_size=4,
        minimum_per_jurisdiction=2,
    )
    assert plan.owner_jurisdiction is None
    services.inspection_plan_draw(actor=ins.ministry, plan=plan)
    per = {j: plan.sample.filter(jurisdiction=j).count() for j in (ins.beijing, ins.dalian)}
    assert per == {ins.beijing: 2, ins.dalian: 2}


def test_shortfall_is_recorded_on_the_plan(ins, stock):
    plan = ins.plan(strata=[StratumSpec(kind="zero_operator", size=5)])
    services.inspection_plan_draw(actor=ins.bj, plan=plan)
    assert plan.sample.count() == 2
    assert any("仅有 2 栋符合条件，已全部抽取" in note for note in plan.draw_notes)


def test_approval_needs_a_sample_and_the_right_authority(ins, stock):
    plan = ins.plan()
    with nothing_changes(), pytest.raises(ValidationError):
        services.inspection_plan_transition(actor=ins.bj, plan=plan, to="approved")
    services.inspection_plan_draw(actor=ins.bj, plan=plan)
    national = ins.plan(actor=ins.caict, jurisdictions=[ins.beijing, ins.dalian])
    services.inspection_plan_draw(actor=ins.caict, plan=national)
    for actor, target in ((ins.caict, national), (ins.bj, national), (ins.dl, plan)):
        with nothing_changes(), pytest.raises(PermissionDenied):
            services.inspection_plan_transition(actor=actor, plan=target, to="approved")
    services.inspection_plan_transition(actor=ins.bj, plan=plan, to="approved")
    services.inspection_plan_transition(actor=ins.ministry, plan=national, to="approved")
    assert plan.state == national.state == "approved"
    assert list(plan.status_changes.values_list("to_state", flat=True)) == ["draft", "approved"]


def test_transitions_follow_the_table(ins, stock):
    plan = ins.plan()
    with nothing_changes(), pytest.raises(InvalidTransition):
        services.inspection_plan_transition(actor=ins.bj, plan=plan, to="closed")
    services.inspection_plan_draw(actor=ins.bj, plan=plan)
    for to in ("approved", "running", "closed"):
        services.inspection_plan_transition(actor=ins.bj, plan=plan, to=to)
    assert plan.state == "closed"


def test_specification_is_frozen_after_approval_and_a_new_version_is_made(ins, stock):
    plan = ins.plan()
    services.inspection_plan_draw(actor=ins.bj, plan=plan)
    services.inspection_plan_transition(actor=ins.bj, plan=plan, to="approved")
    for call in (
        lambda: services.inspection_plan_update_spec(
            actor=ins.bj, plan=plan, strata=[StratumSpec(kind="random_rest")], sample_size=5
        ),
        lambda: services.inspection_plan_draw(actor=ins.bj, plan=plan),
    ):
        with nothing_changes(), pytest.raises(InvalidTransition) as exc:
            call()
        assert "请创建新版本" in exc.value.messages[0]
    new = services.inspection_plan_revise(actor=ins.bj, plan=plan)
    assert (new.state, new.spec_version, new.supersedes) == ("draft", 2, plan)
    assert [s.kind for s in new.strata.all()] == ["zero_operator", "random_rest"]
    services.inspection_plan_update_spec(
        actor=ins.bj, plan=new, strata=[StratumSpec(kind="random_rest")], sample_size=5, seed=3
    )
    assert new.sample_size == 5 and plan.sample.count() == 3


def test_draft_specification_change_discards_the_drawn_sample(ins, stock):
    plan = services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())
    services.inspection_plan_update_spec(
        actor=ins.bj, plan=plan, strata=[StratumSpec(kind="random_rest")], sample_size=2, seed=1
    )
    assert plan.sample.count() == 0 and plan.drawn_at is None


def test_deactivated_buildings_are_not_drawn(ins, stock):
    Building.objects.filter(operator_count=0).update(is_active=False)
    plan = services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())
    assert not plan.sample.filter(building__is_active=False).exists()
    assert not plan.sample.filter(stratum="zero_operator").exists()


def test_planning_needs_an_organisation(ins):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.inspection_plan_create(
            actor=None,
            name="系统方案",
            period_start=ins.today,
            period_end=ins.today,
            jurisdictions=[ins.beijing],
            checklist=ins.checklist,
            strata=[StratumSpec(kind="random_rest")],
            sample_size=1,
            seed=1,
        )
