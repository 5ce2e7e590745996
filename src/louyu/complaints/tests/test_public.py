import io
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from louyu.buildings import services as building_services
from louyu.complaints import codes, services
from louyu.complaints.models import Attachment, Complaint, PublicRating, StatusChange
from louyu.complaints.public_forms import STARTED_SALT
from louyu.complaints.workflow import State
from louyu.core.tests.unchanged import assert_unchanged

pytestmark = pytest.mark.django_db

NEW = "/public/complaints/new/"
TRACK = "/public/track/"


@pytest.fixture(autouse=True)
def _clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def old_token(seconds_ago=10):
    from django.core import signing

    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def jpeg_bytes(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_data(cenv, **overrides):
    data = {
        "category": cenv["category"].pk,
        "address": "北京市朝阳区建国路88号",
        "description": "物业不让联通进场施工，只能用指定代理商的宽带。",
        "complainant_company": "某某科技有限公司",
        "complainant_name": "李四",
        "complainant_phone": "13900001111",
        "consent": "on",
        "started": old_token(),
        "website": "",
    }
    data.update(overrides)
    return data


def test_form_page_renders_without_login_in_its_own_layout(client, cenv):
    response = client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "个人信息处理说明" in html and 'name="consent"' in html
    assert "ly-sidebar" not in html  # no staff navigation


def test_happy_path_with_image_and_pdf_shows_codes_once(client, cenv):
    files = [
        SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg"),
        SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    ]
    response = client.post(NEW, {**form_data(cenv), "attachments": files})
    assert response.status_code == 200, response.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert complaint.channel == "web" and complaint.created_by is None
    secret = response.context["secret"]
    html = response.content.decode()
    assert complaint.tracking_code in html and secret in html
    assert codes.check_secret(complaint, secret)
    kinds = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/jpeg"]
    assert all(a.file.name.startswith("complaints/") for a in Attachment.objects.all())
    assert "no-store" in response["Cache-Control"]


def test_failed_registration_leaves_no_file_in_storage(client, cenv, tmp_path, monkeypatch):
    """The complaint row and its files go together: when the registration fails after the
    files were written, the files are deleted again."""
    from django.core.exceptions import ValidationError

    from louyu.complaints import attachments

    real_save = attachments.attachments_save
    written = []

    def save_then_fail(**kwargs):
        written.extend(real_save(**kwargs))
        assert [p for p in tmp_path.rglob("*") if p.is_file()]
        raise ValidationError({"description": "模拟登记失败"})

    monkeypatch.setattr(attachments, "attachments_save", save_then_fail)
    files = [SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")]
    with assert_unchanged():
        response = client.post(NEW, {**form_data(cenv), "attachments": files})
    assert response.status_code == 400
    assert written
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_complaint_for_a_registered_building(client, cenv):
    building = building_services.building_create(
        actor=None, name="国贸大厦", address="北京市朝阳区建国路1号", building_type="office_tower"
    )
    response = client.post(NEW, form_data(cenv, address="", building=building.pk))
    assert response.status_code == 200
    assert Complaint.objects.get().building == building


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("notes.png", b"just some text"),
    ],
)
def test_disguised_files_are_refused_in_chinese(client, cenv, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    with assert_unchanged():
        response = client.post(NEW, {**form_data(cenv), "attachments": [upload]})
    assert response.status_code == 400
    assert "不是图片" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_refused_form_names_the_files_to_choose_again(client, cenv):
    upload = SimpleUploadedFile("现场.pdf", PDF)
    data = {**form_data(cenv), "description": "", "attachments": [upload]}
    with assert_unchanged():
        response = client.post(NEW, data)
    assert response.status_code == 400
    assert "所选文件未保存，请重新选择：现场.pdf" in response.content.decode()


def test_oversized_file_is_refused(client, cenv, settings):
    settings.LOUYU_ATTACHMENT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.pdf", PDF + b"x" * 2000 + b"%%EOF")
    with assert_unchanged():
        response = client.post(NEW, {**form_data(cenv), "attachments": [upload]})
    assert response.status_code == 400
    assert "超过" in response.content.decode()
    assert not Complaint.objects.exists()


def test_six_files_are_refused(client, cenv):
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]
    with assert_unchanged():
        response = client.post(NEW, {**form_data(cenv), "attachments": files})
    assert response.status_code == 400
    assert "最多上传 5 个附件" in response.content.decode()
    assert not Complaint.objects.exists()


def test_honeypot_pretends_success_and_creates_nothing(client, cenv):
    with assert_unchanged():
        response = client.post(NEW, form_data(cenv, website="http://spam.example"))
    assert response.status_code == 200
    assert "已收到" in response.content.decode()
    assert not Complaint.objects.exists()


def test_too_fast_submit_is_refused(client, cenv):
    with assert_unchanged():
        response = client.post(NEW, form_data(cenv, started=old_token(seconds_ago=0)))
    assert response.status_code == 400
    assert "提交过快" in response.content.decode()
    assert not Complaint.objects.exists()


def test_forged_timestamp_is_refused(client, cenv):
    with assert_unchanged():
        response = client.post(NEW, form_data(cenv, started="1700000000"))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_rate_limit_per_ip(client, cenv, settings):
    settings.LOUYU_PUBLIC_RATE_LIMITS = {
        **settings.LOUYU_PUBLIC_RATE_LIMITS,
        "complaint_ip": (2, 3600),
    }
    for i in range(2):
        response = client.post(NEW, form_data(cenv, complainant_phone=f"1390000{i:04d}"))
        assert response.status_code == 200
    with assert_unchanged():
        response = client.post(NEW, form_data(cenv, complainant_phone="13900009999"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert Complaint.objects.count() == 2


def test_a_form_files_one_complaint_only(client, cenv):
    """The timing token is single-use: replaying one form (as a bot does to skip waiting)
    is refused, with a fresh token in the form shown again."""
    data = form_data(cenv)
    assert client.post(NEW, data).status_code == 200
    again = client.post(NEW, {**data, "complainant_phone": "13900002222"})
    assert again.status_code == 400
    assert "该表单已经提交过" in again.content.decode()
    assert Complaint.objects.count() == 1
    assert again.context["form"].data["started"] != data["started"]


def test_the_token_shown_with_a_form_is_unique(client, cenv):
    import re

    tokens = {
        re.search(r'name="started" value="([^"]+)"', client.get(NEW).content.decode()).group(1)
        for _ in range(3)
    }
    assert len(tokens) == 3


def test_rate_limit_per_phone_across_addresses(client, cenv, settings):
    settings.LOUYU_PUBLIC_RATE_LIMITS = {
        **settings.LOUYU_PUBLIC_RATE_LIMITS,
        "complaint_phone": (1, 86400),
    }
    assert client.post(NEW, form_data(cenv)).status_code == 200
    with assert_unchanged():
        response = client.post(
            NEW, form_data(cenv, complainant_phone="139-0000-1111"), REMOTE_ADDR="10.0.0.9"
        )
    assert response.status_code == 429
    assert Complaint.objects.count() == 1


def test_missing_consent_is_refused(client, cenv):
    data = form_data(cenv)
    del data["consent"]
    with assert_unchanged():
        response = client.post(NEW, data)
    assert response.status_code == 400
    assert "请勾选同意" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": "999999"},
        {"category": "abc"},
        {"address": "火星基地一号"},
        {"address": ""},
        {"building": "123456789"},
        {"building": "x"},
        {"complainant_phone": "12"},
        {"description": "x" * 6000},
        {"started": ""},
    ],
)
def test_bad_input_is_a_form_error_never_a_500(client, cenv, overrides):
    with assert_unchanged():
        response = client.post(NEW, form_data(cenv, **overrides))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_script_in_description_is_stored_as_text_and_escaped(client, cenv):
    evil = "<script>alert('x')</script> 物业不让进场"
    client.post(NEW, form_data(cenv, description=evil))
    complaint = Complaint.objects.get()
    assert complaint.description == evil
    with assert_unchanged():
        response = client.post(NEW, form_data(cenv, description=evil, consent=""))
    assert "<script>alert" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def _track(client, complaint, secret):
    return client.post(TRACK, {"tracking_code": complaint.tracking_code, "secret": secret})


def test_tracking_with_the_right_codes_shows_public_steps_only(client, cenv):
    complaint, secret = cenv["file"]()
    services.complaint_transition(
        actor=cenv["bj"], complaint=complaint, to="accepted", note="内部备注：疑似重复"
    )
    response = _track(client, complaint, secret.lower())
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert complaint.tracking_code in html and "已受理" in html
    assert "内部备注" not in html
    for personal in ("张三", "13800138000", cenv["bj"].username):
        assert personal not in html
    assert "受理" in html and page.context["due_at"] == complaint.reply_due_at


@pytest.mark.parametrize("secret", ["WRONG1", "", "x" * 30])
def test_wrong_codes_give_the_same_not_found(client, cenv, secret):
    complaint, _ = cenv["file"]()
    with assert_unchanged():
        response = _track(client, complaint, secret)
        assert "未找到该申诉" in response.content.decode()
        response = client.post(TRACK, {"tracking_code": "TS000", "secret": "ABCDEF"})
    assert "未找到该申诉" in response.content.decode()


def test_status_page_needs_the_codes_first(client, cenv):
    complaint, _ = cenv["file"]()
    url = reverse("public:track_status", args=[complaint.public_id])
    assert client.get(url).status_code == 404


def test_tracking_is_rate_limited_per_ip(client, cenv, settings):
    settings.LOUYU_PUBLIC_RATE_LIMITS = {
        **settings.LOUYU_PUBLIC_RATE_LIMITS,
        "track_ip": (3, 3600),
    }
    complaint, secret = cenv["file"]()
    for _i in range(3):
        _track(client, complaint, "WRONG1")
    with assert_unchanged():
        response = _track(client, complaint, secret)
    assert response.status_code == 429


def _reply(cenv, complaint, text="已责令物业开放进场，联通已完成布线。"):
    bj = cenv["bj"]
    for to in ("accepted", "handling"):
        services.complaint_transition(actor=bj, complaint=complaint, to=to)
    services.complaint_transition(
        actor=bj, complaint=complaint, to="replied", result="substantiated", reply_text=text
    )


def test_merged_complaint_shows_the_masters_result(client, cenv):
    master, _ = cenv["file"]()
    duplicate, secret = cenv["file"](complainant_phone="13700001111")
    services.complaint_transition(
        actor=cenv["bj"], complaint=duplicate, to="merged", master=master.pk
    )
    _reply(cenv, master)
    html = client.get(_track(client, duplicate, secret)["Location"]).content.decode()
    assert f"您的申诉已与 {master.tracking_code} 合并处理" in html
    assert "已责令物业开放进场" in html and "属实" in html


def test_rating_after_reply_is_recorded_once_without_a_transition(client, cenv):
    complaint, secret = cenv["file"]()
    status_url = _track(client, complaint, secret)["Location"]
    assert 'data-testid="rating-form"' not in client.get(status_url).content.decode()
    _reply(cenv, complaint)
    html = client.get(status_url).content.decode()
    assert "已责令物业开放进场" in html and 'data-testid="rating-form"' in html
    rate = reverse("public:track_rate", args=[complaint.public_id])
    changes = StatusChange.objects.count()
    assert client.post(rate, {"satisfaction": "4", "resolved": "yes"}).status_code == 302
    with assert_unchanged():  # rated once already: the second rating is refused
        assert client.post(rate, {"satisfaction": "1", "resolved": "no"}).status_code == 302
    rating = PublicRating.objects.get()
    assert (rating.satisfaction, rating.resolved) == (4, True)
    complaint.refresh_from_db()
    assert complaint.state == State.REPLIED and StatusChange.objects.count() == changes
    assert "感谢您的评价" in client.get(status_url).content.decode()


def test_rating_needs_the_codes(client, cenv):
    complaint, _ = cenv["file"]()
    _reply(cenv, complaint)
    rate = reverse("public:track_rate", args=[complaint.public_id])
    with assert_unchanged():
        assert client.post(rate, {"satisfaction": "5", "resolved": "yes"}).status_code == 404
    assert not PublicRating.objects.exists()


def test_building_search_returns_public_fields_only(client, cenv):
    for i in range(12):
        building_services.building_create(
            actor=None,
            name=f"望京科技园{i}号楼",
            address=f"北京市朝阳区望京街{i}号",
            building_type="office_tower",
        )
    response = client.get("/public/buildings/search/", {"q": "望京"})
    results = response.json()["results"]
    assert len(results) == 10
    assert set(results[0]) == {"id", "name", "address"}
    assert client.get("/public/buildings/search/", {"q": "望"}).json()["results"] == []


def test_building_search_is_rate_limited(client, settings, db):
    settings.LOUYU_PUBLIC_RATE_LIMITS = {
        **settings.LOUYU_PUBLIC_RATE_LIMITS,
        "building_search_ip": (2, 60),
    }
    for _i in range(2):
        assert client.get("/public/buildings/search/", {"q": "望京"}).status_code == 200
    assert client.get("/public/buildings/search/", {"q": "望京"}).status_code == 429


def test_an_expired_form_can_be_sent_again_after_the_error(client, cenv):
    with assert_unchanged():
        response = client.post(NEW, form_data(cenv, started="forged"))
        assert response.status_code == 400
        fresh = response.context["form"].data["started"]
        assert fresh != "forged"
        assert client.post(NEW, form_data(cenv, started=fresh)).status_code == 400  # too fast
    assert Complaint.objects.count() == 0
