"""The OpenAPI schema view: generated once per process, API version and language.

Generating it walks every endpoint and serializer (about a second of CPU); the public schema follows from the code
alone (no permission filtering, no server address taken from the request), so a process answers later requests
from the first one's result. A code change restarts the process."""

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    _generated: dict = {}  # (version, language, public) → schema

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language(), self.serve_public)
        schema = self._generated.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(data=schema,
                        headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})
