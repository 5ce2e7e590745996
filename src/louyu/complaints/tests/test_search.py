"""Complaints in the platform search: the handling organisation finds a complaint by its
full text and the complainant's details; everyone else who may see it only by tracking
number, category and building; other jurisdictions and anonymous callers find nothing;
anonymised complaints leave the index."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from louyu.complaints.models import Complaint, Referral
from louyu.search.indexing import index_objects, reindex
from louyu.search.models import Document

pytestmark = pytest.mark.django_db

DESCRIPTION = "物业公司收取入场费，并与代理商签订独家协议，电信无法进场。联系13912345678。"
PHONE = "13912345678"
PAGE = "/search/"
API = "/api/v1/search/"


@pytest.fixture
def filed(cenv):
    complaint, _secret = cenv["file"](description=DESCRIPTION, complainant_phone=PHONE)
    reindex(keys=["complaint"])
    return complaint


def api(user, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(API, params)


def found(user, q):
    response = api(user, q=q)
    assert response.status_code == 200, response.content
    return [hit["object_id"] for hit in response.json()["results"]]


def test_new_complaints_are_indexed_after_commit(cenv, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _ = cenv["file"](description=DESCRIPTION)
    assert set(
        Document.objects.filter(kind="complaint", object_id=complaint.pk).values_list(
            "audience", flat=True
        )
    ) == {1, 2}


def test_handling_organisation_finds_the_full_text_and_the_complainant(cenv, filed):
    assert found(cenv["bj"], "入场费 独家协议") == [filed.pk]
    assert found(cenv["bj2"], PHONE) == [filed.pk]
    hit = api(cenv["bj"], q="入场费").json()["results"][0]
    assert "<mark>入场费</mark>" in hit["snippet_html"]
    assert hit["url"] == f"/complaints/{filed.pk}/"


def test_outside_the_handling_organisation_only_public_fields_are_searchable(cenv, filed):
    ministry = cenv["ministry"]
    # The redacted public text is searchable, the phone it carried is not.
    assert PHONE not in filed.public_description
    assert found(ministry, "入场费 独家协议") == [filed.pk]
    assert found(ministry, PHONE) == []
    assert found(ministry, "阻碍进场") == [filed.pk]
    assert found(ministry, filed.tracking_code) == [filed.pk]
    hit = api(ministry, q="独家协议").json()["results"][0]
    assert PHONE not in str(hit)


def test_referred_department_finds_public_fields_only_after_the_referral(cenv, filed):
    samr = cenv["samr"]
    assert found(samr, "阻碍进场") == []
    Referral.objects.create(complaint=filed, to_organization=cenv["samr_org"])
    assert found(samr, "阻碍进场") == [filed.pk]
    assert found(samr, PHONE) == []


def test_other_jurisdiction_and_anonymous_find_nothing(cenv, filed):
    assert found(cenv["dl"], "阻碍进场") == []
    assert found(cenv["dl"], filed.tracking_code) == []
    assert api(cenv["dl"], q=filed.tracking_code).json()["exact_url"] is None
    assert api(None, q="阻碍进场").status_code in (401, 403)
    response = APIClient().get(PAGE, {"q": filed.tracking_code})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymised_complaints_leave_the_index(cenv, filed):
    Complaint.objects.filter(pk=filed.pk).update(
        complainant_name="", complainant_phone="", personal_data_erased_at=timezone.now()
    )
    assert index_objects("complaint", [filed.pk]) == 0
    assert found(cenv["bj"], "入场费") == []
    assert found(cenv["ministry"], filed.tracking_code) == []


def test_exact_tracking_number_jumps_to_the_complaint(client, cenv, filed):
    client.force_login(cenv["ministry"])
    response = client.get(PAGE, {"q": filed.tracking_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/complaints/{filed.pk}/"
    assert api(cenv["bj"], q=filed.tracking_code).json()["exact_url"] == response["Location"]
    client.force_login(cenv["dl"])
    response = client.get(PAGE, {"q": filed.tracking_code})
    assert response.status_code == 200
    assert b'data-testid="search-hit"' not in response.content


def test_page_shows_highlighted_results(client, cenv, filed):
    client.force_login(cenv["bj"])
    response = client.get(PAGE, {"q": "入场费"})
    assert response.status_code == 200
    assert "<mark>入场费</mark>" in response.content.decode()


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("费", "搜索内容至少需要两个字。"),
        ("？！……", "请输入要搜索的文字，不能只有标点符号。"),
    ],
)
def test_bad_queries_get_a_chinese_message_and_change_nothing(client, cenv, filed, q, message):
    before = list(Document.objects.order_by("pk").values_list("pk", "tokens"))
    client.force_login(cenv["bj"])
    page = client.get(PAGE, {"q": q})
    assert page.status_code == 200 and message in page.content.decode()
    response = api(cenv["bj"], q=q)
    assert response.status_code == 400 and response.json()["q"] == [message]
    assert list(Document.objects.order_by("pk").values_list("pk", "tokens")) == before


@pytest.mark.parametrize(
    "q",
    [
        "入场费' OR 1=1 --",
        '入场费"; DROP TABLE search_document; --',
        "入场费 AND NOT 协议*",
        "NEAR(入场费 协议) ^入场费 tokens:入场费",
        "入场费 & !协议 | (电信) <-> 进场",
    ],
)
def test_sql_and_full_text_operators_are_searched_as_words(cenv, filed, q):
    before = Document.objects.count()
    response = api(cenv["bj"], q=q)
    assert response.status_code == 200
    assert Document.objects.count() == before
    assert Complaint.objects.filter(pk=filed.pk).exists()


def test_bad_filters_get_chinese_messages(cenv, filed):
    response = api(cenv["bj"], q="入场费", kind="nonsense", date_from="2026-13-01")
    assert response.status_code == 400
    body = response.json()
    assert body["kind"] == ["未知的选项：nonsense。"]
    assert body["date_from"] == ["日期格式应为 YYYY-MM-DD。"]
    response = api(cenv["bj"], q="入场费", date_from="2026-05-02", date_to="2026-05-01")
    assert response.json() == {"date_to": ["结束日期不能早于开始日期。"]}


def test_filters_by_kind_and_date(cenv, filed):
    received = timezone.localdate(filed.received_at).isoformat()
    assert [h["object_id"] for h in api(cenv["bj"], q="入场费", kind="complaint").json()["results"]]
    assert api(cenv["bj"], q="入场费", kind="case").json()["results"] == []
    assert api(cenv["bj"], q="入场费", date_from=received).json()["count"] == 1
    assert api(cenv["bj"], q="入场费", date_to="2000-01-01").json()["count"] == 0
    assert api(cenv["bj"], q="入场费", jurisdiction="210200").json()["count"] == 0


def test_erasing_personal_data_removes_the_complaint_from_the_index(
    cenv, filed, settings, django_capture_on_commit_callbacks
):
    import datetime

    from louyu.complaints import maintenance, services

    settings.LOUYU_COMPLAINT_RETENTION_DAYS = 30
    for to, details in [
        ("accepted", {}),
        ("handling", {}),
        ("replied", {"result": "not", "reply_text": "经核查不属实。"}),
        ("closed", {"satisfaction": 3, "resolved": False}),
    ]:
        services.complaint_transition(actor=cenv["bj"], complaint=filed, to=to, **details)
    later = timezone.now() + datetime.timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert maintenance.complaints_erase_personal_data(now=later) == 1
    assert not Document.objects.filter(kind="complaint", object_id=filed.pk).exists()
    assert found(cenv["ministry"], filed.tracking_code) == []


def test_editing_the_public_text_reindexes_the_complaint(
    cenv, filed, django_capture_on_commit_callbacks
):
    from louyu.complaints.public_text import complaint_public_text_edit

    ministry = cenv["ministry"]
    assert found(ministry, "宽带接入 协调") == []
    with django_capture_on_commit_callbacks(execute=True):
        complaint_public_text_edit(
            actor=cenv["bj"], complaint=filed, text="物业阻碍宽带接入，已协调处理。"
        )
    assert found(ministry, "宽带接入 协调") == [filed.pk]
