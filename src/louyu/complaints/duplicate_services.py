"""Writes for the likely-duplicates panel: a clerk says a candidate is not a duplicate.
(Merging goes through ``services.complaint_transition(to="merged")``.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from louyu.complaints import selectors, services
from louyu.complaints.models import Complaint, DuplicateDismissal
from louyu.core.audit import audit_record
from louyu.core.models import User


@transaction.atomic
def duplicate_dismiss(
    *, actor: User, complaint: Complaint, candidate: Complaint
) -> DuplicateDismissal:
    """Record that ``candidate`` is not a duplicate of ``complaint`` (idempotent: a second
    call returns the first record and audits nothing). Only people who handle the complaint
    may do so, and only for a candidate they can see."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if actor is None or not services.can_handle(actor, locked):
        raise PermissionDenied("您不是该申诉的承办人员，不能办理。")
    if candidate.pk == locked.pk:
        raise ValidationError({"candidate": "不能将申诉与其自身比较。"})
    if not selectors.complaint_list(user=actor).filter(pk=candidate.pk).exists():
        raise ValidationError({"candidate": "找不到该申诉。"})
    dismissal, created = DuplicateDismissal.objects.get_or_create(
        complaint=locked, candidate_id=candidate.pk, defaults={"dismissed_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="complaint.duplicate_dismiss",
            obj=locked,
            changes={"candidate": candidate.tracking_code},
        )
    return dismissal
