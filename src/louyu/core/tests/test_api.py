"""Core endpoints, including the scoping matrix: a user of jurisdiction A gets nothing of B
through any list or detail endpoint, and an anonymous caller gets nothing at all."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from louyu.core import services
from louyu.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(two_jurisdictions):
    env = two_jurisdictions
    due = timezone.now() + datetime.timedelta(days=5)
    env["item_a"] = services.work_item_create(
        actor=env["ministry"], title="甲事项", assignee_organization=env["org_a"], due_at=due
    )
    env["item_b"] = services.work_item_create(
        actor=env["ministry"], title="乙事项", assignee_organization=env["org_b"], due_at=due
    )
    return env


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


LIST_ENDPOINTS = [
    "/api/v1/work-items/",
    "/api/v1/notifications/",
    "/api/v1/audit-events/",
]


@pytest.mark.parametrize("url", [*LIST_ENDPOINTS, "/api/v1/me/", "/api/v1/jurisdictions/"])
def test_anonymous_callers_get_nothing(data, url):
    response = client_for().get(url)
    assert response.status_code == 401


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_lists_hold_nothing_of_the_other_jurisdiction(data, url):
    body = client_for(data["user_a"]).get(url).json()
    text = str(body)
    assert "乙事项" not in text
    assert str(data["item_b"].pk) not in [str(r.get("object_id")) for r in body["results"]]


def test_work_item_detail_of_other_jurisdiction_is_404_not_403(data):
    client = client_for(data["user_a"])
    assert client.get(f"/api/v1/work-items/{data['item_a'].pk}/").status_code == 200
    response = client.get(f"/api/v1/work-items/{data['item_b'].pk}/")
    assert response.status_code == 404
    assert "管辖范围" in response.json()["detail"]
    assert client.post(f"/api/v1/work-items/{data['item_b'].pk}/complete/").status_code == 404


def test_ministry_sees_every_work_item(data):
    body = client_for(data["ministry"]).get("/api/v1/work-items/").json()
    assert {r["title"] for r in body["results"]} >= {"甲事项", "乙事项"}
    assert set(body) >= {"count", "next", "previous", "results"}


def test_complete_through_the_api_then_conflict(data):
    client = client_for(data["user_a"])
    url = f"/api/v1/work-items/{data['item_a'].pk}/complete/"
    first = client.post(url)
    assert first.status_code == 200 and first.json()["state"] == "done"
    second = client.post(url)
    assert second.status_code == 409


def test_a_step_item_cannot_be_completed_through_the_api(data):
    step = services.work_item_create(
        actor=data["ministry"],
        title="受理审查：TS-STEP",
        assignee_organization=data["org_a"],
        kind="complaint",
        step=True,
    )
    response = client_for(data["user_a"]).post(f"/api/v1/work-items/{step.pk}/complete/")
    assert response.status_code == 409
    assert "流程环节" in response.json()["detail"]
    step.refresh_from_db()
    assert step.state == "open" and step.completed_at is None
    detail = client_for(data["user_a"]).get(f"/api/v1/work-items/{step.pk}/").json()
    assert detail["step"] is True


def test_audit_events_are_scoped_and_filterable(data):
    body = client_for(data["user_a"]).get("/api/v1/audit-events/?action=work_item").json()
    assert body["count"] >= 1
    assert all(r["jurisdiction"] in (data["ja"].code, None) for r in body["results"])
    bad = client_for(data["user_a"]).get("/api/v1/audit-events/?date_from=2026-13-45")
    assert bad.status_code == 400 and "date_from" in bad.json()


def test_audit_events_need_the_permission(data, two_jurisdictions):
    from louyu.core.tests.factories import UserFactory

    clerk = UserFactory(organization=data["org_a"])
    assert client_for(clerk).get("/api/v1/audit-events/").json()["count"] == 0


def test_notifications_mark_read(data):
    client = client_for(data["user_a"])
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 1
    foreign = Notification.objects.filter(recipient=data["user_b"]).first()
    response = client.post("/api/v1/notifications/mark-read/", {"ids": [foreign.pk]}, format="json")
    assert response.json() == {"marked": 0}
    assert client.post("/api/v1/notifications/mark-read/", {}, format="json").json() == {
        "marked": 1
    }
    bad = client.post("/api/v1/notifications/mark-read/", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400


def test_me_shows_organization_roles_and_scope(data):
    body = client_for(data["user_a"]).get("/api/v1/me/").json()
    assert body["username"] == "admin-a"
    assert body["scope"] == "jurisdiction"
    assert body["organization"]["jurisdiction"] == data["ja"].code
    assert "administration_admin" in body["roles"]


def test_token_authentication_and_the_api_token_command(data, capsys):
    call_command("api_token", "admin-a")
    key = capsys.readouterr().out.strip()
    assert len(key) == 40
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").json()["username"] == "admin-a"
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/v1/me/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.create").count() == 1


def test_api_token_for_unknown_user_fails_clearly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("api_token", "nobody")


def test_schema_and_docs_are_served(data):
    client = client_for(data["user_a"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/regions/resolve/" in schema.content
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.parametrize(
    ("query", "status", "last_day", "provisional"),
    [
        ("start=2026-09-30&working_days=5", 200, "2026-10-13", False),
        ("start=2026-12-28&days=30", 200, "2027-01-27", True),
        ("start=2026-09-30", 400, None, None),
        ("start=2026-09-30&days=3&working_days=3", 400, None, None),
        ("start=not-a-date&days=3", 400, None, None),
        ("start=2026-09-30&days=-1", 400, None, None),
        # Before 1901 the zone's offset is +08:05:43, which no ISO 8601 time can carry.
        ("start=0298-10-29&working_days=46", 400, None, None),
        ("start=2100-01-01&days=1", 400, None, None),
    ],
)
def test_deadline_endpoint(data, query, status, last_day, provisional):
    response = client_for(data["user_a"]).get(f"/api/v1/calendar/deadline/?{query}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["last_day"] == last_day
        assert body["provisional"] is provisional
        assert body["due_at"].endswith("+08:00")


def test_the_openapi_schema_validates_without_warnings(db, tmp_path):
    """Every endpoint documents itself: the schema passes OpenAPI validation with no
    warnings (enum name collisions, unresolvable serializers …)."""
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
