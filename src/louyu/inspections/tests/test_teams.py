import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from louyu.buildings.models import Building
from louyu.core import roles
from louyu.core.errors import InvalidTransition
from louyu.core.models import WorkItem
from louyu.core.tests.factories import UserFactory
from louyu.inspections import services
from louyu.inspections.models import Assignment
from louyu.inspections.tests.conftest import building, nothing_changes

PLAN = "/inspections/plans/"


@pytest.fixture
def approved(ins):
    for n in range(1, 5):
        building(f"北京市朝阳区建国路{n}号", operators=0 if n == 1 else 2)
    plan = services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())
    plan.organizations.add(ins.orgs["samr-110000"])
    services.inspection_plan_transition(actor=ins.bj, plan=plan, to="approved")
    return plan


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_mixed_team_and_assignment_make_work_items_for_each_member(ins, approved):
    team = services.team_create(
        actor=ins.bj, plan=approved, name="第一组", members=[ins.bj, ins.samr]
    )
    sampled = approved.sample.first()
    assignment = services.assignment_create(
        actor=ins.bj, team=team, sampled=sampled, scheduled_on=ins.today
    )
    items = WorkItem.objects.filter(kind="inspection_assignment", object_id=str(assignment.pk))
    assert {i.assignee_user_id for i in items} == {ins.bj.pk, ins.samr.pk}
    assert all(i.link == f"/inspections/assignments/{assignment.pk}/" for i in items)
    page = client_for(ins.samr).get(f"/inspections/assignments/{assignment.pk}/")
    assert page.status_code == 200 and sampled.building.name in page.content.decode()


def test_teams_only_after_approval_and_only_of_participants(ins):
    building("北京市朝阳区建国路1号")
    draft = services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())
    with nothing_changes(), pytest.raises(InvalidTransition):
        services.team_create(actor=ins.bj, plan=draft, name="第一组", members=[ins.bj])
    services.inspection_plan_transition(actor=ins.bj, plan=draft, to="approved")
    with nothing_changes(), pytest.raises(ValidationError) as exc:
        services.team_create(actor=ins.bj, plan=draft, name="第一组", members=[ins.dl])
    assert exc.value.message_dict["members"] == ["成员须为参加本次检查的单位的人员。"]
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.team_create(actor=ins.samr, plan=draft, name="第一组", members=[ins.bj])


def test_assignment_refuses_a_deactivated_building_a_second_time_and_a_day_outside(ins, approved):
    team = services.team_create(actor=ins.bj, plan=approved, name="第一组", members=[ins.bj])
    first, second = approved.sample.all()[:2]
    services.assignment_create(actor=ins.bj, team=team, sampled=first, scheduled_on=ins.today)
    Building.objects.filter(pk=second.building_id).update(is_active=False)
    second.refresh_from_db()
    third = approved.sample.all()[2]
    cases = [
        (first, ins.today, "该楼宇已安排给检查组。"),
        (second, ins.today, "该楼宇已停用，不能安排检查。"),
        (third, ins.today.replace(year=ins.today.year + 1), "检查日期须在方案的检查期间内。"),
        (third, "明天", "检查日期格式应为 YYYY-MM-DD。"),
    ]
    for sampled, day, message in cases:
        with nothing_changes(), pytest.raises(ValidationError) as exc:
            services.assignment_create(actor=ins.bj, team=team, sampled=sampled, scheduled_on=day)
        assert message in exc.value.messages


def test_member_of_another_jurisdiction_cannot_open_an_assignment_not_theirs(ins, approved):
    team = services.team_create(actor=ins.bj, plan=approved, name="第一组", members=[ins.samr])
    assignment = services.assignment_create(
        actor=ins.bj, team=team, sampled=approved.sample.first(), scheduled_on=ins.today
    )
    outsider = UserFactory(
        username="i-samr-dl",
        organization=ins.orgs["ca-210200"],
        roles=[roles.JOINT_DEPARTMENT_STAFF],
    )
    url = f"/inspections/assignments/{assignment.pk}/"
    for user in (ins.dl, outsider):
        assert client_for(user).get(url).status_code == 404
    assert client_for(ins.bj).get(url).status_code == 200
    response = Client().get(url)
    assert response.status_code == 302 and "login" in response.url


def test_team_and_assignment_through_the_plan_page(ins, approved):
    client = client_for(ins.bj)
    page = client.get(f"{PLAN}{approved.pk}/").content.decode()
    assert "form-team" in page
    response = client.post(
        f"{PLAN}{approved.pk}/teams/", {"name": "联合一组", "members": [ins.bj.pk, ins.samr.pk]}
    )
    assert response.status_code == 302
    team = approved.teams.get()
    sampled = approved.sample.first()
    with nothing_changes():
        bad = client.post(
            f"{PLAN}{approved.pk}/assignments/",
            {"team": team.pk, "sampled": sampled.pk, "scheduled_on": "2000-01-01"},
        )
    assert bad.status_code == 400 and "检查日期须在方案的检查期间内。" in bad.content.decode()
    client.post(
        f"{PLAN}{approved.pk}/assignments/",
        {"team": team.pk, "sampled": sampled.pk, "scheduled_on": ins.today.isoformat()},
    )
    assert Assignment.objects.filter(team=team, sampled=sampled).exists()
    other = client_for(ins.dl)
    with nothing_changes():
        assert other.post(f"{PLAN}{approved.pk}/teams/", {"name": "x"}).status_code == 404


def test_closing_the_plan_cancels_open_assignment_work_items(ins, approved):
    team = services.team_create(actor=ins.bj, plan=approved, name="第一组", members=[ins.samr])
    services.assignment_create(
        actor=ins.bj, team=team, sampled=approved.sample.first(), scheduled_on=ins.today
    )
    for to in ("running", "closed"):
        services.inspection_plan_transition(actor=ins.bj, plan=approved, to=to)
    states = set(
        WorkItem.objects.filter(kind="inspection_assignment").values_list("state", flat=True)
    )
    assert states == {"cancelled"}
