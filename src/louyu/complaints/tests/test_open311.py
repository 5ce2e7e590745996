"""Open311 GeoReport v2: discovery, services, service definitions, POST and GET requests in
JSON and XML; errors in the spec's format; never any personal data in an answer. The last
test drives the published ``georeport`` client (PyPI) against a live server."""

import datetime
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from louyu.buildings import services as building_services
from louyu.complaints import services
from louyu.complaints.models import Category, Complaint
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
NAME, PHONE = "张三", "13800138000"
SECRETS = (NAME, PHONE, "13911112222", "李四", "李", "11112222")


@pytest.fixture
def token(cenv):
    return Token.objects.create(user=cenv["bj"]).key


def get(path, **params):
    return Client().get(f"{BASE}/{path}", params)


def xml_of(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return ET.fromstring(response.content)


def assert_no_personal_data(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, secret


def test_discovery(cenv):
    body = get("discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert "text/xml" in endpoint["formats"]
    root = xml_of(get("discovery.xml"))
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/formats/format").text == "application/json"


def test_services_list_one_per_active_category(cenv):
    Category.objects.filter(code="other").update(is_active=False)
    response = get("services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    codes = {row["service_code"] for row in body}
    assert "entry_blocked" in codes and "other" not in codes
    row = next(r for r in body if r["service_code"] == "entry_blocked")
    assert row["metadata"] is True and row["type"] == "realtime"
    assert row["service_name"] and row["group"] and "entry_blocked" in row["keywords"]
    root = xml_of(get("services.xml"))
    assert root.tag == "services"
    assert len(root.findall("service")) == len(body)
    assert root.find("service/metadata").text == "true"


def test_service_definition(cenv):
    body = get("services/entry_blocked.json").json()
    assert body["service_code"] == "entry_blocked"
    attrs = {a["code"]: a for a in body["attributes"]}
    assert attrs["building_code"]["required"] is False
    assert {"key": "telecom", "name": "中国电信"} in attrs["operator"]["values"] or any(
        v["key"] == "telecom" for v in attrs["operator"]["values"]
    )
    root = xml_of(get("services/entry_blocked.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/code").text == "building_code"
    assert root.find("attributes/attribute[2]/values/value/key") is not None


def test_unknown_service_code_is_404_in_the_spec_format(cenv):
    response = get("services/nope.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
    root = xml_of(get("services/nope.xml"))
    assert root.tag == "errors" and root.find("error/code").text == "404"


def post_form(token_key, fmt="json", **overrides):
    data = {
        "api_key": token_key,
        "service_code": "entry_blocked",
        "address_string": "北京市朝阳区建国路88号",
        "description": "物业不让移动进场，只允许一家代理商。",
        "first_name": "四",
        "last_name": "李",
        "phone": "13911112222",
        "email": "li@example.com",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return Client().post(f"{BASE}/requests.{fmt}", data)


def test_post_a_request_creates_an_open311_complaint(cenv, token):
    response = post_form(token)
    assert response.status_code == 201, response.content
    [row] = response.json()
    complaint = Complaint.objects.get(tracking_code=row["service_request_id"])
    assert row["account_id"] is None and row["service_notice"]
    assert complaint.channel == "open311"
    assert complaint.created_by == cenv["bj"]
    assert complaint.complainant_name == "李四"
    assert complaint.handler.code == "ca-110000"
    assert_no_personal_data(response)


def test_post_a_request_in_xml_with_building_and_operator(cenv, token):
    building = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号"
    )
    response = post_form(
        token,
        "xml",
        address_string=None,
        **{"attribute[building_code]": building.code, "attribute[operator]": "mobile"},
    )
    assert response.status_code == 201, response.content
    root = xml_of(response)
    code = root.find("request/service_request_id").text
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.building == building and complaint.operator.operator_key == "mobile"
    assert root.find("request/account_id").text is None


@pytest.mark.parametrize("key", ["", "not-a-token"])
def test_a_bad_api_key_is_403(cenv, key):
    with assert_unchanged():
        response = post_form(key)
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert not Complaint.objects.exists()


def test_a_key_without_the_intake_permission_is_403(cenv):
    key = Token.objects.create(user=cenv["samr"]).key
    with assert_unchanged():
        assert post_form(key).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "status", "needle"),
    [
        ({"service_code": "nope"}, 404, "service_code"),
        ({"address_string": None, "lat": "39.9", "long": "116.4"}, 400, "address_string"),
        ({"phone": "12"}, 400, "phone"),
        ({"attribute[building_code]": "NO-SUCH"}, 400, "building_code"),
        ({"attribute[operator]": "pigeon"}, 400, "operator"),
    ],
)
def test_bad_requests_are_refused_in_the_spec_format(cenv, token, overrides, status, needle):
    with assert_unchanged():
        response = post_form(token, **overrides)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status and needle in error["description"]
    assert not Complaint.objects.exists()


def test_get_requests_shows_public_fields_only(cenv):
    building = building_services.building_create(
        actor=None,
        name="国贸大厦",
        address="北京市朝阳区建国路1号",
        latitude="39.908000",
        longitude="116.460000",
    )
    open_one, _ = cenv["file"](building=building, address="")
    closed, _ = cenv["file"](complainant_phone="13911112222", complainant_name="李四")
    for complaint in (open_one, closed):
        services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    Complaint.objects.filter(pk=closed.pk).update(state="closed")
    open_one.refresh_from_db()
    response = get("requests.json")
    assert response.status_code == 200
    rows = {row["service_request_id"]: row for row in response.json()}
    assert set(rows) == {open_one.tracking_code, closed.tracking_code}
    row = rows[open_one.tracking_code]
    assert row["status"] == "open" and row["service_code"] == "entry_blocked"
    assert row["agency_responsible"] == open_one.handler.name
    assert row["lat"] == 39.908 and row["long"] == 116.46
    assert row["address"] == "北京市朝阳区建国路1号" and row["zipcode"] == ""
    assert row["expected_datetime"] == open_one.current_due_at.astimezone(
        timezone.get_current_timezone()
    ).isoformat(timespec="seconds")
    assert rows[closed.tracking_code]["status"] == "closed"
    assert rows[closed.tracking_code]["expected_datetime"] is None
    assert_no_personal_data(response)

    assert [r["service_request_id"] for r in get("requests.json", status="open").json()] == [
        open_one.tracking_code
    ]
    assert len(get("requests.json", status="closed,open").json()) == 2
    assert get("requests.json", service_code="other").json() == []
    ids = f"{closed.tracking_code},NOPE"
    assert [
        r["service_request_id"] for r in get("requests.json", service_request_id=ids).json()
    ] == [closed.tracking_code]
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert get("requests.json", start_date=future).json() == []

    root = xml_of(get("requests.xml"))
    assert root.tag == "service_requests"
    assert {r.find("service_request_id").text for r in root.findall("request")} == set(rows)
    assert_no_personal_data(get("requests.xml"))

    detail = get(f"requests/{open_one.tracking_code}.json")
    assert detail.json()[0]["service_request_id"] == open_one.tracking_code
    assert_no_personal_data(detail)
    detail_xml = xml_of(get(f"requests/{open_one.tracking_code}.xml"))
    assert detail_xml.find("request/status").text == "open"


def test_get_request_errors(cenv):
    assert get("requests/TS0000.json").status_code == 404
    assert get("requests/TS0000.json").json()[0]["code"] == 404
    for params in ({"status": "pending"}, {"start_date": "yesterday"}):
        response = get("requests.xml", **params)
        assert response.status_code == 400
        assert xml_of(response).find("error/code").text == "400"


def test_open311_is_outside_the_session_csrf_rules(cenv, token):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": token,
            "service_code": "entry_blocked",
            "address_string": "北京市朝阳区建国路88号",
            "description": "物业不让移动进场，只允许一家代理商。",
            "first_name": "四",
            "last_name": "李",
            "phone": "13911112222",
        },
    )
    assert response.status_code == 201


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_georeport_client_reads_the_endpoint(cenv, live_server, token):
    """The ``georeport`` package from PyPI (a GeoReport v2 client; it has no POST) reads
    services, a definition and requests in both formats from a live server."""
    import georeport

    response = post_form(token)
    code = response.json()[0]["service_request_id"]
    services.complaint_transition(
        actor=cenv["bj"], complaint=Complaint.objects.get(tracking_code=code), to="accepted"
    )
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
        services_ = client.get_service_list()
        assert any(s["service_code"] == "entry_blocked" for s in services_)
        definition = client.get_service_definition("entry_blocked")
        assert definition["service_code"] == "entry_blocked"
        found = client.get_service_requests(service_request_id=code)
        row = found[0] if isinstance(found, list) else found  # xmltodict: one → a dict
        assert row["service_request_id"] == code
        assert client.get_service_request(code)["service_request_id"] == code


def test_open311_is_rate_limited_per_address(settings):
    settings.LOUYU_PUBLIC_RATE_LIMITS = {**settings.LOUYU_PUBLIC_RATE_LIMITS, "open311_ip": (3, 60)}
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.get(f"{BASE}/services.json").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(f"{BASE}/discovery.xml")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "请求过于频繁" in refused.content.decode()
    assert Client(REMOTE_ADDR="198.51.100.9").get(f"{BASE}/services.json").status_code == 200


def test_wrong_api_keys_are_throttled(cenv, token, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "token_failure": "3/min"},
    }
    client = Client(REMOTE_ADDR="203.0.113.7")

    def post(key):
        return client.post(f"{BASE}/requests.json", {"api_key": key, "service_code": "x"})

    assert [post("nope").status_code for _ in range(3)] == [403] * 3
    assert post(token).status_code == 429


# --- Public text, paging, cache and the shared limit ------------------------------------------

ID_NUMBER = "11010519491231002X"
CALLER_PHONE = "13912345678"
PRIVATE = (
    f"我是王建国，身份证{ID_NUMBER}，电话{CALLER_PHONE}，邮箱wjg@example.com，"
    "物业李经理的王先生不让电信进场。"
)


def test_the_feed_shows_redacted_public_text_only_after_acceptance(cenv):
    complaint, _ = cenv["file"](description=PRIVATE, complainant_name="王建国")
    assert get("requests.json").json() == []
    assert get(f"requests/{complaint.tracking_code}.json").status_code == 404
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    cache.clear()
    response = get("requests.json")
    [row] = response.json()
    text = response.content.decode()
    for secret in (ID_NUMBER, CALLER_PHONE, "wjg@example.com", "王建国", "王先生"):
        assert secret not in text, secret
    assert "［证件号已隐去］" in row["description"] and "某先生" in row["description"]
    assert "物业" in row["description"] and "不让电信进场" in row["description"]


def test_a_refused_complaint_never_appears(cenv):
    complaint, _ = cenv["file"]()
    services.complaint_transition(
        actor=cenv["bj"], complaint=complaint, to="rejected", refusal_reason="out_of_scope"
    )
    assert get("requests.json").json() == []


def test_staff_edit_the_public_text_audited_and_still_redacted(cenv):
    from louyu.complaints.public_text import complaint_public_text_edit
    from louyu.core.models import AuditEvent

    complaint, _ = cenv["file"](description=PRIVATE, complainant_name="王建国")
    complaint_public_text_edit(
        actor=cenv["bj"], complaint=complaint, text=f"物业阻止电信进场，联系 {CALLER_PHONE}。"
    )
    complaint.refresh_from_db()
    assert complaint.public_description == "物业阻止电信进场，联系 ［电话已隐去］。"
    assert complaint.description == PRIVATE
    event = AuditEvent.objects.get(action="complaint.public_text")
    assert event.actor == cenv["bj"]


def test_only_handling_staff_edit_the_public_text(cenv):
    from django.core.exceptions import PermissionDenied, ValidationError

    from louyu.complaints.public_text import complaint_public_text_edit

    complaint, _ = cenv["file"]()
    with assert_unchanged():
        for outsider in (cenv["dl"], cenv["samr"], cenv["operator"]):
            with pytest.raises(PermissionDenied):
                complaint_public_text_edit(actor=outsider, complaint=complaint, text="改写")
        with pytest.raises(ValidationError, match="5000"):
            complaint_public_text_edit(actor=cenv["bj"], complaint=complaint, text="长" * 5001)


def test_the_feed_pages_at_most_a_hundred_requests(cenv):
    first, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=first, to="accepted")
    template = Complaint.objects.get(pk=first.pk)
    copies = []
    for n in range(150):
        template.pk = template.id = None
        template.tracking_code = f"TSPAGE{n:04d}"
        template.public_id = uuid.uuid4()
        template.received_at = first.received_at - datetime.timedelta(minutes=n + 1)
        copies.append(
            Complaint(
                **{f.attname: getattr(template, f.attname) for f in Complaint._meta.concrete_fields}
            )
        )
    Complaint.objects.bulk_create(copies)
    page1, page2 = get("requests.json").json(), get("requests.json", page=2).json()
    assert len(page1) == 100 and len(page2) == 51
    assert not {r["service_request_id"] for r in page1} & {r["service_request_id"] for r in page2}
    assert get("requests.json", page=3).json() == []
    for bad in ("0", "-1", "x", "9999999"):
        response = get("requests.json", page=bad)
        assert response.status_code == 400 and "page" in response.json()[0]["description"]


def test_the_feed_is_cached_briefly(cenv, django_assert_max_num_queries):
    complaint, _ = cenv["file"]()
    services.complaint_transition(actor=cenv["bj"], complaint=complaint, to="accepted")
    first = get("requests.json")
    with django_assert_max_num_queries(0):
        again = get("requests.json")
    assert again.content == first.content and again.status_code == 200


def test_building_the_feed_is_limited_for_all_clients_together(cenv, settings):
    settings.LOUYU_PUBLIC_RATE_LIMITS = {
        **settings.LOUYU_PUBLIC_RATE_LIMITS,
        "open311_feed": (2, 60),
    }
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").get(f"{BASE}/requests.json", {"page": n}).status_code
        for n in range(1, 5)
    ]
    assert statuses == [200, 200, 429, 429]
    # A cached answer is still served to anyone.
    assert (
        Client(REMOTE_ADDR="198.51.100.9").get(f"{BASE}/requests.json", {"page": 1}).status_code
        == 200
    )
