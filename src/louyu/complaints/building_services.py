"""A complaint's building, afterwards. A complaint received with only an address cannot
lead to a case until it names a registered building: its handlers link it to one (or to one
registered from its address). A building of another jurisdiction means the complaint was
routed wrongly: it is transferred to that jurisdiction, linked to the building, instead.
Each is one transaction that locks the complaint and writes its audit event."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from louyu.buildings.models import Building
from louyu.buildings.services import building_create
from louyu.complaints import services
from louyu.complaints.models import Complaint, StatusChange
from louyu.complaints.workflow import State
from louyu.core.audit import audit_record
from louyu.core.errors import InvalidTransition
from louyu.core.models import User
from louyu.core.services import work_items_reassign_for

UNLINKABLE_STATES = frozenset({State.MERGED, State.REJECTED})
TRANSFERABLE_STATES = frozenset(
    {
        State.SUBMITTED,
        State.ACCEPTED,
        State.VERIFYING,
        State.HANDLING,
        State.SUSPENDED,
        State.REOPENED,
    }
)


def _lock_unlinked(actor: User | None, complaint: Complaint) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not services.can_handle(actor, locked):
        raise PermissionDenied("您不是该申诉的承办人员，不能关联楼宇。")
    if locked.state in UNLINKABLE_STATES:
        raise InvalidTransition("已并案或不予受理的申诉不能关联楼宇。")
    if locked.building_id is not None:
        raise ValidationError({"building": "该申诉已关联楼宇。"})
    return locked


def _lock_for(actor: User | None, complaint: Complaint, building) -> Complaint:
    locked = _lock_unlinked(actor, complaint)
    if not isinstance(building, Building) or not building.is_active:
        raise ValidationError({"building": "请选择已登记的楼宇。"})
    return locked


def _attach(locked: Complaint, building: Building) -> None:
    locked.building = building
    locked.region_id = building.region_id
    locked.version += 1


@transaction.atomic
def complaint_link_building(*, actor: User | None, complaint: Complaint, building) -> Complaint:
    """Link a complaint without a building to a registered building of its own jurisdiction
    (any state but merged or rejected, so that a replied complaint can still lead to a case).
    A building of another jurisdiction is refused: the complaint is to be transferred
    (``complaint_transfer``)."""
    locked = _lock_for(actor, complaint, building)
    if building.jurisdiction_id != locked.jurisdiction_id:
        raise ValidationError(
            {
                "building": f"该楼宇属于{building.jurisdiction.name}管辖，"
                "申诉应移交该管辖范围办理，不能直接关联。"
            }
        )
    _attach(locked, building)
    locked.save(update_fields=["building", "region", "version"])
    audit_record(
        actor=actor,
        action="complaint.link_building",
        obj=locked,
        changes={"building": [None, building.code], "address": locked.address},
    )
    return locked


@transaction.atomic
def complaint_transfer(*, actor: User, complaint: Complaint, building) -> Complaint:
    """Transfer a complaint routed to the wrong jurisdiction to the jurisdiction of its
    building: linked to the building, handled by the organisation that jurisdiction's routing
    names, without an assignee; its open work items pass to that handler. The deadlines stay,
    since they run from receipt. Only before the reply."""
    locked = _lock_for(actor, complaint, building)
    if building.jurisdiction_id == locked.jurisdiction_id:
        raise ValidationError({"building": "该楼宇属于本管辖范围，直接关联即可。"})
    if locked.state not in TRANSFERABLE_STATES:
        raise InvalidTransition("已答复或办结的申诉不能移交。")
    source, target = locked.jurisdiction, building.jurisdiction
    old_handler = locked.handler
    locked.handler = services.route(
        jurisdiction=target,
        category=locked.category,
        channel=locked.channel,
        operator=locked.operator,
    )
    locked.jurisdiction, locked.assignee = target, None
    _attach(locked, building)
    locked.save(
        update_fields=["building", "region", "jurisdiction", "handler", "assignee", "version"]
    )
    StatusChange.objects.create(
        complaint=locked,
        from_state=locked.state,
        to_state=locked.state,
        actor=actor,
        actor_organization_id=actor.organization_id,
        details={"transferred_to": target.name, "building": building.code},
        public=False,
    )
    work_items_reassign_for(
        actor=actor, target=locked, organization=locked.handler, jurisdiction=target
    )
    audit_record(
        actor=actor,
        action="complaint.transfer",
        obj=locked,
        changes={
            "jurisdiction": [source.code, target.code],
            "handler": [old_handler.code, locked.handler.code],
            "building": [None, building.code],
        },
    )
    return locked


@transaction.atomic
def complaint_register_building(
    *, actor: User, complaint: Complaint, region=None, **data
) -> tuple[Complaint, Building]:
    """Register the building a complaint concerns (``buildings.services.building_create``,
    its fields in ``data``) and link the complaint to it, both or neither. A building the
    actor may not register, or one of another jurisdiction, is refused on ``address``."""
    locked = _lock_unlinked(actor, complaint)
    try:
        building = building_create(actor=actor, region=region, **data)
    except PermissionDenied as exc:
        raise ValidationError(
            {
                "address": "该地址不在您的管辖范围内，不能在此登记楼宇；"
                "请关联该地已登记的楼宇，将申诉移交该管辖范围。"
            }
        ) from exc
    return complaint_link_building(actor=actor, complaint=locked, building=building), building
