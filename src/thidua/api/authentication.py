"""Token authentication for integrations: `Authorization: Token <key>` with a key from `thidua token create`.

Tokens are revocable and a user may have several (one per integration); see thidua.core.tokens.
The request then acts as the token's user, so every visible_to(request.user) filter scopes it.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from thidua.core.tokens import authenticate_key


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Token không hợp lệ: dạng đúng là 'Authorization: Token <khóa>'.")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Token không hợp lệ.") from None
        token = authenticate_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Token không hợp lệ hoặc đã bị thu hồi.")
        request.api_token = token
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "thidua.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token authentication: `Token <key>` (create a key with `thidua token create USER NAME`)."}
