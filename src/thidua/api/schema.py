"""OpenAPI generation: every operation documents the error answers the API actually gives.

drf-spectacular documents only the success code (200). The API also answers 400 (invalid parameters or body:
DRF's ValidationError, an object of field → messages), 401 (no or bad credentials: `{"detail": …}` with a
`WWW-Authenticate: Token` header), 403 (authenticated but not allowed) and 404 (an object outside the user's
scope, an unknown id, or a page past the end: `{"detail": …}`); a throttled public endpoint also answers 429. Documenting them lets clients, and the
schemathesis run of `make api-fuzz`, tell a documented refusal from an undocumented one.
"""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Field name → list of messages (or a message), `non_field_errors` for the whole input.",
    "additionalProperties": {},
}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        has_input = bool(self._get_request_body()) if self.method in ("POST", "PUT", "PATCH") else False
        has_query = bool(self.get_override_parameters()) or self._is_list_view() or "{" in self.path
        extra = {}
        if has_input or has_query:
            extra["400"] = _json("Invalid parameters or request body.", FIELD_ERRORS)
        if self.get_auth():
            extra["401"] = _json("Authentication credentials were not provided or are not valid.", DETAIL)
            extra["403"] = _json("The user may not perform this action.", DETAIL)
        extra["404"] = _json("Not found: an unknown id, an object outside the user's scope, or a page past the end.",
                             DETAIL)
        if getattr(self.view, "public_throttle", None):  # core.throttle: per client address, with Retry-After
            extra["429"] = _json("Too many requests from this address; retry after the Retry-After seconds.", DETAIL)
        for code, response in extra.items():
            responses.setdefault(code, response)
        return responses
