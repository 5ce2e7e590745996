"""OpenAPI post-processing: the answers every operation can give besides its own, so that
a client generated from the schema knows every status code it can receive (what a
schemathesis run found is pinned in ``api/tests/test_schema_conformance.py``)."""

THROTTLED = {
    "description": (
        "请求过于频繁（本地址令牌认证失败过多，或未认证请求超过频率），请按 Retry-After 稍后再试"
    ),
    "headers": {
        "Retry-After": {
            "description": "多少秒后可以再试",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


BAD_INPUT = {"description": '参数或请求体有误：按字段列出原因（{"字段": ["原因"]}）'}
NOT_FOUND = {"description": "对象不存在或不在您的管辖范围内，或页码超出范围"}
UNAVAILABLE = {
    "description": "数据库暂时不可用，本次请求未生效：按 Retry-After 稍后重试",
    "headers": {"Retry-After": THROTTLED["headers"]["Retry-After"]},
}


def _takes_input(operation: dict) -> bool:
    parameters = operation.get("parameters", [])
    return "requestBody" in operation or any(p.get("in") == "query" for p in parameters)


def _addresses_objects(path: str, operation: dict) -> bool:
    """An object in the path, or a page number (beyond the last page is 404)."""
    parameters = operation.get("parameters", [])
    return "{" in path or any(p.get("in") == "query" and p["name"] == "page" for p in parameters)


def add_throttled_responses(result, generator, request, public):
    """List on every operation the answers any of them can give: 429 (throttled,
    ``core.rest.throttling``) and 503 (a transient database error, ``core.rest.errors``);
    400 where it takes parameters or a body, 404 where it names an object or a page."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            responses.setdefault("429", THROTTLED)
            responses.setdefault("503", UNAVAILABLE)
            if _takes_input(operation):
                responses.setdefault("400", BAD_INPUT)
            if _addresses_objects(path, operation):
                responses.setdefault("404", NOT_FOUND)
    return result
