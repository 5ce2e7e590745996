import pytest
from django.test import Client

from louyu.inspections import services
from louyu.inspections.models import InspectionPlan
from louyu.inspections.tests.conftest import building, nothing_changes

pytestmark = pytest.mark.django_db
LIST = "/inspections/plans/"


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def drawn(ins):
    for n in range(1, 5):
        building(f"北京市朝阳区建国路{n}号", operators=0 if n == 1 else 2)
    return services.inspection_plan_draw(actor=ins.bj, plan=ins.plan())


def _form(ins, **overrides):
    data = {
        "name": "朝阳区商务楼宇检查",
        "period_start": ins.today.isoformat(),
        "period_end": ins.today.isoformat(),
        "checklist": ins.checklist.pk,
        "sample_size": "3",
        "minimum_per_jurisdiction": "0",
        "seed": "5",
        "exclude_inspected_months": "0",
        "exclude_case_closed_months": "0",
        "jurisdictions": [ins.beijing.pk],
        "position_zero_operator": "1",
        "size_zero_operator": "1",
        "position_random_rest": "2",
    }
    data.update(overrides)
    return data


def test_create_draw_approve_through_the_pages(ins, drawn):
    client = client_for(ins.bj)
    page = client.get("/inspections/plans/new/")
    assert page.status_code == 200 and "抽样分层" in page.content.decode()
    response = client.post("/inspections/plans/new/", _form(ins))
    assert response.status_code == 302
    plan = InspectionPlan.objects.get(name="朝阳区商务楼宇检查")
    assert [s.kind for s in plan.strata.all()] == ["zero_operator", "random_rest"]
    client.post(f"{LIST}{plan.pk}/draw/", {"version": plan.version})
    body = client.get(f"{LIST}{plan.pk}/").content.decode()
    assert "零运营商楼宇：没有基础电信企业提供服务" in body
    assert 'data-testid="plan-sampling-method">按位置抽取<' in body
    client.post(f"{LIST}{plan.pk}/transition/", {"to": "approved"})
    plan.refresh_from_db()
    assert plan.state == "approved" and plan.sample.count() == 3


def test_plan_over_another_jurisdiction_shows_the_error_and_writes_nothing(ins):
    client = client_for(ins.bj)
    with nothing_changes():
        response = client.post("/inspections/plans/new/", _form(ins, jurisdictions=[ins.dalian.pk]))
    assert response.status_code == 400
    assert "error-jurisdictions" in response.content.decode()


def test_bad_stratum_shows_a_clear_message(ins):
    client = client_for(ins.bj)
    with nothing_changes():
        response = client.post(
            "/inspections/plans/new/", _form(ins, size_zero_operator="", position_random_rest="")
        )
    assert response.status_code == 400
    assert "第 1 个分层（零运营商楼宇）：请填写数量或占比。" in response.content.decode()


def test_edit_after_approval_is_refused(ins, drawn):
    services.inspection_plan_transition(actor=ins.bj, plan=drawn, to="approved")
    client = client_for(ins.bj)
    with nothing_changes():
        response = client.post(f"{LIST}{drawn.pk}/edit/", {"sample_size": "9"}, follow=True)
    assert "请创建新版本" in response.content.decode()
    response = client.post(f"{LIST}{drawn.pk}/revise/")
    new = InspectionPlan.objects.get(supersedes=drawn)
    assert response.url == f"{LIST}{new.pk}/"
    form = client.get(f"{LIST}{new.pk}/edit/")
    assert form.status_code == 200
    data = {k: v for k, v in _form(ins, sample_size="2").items() if k != "jurisdictions"}
    assert client.post(f"{LIST}{new.pk}/edit/", data).status_code == 302
    new.refresh_from_db()
    assert new.sample_size == 2


def test_draft_is_hidden_from_other_administrations_and_departments(ins, drawn):
    for user in (ins.dl, ins.samr):
        client = client_for(user)
        assert client.get(f"{LIST}{drawn.pk}/").status_code == 404
        with nothing_changes():
            for action in ("draw", "transition", "revise", "edit"):
                response = client.post(f"{LIST}{drawn.pk}/{action}/", {"to": "approved"})
                assert response.status_code == 404
    assert client_for(ins.caict).get(f"{LIST}{drawn.pk}/").status_code == 200


def test_participants_see_the_plan_once_approved(ins, drawn):
    drawn.organizations.add(ins.orgs["samr-110000"])
    assert client_for(ins.samr).get(f"{LIST}{drawn.pk}/").status_code == 404
    services.inspection_plan_transition(actor=ins.bj, plan=drawn, to="approved")
    assert client_for(ins.samr).get(f"{LIST}{drawn.pk}/").status_code == 200
    assert client_for(ins.dl).get(f"{LIST}{drawn.pk}/").status_code == 404
    assert "plan-link" in client_for(ins.samr).get(LIST).content.decode()


def test_anonymous_is_sent_to_login(ins, drawn):
    client = client_for()
    for url in (LIST, "/inspections/plans/new/", f"{LIST}{drawn.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url
    with nothing_changes():
        client.post(f"{LIST}{drawn.pk}/transition/", {"to": "approved"})


def test_bad_version_is_a_message_not_a_crash(ins, drawn):
    client = client_for(ins.bj)
    response = client.post(
        f"{LIST}{drawn.pk}/transition/", {"to": "approved", "version": "abc"}, follow=True
    )
    assert "版本号应为整数。" in response.content.decode()


def test_sample_export_is_scoped_and_audited(ins, drawn):
    import io

    from openpyxl import load_workbook

    from louyu.core.audit import AuditEvent

    response = client_for(ins.bj).get(f"{LIST}{drawn.pk}/sample.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][6]
    assert AuditEvent.objects.filter(action="inspection_plan.export_sample").exists()
    assert client_for(ins.dl).get(f"{LIST}{drawn.pk}/sample.xlsx").status_code == 404
    assert client_for().get(f"{LIST}{drawn.pk}/sample.xlsx").status_code == 302


def test_summary_pdf_is_scoped(ins, drawn):
    from louyu.inspections.documents import plan_summary_document

    document = plan_summary_document(user=ins.bj, plan=drawn)
    assert document.title == "2026 年北京联合检查抽样与安排情况"
    response = client_for(ins.bj).get(f"{LIST}{drawn.pk}/summary.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_for(ins.dl).get(f"{LIST}{drawn.pk}/summary.pdf").status_code == 404
    assert client_for().get(f"{LIST}{drawn.pk}/summary.pdf").status_code == 302
