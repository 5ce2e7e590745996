"""Reads the complaint pages need beyond ``selectors``: lookups for the intake, assignment,
referral and merge forms, the likely duplicates, attachments and ratings of the detail page.
Each takes the user where what it returns depends on who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from louyu.complaints import duplicates
from louyu.complaints.models import Attachment, Complaint, DuplicateDismissal, PublicRating
from louyu.complaints.selectors import complaint_list
from louyu.core.models import JOINT_DEPARTMENT_TYPES, Organization, OrganizationType, User


def assignable_users(*, user: User) -> QuerySet[User]:
    """The active people of the user's own organisation, for bulk assignment."""
    if not user.is_authenticated or not user.organization_id:
        return User.objects.none()
    return User.objects.filter(organization_id=user.organization_id, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def referral_targets(*, complaint: Complaint) -> QuerySet[Organization]:
    """Organisations a complaint may be referred to: the joint departments of its
    jurisdiction and the basic operators' branches there."""
    return (
        Organization.objects.filter(is_active=True, jurisdiction_id=complaint.jurisdiction_id)
        .filter(
            Q(type__in=JOINT_DEPARTMENT_TYPES)
            | Q(type=OrganizationType.OPERATOR_BRANCH, parent__is_basic_operator=True)
        )
        .exclude(pk=complaint.handler_id)
        .order_by("type", "code")
    )


def basic_operators() -> QuerySet[Organization]:
    return Organization.objects.filter(is_basic_operator=True, is_active=True).order_by("code")


def complaint_by_tracking_code(*, user: User, tracking_code: str) -> Complaint | None:
    """A complaint the user may see, by its exact tracking code (for merging)."""
    code = (tracking_code or "").strip().upper()
    if not code:
        return None
    return complaint_list(user=user).filter(tracking_code=code).first()


def duplicate_panel(*, user: User, complaint: Complaint, limit: int = 5) -> list[dict]:
    """The likely duplicates of ``complaint`` the user may see and has not dismissed, best
    first, each as ``{"complaint", "score"}``. No personal data is loaded for display: the
    candidates are re-read through ``complaint_list`` (which also scopes them)."""
    dismissed = set(
        DuplicateDismissal.objects.filter(complaint=complaint).values_list(
            "candidate_id", flat=True
        )
    )
    scored = [
        (other.pk, value)
        for other, value in duplicates.duplicate_candidates(complaint, limit=limit + len(dismissed))
        if other.pk not in dismissed
    ][:limit]
    if not scored:
        return []
    visible = (
        complaint_list(user=user)
        .filter(pk__in=[pk for pk, _ in scored])
        .defer(
            "complainant_name", "complainant_phone", "complainant_company", "complainant_address"
        )
    )
    by_pk = {c.pk: c for c in visible}
    return [{"complaint": by_pk[pk], "score": value} for pk, value in scored if pk in by_pk]


def duplicate_candidate(*, user: User, complaint: Complaint, pk: int) -> Complaint | None:
    """A complaint the user may see, other than ``complaint``, to merge into or dismiss."""
    return complaint_list(user=user).exclude(pk=complaint.pk).filter(pk=pk).first()


def complaint_attachments(complaint: Complaint) -> QuerySet[Attachment]:
    return complaint.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")


def complaint_attachment(*, user: User, complaint_pk: int, pk: int) -> Attachment | None:
    """An attachment of a complaint the user may see, else None."""
    visible = complaint_list(user=user).filter(pk=complaint_pk)
    return Attachment.objects.filter(pk=pk, complaint__in=visible).first()


def public_ratings(complaint: Complaint) -> QuerySet[PublicRating]:
    return complaint.public_ratings.order_by("-created_at", "-id")
