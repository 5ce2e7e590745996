"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) in JSON and XML.

- One service per active problem category (service_code = category code).
- ``POST requests`` needs an ``api_key``: the API token of the submitting system's user,
  who must hold ``complaints.add_complaint``; the complaint is registered through
  ``services.complaint_create`` with channel ``open311`` and that user as actor.
- ``GET requests`` is public, as the spec intends: every *accepted* complaint, with only
  its public fields (tracking code, category, state, the redacted public text — never the
  complainant's own description, see ``public_text`` — address of the building, dates,
  handling agency). Never the complainant's name, phone, company or address. At most
  ``PAGE_SIZE`` requests per answer, the next ones with ``page=2, 3, …``; an answer is kept
  in the cache for ``LOUYU_OPEN311_CACHE_SECONDS``, and answers not in the cache are
  limited for all clients together (``LOUYU_PUBLIC_RATE_LIMITS["open311_feed"]``), so
  anonymous clients cannot crowd out the staff's work.
- Errors use the spec's format (``[{"code": 400, "description": "…"}]`` or
  ``<errors><error>…``) with the HTTP status 400, 403 or 404, and 429 with
  ``Retry-After`` past the per-address limit (``LOUYU_PUBLIC_RATE_LIMITS["open311_ip"]``)
  or after too many wrong ``api_key`` values (the API's ``token_failure`` rate).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import xml.etree.ElementTree as ET
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from louyu.buildings import selectors as building_selectors
from louyu.complaints import services
from louyu.complaints.models import Category, Channel, Complaint
from louyu.complaints.services import Intake
from louyu.complaints.workflow import FINAL_STATES
from louyu.core import ratelimit
from louyu.core.api_tokens import token_expired
from louyu.core.middleware import client_ip
from louyu.core.rest.authentication import token_with_user
from louyu.core.rest.throttling import rate

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+08:00"
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
PAGE_SIZE = 100
DEFAULT_WINDOW = datetime.timedelta(days=90)
# Intake field names → the Open311 parameter a client sent.
FIELD_NAMES = {
    "complainant_name": "first_name/last_name",
    "complainant_phone": "phone",
    "address": "address_string",
    "description": "description",
}
SERVICE_NOTICE = "申诉已收到，管理局将在五个工作日内决定是否受理。请凭受理编号查询办理进度。"

# Names of list items in XML, by the name of the list (the spec's element names).
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


# --- Rendering ----------------------------------------------------------------------------


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child_name = XML_ITEMS.get(element.tag, "item")
        for item in value:
            _xml_fill(ET.SubElement(element, child_name), item)
    else:
        element.text = _xml_value(value)


def render(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """``data`` as JSON, or as XML under the element ``root`` (lists become repeated
    elements named as in the spec: services/service, service_requests/request, …)."""
    if fmt == "xml":
        element = ET.Element(root)
        _xml_fill(element, data)
        body = ET.tostring(element, encoding="UTF-8", xml_declaration=True)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def too_many(fmt: str, wait: int) -> HttpResponse:
    response = error(fmt, 429, f"请求过于频繁，请 {wait} 秒后再试。")
    response["Retry-After"] = str(wait)
    return response


def throttled(view):
    """Count the request against the per-address limit; 429 past it."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        limit = settings.LOUYU_PUBLIC_RATE_LIMITS["open311_ip"]
        if wait := ratelimit.hit("open311_ip", client_ip(request) or "unknown", limit):
            return too_many(fmt, wait)
        return view(request, *args, fmt=fmt, **kwargs)

    return wrapper


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- Reads (public) -----------------------------------------------------------------------


def service_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("sort_order", "code")


def public_requests() -> QuerySet[Complaint]:
    """Every accepted complaint, for the public fields of GET requests only (see module
    docstring): one not yet accepted, or refused, is not public."""
    return (
        Complaint.objects.filter(accepted_at__isnull=False)
        .select_related("category", "handler", "building")
        .annotate(updated=Max("status_changes__created_at"))
        .order_by("-received_at", "-id")
    )


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(filter(None, [category.code, category.name])),
        "group": category.get_lead_department_display(),
    }


def _request(complaint: Complaint) -> dict[str, Any]:
    building = complaint.building
    closed = complaint.state in FINAL_STATES
    return {
        "service_request_id": complaint.tracking_code,
        "status": "closed" if closed else "open",
        "status_notes": complaint.get_state_display(),
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": complaint.public_description,
        "agency_responsible": complaint.handler.name,
        "service_notice": "",
        "requested_datetime": _iso(complaint.received_at),
        "updated_datetime": _iso(getattr(complaint, "updated", None) or complaint.created_at),
        "expected_datetime": _iso(complaint.current_due_at),
        "address": complaint.address,
        "address_id": building.code if building else "",
        "zipcode": "",
        "lat": float(building.latitude) if building and building.latitude is not None else None,
        "long": float(building.longitude) if building and building.longitude is not None else None,
        "media_url": "",
    }


def _date_param(request: HttpRequest, name: str) -> datetime.datetime | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        try:
            value = datetime.datetime.combine(datetime.date.fromisoformat(raw), datetime.time.min)
        except ValueError:
            raise ValidationError(
                f"{name} 不是 ISO 8601 日期时间（如 2026-01-01T00:00:00Z）。"
            ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- Views --------------------------------------------------------------------------------


@require_GET
@throttled
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    base = base.rsplit("/", 1)[0] + "/"
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": "工业和信息化部信息通信管理局",
            "key_service": "API 密钥（api_key）由管理局签发：louyu api-token USERNAME",
            "endpoints": [
                {
                    "specification": SPEC_URL,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@require_GET
@throttled
def services_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", [_service(c) for c in service_list()])


@require_GET
@throttled
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = service_list().filter(code=code).first()
    if category is None:
        return error(fmt, 404, f"未知的 service_code：{code}")
    operators = [
        {"key": o.operator_key, "name": o.short_name or o.name}
        for o in building_selectors.basic_operators()
    ]
    return render(
        fmt,
        "service_definition",
        {
            "service_code": category.code,
            "attributes": [
                {
                    "variable": True,
                    "code": "building_code",
                    "datatype": "string",
                    "required": False,
                    "datatype_description": "楼宇编码（可选；不填则按 address_string 识别）",
                    "order": 1,
                    "description": "楼宇编码",
                    "values": [],
                },
                {
                    "variable": True,
                    "code": "operator",
                    "datatype": "singlevaluelist",
                    "required": False,
                    "datatype_description": "被申诉的基础电信企业（可选）",
                    "order": 2,
                    "description": "被申诉企业",
                    "values": operators,
                },
            ],
        },
    )


def _page_param(request: HttpRequest) -> int:
    raw = (request.GET.get("page") or "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise ValidationError("page 必须是 1 到 100000 之间的整数。")
    return int(raw)


def _cached(request: HttpRequest, fmt: str, build) -> HttpResponse:
    """``build()``'s answer, shared by identical queries for ``LOUYU_OPEN311_CACHE_SECONDS``;
    building one counts against the limit for all clients together (429 past it)."""
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
    key = "open311:" + hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        status, body = cached
        return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    limit = settings.LOUYU_PUBLIC_RATE_LIMITS["open311_feed"]
    if wait := ratelimit.hit("open311_feed", "all", limit):
        return too_many(fmt, wait)
    response = build()
    if response.status_code == 200:
        cache.set(key, (200, response.content), settings.LOUYU_OPEN311_CACHE_SECONDS)
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
@throttled
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _cached(request, fmt, lambda: _request_list(request, fmt))


def _request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    qs = public_requests()
    try:
        page = _page_param(request)
    except ValidationError as exc:
        return error(fmt, 400, exc.messages[0])
    ids = [i.strip() for i in (request.GET.get("service_request_id") or "").split(",") if i]
    if ids:
        qs = qs.filter(tracking_code__in=ids[:PAGE_SIZE])
    else:
        try:
            start, end = _date_param(request, "start_date"), _date_param(request, "end_date")
        except ValidationError as exc:
            return error(fmt, 400, exc.messages[0])
        if start is None and end is None:
            start = timezone.now() - DEFAULT_WINDOW
        if start is not None:
            qs = qs.filter(received_at__gte=start)
        if end is not None:
            qs = qs.filter(received_at__lte=end)
        codes = [c.strip() for c in (request.GET.get("service_code") or "").split(",") if c]
        if codes:
            qs = qs.filter(category__code__in=codes)
        statuses = {v.strip() for v in (request.GET.get("status") or "").split(",") if v}
        if statuses - {"open", "closed"}:
            return error(fmt, 400, "status 只能是 open 或 closed。")
        if statuses == {"open"}:
            qs = qs.exclude(state__in=FINAL_STATES)
        elif statuses == {"closed"}:
            qs = qs.filter(state__in=FINAL_STATES)
    offset = (page - 1) * PAGE_SIZE
    return render(fmt, "service_requests", [_request(c) for c in qs[offset : offset + PAGE_SIZE]])


@require_GET
@throttled
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    complaint = public_requests().filter(tracking_code=request_id).first()
    if complaint is None:
        return error(fmt, 404, f"未找到申诉：{request_id}")
    return render(fmt, "service_requests", [_request(complaint)])


def _token_user(api_key: str):
    if not api_key:
        return None
    token = token_with_user(api_key)
    if token is None or not token.user.is_active or token_expired(token.created):
        return None
    if not token.user.has_perm("complaints.add_complaint"):
        return None
    return token.user


def _complainant_name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"  # Chinese order: family name first, no space
    return " ".join(filter(None, [first, last]))


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    address = client_ip(request) or "unknown"
    if wait := ratelimit.blocked("token_failure", address, rate("token_failure")):
        return too_many(fmt, wait)
    user = _token_user((data.get("api_key") or "").strip())
    if user is None:
        ratelimit.hit("token_failure", address, rate("token_failure"))
        return error(fmt, 403, "api_key 无效，或该密钥的用户无登记申诉权限。")
    category = service_list().filter(code=(data.get("service_code") or "").strip()).first()
    if category is None:
        return error(fmt, 404, "未知的 service_code。")
    building = None
    building_code = (data.get("attribute[building_code]") or "").strip()
    if building_code:
        building = building_selectors.building_list(user=user).filter(code=building_code).first()
        if building is None:
            return error(fmt, 400, "attribute[building_code]：楼宇编码不存在或不在管辖范围内。")
    operator = None
    operator_key = (data.get("attribute[operator]") or "").strip()
    if operator_key:
        operator = building_selectors.basic_operators().filter(operator_key=operator_key).first()
        if operator is None:
            return error(fmt, 400, "attribute[operator]：未知的基础电信企业标识。")
    address = (data.get("address_string") or "").strip()
    if building is None and not address:
        # Coordinates alone cannot be resolved to a jurisdiction yet.
        return error(fmt, 400, "address_string：请填写地址（暂不支持仅凭经纬度定位）。")
    try:
        complaint, _secret = services.complaint_create(
            actor=user,
            intake=Intake(
                channel=Channel.OPEN311,
                category=category,
                description=data.get("description") or "",
                complainant_name=_complainant_name(
                    data.get("first_name") or "", data.get("last_name") or ""
                ),
                complainant_phone=data.get("phone") or "",
                building=building,
                address=address,
                operator=operator,
            ),
        )
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        description = "；".join(
            f"{FIELD_NAMES.get(field, field)}：{' '.join(texts)}" if field else " ".join(texts)
            for field, texts in messages.items()
        )
        return error(fmt, 400, description)
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": complaint.tracking_code,
                "service_notice": SERVICE_NOTICE,
                "account_id": None,
            }
        ],
        status=201,
    )
