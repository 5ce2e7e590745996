"""Background maintenance of complaints: deadlines recomputed after the holiday schedule
changes, and personal data erased once the retention period after closing has passed."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from louyu.complaints.models import Attachment, Complaint
from louyu.complaints.search import KIND as SEARCH_KIND
from louyu.complaints.services import accept_deadline, policy_for, reply_deadline
from louyu.complaints.workflow import FINAL_STATES, State
from louyu.core.audit import audit_record
from louyu.search.indexing import remove_later

logger = logging.getLogger(__name__)

REPLY_STATES = (State.ACCEPTED, State.VERIFYING, State.HANDLING, State.REOPENED, State.SUSPENDED)
BATCH = 500


def _reply_start(complaint: Complaint):
    """When the running reply period began: the last reopening, else the acceptance."""
    reopened = (
        complaint.status_changes.filter(to_state=State.REOPENED).order_by("-created_at").first()
    )
    return reopened.created_at if reopened else complaint.accepted_at


def complaint_deadlines_recompute(*, since: datetime.date | None = None) -> int:
    """Recompute the running deadline of every open complaint whose deadline falls on or
    after ``since`` (all open ones when None), with the calendar as it is now. A changed
    deadline is saved with its provisional flag and its reminder bookkeeping reset, so the
    reminders follow the new date; each change is one locked update with its audit event.
    Returns how many complaints changed."""
    open_qs = Complaint.objects.exclude(state__in=FINAL_STATES).exclude(state=State.REPLIED)
    if since is not None:
        start = datetime.datetime.combine(
            since, datetime.time.min, tzinfo=timezone.get_default_timezone()
        )
        open_qs = open_qs.filter(Q(accept_due_at__gte=start) | Q(reply_due_at__gte=start))
    changed = 0
    ids = list(open_qs.values_list("pk", flat=True))
    for offset in range(0, len(ids), BATCH):
        for pk in ids[offset : offset + BATCH]:
            with transaction.atomic():
                complaint = (
                    Complaint.objects.select_for_update().select_related("category").get(pk=pk)
                )
                policy = policy_for(complaint.category)
                updates = {}
                if complaint.state == State.SUBMITTED:
                    deadline = accept_deadline(complaint.received_at, policy)
                    if deadline.due_at != complaint.accept_due_at:
                        updates["accept_due_at"] = deadline.due_at
                elif complaint.state in REPLY_STATES and complaint.accepted_at:
                    deadline = reply_deadline(complaint, policy, _reply_start(complaint))
                    if deadline.due_at != complaint.reply_due_at:
                        updates["reply_due_at"] = deadline.due_at
                else:
                    continue
                if deadline.provisional != complaint.deadline_provisional:
                    updates["deadline_provisional"] = deadline.provisional
                if not updates:
                    continue
                before = {k: getattr(complaint, k) for k in updates}
                for key, value in updates.items():
                    setattr(complaint, key, value)
                complaint.warned_at = complaint.overdue_notified_at = None
                complaint.escalation_level = 0
                complaint.save(
                    update_fields=[
                        *updates,
                        "warned_at",
                        "overdue_notified_at",
                        "escalation_level",
                    ]
                )
                audit_record(
                    actor=None,
                    action="complaint.deadline_recompute",
                    obj=complaint,
                    changes={k: [before[k], updates[k]] for k in updates},
                )
                changed += 1
    return changed


def complaints_erase_personal_data(*, now: datetime.datetime | None = None) -> int:
    """Erase the complainant's personal data (name, phone, company, address and the files
    they sent) from complaints that ended more than LOUYU_COMPLAINT_RETENTION_DAYS ago.
    Evidence gathered by staff and the handling history are kept. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.LOUYU_COMPLAINT_RETENTION_DAYS)
    ended = Q(state=State.CLOSED, closed_at__lt=cutoff) | Q(
        state__in=[State.REJECTED, State.MERGED], status_changes__created_at__lt=cutoff
    )
    ids = list(
        Complaint.objects.filter(ended, personal_data_erased_at__isnull=True)
        .exclude(status_changes__created_at__gte=cutoff)
        .values_list("pk", flat=True)
        .distinct()
    )
    erased = 0
    for pk in ids:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if complaint.personal_data_erased_at:
                continue
            files = list(
                Attachment.objects.filter(complaint=complaint, kind=Attachment.Kind.COMPLAINT)
            )
            Complaint.objects.filter(pk=pk).update(
                complainant_name="",
                complainant_phone="",
                complainant_company="",
                complainant_address="",
                personal_data_erased_at=now,
            )
            for attachment in files:
                name = attachment.file.name
                attachment.delete()
                transaction.on_commit(lambda n=name: _delete_file(n))
            remove_later(SEARCH_KIND, [pk])
            audit_record(
                actor=None,
                action="complaint.erase_personal_data",
                obj=complaint,
                changes={"files": len(files)},
            )
            erased += 1
    return erased


def _delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("could not delete an erased complaint's file")
