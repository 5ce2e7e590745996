"""The case pages: queue with filters and export, opening by hand and from a complaint,
detail for the administration and for a measure owner, the action forms' bad input."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from louyu.cases.models import Case
from louyu.cases.services.details import case_set_supervision
from louyu.cases.services.transitions import case_transition
from louyu.cases.tests.conftest import png_upload
from louyu.cases.tests.services.test_opening import _replied_complaint
from louyu.cases.workflow import State
from louyu.core.models import AuditEvent
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queue_filters_and_navigation(kenv):
    key = kenv["rectifying"]()
    case_set_supervision(actor=kenv["bj"], case=key, level="administration")
    Case.objects.filter(pk=key.pk).update(
        rectify_due_at=timezone.now() - datetime.timedelta(days=1)
    )
    client = login(kenv["bj"])
    page = client.get("/cases/")
    assert page.status_code == 200
    html = page.content.decode()
    assert key.code in html and 'href="/cases/"' in html and "整治案件" in html
    for name in ("key_case", "overdue", "open_only"):  # the yes/no filters, unticked
        assert f'type="checkbox" name="{name}" id="id_{name}">' in html
    ticked = client.get("/cases/", {"overdue": "on"}).content.decode()
    assert 'type="checkbox" name="overdue" id="id_overdue" checked>' in ticked
    for params, expected in [
        ({"key_case": "on"}, True),
        ({"overdue": "on"}, True),
        ({"state": "identified"}, False),
        ({"category": "entry_blocked", "responsible_party": "property_company"}, True),
        ({"responsible_party": "operator"}, False),
        ({"severity": "major"}, False),
        ({"q": kenv["building"].code}, True),
        ({"state": "bogus"}, True),  # an unknown value is ignored, not an error page
    ]:
        html = client.get("/cases/", params).content.decode()
        assert (key.code in html) is expected, params
    assert key.code not in login(kenv["dl"]).get("/cases/").content.decode()


def test_export_is_scoped_neutralised_and_audited(kenv):
    case = kenv["open_case"](title='=HYPERLINK("http://x")')
    response = login(kenv["bj"]).get("/cases/export/", {"state": "identified"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == case.code and rows[1][1].startswith("'=")
    event = AuditEvent.objects.get(action="case.export")
    assert event.changes["rows"] == 1 and event.changes["filters"]["state"] == "identified"
    assert login(kenv["pm_user"]).get("/cases/export/").status_code == 403


def test_open_by_hand_and_refuse_a_building_elsewhere(kenv):
    client = login(kenv["bj"])
    assert client.get("/cases/new/", {"building": kenv["building"].code}).status_code == 200
    data = {
        "building_code": kenv["dl_building"].code,
        "severity": "general",
        "category": str(kenv["category"].pk),
        "responsible_party": "property_company",
    }
    with assert_unchanged():
        refused = client.post("/cases/new/", data)
    assert refused.status_code == 400
    assert "不在您的管辖范围内" in refused.content.decode()
    assert not Case.objects.exists()
    data["building_code"] = kenv["building"].code
    response = client.post("/cases/new/", data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    with assert_unchanged():
        again = client.post("/cases/new/", data, follow=True)
    assert "已有在办整治案件" in again.content.decode()
    assert Case.objects.count() == 1
    assert login(kenv["pm_user"]).get("/cases/new/").status_code == 403


def test_complaint_page_offers_the_case_button_and_the_building_shows_the_case(kenv):
    complaint = _replied_complaint(kenv)
    client = login(kenv["bj"])
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'data-testid="open-case"' in html and "立案整治" in html
    response = client.post(f"/cases/from-complaint/{complaint.pk}/")
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert case.code in html and "并入整治案件" in html
    html = client.get(f"/buildings/{kenv['building'].pk}/").content.decode()
    assert case.code in html
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert complaint.tracking_code in detail and "张三" not in detail
    elsewhere = login(kenv["dl"])
    with assert_unchanged():
        assert elsewhere.post(f"/cases/from-complaint/{complaint.pk}/").status_code == 404


def test_measure_owner_sees_its_measure_answers_it_and_cannot_change_the_case(kenv):
    case = kenv["rectifying"]()
    measure = kenv["measure"](case)
    kenv["measure"](case, owner=kenv["telecom_org"])
    case.refresh_from_db()
    before = (case.state, case.version)
    client = login(kenv["pm_user"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="answer-form"' in html
    assert html.count('data-testid="measure"') == 1
    assert 'data-testid="actions-panel"' not in html and 'data-testid="timeline"' not in html
    for url, data in [
        (
            f"/cases/{case.pk}/transition/",
            {"to": "closed_unresolved", "reason": "x", "expected_version": case.version},
        ),
        (f"/cases/{case.pk}/severity/", {"severity": "major", "expected_version": case.version}),
        (f"/cases/{case.pk}/measures/{measure.pk}/cancel/", {"reason": "不想做"}),
    ]:
        with assert_unchanged():
            assert client.post(url, data).status_code == 403
    case.refresh_from_db()
    assert (case.state, case.version) == before
    with assert_unchanged():
        empty = client.post(f"/cases/{case.pk}/measures/{measure.pk}/answer/", {"response": ""})
    assert empty.status_code == 400 and "此项必填" in empty.content.decode()
    done = client.post(
        f"/cases/{case.pk}/measures/{measure.pk}/answer/",
        {"response": "已开放弱电间", "files": [png_upload()]},
    )
    assert done.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "done"
    record = measure.files.get()
    download = client.get(f"/cases/{case.pk}/files/{record.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_action_forms_report_bad_input_and_stale_pages(kenv):
    case = kenv["rectifying"]()
    kenv["measure"](case)
    case.refresh_from_db()
    client = login(kenv["bj"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-awaiting_acceptance"' in html
    with assert_unchanged():
        blocked = client.post(
            f"/cases/{case.pk}/transition/",
            {"to": "awaiting_acceptance", "expected_version": case.version},
        )
        assert blocked.status_code == 400 and "开放弱电间供运营商进场" in blocked.content.decode()
        stale = client.post(
            f"/cases/{case.pk}/transition/",
            {"to": "closed_unresolved", "reason": "理由", "expected_version": case.version - 1},
            follow=True,
        )
        assert "已被他人更新" in stale.content.decode()
        penalty = client.post(
            f"/cases/{case.pk}/actions/",
            {"kind": "penalty", "action_date": timezone.localdate().isoformat(), "amount": "-5"},
        )
    assert penalty.status_code == 400 and "大于零" in penalty.content.decode()
    case.refresh_from_db()
    assert case.state == State.RECTIFYING and not case.actions.exists()


def test_acceptance_form_requires_evidence(kenv):
    case = kenv["rectifying"]()
    case = case_transition(actor=kenv["bj"], case=case, to="awaiting_acceptance")
    client = login(kenv["bj"])
    data = {
        "passed": "yes",
        "checked_on": timezone.localdate().isoformat(),
        "notes": "已整改",
        "expected_version": case.version,
    }
    with assert_unchanged():
        response = client.post(f"/cases/{case.pk}/acceptance/", data)
    assert response.status_code == 400 and "证据文件" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.AWAITING_ACCEPTANCE
    data["files"] = [png_upload()]
    assert client.post(f"/cases/{case.pk}/acceptance/", data).status_code == 302
    case.refresh_from_db()
    assert case.state == State.RECTIFIED


def test_operator_report_page(kenv):
    client = login(kenv["telecom"])
    assert client.get("/cases/report/").status_code == 200
    with assert_unchanged():
        refused = client.post(
            "/cases/report/", {"building_code": kenv["dl_building"].code, "description": "受阻了"}
        )
    assert refused.status_code == 400 and "服务区域" in refused.content.decode()
    with assert_unchanged():
        not_a_picture = client.post(
            "/cases/report/",
            {
                "building_code": kenv["building"].code,
                "description": "物业拒绝进场施工",
                "files": [io.BytesIO(b"MZ not a picture")],
            },
        )
    assert not_a_picture.status_code == 400 and 'data-testid="error-files"' in (
        not_a_picture.content.decode()
    )
    ok = client.post(
        "/cases/report/",
        {
            "building_code": kenv["building"].code,
            "description": "物业拒绝进场施工",
            "files": [png_upload("门禁.png")],
        },
    )
    case = Case.objects.get()
    assert case.files.get().original_name == "门禁.png"
    assert kenv["building"].presences.get().status == "refused"
    assert ok["Location"] == f"/cases/{case.pk}/"
    assert login(kenv["bj"]).get("/cases/report/").status_code == 403


def test_anonymous_and_other_jurisdiction_get_nothing(kenv):
    case = kenv["open_case"]()
    anonymous = Client().get(f"/cases/{case.pk}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert login(kenv["dl"]).get(f"/cases/{case.pk}/").status_code == 404
    assert login(kenv["mobile"]).get(f"/cases/{case.pk}/").status_code == 404
    assert login(kenv["caict"]).get(f"/cases/{case.pk}/").status_code == 200


def test_case_evidence_upload_form(kenv):
    case = kenv["open_case"]()
    client = login(kenv["bj"])
    assert 'data-testid="form-evidence"' in client.get(f"/cases/{case.pk}/").content.decode()
    with assert_unchanged():
        empty = client.post(f"/cases/{case.pk}/files/", {})
    assert empty.status_code == 400 and "请选择文件" in empty.content.decode()
    assert client.post(f"/cases/{case.pk}/files/", {"files": [png_upload()]}).status_code == 302
    record = case.files.get()
    assert login(kenv["pm_user"]).get(f"/cases/{case.pk}/files/{record.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/files/{record.pk}/").status_code == 200


def test_case_name_and_summary_can_be_edited_with_bad_input_refused(kenv):
    case = kenv["rectifying"]()
    case.refresh_from_db()
    client = login(kenv["bj"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="form-info"' in html and case.title in html
    with assert_unchanged():
        blank = client.post(
            f"/cases/{case.pk}/info/",
            {"title": "  ", "summary": "新的摘要", "expected_version": case.version},
        )
        assert blank.status_code == 400 and "此项必填" in blank.content.decode()
        too_long = client.post(
            f"/cases/{case.pk}/info/",
            {"title": "名" * 201, "summary": "", "expected_version": case.version},
        )
        assert too_long.status_code == 400 and "不能超过 200 个字" in too_long.content.decode()
        stale = client.post(
            f"/cases/{case.pk}/info/",
            {"title": "旧页面", "summary": "", "expected_version": case.version - 1},
            follow=True,
        )
    assert "已被他人更新" in stale.content.decode()
    case.refresh_from_db()
    assert case.title != "旧页面" and case.summary != "新的摘要"
    done = client.post(
        f"/cases/{case.pk}/info/",
        {
            "title": "某大厦<script>x</script>整治",
            "summary": "物业拒绝移动进场。",
            "expected_version": case.version,
        },
        follow=True,
    )
    page = done.content.decode()
    assert "已修改案件信息" in page and "<script>x</script>" not in page
    assert "&lt;script&gt;" in page and "物业拒绝移动进场。" in page
    case.refresh_from_db()
    assert case.title == "某大厦<script>x</script>整治"
    event = AuditEvent.objects.filter(action="case.update", object_id=str(case.pk)).latest("pk")
    assert set(event.changes) == {"title", "summary"}
    kenv["measure"](case)  # the property company now sees the case, through its measure
    case.refresh_from_db()
    owner = login(kenv["pm_user"])
    seen = owner.get(f"/cases/{case.pk}/")
    assert seen.status_code == 200 and 'data-testid="form-info"' not in seen.content.decode()
    with assert_unchanged():
        refused = owner.post(
            f"/cases/{case.pk}/info/", {"title": "物业改的", "expected_version": case.version}
        )
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.title == "某大厦<script>x</script>整治"


def test_withdraw_a_violation_on_the_case_page(kenv):
    case = kenv["rectifying"]()
    violation = case.violations.get()
    case.refresh_from_db()
    client = login(kenv["bj"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'data-testid="form-withdraw-{violation.pk}"' in html
    url = f"/cases/{case.pk}/violations/{violation.pk}/withdraw/"

    def exported() -> str:
        export = client.get("/cases/export/")
        sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
        return " ".join(str(c.value) for row in sheet.iter_rows(min_row=2) for c in row)

    assert kenv["category"].name in exported()
    elsewhere = login(kenv["dl"])  # another jurisdiction's administration: not found
    for path, data in [
        (url, {"reason": "大连撤的", "expected_version": case.version}),
        (f"/cases/{case.pk}/info/", {"title": "大连改的", "expected_version": case.version}),
    ]:
        with assert_unchanged():
            assert elsewhere.post(path, data).status_code == 404
    case.refresh_from_db()
    assert case.title != "大连改的" and not case.violations.filter(withdrawn_at__isnull=False)
    with assert_unchanged():
        empty = client.post(url, {"reason": "", "expected_version": case.version})
    assert empty.status_code == 400 and "此项必填" in empty.content.decode()
    done = client.post(
        url, {"reason": "登记错了<b>x</b>", "expected_version": case.version}, follow=True
    )
    page = done.content.decode()
    assert "已撤销违规问题" in page and 'data-testid="violation-withdrawn"' in page
    assert "登记错了&lt;b&gt;x&lt;/b&gt;" in page
    assert f'data-testid="form-withdraw-{violation.pk}"' not in page
    assert case.code in client.get("/cases/").content.decode()
    queue = client.get("/cases/", {"category": kenv["category"].code})
    assert case.code not in queue.content.decode()
    assert kenv["category"].name not in exported()


def test_a_case_closed_before_rectifying_has_no_pending_deadline_text(kenv):
    """Issue 15 item 7: a closed case never reads “开始整改后计算”."""
    case = kenv["open_case"]()
    case_transition(
        actor=kenv["bj"], case=case, to=State.CLOSED_UNRESOLVED, reason="楼宇已拆除，无法整改"
    )
    html = login(kenv["bj"]).get(f"/cases/{case.pk}/").content.decode()
    assert "开始整改后计算" not in html
    assert 'data-testid="rectify-due-none"' in html
