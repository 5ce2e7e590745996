import functools

from rest_framework.pagination import PageNumberPagination

from louyu.core.pagination import CappedPaginator


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class CappedPagination(Pagination):
    """Page-number pagination whose ``count`` stops at ``LIST_COUNT_CAP``: when more rows
    match, ``count`` is that cap (a lower bound) and ``count_is_estimate`` is true; every
    page stays reachable through ``next``."""

    django_paginator_class = functools.partial(CappedPaginator, beyond_cap=True)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.count_is_estimate
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "true 表示符合条件的记录多于 count（count 为下限）。",
        }
        return result
