"""The dashboard and the lists behind its figures: who sees which area, every current number
opening a list of exactly that many rows, and bad input answered without an error page."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from louyu.buildings.models import Building
from louyu.core import roles
from louyu.core.models import Jurisdiction, Organization, Region
from louyu.core.tests.factories import UserFactory
from louyu.reporting.rollup import refresh
from louyu.reporting.tests.conftest import SERVING
from louyu.reporting.tests.test_figures import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(history):
    org = Organization.objects.get

    def user(name, code, role):
        return UserFactory(username=name, organization=org(code=code), roles=[role])

    return {
        "ministry": user("r-ministry", "ministry", roles.MINISTRY_ADMIN),
        "caict": user("r-caict", "caict", roles.INSTITUTE_ANALYST),
        "bj": user("r-bj", "ca-110000", roles.ADMINISTRATION_STAFF),
        "dl": user("r-dl", "ca-210200", roles.ADMINISTRATION_STAFF),
        "operator": user("r-op", "op-telecom-110000", roles.OPERATOR_STAFF),
        "samr": user("r-samr", "samr-110000", roles.JOINT_DEPARTMENT_STAFF),
    }


@pytest.fixture
def data(history, users):
    objects = build(history)
    today = timezone.localdate()
    # Something current, so this month's figures are not all zero.
    fresh = history.building("戊大厦", today.isoformat())
    history.presence(fresh, history.telecom, SERVING, today.isoformat())
    refresh.refresh()
    return objects


URL = "/reporting/"


def test_the_ministry_sees_the_nation_with_a_ranking_and_a_map(client, users, data):
    client.force_login(users["ministry"])
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="ranking-table"' in content and 'id="chart-map"' in content
    assert content.count('data-testid="ranking-row"') >= 32  # every jurisdiction
    assert "数据截至" in content


def test_an_administration_sees_its_own_jurisdiction_and_its_cities(client, users, data):
    client.force_login(users["dl"])
    response = client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200 and "大连" in content
    assert 'id="chart-map"' not in content
    assert client.get(URL, {"jurisdiction": "110000"}).status_code == 404
    assert client.get(URL, {"city": "110000"}).status_code == 404
    assert client.get(URL, {"jurisdiction": "210200", "city": "210200"}).status_code == 200


@pytest.mark.parametrize("who", ["operator", "samr"])
def test_others_see_no_figures(client, users, data, who):
    client.force_login(users[who])
    assert client.get(URL).status_code == 403
    assert client.get(reverse("reporting:metrics")).status_code == 403
    list_url = reverse("reporting:metric_list", args=["complaints_received"])
    assert client.get(list_url).status_code == 403


def test_anonymous_callers_are_sent_to_the_login(client, data):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-05-01", "end": "2026-03-01"},
        {"end": "2999-01-01"},
        {"start": "2026-02-30"},
        {"metric": "nonsense", "sort": "nonsense", "preset": "nonsense"},
        {"jurisdiction": "abc"},
    ],
)
def test_bad_filters_are_explained_not_crashed(client, users, data, params):
    client.force_login(users["ministry"])
    response = client.get(URL, params)
    assert response.status_code == 200
    assert 'data-testid="form-error"' in response.content.decode() or "metric" in params


def _number(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]+)<', html)
    return match.group(1).strip() if match else ""


@pytest.mark.parametrize(
    "code",
    [
        "buildings_registered",
        "zero_operator_buildings",
        "problem_buildings",
        "complaints_received",
        "operator_entries",
        "open_key_cases",
    ],
)
@pytest.mark.parametrize("who", ["ministry", "bj"])
def test_every_current_number_opens_a_list_of_that_many_rows(client, users, data, code, who):
    client.force_login(users[who])
    for params in (
        {"preset": "all"},
        {"preset": "month"},
        {"start": "2026-03-01", "end": "2026-03-31"},
    ):
        page = client.get(URL, params).content.decode()
        match = re.search(rf'href="([^"]+)" data-testid="card-{code}"', page)
        if match is None:  # not a headline card: take the ranking's first cell
            match = re.search(rf'href="([^"]+)" data-testid="cell-{code}"', page)
        url = match.group(1).replace("&amp;", "&")
        listed = client.get(url).content.decode()
        if 'data-testid="list-unavailable"' in listed:
            assert params.get("end") and code in ("zero_operator_buildings", "open_key_cases")
            continue
        shown = _number(listed, "metric-value").replace(",", "")
        count = re.search(r'data-testid="list-count">共 ([\d,]+) 条', listed).group(1)
        assert shown == count.replace(",", ""), (code, params)


def test_the_help_page_lists_every_metric(client, users, data):
    from louyu.reporting.metrics import METRICS

    client.force_login(users["caict"])
    content = client.get(reverse("reporting:metrics")).content.decode()
    for metric in METRICS:
        assert f'data-testid="metric-{metric.code}"' in content


def test_an_unknown_metric_or_part_is_not_found(client, users, data):
    client.force_login(users["ministry"])
    assert client.get(reverse("reporting:metric_list", args=["nope"])).status_code == 404
    url = reverse("reporting:metric_list", args=["buildings_registered"])
    assert client.get(url, {"part": "denominator"}).status_code == 404
    assert client.get(url, {"part": "bogus"}).status_code == 404


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_the_dashboard_in_english_has_no_chinese_but_names(client, users, data):
    """With English chosen, every word of the page is English; only names stay Chinese:
    jurisdictions, cities, organisations, buildings, the brand's mark and Chinese in the
    language switcher."""
    client.force_login(users["ministry"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(URL).content.decode()
    content = re.sub(r'<script id="chart-data".*?</script>', "", content, flags=re.S)
    content = re.sub(r'<button[^>]*lang="zh-hans".*?</button>', "", content, flags=re.S)
    content = re.sub(r'<span class="ly-brand-mark"[^>]*>.*?</span>', "", content)
    names = {
        *Jurisdiction.objects.values_list("name", flat=True),
        *Jurisdiction.objects.values_list("short_name", flat=True),
        *Region.objects.values_list("name", flat=True),
        *Organization.objects.values_list("name", flat=True),
        *Building.objects.values_list("name", flat=True),
    }
    for name in sorted(filter(None, names), key=len, reverse=True):
        content = content.replace(name, "")
    leftovers = [line.strip() for line in content.splitlines() if CJK.search(line)]
    assert "Progress statistics" in content and "National" in content
    assert leftovers == []
