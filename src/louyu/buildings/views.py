"""Staff pages of the building registry: list with filters and export, detail with presence,
and the create/edit forms. Views parse input, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from louyu.buildings import selectors, services
from louyu.buildings.conditions import conditions
from louyu.buildings.exports import EXPORT_MAX_ROWS, write_buildings_xlsx
from louyu.buildings.forms import FLAG_LABELS, BuildingFilterForm, BuildingForm, PresenceForm
from louyu.buildings.models import Building, PresenceSource, PresenceStatus
from louyu.buildings.permissions import can_upload_presence
from louyu.core.exports import audit_filters, xlsx_download
from louyu.core.forms import add_service_errors
from louyu.core.pagination import CappedPaginator, query_without_page
from louyu.core.scope import ScopeKind, scope_for
from louyu.core.selectors import jurisdiction_filter_choices

PAGE_SIZE = 25
MAP_MAX_POINTS = 500
STATUS_CSS = {
    PresenceStatus.SERVING: "ly-tag-done",
    PresenceStatus.BUILDING_IN: "ly-tag-open",
    PresenceStatus.REFUSED: "ly-tag-overdue",
    PresenceStatus.WITHDRAWN: "ly-tag-cancelled",
}


def _require_view(user) -> None:
    if not user.has_perm("buildings.view_building"):
        raise PermissionDenied


def _filter_form(request) -> BuildingFilterForm:
    user = request.user
    scope = scope_for(user)
    default = None
    if scope.kind == ScopeKind.JURISDICTION and user.organization is not None:
        default = user.organization.jurisdiction
    elif scope.is_operator and user.organization is not None:
        default = user.organization.jurisdiction
    return BuildingFilterForm(
        request.GET,
        jurisdictions=jurisdiction_filter_choices(user=user),
        operators=selectors.presence_operators(user=user),
        default_jurisdiction=default,
        operator_refusal=selectors.operator_filter_refusal(user=user),
    )


def _filtered(request, form: BuildingFilterForm):
    return selectors.building_filter(selectors.building_list(user=request.user), form.filters())


def _presence_cells(building, operators) -> list[dict]:
    by_operator = {p.operator_id: p for p in building.presences.all()}
    cells = []
    for operator in operators:
        presence = by_operator.get(operator.pk)
        cells.append(
            {
                "operator": operator,
                "presence": presence,
                "css": STATUS_CSS.get(presence.status, "") if presence else "",
            }
        )
    return cells


@login_required
@require_GET
def building_list(request):
    _require_view(request.user)
    form = _filter_form(request)
    form.prepare_region_choices()
    operators = list(selectors.presence_operators(user=request.user))
    queryset = selectors.with_presence(_filtered(request, form), user=request.user)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "building": building,
            "presences": _presence_cells(building, operators),
            "flags": [
                FLAG_LABELS[flag] for flag in selectors.FLAG_FIELDS if getattr(building, flag)
            ],
        }
        for building in page
    ]
    return render(
        request,
        "buildings/list.html",
        {
            "nav_active": "buildings",
            "form": form,
            "page": page,
            "rows": rows,
            "operators": operators,
            "query": query_without_page(request),
            "can_export": request.user.has_perm("buildings.export_building"),
            "can_add": request.user.has_perm("buildings.add_building"),
            "can_upload_presence": can_upload_presence(request.user),
            "advanced_open": any(
                form.data.get(name)
                for name in [
                    *selectors.FLAG_FIELDS,
                    "operator",
                    *(condition.name for condition in conditions()),
                    "sort",
                ]
            ),
        },
    )


@login_required
@require_GET
def building_export(request):
    user = request.user
    _require_view(user)
    if not user.has_perm("buildings.export_building"):
        raise PermissionDenied
    form = _filter_form(request)
    queryset = _filtered(request, form)
    response, _rows, truncated = xlsx_download(
        actor=user,
        action="building.export",
        filters=audit_filters(form.filters().as_dict()),
        write=lambda out: write_buildings_xlsx(out, queryset, user=user),
        filename="buildings",
    )
    if truncated:
        messages.warning(request, _("仅导出前 %(max)d 栋楼宇。") % {"max": EXPORT_MAX_ROWS})
    return response


def _get_building(request, pk: int) -> Building:
    _require_view(request.user)
    try:
        return selectors.building_get(user=request.user, pk=pk)
    except Building.DoesNotExist:
        raise Http404 from None


def _presence_operators(user):
    """The operators whose presence the user may record: an operator's staff only their
    own operator, administration staff every basic operator."""
    if not user.has_perm("buildings.change_presence"):
        return []
    scope = scope_for(user)
    if scope.is_operator:
        own = user.organization.operator if user.organization else None
        return [own] if own is not None and own.is_basic_operator else []
    if scope.by_jurisdiction:
        return list(selectors.basic_operators())
    return []


def _map_points(request, building: Building) -> dict | None:
    """This building and the other located buildings of its county, as ECharts data."""
    if building.latitude is None or building.longitude is None:
        return None
    neighbours = (
        selectors.building_list(user=request.user)
        .filter(region_id=building.region_id, latitude__isnull=False, longitude__isnull=False)
        .exclude(pk=building.pk)
        .values_list("name", "longitude", "latitude", "operator_count")[:MAP_MAX_POINTS]
    )
    data = {
        "self": {
            "name": building.name,
            "value": [float(building.longitude), float(building.latitude)],
        },
        "others": [
            {"name": name, "value": [float(lon), float(lat), count]}
            for name, lon, lat, count in neighbours
        ],
        "labels": {
            "self": _("本楼宇"),
            "others": _("同区县其他楼宇"),
            "lon": _("经度"),
            "lat": _("纬度"),
        },
    }
    return data


def _detail_context(request, building: Building, presence_form: PresenceForm | None = None):
    user = request.user
    operators = list(selectors.presence_operators(user=user))
    allowed = _presence_operators(user)
    if presence_form is None and allowed:
        presence_form = PresenceForm(
            operators=allowed, initial={"since": timezone.localdate().isoformat()}
        )
    history = list(selectors.presence_history(user=user, building=building)[:100])
    for event in history:
        event.css = STATUS_CSS.get(event.new_status, "")
    return {
        "nav_active": "buildings",
        "building": building,
        "presences": _presence_cells(building, operators),
        "history": history,
        "flags": [(FLAG_LABELS[f], getattr(building, f)) for f in selectors.FLAG_FIELDS],
        "presence_form": presence_form,
        "can_edit": user.has_perm("buildings.change_building")
        and scope_for(user).can_see_jurisdiction(building.jurisdiction_id),
        "map_data": _map_points(request, building),
    }


@login_required
@require_GET
def building_detail(request, pk: int):
    building = _get_building(request, pk)
    return render(request, "buildings/detail.html", _detail_context(request, building))


@login_required
@require_POST
def presence_set(request, pk: int):
    building = _get_building(request, pk)
    user = request.user
    allowed = _presence_operators(user)
    if not allowed:
        raise PermissionDenied
    form = PresenceForm(request.POST, operators=allowed)
    if form.is_valid():
        source = (
            PresenceSource.OPERATOR_REPORT if scope_for(user).is_operator else PresenceSource.MANUAL
        )
        operator = form.cleaned_data["operator"]
        try:
            result = services.presence_set(
                actor=user,
                building=building,
                operator=operator,
                status=form.cleaned_data["status"],
                since=form.cleaned_data["since"],
                note=form.cleaned_data["note"],
                source=source,
            )
        except PermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result is None:
                messages.info(request, _("入驻情况没有变化。"))
            else:
                messages.success(
                    request,
                    _("已登记：%(operator)s %(status)s")
                    % {"operator": operator.name, "status": result.get_status_display()},
                )
            return redirect("buildings:detail", pk=building.pk)
    context = _detail_context(request, building, presence_form=form)
    return render(request, "buildings/detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def building_create(request):
    user = request.user
    if not user.has_perm("buildings.add_building"):
        raise PermissionDenied
    form = BuildingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            building = services.building_create(
                actor=user, region=form.cleaned_data["region"] or None, **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记楼宇：%(name)s") % {"name": building.name})
            return redirect("buildings:detail", pk=building.pk)
    return render(
        request,
        "buildings/form.html",
        {"nav_active": "buildings", "form": form, "building": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def building_edit(request, pk: int):
    building = _get_building(request, pk)
    user = request.user
    if not user.has_perm("buildings.change_building"):
        raise PermissionDenied
    if request.method == "POST":
        form = BuildingForm(request.POST)
    else:
        form = BuildingForm(initial=BuildingForm.initial_for(building))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        region = form.cleaned_data["region"]
        if region and region != building.region_id:
            data["region"] = region
        try:
            building = services.building_update(actor=user, building=building, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存楼宇：%(name)s") % {"name": building.name})
            return HttpResponseRedirect(reverse("buildings:detail", args=[building.pk]))
    return render(
        request,
        "buildings/form.html",
        {"nav_active": "buildings", "form": form, "building": building},
        status=400 if request.method == "POST" else 200,
    )
