"""The building's open case as a panel for other apps' pages (building detail, complaint
detail), with the complaint page's “立案整治” button."""

from django import template

from louyu.cases import selectors, services

register = template.Library()


@register.inclusion_tag("cases/_building_case.html", takes_context=True)
def building_case_panel(context, building, complaint=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    result = {"case": None, "can_open": False, "complaint": complaint, "building": building}
    if user is None or not user.is_authenticated or not user.has_perm("cases.view_case"):
        return result
    if building is not None:
        result["case"] = selectors.open_case_of_building(user=user, building=building)
    if complaint is not None:
        result["can_open"] = (
            complaint.state in services.CASE_OPENING_COMPLAINT_STATES
            and complaint.reply_result in services.SUBSTANTIATED
            and services.can_manage_in(user, complaint.jurisdiction_id)
        )
    result["show"] = result["case"] is not None or result["can_open"] or complaint is None
    return result
