import json
import uuid

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from louyu.core.tests.factories import UserFactory
from louyu.inspections import selectors
from louyu.inspections.models import Inspection
from louyu.inspections.tests.conftest import nothing_changes
from louyu.inspections.tests.records_fixtures import (
    EVIDENCE_CODES,
    PASSING,
    api_for,
    client_for,
    jpeg,
    running,
    submit,
)

__all__ = ["running"]
API = "/api/v1/inspections/"


def form_data(key, **extra):
    data = {"submission_key": str(key), "outcome": "inspected"}
    for code, value in PASSING.items():
        data[f"answer_{code}"] = value
    for code in EVIDENCE_CODES:
        data[f"photo_{code}"] = jpeg(name=f"{code}.jpg")
    data.update(extra)
    return data


def test_member_sees_the_form_and_submits_once(running):
    url = f"/inspections/assignments/{running.assignment.pk}/"
    page = client_for(running.samr).get(url)
    assert page.status_code == 200 and 'data-testid="inspection-form"' in page.content.decode()
    assert "inspections/record.js" in page.content.decode()
    client = client_for(running.samr)
    key = uuid.uuid4()
    headers = {"X-Requested-With": "fetch"}
    first = client.post(url + "inspection/", form_data(key), headers=headers)
    assert first.status_code == 201 and first.json() == {"url": url}
    again = client.post(url + "inspection/", form_data(key), headers=headers)
    assert again.status_code == 200 and Inspection.objects.count() == 1
    other = client.post(url + "inspection/", form_data(uuid.uuid4()), headers=headers)
    assert other.status_code == 409
    shown = client.get(url).content.decode()
    assert 'data-testid="inspection-record"' in shown and "inspection-form" not in shown


def test_choice_answers_read_in_english_and_are_stored_as_the_chinese_choice(running):
    url = f"/inspections/assignments/{running.assignment.pk}/"
    client = client_for(running.samr)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get(url).content.decode()
    assert '<option value="部分公示">Partly posted</option>' in form
    assert '<option value="全部公示">All posted</option>' in form
    response = client.post(
        url + "inspection/",
        form_data(uuid.uuid4(), answer_notice_posted="部分公示"),
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 201
    answer = Inspection.objects.get().answers.get(item__code="notice_posted")
    assert answer.value == "部分公示" and answer.passed is False
    assert "<strong>Partly posted</strong>" in client.get(url).content.decode()
    chinese = client_for(running.samr).get(url).content.decode()
    assert "<strong>部分公示</strong>" in chinese


def test_web_refuses_a_non_image_with_a_chinese_message(running):
    url = f"/inspections/assignments/{running.assignment.pk}/inspection/"
    bad = SimpleUploadedFile("现场.jpg", b"plain text", content_type="image/jpeg")
    client = client_for(running.samr)
    with nothing_changes():
        response = client.post(
            url,
            form_data(uuid.uuid4(), photo_operators_serving=bad),
            headers={"X-Requested-With": "fetch"},
        )
    assert response.status_code == 400
    assert "文件“现场.jpg”的内容不是图片" in response.json()["errors"][0]


def test_web_outsider_gets_404_and_anonymous_goes_to_login(running):
    url = f"/inspections/assignments/{running.assignment.pk}/"
    outsider = client_for(running.dl)
    with nothing_changes():
        assert outsider.get(url).status_code == 404
        assert outsider.post(url + "inspection/", form_data(1)).status_code == 404
        assert Client().post(url + "inspection/", form_data(1)).status_code == 302


def test_api_submit_with_photo_list_and_retrieve(running):
    key = str(uuid.uuid4())
    data = {
        "assignment": running.assignment.pk,
        "submission_key": key,
        "answers": json.dumps({**PASSING, "exclusive_deal": "yes"}, ensure_ascii=False),
        "photo_exclusive_deal": jpeg(taken="2026:03:05 09:30:00"),
        **{f"photo_{code}": jpeg() for code in EVIDENCE_CODES if code != "exclusive_deal"},
    }
    response = api_for(running.samr).post(API, data, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case"] and body["photos"][0]["captured_at_source"] == "exif"
    assert body["photos"][0]["item"] == "exclusive_deal"
    data["photo_exclusive_deal"] = jpeg()
    again = api_for(running.samr).post(API, data, format="multipart")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    conflict = api_for(running.samr).post(
        API,
        {"assignment": running.assignment.pk, "submission_key": str(uuid.uuid4())},
        format="json",
    )
    assert conflict.status_code == 409
    listed = api_for(running.bj).get(API).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert api_for(running.ministry).get(f"{API}{body['id']}/").status_code == 200


def test_api_scoped_and_bad_input(running):
    inspection, _ = submit(running)
    outsider = UserFactory(username="i-dl-2", organization=running.orgs["ca-210200"])
    for user in (running.dl, outsider):
        assert api_for(user).get(API).json()["results"] == []
        assert api_for(user).get(f"{API}{inspection.pk}/").status_code == 404
    assert APIClient().get(API).status_code == 401
    Inspection.objects.all().delete()
    payload = {"assignment": running.assignment.pk, "submission_key": str(uuid.uuid4())}
    with nothing_changes():
        assert APIClient().post(API, payload, format="json").status_code == 401
        assert api_for(running.dl).post(API, payload, format="json").status_code == 404
        bad = api_for(running.samr).post(
            API, {**payload, "answers": {"monthly_price": "很多"}}, format="json"
        )
    assert bad.status_code == 400
    assert "须填写数值" in json.dumps(bad.json(), ensure_ascii=False)


def test_plan_page_shows_the_failure_rate_per_item(running):
    submit(running, answers={**PASSING, "exclusive_deal": "yes"})
    rates = {
        row["item__code"]: row
        for row in selectors.plan_failure_rates(user=running.bj, plan=running.plan_obj)
    }
    assert rates["exclusive_deal"]["failed"] == 1 and rates["exclusive_deal"]["rate"] == 100.0
    assert rates["facilities_open"]["rate"] == 0.0
    assert "operators_serving" not in rates  # no passing answer: not judged
    page = client_for(running.bj).get(f"/inspections/plans/{running.plan_obj.pk}/")
    assert 'data-testid="failure-rates"' in page.content.decode()
    assert "100.0%" in page.content.decode()
    assert selectors.plan_failure_rates(user=running.dl, plan=running.plan_obj) == []
