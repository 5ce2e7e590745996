"""What the cases app shows on the registry's and the complaints' pages: the building's
open case, and on a substantiated complaint the “立案整治” button (registered in
``CasesConfig.ready``, see ``louyu.core.panels``)."""

from __future__ import annotations

from louyu.cases import selectors
from louyu.cases.services.opening import CASE_OPENING_COMPLAINT_STATES, SUBSTANTIATED
from louyu.cases.services.permissions import can_manage_in

TEMPLATE = "cases/_building_case.html"


def _case_panel(request, building, complaint=None) -> dict | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("cases.view_case"):
        return None
    case = None
    if building is not None:
        case = selectors.open_case_of_building(user=user, building=building)
    can_open = complaint is not None and (
        complaint.state in CASE_OPENING_COMPLAINT_STATES
        and complaint.reply_result in SUBSTANTIATED
        and can_manage_in(user, complaint.jurisdiction_id)
    )
    if case is None and not can_open and complaint is not None:
        return None
    return {"case": case, "can_open": can_open, "complaint": complaint, "building": building}


def building_case_context(request, building) -> dict | None:
    return _case_panel(request, building)


def complaint_case_context(request, complaint) -> dict | None:
    building = complaint.building if complaint.building_id else None
    return _case_panel(request, building, complaint)
