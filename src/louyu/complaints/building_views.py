"""The pages of a complaint's building, afterwards: intake's building picker, linking a
complaint received with only an address to a registered building (with suggestions from
its address), registering the building from the complaint, and transferring a complaint
whose building lies in another jurisdiction. Thin over ``complaints.building_services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.buildings import selectors as building_selectors
from louyu.buildings.forms import BuildingForm
from louyu.complaints import selectors, services
from louyu.complaints import views as complaint_views
from louyu.complaints.building_services import (
    UNLINKABLE_STATES,
    complaint_link_building,
    complaint_register_building,
    complaint_transfer,
)
from louyu.complaints.forms import BuildingLinkForm
from louyu.complaints.models import Complaint
from louyu.core.errors import InvalidTransition
from louyu.core.forms import add_service_errors

SUGGEST_LIMIT = 10
CANDIDATE_LIMIT = 5
PICKER_PERMISSIONS = ("complaints.add_complaint", "complaints.change_complaint")


def _lookup(code: str):
    return building_selectors.intake_building(code=code)


@login_required
@require_GET
def building_suggest(request):
    """Intake's and the link's picker: any active building of the registry (a complaint may
    concern any), showing no more than its code, name and address."""
    user = request.user
    if not any(user.has_perm(p) for p in PICKER_PERMISSIONS):
        raise PermissionDenied
    rows = building_selectors.intake_building_suggest(request.GET.get("q", ""), limit=SUGGEST_LIMIT)
    return JsonResponse(
        {"results": [{"code": b.code, "name": b.name, "address": b.address} for b in rows]}
    )


def link_context(request, complaint: Complaint, *, can_handle: bool) -> dict:
    """What the complaint page offers when the complaint names no building: the link form,
    buildings whose address looks like the complaint's, and registering one."""
    if complaint.building_id or not can_handle or complaint.state in UNLINKABLE_STATES:
        return {}
    return {
        "link_form": BuildingLinkForm(building_lookup=_lookup, auto_id="id_link_%s"),
        "link_candidates": building_selectors.intake_address_candidates(
            complaint.address, limit=CANDIDATE_LIMIT
        ),
        "can_register_building": request.user.has_perm("buildings.add_building"),
    }


def _handled(request, pk: int) -> Complaint:
    complaint = complaint_views.get_complaint(request, pk)
    if not services.can_handle(request.user, complaint):
        raise PermissionDenied
    return complaint


def _after_link(request, complaint: Complaint):
    messages.success(
        request,
        _("已关联楼宇 %(name)s。核查属实的申诉可继续立案整治。")
        % {"name": complaint.building.name},
    )
    return redirect("complaints:detail", pk=complaint.pk)


@login_required
@require_POST
def complaint_link(request, pk: int):
    """Link the complaint to the building picked; a building of another jurisdiction asks to
    transfer the complaint there instead, and ``transfer`` confirms it."""
    complaint = _handled(request, pk)
    user = request.user
    form = BuildingLinkForm(request.POST, building_lookup=_lookup, auto_id="id_link_%s")
    if form.is_valid():
        building = form.cleaned_data["building_code"]
        transfer = building.jurisdiction_id != complaint.jurisdiction_id
        if transfer and not form.cleaned_data["transfer"]:
            return render(
                request,
                "complaints/building_transfer.html",
                {"nav_active": "complaints", "complaint": complaint, "building": building},
            )
        service = complaint_transfer if transfer else complaint_link_building
        try:
            linked = service(actor=user, complaint=complaint, building=building)
        except InvalidTransition as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc, building="building_code")
        else:
            if not transfer:
                return _after_link(request, linked)
            messages.success(
                request,
                _("申诉 %(code)s 已移交%(jurisdiction)s办理。")
                % {"code": linked.tracking_code, "jurisdiction": building.jurisdiction.name},
            )
            if selectors.complaint_list(user=user).filter(pk=linked.pk).exists():
                return redirect("complaints:detail", pk=linked.pk)
            return redirect("complaints:queue")
    return render(
        request,
        "complaints/building_link.html",
        {"nav_active": "complaints", "complaint": complaint, "form": form},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_building_new(request, pk: int):
    """Register the complaint's building from its address, and link the complaint to it."""
    complaint = _handled(request, pk)
    user = request.user
    if not user.has_perm("buildings.add_building"):
        raise PermissionDenied
    form = BuildingForm(request.POST or None, initial={"address": complaint.address})
    if request.method == "POST" and form.is_valid():
        try:
            linked, _building = complaint_register_building(
                actor=user,
                complaint=complaint,
                region=form.cleaned_data["region"] or None,
                **form.service_data(),
            )
        except InvalidTransition as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("complaints:detail", pk=complaint.pk)
        except ValidationError as exc:
            add_service_errors(form, exc, building="address")
        else:
            return _after_link(request, linked)
    return render(
        request,
        "buildings/form.html",
        {
            "nav_active": "complaints",
            "form": form,
            "building": None,
            "back_url": reverse("complaints:detail", args=[complaint.pk]),
            "back_label": complaint.tracking_code,
        },
        status=400 if request.method == "POST" else 200,
    )
