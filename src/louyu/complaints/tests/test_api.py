"""The complaints API: intake (with idempotency), list/detail with masked personal data,
transitions (200/400/403/404/409), referrals, verifications, the audited personal-data
endpoint, and the scoping matrix (北京 vs 大连, anonymous, a referred joint department)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from louyu.buildings import services as building_services
from louyu.complaints import api as complaints_api
from louyu.complaints import codes, services
from louyu.complaints.models import Complaint, IdempotencyKey, Referral, Verification
from louyu.core.models import AuditEvent
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
NAME, PHONE = "张三", "13800138000"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def payload(**overrides):
    data = {
        "channel": "phone",
        "category": "entry_blocked",
        "address": "北京市朝阳区建国路88号",
        "description": "物业不让电信进场施工，只能用指定代理商的宽带。",
        "complainant_name": NAME,
        "complainant_phone": PHONE,
    }
    data.update(overrides)
    return data


def test_intake_returns_the_complaint_masked_with_its_secret(cenv, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as queries:
        response = client_for(cenv["bj"]).post(URL, payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    print(f"queries per intake: {len(queries)}")
    complaint = Complaint.objects.get(pk=body["id"])
    assert codes.check_secret(complaint, body["secret"])
    assert body["tracking_code"] == complaint.tracking_code
    assert body["state"] == "submitted" and body["version"] == 1
    assert body["channel"] == "phone" and body["category"] == "entry_blocked"
    assert body["jurisdiction"] == "110000" and body["handler"] == "ca-110000"
    assert body["building"] is None and body["reply_due_at"] is None
    assert body["accept_due_at"].endswith("+08:00")
    assert body["complainant_name"] == "张*" and body["complainant_phone"] == "138****8000"
    assert NAME not in response.content.decode() and PHONE not in response.content.decode()
    assert body["allowed_transitions"] == ["accepted", "merged", "rejected"]
    # The intake's query budget (see docs/performance.md).
    with django_assert_max_num_queries(30):
        client_for(cenv["bj"]).post(URL, payload(complainant_phone="13900139000"), format="json")


def test_intake_defaults_received_at_to_now_and_channel_to_api(cenv):
    data = payload()
    del data["channel"]
    body = client_for(cenv["bj"]).post(URL, data, format="json").json()
    received = datetime.datetime.fromisoformat(body["received_at"])
    assert abs(received - timezone.now()) < datetime.timedelta(minutes=1)
    assert body["channel"] == "api"


@pytest.mark.parametrize("by", ["code", "id"])
def test_intake_by_building_code_or_id(cenv, by):
    building = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号"
    )
    ref = building.code if by == "code" else str(building.pk)
    response = client_for(cenv["bj"]).post(URL, payload(building=ref, address=""), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["building"] == building.pk
    assert response.json()["address"] == "北京市朝阳区建国路1号"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"complainant_phone": "12"}, "complainant_phone"),
        ({"category": "nope"}, "category"),
        ({"address": "火星基地一号"}, "address"),
        ({"address": ""}, "address"),
        ({"operator": "pigeon"}, "operator"),
        ({"building": "NO-SUCH"}, "building"),
        ({"received_at": "2020-13-01"}, "received_at"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_intake_is_400_with_field_errors(cenv, overrides, field):
    with assert_unchanged():
        response = client_for(cenv["bj"]).post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Complaint.objects.exists()


def test_intake_needs_the_permission_and_a_login(cenv):
    with assert_unchanged():
        assert client_for(cenv["samr"]).post(URL, payload(), format="json").status_code == 403
        assert client_for().post(URL, payload(), format="json").status_code == 401
    assert not Complaint.objects.exists()


def test_intake_with_a_token_header(cenv):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cenv["bj"])
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post(URL, payload(), format="json").status_code == 201


# --- Idempotency ------------------------------------------------------------------------


def test_a_replay_with_the_same_key_returns_the_first_complaint(cenv):
    client = client_for(cenv["bj"])
    first = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # Same content in another key order is the same request.
    reordered = dict(reversed(list(payload().items())))
    again = client.post(URL, reordered, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert "secret" not in again.json()
    assert "Idempotent-Replayed" not in first
    assert Complaint.objects.count() == 1


def test_the_same_key_with_another_body_is_409(cenv):
    client = client_for(cenv["bj"])
    client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    with assert_unchanged():
        response = client.post(
            URL,
            payload(description="另一件事情，完全不同的内容。"),
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
    assert response.status_code == 409
    assert "幂等键" in response.json()["detail"]
    assert Complaint.objects.count() == 1


def test_a_transient_database_error_is_503_and_the_same_key_then_registers_once(cenv, monkeypatch):
    from django.db import OperationalError

    client = client_for(cenv["bj"])
    real_create = services.complaint_create

    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "complaint_create", broken)
    with assert_unchanged():
        failed = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-503")
    assert failed.status_code == 503
    assert failed["Retry-After"]
    assert "Idempotency-Key" in failed.json()["detail"]
    monkeypatch.setattr(services, "complaint_create", real_create)
    retried = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-503")
    assert retried.status_code == 201
    assert Complaint.objects.count() == 1


def test_the_intake_documents_the_retry_with_the_same_key():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    create = schema["paths"]["/api/v1/complaints/"]["post"]
    assert "Idempotency-Key" in create["responses"]["503"]["description"]
    assert "同一 Idempotency-Key 重试" in create["responses"]["503"]["description"]


def test_keys_are_per_user(cenv):
    client_for(cenv["bj"]).post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client_for(cenv["bj2"]).post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 201
    assert Complaint.objects.count() == 2


def test_a_concurrent_request_that_loses_the_key_race_returns_the_winner(cenv, monkeypatch):
    """Simulates two requests with the same key passing the look-up at the same time: the
    loser's key insert hits the unique constraint, its complaint is rolled back, and it
    answers with the winner's complaint."""
    client = client_for(cenv["bj"])
    winner = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-race").json()
    real = complaints_api.ComplaintViewSet._earlier
    calls = []

    def racing(self, key):
        calls.append(key)
        return None if len(calls) == 1 else real(self, key)

    monkeypatch.setattr(complaints_api.ComplaintViewSet, "_earlier", racing)
    response = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-race")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == winner["id"]
    assert response["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


# --- List and detail --------------------------------------------------------------------


def test_list_filters_and_rejects_bad_filter_values(cenv):
    cenv["file"]()
    cenv["file"](complainant_phone="13900139000", channel="letter")
    client = client_for(cenv["bj"])
    assert client.get(URL).json()["count"] == 2
    assert client.get(URL, {"channel": "letter"}).json()["count"] == 1
    assert client.get(URL, {"state": "accepted"}).json()["count"] == 0
    assert client.get(URL, {"jurisdiction": "110000", "open_only": "true"}).json()["count"] == 2
    for bad in ({"state": "bogus"}, {"due_within_days": "abc"}, {"jurisdiction": "x"}):
        response = client.get(URL, bad)
        assert response.status_code == 400
        assert set(bad) <= set(response.json())


def test_detail_masks_the_complainant(cenv):
    complaint, _ = cenv["file"]()
    response = client_for(cenv["bj"]).get(f"{URL}{complaint.pk}/")
    body = response.json()
    assert body["complainant_name"] == "张*" and body["complainant_phone"] == "138****8000"
    assert NAME not in response.content.decode() and PHONE not in response.content.decode()
    assert "secret" not in body


# --- Personal data ----------------------------------------------------------------------


def test_personal_data_is_full_and_audited_for_the_handler(cenv):
    complaint, _ = cenv["file"]()
    body = client_for(cenv["bj"]).get(f"{URL}{complaint.pk}/personal-data/").json()
    assert body == {"name": NAME, "phone": PHONE, "company": "", "address": "", "full": True}
    event = AuditEvent.objects.get(action="complaint.view_personal_data")
    assert event.actor == cenv["bj"]


def test_personal_data_is_masked_for_a_national_non_handler(cenv):
    complaint, _ = cenv["file"]()
    body = client_for(cenv["ministry"]).get(f"{URL}{complaint.pk}/personal-data/").json()
    assert body["full"] is False and body["phone"] == "138****8000"
    assert not AuditEvent.objects.filter(action="complaint.view_personal_data").exists()


# --- Transitions ------------------------------------------------------------------------


def transition(user, complaint, **data):
    return client_for(user).post(f"{URL}{complaint.pk}/transition/", data, format="json")


def test_accept_sets_the_reply_deadline_and_bumps_the_version(cenv):
    complaint, _ = cenv["file"]()
    response = transition(cenv["bj"], complaint, to="accepted", expected_version=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "accepted" and body["version"] == 2
    assert body["reply_due_at"] is not None
    assert body["allowed_transitions"] == ["handling", "merged", "suspended", "verifying"]


def test_a_transition_not_allowed_from_the_state_is_409(cenv):
    complaint, _ = cenv["file"]()
    with assert_unchanged():
        response = transition(cenv["bj"], complaint, to="closed", satisfaction=5, resolved=True)
    assert response.status_code == 409
    assert "不能转为" in response.json()["detail"]


def test_a_stale_version_is_409(cenv):
    complaint, _ = cenv["file"]()
    transition(cenv["bj"], complaint, to="accepted")
    with assert_unchanged():
        response = transition(cenv["bj"], complaint, to="handling", expected_version=1)
    assert response.status_code == 409
    complaint.refresh_from_db()
    assert complaint.state == "accepted"


def test_a_missing_required_detail_is_400_with_the_field(cenv):
    complaint, _ = cenv["file"]()
    with assert_unchanged():
        response = transition(cenv["bj"], complaint, to="rejected")
    assert response.status_code == 400
    assert "refusal_reason" in response.json()
    response = transition(cenv["bj"], complaint, to="rejected", refusal_reason="out_of_scope")
    assert response.status_code == 200 and response.json()["state"] == "rejected"


def test_an_unknown_target_state_is_400(cenv):
    complaint, _ = cenv["file"]()
    with assert_unchanged():
        assert transition(cenv["bj"], complaint, to="teleported").status_code == 400


def _to_handling(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="handling")
    return complaint


def test_referral_and_verification(cenv):
    complaint = _to_handling(cenv)
    client = client_for(cenv["bj"])
    response = client.post(
        f"{URL}{complaint.pk}/referrals/",
        {"to_organization": "samr-110000", "kind": "co_handle", "note": "请协查收费"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["to_organization"] == "samr-110000"
    assert Referral.objects.filter(complaint=complaint, kind="co_handle").exists()
    response = client.post(
        f"{URL}{complaint.pk}/verifications/",
        {"method": "on_site", "performed_on": str(timezone.localdate()), "findings": "属实"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Verification.objects.filter(complaint=complaint).count() == 1
    with assert_unchanged():
        bad = client.post(
            f"{URL}{complaint.pk}/verifications/", {"method": "telepathy"}, format="json"
        )
        assert bad.status_code == 400 and {"method", "performed_on", "findings"} <= set(bad.json())
        unknown = client.post(f"{URL}{complaint.pk}/referrals/", {"to_organization": "nobody"})
    assert unknown.status_code == 400 and "to_organization" in unknown.json()


def test_referral_of_a_submitted_complaint_is_409(cenv):
    complaint, _ = cenv["file"]()
    with assert_unchanged():
        response = client_for(cenv["bj"]).post(
            f"{URL}{complaint.pk}/referrals/", {"to_organization": "samr-110000"}, format="json"
        )
    assert response.status_code == 409


# --- Scoping matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("get", "", None),
        ("get", "personal-data/", None),
        ("post", "transition/", {"to": "accepted"}),
        ("post", "referrals/", {"to_organization": "samr-110000"}),
        (
            "post",
            "verifications/",
            {"method": "call", "performed_on": "2026-01-05", "findings": "x"},
        ),
    ],
)
def test_another_jurisdictions_complaint_is_404(cenv, method, suffix, data):
    complaint, _ = cenv["file"]()
    with assert_unchanged():
        response = getattr(client_for(cenv["dl"]), method)(
            f"{URL}{complaint.pk}/{suffix}", data, format="json"
        )
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.state == "submitted"


def test_the_scoping_matrix_for_lists(cenv):
    bj, _ = cenv["file"]()
    dl, _ = cenv["file"](address="辽宁省大连市中山区人民路1号", complainant_phone="13900139000")

    def ids(user):
        return {row["id"] for row in client_for(user).get(URL).json()["results"]}

    assert ids(cenv["bj"]) == {bj.pk}
    assert ids(cenv["dl"]) == {dl.pk}
    assert ids(cenv["ministry"]) == {bj.pk, dl.pk}
    assert ids(cenv["samr"]) == set()
    assert client_for().get(URL).status_code == 401
    assert client_for().get(f"{URL}{bj.pk}/").status_code == 401


def test_a_referred_department_sees_only_that_complaint_and_cannot_accept_it(cenv):
    referred = _to_handling(cenv)
    other, _ = cenv["file"](complainant_phone="13900139000")
    services.complaint_refer(
        actor=cenv["bj"], complaint=referred, to_organization=cenv["samr_org"], kind="refer"
    )
    client = client_for(cenv["samr"])
    assert [row["id"] for row in client.get(URL).json()["results"]] == [referred.pk]
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    body = client.get(f"{URL}{referred.pk}/").json()
    assert body["allowed_transitions"] == []
    with assert_unchanged():
        response = transition(
            cenv["samr"], referred, to="replied", result="partly", reply_text="x" * 9
        )
        assert response.status_code == 403
        assert transition(cenv["samr"], other, to="accepted").status_code == 404
