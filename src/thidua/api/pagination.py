"""Page-number pagination that refuses malformed page numbers.

DRF's PageNumberPagination treats `?page=` (empty) as page 1, so a request that violates the documented
`integer` type was answered 200. Here a present `page` must be a positive integer (or `last`); anything else
answers 404 like a page past the end does. The schema says so (`minimum: 1`).
"""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

from thidua.lib.keyset import InvalidCursor, KeysetPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    def get_page_number(self, request, paginator):
        if self.page_query_param in request.query_params:
            value = request.query_params[self.page_query_param]
            if value not in self.last_page_strings and not (value.isascii() and value.isdigit() and int(value) > 0):
                raise NotFound(self.invalid_page_message.format(page_number=value, message="not a positive integer"))
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class KeysetPagination(pagination.BasePagination):
    """Cursor pages for the large lists (awards, decisions, ratings, initiatives, people): `?cursor=` from the
    `next`/`previous` links, `?page_size=` up to 200. The list's own order, ended by the primary key, is the key
    (thidua.lib.keyset): a deep page costs what the first does and rows written meanwhile never shift a page.
    `count` is exact up to THIDUA_EXACT_COUNT_LIMIT rows, PostgreSQL's estimate above (`count_approximate`), or
    that limit with `count_more_than` when the estimate was no higher than the limit the selection had passed."""

    page_size, max_page_size = 50, 200
    cursor_query_param, page_size_query_param = "cursor", "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        size = request.query_params.get(self.page_size_query_param)
        if size is not None:
            if not (size.isascii() and size.isdigit() and 1 <= int(size) <= self.max_page_size):
                raise ValidationError({self.page_size_query_param: [
                    f"Số kết quả một trang phải là số nguyên từ 1 đến {self.max_page_size}."]})
            size = int(size)
        ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        # A view may hand its selection in two parts, the rows without a name search and that search (`sparse`,
        # see thidua.lib.keyset); `queryset` is then the two together.
        base, sparse = getattr(view, "keyset_split", (queryset, None))
        paginator = KeysetPaginator(base, ordering, size or self.page_size, sparse=sparse,
                                    by_value=getattr(view, "keyset_by_value", None))
        self.request = request
        try:
            self.page = paginator.page(request.query_params.get(self.cursor_query_param) or None)
        except InvalidCursor as exc:
            raise NotFound("Con trỏ trang (cursor) không hợp lệ: dùng liên kết next/previous của trang trước.") from exc
        return self.page.object_list

    def _link(self, cursor):
        if cursor is None:
            return None
        from rest_framework.utils.urls import replace_query_param

        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        from rest_framework.response import Response

        return Response({"count": self.page.count.value, "count_approximate": self.page.count.approximate,
                         "count_more_than": self.page.count.more_than,
                         "next": self._link(self.page.next_cursor), "previous": self._link(self.page.previous_cursor),
                         "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "count_approximate", "count_more_than", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123,
                          "description": "rows of the selection: exact, or an estimate when count_approximate"},
                "count_approximate": {"type": "boolean"},
                "count_more_than": {"type": "boolean",
                                    "description": "the selection has more than `count` rows (no closer figure)"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "the page after/before another: from that page's next/previous link",
             "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"results per page (default {self.page_size})",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]
