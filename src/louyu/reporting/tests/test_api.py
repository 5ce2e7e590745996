"""The reporting API: metrics by area, period and group; monthly reports and bulletins through
their transitions; scoping (another jurisdiction's objects and areas are 404, anonymous
callers 401) and bad input (400 with the reason, nothing changed)."""

import datetime

import pytest
from rest_framework.test import APIClient

from louyu.core.tests.unchanged import assert_unchanged
from louyu.reporting.models import Bulletin, MonthlyReport
from louyu.reporting.rollup import refresh
from louyu.reporting.services import reports
from louyu.reporting.tests.test_dashboard import users  # noqa: F401  (fixture)
from louyu.reporting.tests.test_figures import build

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def data(history, users):  # noqa: F811
    build(history)
    refresh.refresh()
    reports.reports_open(period=MARCH)
    return history


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_metrics_as_of_a_past_date_for_a_jurisdiction(data, users):  # noqa: F811
    response = api(users["bj"]).get(
        "/api/v1/metrics/",
        {"metric": "zero_operator_buildings,multi_operator_share", "as_of": "2026-03-31"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["jurisdiction"] == "110000" and body["end"] == "2026-03-31"
    values = {row["metric"]: row for row in body["results"]}
    assert values["zero_operator_buildings"]["value"] == 1
    assert values["multi_operator_share"]["value"] == 50.0
    assert values["multi_operator_share"]["denominator"] == 2


def test_metrics_grouped_by_jurisdiction_city_and_month(data, users):  # noqa: F811
    client = api(users["ministry"])
    by_jurisdiction = client.get(
        "/api/v1/metrics/",
        {
            "metric": "complaints_received",
            "from": "2026-03-01",
            "to": "2026-03-31",
            "group_by": "jurisdiction",
        },
    ).json()["results"]
    assert {r["group"]: r["value"] for r in by_jurisdiction if r["value"]} == {
        "110000": 3,
        "210200": 1,
    }
    by_city = client.get(
        "/api/v1/metrics/",
        {"metric": "buildings_registered", "jurisdiction": "210200", "group_by": "city"},
    ).json()["results"]
    assert [(r["group"], r["value"]) for r in by_city] == [("210200", 1)]
    by_month = client.get(
        "/api/v1/metrics/",
        {
            "metric": "complaints_received",
            "from": "2026-02-01",
            "to": "2026-04-30",
            "group_by": "month",
        },
    ).json()["results"]
    assert [(r["group"], r["value"]) for r in by_month] == [
        ("2026-02", 0),
        ("2026-03", 4),
        ("2026-04", 0),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"metric": "nope"}, "metric"),
        ({"from": "2026-05-01", "to": "2026-03-01"}, "from"),
        ({"to": "2999-01-01"}, "to"),
        ({"to": "2026-03-01", "as_of": "2026-03-02"}, "as_of"),
        ({"group_by": "galaxy"}, "group_by"),
        ({"from": "2026-13-01"}, "from"),
    ],
)
def test_bad_metric_queries_are_400_with_the_reason(data, users, params, field):  # noqa: F811
    response = api(users["ministry"]).get("/api/v1/metrics/", params)
    assert response.status_code == 400 and field in response.json()
    if field == "metric":
        assert "buildings_registered" in str(response.json()["metric"])  # lists the valid ones


def test_no_data_gives_null_not_an_error(data, users):  # noqa: F811
    body = (
        api(users["ministry"])
        .get(
            "/api/v1/metrics/",
            {"metric": "satisfaction_rate", "from": "2026-01-01", "to": "2026-01-31"},
        )
        .json()
    )
    assert body["results"][0]["value"] is None and body["results"][0]["denominator"] == 0


def test_areas_and_objects_outside_the_scope_are_404(data, users):  # noqa: F811
    client = api(users["dl"])
    assert client.get("/api/v1/metrics/", {"jurisdiction": "110000"}).status_code == 404
    assert client.get("/api/v1/metrics/", {"city": "110000"}).status_code == 404
    other = MonthlyReport.objects.get(jurisdiction__code="110000", period=MARCH)
    assert client.get(f"/api/v1/reports/{other.pk}/").status_code == 404
    with assert_unchanged():
        response = client.post(
            f"/api/v1/reports/{other.pk}/transition/", {"to": "submitted"}, format="json"
        )
    assert response.status_code == 404
    assert MonthlyReport.objects.get(pk=other.pk).state == "draft"
    codes = {r["jurisdiction"] for r in client.get("/api/v1/reports/").json()["results"]}
    assert codes == {"210200"}


@pytest.mark.parametrize("url", ["/api/v1/metrics/", "/api/v1/reports/", "/api/v1/bulletins/"])
def test_anonymous_callers_get_nothing(data, url):
    assert api().get(url).status_code == 401


def test_operators_see_no_figures_or_reports(data, users):  # noqa: F811
    client = api(users["operator"])
    assert client.get("/api/v1/metrics/").status_code == 403
    assert client.get("/api/v1/reports/").json()["count"] == 0
    assert client.get("/api/v1/bulletins/").json()["count"] == 0


def test_a_report_through_the_api(data, users):  # noqa: F811
    report = MonthlyReport.objects.get(jurisdiction__code="110000", period=MARCH)
    client = api(users["bj"])
    url = f"/api/v1/reports/{report.pk}/"
    with assert_unchanged():
        stale = client.patch(url, {"progress": "推进中", "expected_version": 99}, format="json")
        assert stale.status_code == 409
    body = client.patch(
        url, {"progress": "推进中", "expected_version": report.version}, format="json"
    ).json()
    assert body["progress"] == "推进中"
    body = client.post(url + "transition/", {"to": "submitted"}, format="json").json()
    assert body["state"] == "submitted" and body["figures"]["complaints_received"]["value"] == 3.0
    ministry = api(users["ministry"])
    with assert_unchanged():
        again = client.post(url + "transition/", {"to": "submitted"}, format="json")
        assert again.status_code == 409
        assert client.patch(url, {"progress": "改"}, format="json").status_code == 409
        no_reason = ministry.post(url + "transition/", {"to": "returned"}, format="json")
        assert no_reason.status_code == 400
        own = client.post(url + "transition/", {"to": "accepted"}, format="json")
        assert own.status_code == 403
    body = ministry.post(url + "transition/", {"to": "accepted"}, format="json").json()
    assert body["state"] == "accepted"
    listed = ministry.get("/api/v1/reports/", {"period": "2026-03", "state": "accepted"}).json()
    assert [r["id"] for r in listed["results"]] == [report.pk]


def test_a_bulletin_through_the_api(data, users):  # noqa: F811
    ministry = api(users["ministry"])
    with assert_unchanged():
        bad = ministry.post("/api/v1/bulletins/", {"period": "2026-13"}, format="json")
        assert bad.status_code == 400
    created = ministry.post("/api/v1/bulletins/", {"period": "2026-03"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert "210200" in created.json()["snapshot"]["missing"]
    with assert_unchanged():
        twice = ministry.post("/api/v1/bulletins/", {"period": "2026-03"}, format="json")
        assert twice.status_code == 409
    assert api(users["bj"]).get(f"/api/v1/bulletins/{pk}/").status_code == 404  # a draft
    url = f"/api/v1/bulletins/{pk}/"
    with assert_unchanged():
        unnumbered = ministry.post(url + "transition/", {"to": "reviewed"}, format="json")
        assert unnumbered.status_code == 400
    ministry.patch(
        url, {"number": "工信厅通信函〔2026〕9号", "summary": "总体平稳。"}, format="json"
    )
    assert (
        ministry.post(url + "transition/", {"to": "reviewed"}, format="json").json()["state"]
        == "reviewed"
    )
    with assert_unchanged():
        by_bj = api(users["bj"]).post(url + "transition/", {"to": "published"}, format="json")
        assert by_bj.status_code == 404
    assert (
        ministry.post(url + "transition/", {"to": "published"}, format="json").json()["state"]
        == "published"
    )
    assert api(users["bj"]).get(url).status_code == 200
    pdf = ministry.get(url + "download/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = ministry.get(url + "download/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert Bulletin.objects.count() == 1


def test_metrics_without_a_metric_parameter_answer_every_metric(users):  # noqa: F811
    response = api(users["ministry"]).get("/api/v1/metrics/", {"to": "2026-01-01"})
    assert response.status_code == 200
    assert {row["metric"] for row in response.json()["results"]} >= {"complaints_received"}


def test_an_impossible_report_month_is_400(users):  # noqa: F811
    response = api(users["ministry"]).get("/api/v1/reports/", {"period": "0000-00"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.json()["period"][0]
