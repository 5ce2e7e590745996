"""Data-migration steps the apps share. They take the historical ``apps`` registry, so a
migration keeps working whatever the models become later."""

from __future__ import annotations

HAND_COMPLETED = "work_item.complete"
BATCH = 500


def reopen_steps_closed_by_hand(apps, *, kind: str, target: str, waiting: dict) -> int:
    """Mark the work items of ``kind`` as workflow steps, and reopen those an assignee ticked
    off by hand (audit action ``work_item.complete``) while their ``target`` object
    (``"app_label.Model"``) still waits for the step: it matches the ``waiting`` filters and
    no later item of the same kind was opened for it. Each reopening is audited. Returns how
    many items were reopened; running it again reopens nothing more."""
    work_item = apps.get_model("core", "WorkItem")
    audit_event = apps.get_model("core", "AuditEvent")
    content_type = apps.get_model("contenttypes", "ContentType")
    app_label, model_name = target.split(".")
    target_model = apps.get_model(app_label, model_name)
    work_item.objects.filter(kind=kind, step=False).update(step=True)
    item_type = content_type.objects.filter(app_label="core", model="workitem").first()
    target_type = content_type.objects.filter(app_label=app_label, model=model_name.lower()).first()
    if item_type is None or target_type is None:
        return 0
    hand_closed = (
        audit_event.objects.filter(action=HAND_COMPLETED, object_type=item_type)
        .values_list("object_id", flat=True)
        .distinct()
    )
    ids = sorted({int(pk) for pk in hand_closed if pk.isdigit()})
    reopened = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        candidates = work_item.objects.filter(
            pk__in=chunk, kind=kind, state="done", content_type=target_type
        )
        for item in candidates:
            superseded = work_item.objects.filter(
                kind=kind, content_type=target_type, object_id=item.object_id, pk__gt=item.pk
            ).exists()
            still_waiting = target_model.objects.filter(pk=item.object_id, **waiting).exists()
            if superseded or not still_waiting:
                continue
            work_item.objects.filter(pk=item.pk).update(state="open", completed_at=None)
            audit_event.objects.create(
                action="work_item.reopen",
                actor_repr="数据迁移",
                object_type=item_type,
                object_id=str(item.pk),
                object_repr=item.title[:200],
                jurisdiction_id=item.jurisdiction_id,
                changes={"state": ["done", "open"]},
            )
            reopened += 1
    return reopened
