"""OpenAPI post-processing: the answers every operation can give besides its own."""

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


def add_throttled_responses(result, generator, request, public):
    """List 429 on every operation: any of them can be throttled (``core.rest.throttling``)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", THROTTLED)
    return result
