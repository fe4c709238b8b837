"""Page-number pagination that refuses malformed page numbers.

DRF's PageNumberPagination treats `?page=` (empty) as page 1, so a request that violates the documented
`integer` type was answered 200. Here a present `page` must be a positive integer (or `last`); anything else
answers 404 like a page past the end does. The schema says so (`minimum: 1`).
"""

from rest_framework import pagination
from rest_framework.exceptions import NotFound


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
