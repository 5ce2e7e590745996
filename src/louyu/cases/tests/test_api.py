"""The cases API: list/detail scoped (404 outside scope, never 403), create (also refusing a
forged building of another jurisdiction), transitions (200/400/403/409), measures with the
owner's answer, enforcement actions and acceptance checks (multipart)."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from louyu.cases.models import Case, CaseFile
from louyu.cases.tests.conftest import png_upload
from louyu.cases.workflow import State
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_create_list_and_detail(kenv):
    body = {
        "building": kenv["building"].code,
        "severity": "serious",
        "violations": [
            {
                "category": "entry_blocked",
                "responsible_party": "property_company",
                "responsible_organization": kenv["pm"].code,
            }
        ],
    }
    response = client_for(kenv["bj"]).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "identified" and data["severity"] == "serious"
    assert data["violations"][0]["responsible_organization"] == kenv["pm"].code
    assert data["allowed_transitions"] == ["closed_unresolved", "rectifying"]
    again = client_for(kenv["bj"]).post(URL, body, format="json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    listed = client_for(kenv["bj"]).get(URL, {"state": "identified", "category": "entry_blocked"})
    assert [c["code"] for c in listed.json()["results"]] == [data["code"]]
    assert client_for(kenv["bj"]).get(URL, {"state": "rectified"}).json()["count"] == 0
    assert client_for(kenv["bj"]).get(URL, {"state": "bogus"}).status_code == 400
    detail = client_for(kenv["ministry"]).get(f"{URL}{data['id']}/")
    assert detail.status_code == 200 and detail.json()["allowed_transitions"]


def test_a_forged_building_of_another_jurisdiction_is_refused(kenv):
    for ref in (kenv["dl_building"].code, str(kenv["dl_building"].pk)):
        with assert_unchanged():
            response = client_for(kenv["bj"]).post(
                URL, {"building": ref, "violations": []}, format="json"
            )
        assert response.status_code == 400
        assert "building" in response.json()
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["dl", "telecom", "mobile", "samr", "pm_user", None])
def test_outside_scope_is_404_and_the_list_is_empty(kenv, who):
    case = kenv["open_case"]()
    client = client_for(kenv[who] if who else None)
    detail = client.get(f"{URL}{case.pk}/")
    assert detail.status_code in ((404,) if who else (401, 403))
    with assert_unchanged():
        transition = client.post(f"{URL}{case.pk}/transition/", {"to": "rectifying"}, format="json")
    assert transition.status_code in ((404,) if who else (401, 403))
    if who:
        assert client.get(URL).json()["count"] == 0
    case.refresh_from_db()
    assert case.state == State.IDENTIFIED


def test_transition_status_codes(kenv):
    case = kenv["open_case"]()
    client = client_for(kenv["bj"])
    url = f"{URL}{case.pk}/transition/"
    with assert_unchanged():
        assert client.post(url, {"to": "awaiting_acceptance"}, format="json").status_code == 409
        assert client.post(url, {"to": "closed_unresolved"}, format="json").status_code == 400
        assert client.post(url, {"to": "nowhere"}, format="json").status_code == 400
    ok = client.post(url, {"to": "rectifying", "expected_version": case.version}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "rectifying"
    assert ok.json()["rectify_due_at"].endswith("+08:00")
    with assert_unchanged():
        stale = client.post(
            url,
            {"to": "closed_unresolved", "reason": "理由", "expected_version": case.version},
            format="json",
        )
    assert stale.status_code == 409
    assert "刷新" in stale.json()["detail"]


def test_measure_owner_sees_only_its_measure_answers_it_and_cannot_change_the_case(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    kenv["measure"](case, owner=kenv["telecom_org"])
    owner = client_for(kenv["pm_user"])
    detail = owner.get(f"{URL}{case.pk}/")
    assert detail.status_code == 200
    data = detail.json()
    assert [m["id"] for m in data["measures"]] == [measure.pk]
    assert data["violations"] == [] and data["complaints"] == [] and data["actions"] == []
    assert data["allowed_transitions"] == []
    case.refresh_from_db()
    version = case.version
    with assert_unchanged():
        refused = owner.post(
            f"{URL}{case.pk}/transition/",
            {"to": "closed_unresolved", "reason": "物业自行结案"},
            format="json",
        )
        assert refused.status_code == 403
        severity = owner.post(f"{URL}{case.pk}/severity/", {"severity": "general"}, format="json")
        assert severity.status_code == 403
    case.refresh_from_db()
    assert case.state == State.RECTIFYING and case.version == version
    answer = owner.post(
        f"{URL}{case.pk}/measures/{measure.pk}/answer/",
        {"response": "已开放弱电间", "files": [png_upload()]},
        format="multipart",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "done" and len(answer.json()["files"]) == 1
    with assert_unchanged():
        other = client_for(kenv["mobile"]).post(
            f"{URL}{case.pk}/measures/{measure.pk}/answer/", {"response": "x"}, format="json"
        )
        assert other.status_code == 404
        telecom = client_for(kenv["telecom"]).post(
            f"{URL}{case.pk}/measures/{measure.pk}/answer/",
            {"response": "越权答复"},
            format="json",
        )
    assert telecom.status_code == 404  # sees the case, not this measure


def test_measures_actions_and_acceptance_over_the_api(kenv):
    case = kenv["rectifying"]()
    client = client_for(kenv["bj"])
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    created = client.post(
        f"{URL}{case.pk}/measures/",
        {"title": "撤销排他协议", "owner": kenv["pm"].code, "due_date": due},
        format="json",
    )
    assert created.status_code == 201, created.content
    with assert_unchanged():
        blocked = client.post(
            f"{URL}{case.pk}/transition/", {"to": "awaiting_acceptance"}, format="json"
        )
        assert blocked.status_code == 400 and "撤销排他协议" in blocked.json()["measures"][0]
        penalty = client.post(
            f"{URL}{case.pk}/actions/",
            {"kind": "penalty", "action_date": timezone.localdate().isoformat(), "amount": "0"},
            format="multipart",
        )
    assert penalty.status_code == 400 and {"amount", "decision_number"} <= set(penalty.json())
    penalty = client.post(
        f"{URL}{case.pk}/actions/",
        {
            "kind": "penalty",
            "action_date": timezone.localdate().isoformat(),
            "amount": "30000",
            "decision_number": "京通管罚〔2026〕8号",
            "files": [png_upload("decision.png")],
        },
        format="multipart",
    )
    assert penalty.status_code == 201 and penalty.json()["amount"] == "30000.00"
    client_for(kenv["pm_user"]).post(
        f"{URL}{case.pk}/measures/{created.json()['id']}/answer/",
        {"response": "已解除"},
        format="json",
    )
    moved = client.post(f"{URL}{case.pk}/transition/", {"to": "awaiting_acceptance"}, format="json")
    assert moved.status_code == 200
    today = timezone.localdate().isoformat()
    with assert_unchanged():
        no_file = client.post(
            f"{URL}{case.pk}/acceptance-checks/",
            {"passed": "true", "notes": "已整改", "checked_on": today},
            format="multipart",
        )
        assert no_file.status_code == 400 and "files" in no_file.json()
        fake = png_upload("fake.png").__class__("fake.png", b"not an image", "image/png")
        bad_file = client.post(
            f"{URL}{case.pk}/acceptance-checks/",
            {"passed": "true", "notes": "已整改", "checked_on": today, "files": [fake]},
            format="multipart",
        )
    assert bad_file.status_code == 400
    accepted = client.post(
        f"{URL}{case.pk}/acceptance-checks/",
        {"passed": "true", "notes": "已整改", "checked_on": today, "files": [png_upload()]},
        format="multipart",
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["state"] == "rectified"
    assert accepted.json()["acceptance_checks"][0]["passed"] is True


def test_operator_reports_refused_entry_over_the_api(kenv):
    response = client_for(kenv["telecom"]).post(
        f"{URL}refused-entry/",
        {"building": kenv["building"].code, "description": "物业拒绝我司进场施工"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "operator_report"
    assert client_for(kenv["telecom"]).get(URL).json()["count"] == 1
    assert client_for(kenv["mobile"]).get(URL).json()["count"] == 0
    with assert_unchanged():
        refused = client_for(kenv["bj"]).post(
            f"{URL}refused-entry/",
            {"building": kenv["building"].code, "description": "管理局不是运营商"},
            format="json",
        )
    assert refused.status_code == 403


def test_refused_entry_over_the_api_takes_evidence_and_sets_presence(kenv):
    url = f"{URL}refused-entry/"
    report = {"building": kenv["building"].code, "description": "物业拒绝我司进场施工"}
    fake = png_upload("x.png").__class__("x.png", b"<script>", "image/png")
    with assert_unchanged():
        bad = client_for(kenv["telecom"]).post(url, {**report, "files": [fake]}, format="multipart")
    assert bad.status_code == 400 and "files" in str(bad.json()), bad.json()
    response = client_for(kenv["telecom"]).post(
        url, {**report, "files": [png_upload("门禁.png")]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert CaseFile.objects.get(case_id=response.json()["id"]).original_name == "门禁.png"
    assert kenv["building"].presences.get().status == "refused"


def test_case_evidence_upload_checks_content_and_scope(kenv):
    case = kenv["open_case"]()
    url = f"{URL}{case.pk}/evidence/"
    fake = png_upload("x.png").__class__("x.png", b"<script>", "image/png")
    with assert_unchanged():
        assert client_for(kenv["bj"]).post(url, {}, format="multipart").status_code == 400
        bj_fake = client_for(kenv["bj"]).post(url, {"files": [fake]}, format="multipart")
        assert bj_fake.status_code == 400
        dl = client_for(kenv["dl"]).post(url, {"files": [png_upload()]}, format="multipart")
        assert dl.status_code == 404
    ok = client_for(kenv["bj"]).post(url, {"files": [png_upload()]}, format="multipart")
    assert ok.status_code == 201 and ok.json()["evidence"][0]["kind"] == "evidence"


def test_case_name_and_summary_through_the_api(kenv):
    case = kenv["rectifying"]()
    case.refresh_from_db()
    bj = client_for(kenv["bj"])
    url = f"{URL}{case.pk}/info/"
    with assert_unchanged():
        assert bj.post(url, {}, format="json").status_code == 400  # neither field
        assert bj.post(url, {"title": ""}, format="json").status_code == 400
        assert bj.post(url, {"title": "名" * 201}, format="json").status_code == 400
        stale = bj.post(url, {"title": "旧", "expected_version": case.version - 1}, format="json")
    assert stale.status_code == 409
    done = bj.post(
        url, {"summary": "物业拒绝移动进场。", "expected_version": case.version}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["summary"] == "物业拒绝移动进场。"
    assert done.json()["title"] == case.title  # untouched
    with assert_unchanged():
        other = client_for(kenv["dl"]).post(url, {"title": "大连改的"}, format="json")
    assert other.status_code == 404
    case.refresh_from_db()
    assert case.summary == "物业拒绝移动进场。" and case.title != "大连改的"
    closed = bj.post(
        f"{URL}{case.pk}/transition/",
        {"to": "closed_unresolved", "reason": "无法推进", "expected_version": case.version},
        format="json",
    )
    assert closed.status_code == 200, closed.content
    with assert_unchanged():
        assert bj.post(url, {"title": "结案后改名"}, format="json").status_code == 409


def test_withdraw_a_violation_through_the_api(kenv):
    case = kenv["rectifying"]()
    violation = case.violations.get()
    bj = client_for(kenv["bj"])
    url = f"{URL}{case.pk}/violations/{violation.pk}/withdraw/"
    category = kenv["category"].code
    assert [c["id"] for c in bj.get(URL, {"category": category}).json()["results"]] == [case.pk]
    forged = f"{URL}{case.pk}/violations/{violation.pk + 999}/withdraw/"
    with assert_unchanged():
        assert bj.post(url, {}, format="json").status_code == 400
        assert bj.post(forged, {"reason": "伪造"}, format="json").status_code == 404
        outsider = client_for(kenv["dl"]).post(url, {"reason": "大连撤的"}, format="json")
    assert outsider.status_code == 404
    done = bj.post(url, {"reason": "登记错了"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["withdrawn_at"] and done.json()["withdraw_reason"] == "登记错了"
    with assert_unchanged():
        assert bj.post(url, {"reason": "再撤一次"}, format="json").status_code == 409
    detail = bj.get(f"{URL}{case.pk}/").json()
    assert detail["violations"][0]["withdraw_reason"] == "登记错了"
    assert bj.get(URL, {"category": category}).json()["count"] == 0


def test_cancel_a_measure_through_the_api(kenv):
    from louyu.core.models import WorkItem

    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    url = f"{URL}{case.pk}/measures/{measure.pk}/cancel/"
    assert WorkItem.objects.filter(
        content_type__model="measure", object_id=str(measure.pk), state="open"
    ).exists()
    bj = client_for(kenv["bj"])
    with assert_unchanged():
        owner = client_for(kenv["pm_user"]).post(url, {"reason": "不想做"}, format="json")
        assert owner.status_code == 403
        outsider = client_for(kenv["dl"]).post(url, {"reason": "大连取消"}, format="json")
        assert outsider.status_code == 404
        assert bj.post(url, {}, format="json").status_code == 400
    done = bj.post(url, {"reason": "改由运营商承担"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "cancelled"
    assert not WorkItem.objects.filter(
        content_type__model="measure", object_id=str(measure.pk), state="open"
    ).exists()
    with assert_unchanged():
        assert bj.post(url, {"reason": "再取消"}, format="json").status_code == 409
