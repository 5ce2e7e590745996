"""What the public sees of a complaint: a separate, redacted text (DESIGN.md, "Public
text"), never the complainant's own words.

``redact`` removes what identifies a person — mobile and landline numbers, ID-card numbers,
e-mail addresses, the complainant's own name and "王先生 / 李女士" forms of address — and is
applied at intake and to existing complaints by migration. Staff who handle the complaint
may correct the result (``complaint_public_text_edit``, audited). The Open311 feed shows it
only once the complaint was accepted."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from louyu.complaints.models import Complaint
from louyu.complaints.search import KIND as SEARCH_KIND
from louyu.core.audit import audit_record
from louyu.core.models import User
from louyu.search.indexing import index_later

PHONE_MARK = "［电话已隐去］"
ID_MARK = "［证件号已隐去］"
EMAIL_MARK = "［邮箱已隐去］"
NAME_MARK = "某某"
MAX_LENGTH = 5000

# Mainland ID cards: 18 characters (the last may be X) or the old 15 digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Mobiles (1[3-9] and 9 digits, optionally +86, spaces or dashes as 3-4-4) and landlines
# (0 + area code, 7 or 8 digits, optional extension).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)\(?0\d{2,3}\)?[ -]?\d{7,8}(?:[ -]?(?:转|ext\.?)\s?\d{1,6})?(?!\d)")
_ADDRESS_FORM = re.compile(r"[\u4e00-\u9fff](?=(?:先生|女士|小姐))")


def _name_variants(name: str) -> list[str]:
    """The complainant's name as written and without spaces. (Not the given name alone:
    "建国" of 王建国 would also take the 建国 out of 建国路.)"""
    name = (name or "").strip()
    if len(name) < 2:
        return []
    return sorted({name, re.sub(r"\s+", "", name)}, key=len, reverse=True)


def redact(text: str, *, names: list[str] | tuple[str, ...] = ()) -> str:
    """``text`` without phone numbers, ID numbers, e-mail addresses, the given ``names``
    (the complainant's) and the surname in "X先生 / X女士 / X小姐"."""
    text = text or ""
    text = _ID_NUMBER.sub(ID_MARK, text)
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _MOBILE.sub(PHONE_MARK, text)
    text = _LANDLINE.sub(PHONE_MARK, text)
    for name in names:
        for variant in _name_variants(name):
            text = text.replace(variant, NAME_MARK)
    return _ADDRESS_FORM.sub("某", text)


def public_text_for(complaint: Complaint) -> str:
    return redact(complaint.description, names=[complaint.complainant_name])


def complaint_public_text_edit(*, actor: User, complaint: Complaint, text: str) -> Complaint:
    """Replace the complaint's public text with ``text`` as the handling staff wrote it
    (phone and ID numbers, e-mails and the complainant's name are still removed from it).
    Only staff who may handle the complaint; the change is audited with both texts."""
    from louyu.complaints.services import can_handle

    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise ValidationError({"public_description": f"公开说明不能超过 {MAX_LENGTH} 字。"})
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if not can_handle(actor, locked):
            raise PermissionDenied("只有承办人员可以修改公开说明。")
        cleaned = redact(text, names=[locked.complainant_name])
        before = locked.public_description
        if cleaned != before:
            locked.public_description = cleaned
            locked.save(update_fields=["public_description"])
            audit_record(
                actor=actor,
                action="complaint.public_text",
                obj=locked,
                changes={"public_description": [before, cleaned]},
            )
            index_later(SEARCH_KIND, [locked.pk])
    complaint.public_description = locked.public_description
    return complaint
