"""Likely duplicates of a complaint, for the clerk who decides whether to merge.

Candidates are complaints about the same building (or, without a building, the same
normalised address) in the same category, received in the 90 days before or after this
one, open or closed. They are read through the indexes (building, category, received_at)
and (normalized_address, category), capped to the most recent ``CANDIDATE_CAP`` rows, and
only then scored, so the cost does not grow with the size of the table."""

from __future__ import annotations

import datetime
import re

from rapidfuzz import fuzz

from louyu.complaints.models import Complaint
from louyu.complaints.workflow import State

WINDOW = datetime.timedelta(days=90)
CANDIDATE_CAP = 200
# Score = text similarity weighted with what else they share (sums to 100).
TEXT_WEIGHT = 0.7
SAME_BUILDING_WEIGHT = 20
SAME_ADDRESS_WEIGHT = 15
SAME_PHONE_WEIGHT = 10
MIN_SCORE = 30


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def _candidates(complaint: Complaint):
    qs = (
        Complaint.objects.filter(
            category_id=complaint.category_id,
            received_at__gte=complaint.received_at - WINDOW,
            received_at__lte=complaint.received_at + WINDOW,
        )
        .exclude(pk=complaint.pk)
        .exclude(state=State.MERGED)
    )
    if complaint.building_id:
        qs = qs.filter(building_id=complaint.building_id)
    elif complaint.normalized_address:
        qs = qs.filter(normalized_address=complaint.normalized_address)
    else:
        return []
    fields = ("pk", "building_id", "normalized_address", "description", "complainant_phone")
    return list(
        qs.order_by("-received_at", "-id").only(*fields, "tracking_code", "state", "received_at")[
            :CANDIDATE_CAP
        ]
    )


def score(complaint: Complaint, other: Complaint) -> int:
    """0–100: how alike two complaints of the same place and category are."""
    text = fuzz.token_set_ratio(complaint.description or "", other.description or "")
    value = TEXT_WEIGHT * text
    if complaint.building_id and complaint.building_id == other.building_id:
        value += SAME_BUILDING_WEIGHT
    elif complaint.normalized_address and complaint.normalized_address == other.normalized_address:
        value += SAME_ADDRESS_WEIGHT
    phone = _digits(complaint.complainant_phone)
    if phone and phone == _digits(other.complainant_phone):
        value += SAME_PHONE_WEIGHT
    return max(0, min(100, round(value)))


def duplicate_candidates(complaint: Complaint, *, limit: int = 5) -> list[tuple[Complaint, int]]:
    """The ``limit`` most likely duplicates of ``complaint`` with their scores, best first
    (ties: the most recent first); those scoring under MIN_SCORE are left out."""
    scored = [(other, score(complaint, other)) for other in _candidates(complaint)]
    scored = [pair for pair in scored if pair[1] >= MIN_SCORE]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].received_at.timestamp(), -pair[0].pk))
    return scored[:limit]
