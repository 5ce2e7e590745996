"""Hostile input that used to end in a 500: NUL characters in queries and forms, JSON nested
fifty thousand levels deep, and file names too long for the file system."""

import pytest
from django.test import Client

from louyu.core.tests.factories import UserFactory
from louyu.core.tests.unchanged import assert_unchanged
from louyu.core.uploads import original_name, storage_name

NUL_MESSAGE = "空字符"


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.json?service_code=a%00b",
        "/open311/v2/requests.json?status=open%00",
        "/open311/v2/requests.json?a%00=1",
        "/api/v1/buildings/?q=%E9%87%91%00",
    ],
)
def test_nul_in_a_machine_query_is_a_400_in_json(client, path):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(path)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


@pytest.mark.django_db
def test_nul_in_a_page_query_is_a_400_page_in_chinese(client):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get("/buildings/?q=%00")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_nul_in_a_form_field_is_refused_and_changes_nothing(client):
    with assert_unchanged():
        response = client.post("/accounts/login/", {"username": "ministry\x00", "password": "x"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_json_nested_fifty_thousand_deep_is_a_400(client):
    client.force_login(UserFactory(is_superuser=True))
    body = "[" * 50_000 + "]" * 50_000
    with assert_unchanged():
        response = client.post("/api/v1/complaints/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("楼宇台账" * 30 + ".xlsx", ".xlsx"),
        ("report.PDF", ".pdf"),
        ("no-extension", ""),
        ("evil.x\x00y", ""),
        ("../../etc/passwd", ""),
        ("a.b.c.jpeg", ".jpeg"),
        ("长扩展名.扩展名", ""),
    ],
)
def test_stored_names_are_random_short_and_keep_a_plain_extension(name, suffix):
    stored = storage_name(name)
    assert stored.endswith(suffix) and len(stored) == 32 + len(suffix)
    assert "/" not in stored and "\x00" not in stored
    assert storage_name(name) != stored


def test_original_names_are_cut_with_their_extension_kept():
    assert original_name("C:\\文件\\楼宇.xlsx") == "楼宇.xlsx"
    long = original_name("楼" * 300 + ".xlsx")
    assert len(long) == 200 and long.endswith(".xlsx")
    assert original_name("") == "file"
