"""The redacted public text of a complaint (``public_text.redact``) and the migration that
fills it for complaints filed before it existed."""

import importlib

import pytest
from django.apps import apps
from hypothesis import given, settings
from hypothesis import strategies as st

from louyu.complaints.models import Complaint
from louyu.complaints.public_text import EMAIL_MARK, ID_MARK, PHONE_MARK, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13800138000", f"电话{PHONE_MARK}"),
        ("电话 138 0013 8000。", f"电话 {PHONE_MARK}。"),
        ("手机+86-138-0013-8000", f"手机{PHONE_MARK}"),
        ("座机010-85123456转123", f"座机{PHONE_MARK}"),
        ("座机(021)64381234", f"座机{PHONE_MARK}"),
        ("身份证11010519491231002X号", f"身份证{ID_MARK}号"),
        ("旧证110105491231002", f"旧证{ID_MARK}"),
        ("邮箱 a.b+c@mail.example.cn 联系", f"邮箱 {EMAIL_MARK} 联系"),
        ("物业王先生和李女士、张小姐", "物业某先生和某女士、某小姐"),
        ("建国路88号10层，共30户", "建国路88号10层，共30户"),
        ("12300 热线和 2026 年 5 月", "12300 热线和 2026 年 5 月"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_the_complainants_own_name_goes_whatever_its_spacing():
    assert redact("我叫张 三丰，张三丰投诉。", names=["张 三丰"]) == "我叫某某，某某投诉。"
    assert redact("物业不让进场", names=[""]) == "物业不让进场"


_text = st.text(alphabet="物业不让电信进场，。我的是在号楼层 ", max_size=20)
_mobile = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
_id = st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True)
_email = st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.(com|cn)", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(before=_text, secret=st.one_of(_mobile, _id, _email), after=_text)
def test_no_phone_id_or_email_survives(before, secret, after):
    public = redact(before + secret + after)
    assert secret not in public


@pytest.mark.django_db
def test_the_migration_fills_the_public_text_of_existing_complaints(cenv):
    complaint, _ = cenv["file"](
        description="我是张三，电话13912345678，物业不让电信进场。", complainant_name="张三"
    )
    Complaint.objects.filter(pk=complaint.pk).update(public_description="")
    migration = importlib.import_module("louyu.complaints.migrations.0009_public_description")
    migration.fill_public_descriptions(apps, None)
    complaint.refresh_from_db()
    assert complaint.public_description == f"我是某某，电话{PHONE_MARK}，物业不让电信进场。"


@pytest.mark.django_db
def test_intake_writes_the_public_text(cenv):
    complaint, _ = cenv["file"](description="联系王女士 13912345678，物业收进场费。")
    complaint.refresh_from_db()
    assert complaint.public_description == f"联系某女士 {PHONE_MARK}，物业收进场费。"
