"""The complainant's personal data (name, phone, company, address): shown in full only to
the people handling the complaint, every such view audited; masked for everyone else and
in every export."""

from __future__ import annotations

import re

from django.db import transaction

from louyu.complaints.models import Complaint
from louyu.complaints.services import handles
from louyu.core.audit import audit_record
from louyu.core.models import User


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, min(len(name) - 1, 3))


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


@transaction.atomic
def complaint_personal_data(*, user: User, complaint: Complaint) -> dict[str, str]:
    """The complainant's personal data: in full (and audited) for people handling the
    complaint, masked for everyone else."""
    if complaint.personal_data_erased_at:
        return {"name": "（已清除）", "phone": "", "company": "", "address": "", "full": False}
    if handles(user, complaint) and user.has_perm("complaints.view_complaint"):
        audit_record(
            actor=user,
            action="complaint.view_personal_data",
            obj=complaint,
            changes={"fields": ["complainant_name", "complainant_phone", "complainant_address"]},
        )
        return {
            "name": complaint.complainant_name,
            "phone": complaint.complainant_phone,
            "company": complaint.complainant_company,
            "address": complaint.complainant_address,
            "full": True,
        }
    return {
        "name": mask_name(complaint.complainant_name),
        "phone": mask_phone(complaint.complainant_phone),
        "company": complaint.complainant_company,
        "address": "",
        "full": False,
    }
